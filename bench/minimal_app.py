"""The framework's floor: a Bolt app that only acks /avvik and opens an empty modal, and acks a
view submission. Served by the same gunicorn settings as the bot, with the same listener pool
(BENCH_LISTENER_THREADS, the bot's own number), so the ratio between the two is what Avviksboten
itself costs.

With FLOOR_DATABASE_URL set, each submission also makes one bare INSERT in a transaction of its
own: the database's floor, the least a stored submission can cost on that backend.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], token_verification_enabled=False,
          listener_executor=ThreadPoolExecutor(max_workers=int(os.environ.get("BENCH_LISTENER_THREADS", "5"))))

_engine = None
if os.environ.get("FLOOR_DATABASE_URL"):
    from sqlalchemy import create_engine, text

    _engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_size=5, max_overflow=10)
    _insert = text("INSERT INTO floor_submissions (view_id, created_at) VALUES (:view_id, now())")


@app.command("/avvik")
def on_command(ack, body, client):  # type: ignore[no-untyped-def]
    ack()
    client.views_open(trigger_id=body["trigger_id"], view={
        "type": "modal", "callback_id": "registration", "title": {"type": "plain_text", "text": "Meld avvik"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]})


@app.view("registration")
def on_submit(ack, body):  # type: ignore[no-untyped-def]
    if _engine is not None:
        with _engine.begin() as connection:
            connection.execute(_insert, {"view_id": body["view"]["id"]})
    ack()


handler = SlackRequestHandler(app)


def application(environ, start_response):  # type: ignore[no-untyped-def]
    return handler(environ, start_response)
