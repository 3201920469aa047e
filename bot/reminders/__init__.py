"""Reminders: who is reminded of what and when, in workdays (rules.py); the scheduler's reminder job,
with escalations and the leaders' weekly summary (jobs.py); and the office's weekly feedback
digest (digest.py).
"""
