"""The framework's floor: a Bolt app that only acks /avvik and opens an empty modal, and acks a
view submission. Served by the same gunicorn settings as the bot, so the ratio between the two
is what Avviksboten itself costs."""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], token_verification_enabled=False)


@app.command("/avvik")
def on_command(ack, body, client):  # type: ignore[no-untyped-def]
    ack()
    client.views_open(trigger_id=body["trigger_id"], view={
        "type": "modal", "callback_id": "registration", "title": {"type": "plain_text", "text": "Meld avvik"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]})


@app.view("registration")
def on_submit(ack):  # type: ignore[no-untyped-def]
    ack()


handler = SlackRequestHandler(app)


def application(environ, start_response):  # type: ignore[no-untyped-def]
    return handler(environ, start_response)
