"""Routing: where each category is reported (rules.py, seed 000 «Hvor melder jeg hva?»: information
security and HMS to ASYS, the Social Services Act to TQM, …, and which categories alert the leaders
at once), and the external reference of a deviation reported elsewhere, with who may add it
(service.py).
"""
