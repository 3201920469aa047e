"""Deviations: the states and the closure rules (rules.py: seed 000 «Lukking av avvik», a deviation
closes only once assessed and every action is done, a `hoy` one with the leader group's decision;
and issue 22's risk: sannsynlighet × konsekvens, its colour, and listing open cases by risk then age),
moving a deviation through them in one transaction (workflow.py), the audit log of refusals
(audit.py), erasing free text after closure (retention.py), and what the ledger's messages about a
deviation read when they are sent (outbox.py).
"""
