"""Reminders: who is reminded of what and when (rules.py: remind after N workdays, again after M,
escalate after K reminders without progress); the reminder job, with escalations and the leaders'
weekly summary (jobs.py); the office's weekly feedback digest (digest.py); and what those messages
read when they are sent (outbox.py).
"""
