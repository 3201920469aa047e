"""What the tests stand on: the Slack Web API fake, the signed-request client, real serve processes,
seeding and the users' flows."""
