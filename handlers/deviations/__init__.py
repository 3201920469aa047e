"""Slack for deviations: the card in the leader channel (blocks.py), and its ledger senders: the card
posted once and updated in place, and the HMS alert (senders.py).
"""
