"""Slack for App Home and help: «Meld avvik», the person's own cases, and what, how and where to
report.
"""
