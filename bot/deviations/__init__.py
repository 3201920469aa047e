"""Deviations: the states and the closure rules (rules.py: «closure needs every action done»), moving
a deviation through them (workflow.py), the audit log of refusals (audit.py), and erasing free text
after closure (retention.py).
"""
