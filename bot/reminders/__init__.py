"""Reminders: who is reminded of what and when, in workdays (rules.py), the scheduler's planning of
reminders, the weekly summary and the feedback digest (jobs.py), and what those messages read when they are
sent (outbox.py).
"""
