"""Slack for reminders: the reminders by DM, escalations, the weekly summary and the feedback digest."""
