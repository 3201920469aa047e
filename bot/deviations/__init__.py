"""Cases: the deviation's states and closure rules (rules.py), moving a case (workflow.py), the audit
log of refusals (audit.py), and retention after closure (retention.py).
"""
