"""Running the bot: what `avvik-bot check` and start-up verify, and the health Slack reports."""
