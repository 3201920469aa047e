"""Slack for registration: the form and receipt (blocks.py), the shortcuts, App Home's button and the
submission (listeners.py), and the receipt DM (senders.py).
"""
