"""Learning (issue 23): the training case as a poll, the discussion questions."""
