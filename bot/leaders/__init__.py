"""Leaders: who is a leader (directory.py), the assessment and closure forms (forms.py), the
leaders' use cases, each checked on the server: assess (with risk and cause), change the risk,
finish an action, close, reopen (service.py), and what their ledger messages read when they are sent (outbox.py).
"""
