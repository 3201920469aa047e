"""Folded into store/deviations.py (issue 14): the two names handlers/leaders/senders.py still reads."""

# removed once senders stop querying the store
from store.deviations import action_by_id as action_by_id
from store.deviations import event_by_id as event_by_id
