"""Kvalitetssystemet (seed 002): seasons, target groups, the four areas, scores and trends (rules.py),
running rounds and measures (service.py), and the period report's quality section (report.py).
"""
