"""Slack for leaders: the card's buttons and the leaders' modals, the action DMs, the thread and
closure feedback, and `/avvik oversikt`, `mine`, `status`.
"""
