"""Slack for leaders: the card's buttons and the leaders' modals, the action DMs, the thread and
closure feedback, and the overview (`/avvik oversikt`, and on a leader's App Home).
"""
