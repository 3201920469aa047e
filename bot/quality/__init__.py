"""Kvalitetssystemet (seed 002): rounds, reviews and scores (rules.py), running rounds and measures
(service.py), the period report's quality section (report.py), and what the rounds' ledger messages read
when they are sent (outbox.py).
"""
