"""Running the bot: processes, settings, deployment, logs, replicas, crashes, outages and Slack faults."""
