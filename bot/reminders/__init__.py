"""Reminders: who is reminded of what and when (rules.py: remind after N workdays, again after M,
escalate after K reminders without progress); the reminder job, with escalations and the leaders'
weekly summary (jobs.py); and the office's weekly feedback digest (digest.py).
"""
