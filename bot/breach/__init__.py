"""Personal-data breaches: the 72-hour track from discovery to a decision on notifying Datatilsynet."""
