"""Users' stories through signed HTTP requests, the way Slack sends them, against the Web API fake."""
