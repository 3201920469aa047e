"""Cases: the deviation's states and closure rules (rules.py), moving a case (workflow.py), the audit
log of refusals (audit.py), retention after closure (retention.py), and what the ledger's messages about a
deviation read when they are sent (outbox.py).
"""
