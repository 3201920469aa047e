"""Slack side of the anonymous reporter's dialogue (issue 20)."""
