"""Plain rules, tested without Slack or a database: states, routing, reminders, periods, workdays,
the catalogue, the ledger's vocabulary and the layout of the code."""
