"""Slack for a person's own view: App Home («Meld avvik», their own deviations, help: what, how and
where to report), `/avvik mine` and `/avvik status REF`.
"""
