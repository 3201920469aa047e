"""Leaders: who is a leader (directory.py), the assessment and closure forms (forms.py), and the
leaders' use cases: assess, finish an action, close, reopen (service.py).
"""
