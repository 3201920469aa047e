"""Reminders: who is reminded of what and when, in workdays (rules.py), and the scheduler's planning of
reminders, the weekly summary and the feedback digest (jobs.py).
"""
