"""Leaders: who is a leader (directory.py), the assessment and closure forms (forms.py), and the
leaders' use cases, each checked on the server: assess, finish an action, close, reopen
(service.py).
"""
