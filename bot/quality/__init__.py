"""Kvalitetssystemet (seed 002): seasons, target groups, the four areas, scores and trends (rules.py),
running rounds and measures (service.py), the workday pass that opens, closes and reminds
(jobs.py), the period report's quality section (report.py), and what the rounds' ledger messages
read when they are sent (outbox.py).
"""
