"""«Har tiltaket virket?»: the question by DM, its reminders, the answer's modal (issue 22)."""
