"""Slack for cases: the case card in the leader channel (blocks.py) and its ledger senders
(senders.py).
"""
