"""Kvalitetssystemet (seed 002): rounds, reviews and scores (rules.py), running rounds and measures
(service.py), and the period report's quality section (report.py).
"""
