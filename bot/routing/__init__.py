"""Routing: where each category is reported (rules.py, seed 000 «Hvor melder jeg hva?»), and the
external reference of a case reported elsewhere (service.py).
"""
