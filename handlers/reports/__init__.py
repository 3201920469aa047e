"""Slack for reports: `/avvik rapport [periode]` as a direct message with its chart."""
