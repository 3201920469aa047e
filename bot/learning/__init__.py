"""Learning (issue 23): seed 000 as teaching material — the training case as a poll, the month's
discussion question — and seed 002's «deling av gode grep mellom medarbeidere»."""
