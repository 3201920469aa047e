"""What a hostile or unlucky client sends: duplicated deliveries, someone else's view id, forged or
monstrous private_metadata, a workspace no office is set up for. Never a 5xx, never someone else's
case, never a message of the bot's overwritten where the request says."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from bot.i18n import t
from handlers import ids
from store.models import Action, Deviation
from tests.support.flows import ANSWERS, open_form, register, text_of
from tests.support.leader_flows import LEADER_CHANNEL, ONE_ACTION, OWNER, assess, button_value, dms_to, press, report
from tests.support.slack_client import TEAM, fill


def _deviations(bot) -> list[Deviation]:
    with bot.services.db.transaction() as session:
        return list(session.scalars(select(Deviation)))


def test_concurrent_deliveries_of_one_submission_answer_with_the_one_case(bot):
    """Slack retries a submission it thinks timed out while the first delivery still runs."""
    view = open_form(bot)
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0STAFF1"}, "api_app_id": "A0AVVIK",
               "view": {**view, "id": "VTWICE", "state": {"values": fill(view, ANSWERS)}}}
    start = threading.Barrier(6)
    answers: list = []

    def deliver() -> None:
        start.wait()
        answers.append(bot.client.interaction(payload))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status for a in answers] == [200] * 6, [a.body[:200] for a in answers]
    assert all("AVV-2026-0001" in text_of(a.json()["view"]) for a in answers)
    assert len(_deviations(bot)) == 1
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    assert len(bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == LEADER_CHANNEL)) == 1


def test_a_view_id_sent_by_someone_else_reveals_nothing_of_their_case(bot):
    mine = register(bot, user="U0STAFF1", view_id="VSHARED", title="Brev til Ola sendt feil")
    assert "AVV-2026-0001" in text_of(mine["view"])

    theirs = register(bot, user="U0STAFF2", view_id="VSHARED", title="Skjema manglet")
    shown = json.dumps(theirs, ensure_ascii=False)
    assert "AVV-2026-0001" not in shown and "Ola" not in shown
    assert "AVV-2026-0002" in text_of(theirs["view"])  # their own form, stored as their own case


def _owner_completion(bot) -> tuple[Deviation, dict]:
    """A case with one action; its owner presses «Utført» in their DM: the completion modal."""
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None
    [owner_dm] = dms_to(bot, OWNER)
    view = press(bot, ids.ACTION_DONE, button_value(owner_dm, ids.ACTION_DONE), user=OWNER,
                 container={"type": "message", "channel_id": "D0OWNER1", "message_ts": "1700000000.000900"})
    assert view["callback_id"] == ids.COMPLETION_VIEW
    with bot.services.db.transaction() as session:
        return session.get(Deviation, deviation.id), view


@pytest.mark.parametrize("forge", ["unsealed", "edited"])
def test_forged_metadata_cannot_make_the_bot_overwrite_the_leader_card(bot, forge):
    deviation, view = _owner_completion(bot)
    with bot.services.db.transaction() as session:
        action_id = session.scalars(select(Action.id)).one()
    sealed = view["private_metadata"]
    if forge == "unsealed":  # as the bot wrote it before metadata was sealed, pointing at the card
        metadata = json.dumps({"action": action_id, "channel": deviation.card_channel, "ts": deviation.card_ts})
    else:  # the sealed metadata with its channel and ts swapped for the card's
        metadata = sealed.replace("D0OWNER1", deviation.card_channel).replace("1700000000.000900", deviation.card_ts)
        assert metadata != sealed
    answer = bot.client.submit({**view, "private_metadata": metadata}, {"note": "Gjort."}, user=OWNER)
    assert answer.status == 200
    bot.services.messenger.wait_idle()
    bot.fake.settle()

    done_text = t("action.now_utfort")
    overwritten = bot.fake.of("chat.update", lambda c: c.params["channel"] == LEADER_CHANNEL
                              and c.params.get("text") == done_text)
    assert overwritten == []
    assert not bot.fake.of("chat.update", lambda c: c.params.get("ts") == deviation.card_ts
                           and "Utført" in text_of(c.params) and "Vurder" not in text_of(c.params)
                           and c.params.get("text") == done_text)


def test_the_sealed_metadata_still_updates_the_owners_own_dm(bot):
    _, view = _owner_completion(bot)
    assert bot.client.submit(view, {"note": "Gjort."}, user=OWNER).status == 200
    update = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == "D0OWNER1")[0].params
    assert update["ts"] == "1700000000.000900" and update["text"] == t("action.now_utfort")


@pytest.mark.parametrize("metadata", [
    '{"case":' * 30_000 + "1" + "}" * 30_000,  # nested far past Python's recursion limit
    "[" * 2_900,
    '{"case": ' + "9" * 4000 + "}",  # past Slack's 3000 characters
    json.dumps({"case": {"$gt": 0}, "rows": list(range(10_000))}),
    json.dumps({"case": True, "action": -1, "round": "1; DROP TABLE"}),
    "0~\x80",  # a «seal» that is not ASCII (Hypothesis found it: it was a 500)
    '{"case":1}~' + "é" * 32,
    '{"case":1}~\ud800',  # a lone surrogate, as JSON can carry one
])
@pytest.mark.parametrize("callback_id", [ids.ASSESSMENT_VIEW, ids.CLOSURE_VIEW, ids.COMPLETION_VIEW,
                                         ids.EXTERNAL_REFERENCE_VIEW, ids.QUALITY_REVIEW, ids.QUALITY_MEASURE])
def test_monstrous_metadata_gets_the_bots_own_error(bot, metadata, callback_id):
    deviation = report(bot)
    view = {"id": "VMONSTER", "type": "modal", "callback_id": callback_id, "blocks": [],
            "private_metadata": metadata, "state": {"values": {}}}
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0LEADER1"},
               "api_app_id": "A0AVVIK", "view": view}
    answer = bot.client.interaction(payload)
    assert answer.status == 200, answer.body[:300]
    assert answer.json()["response_action"] == "errors"
    assert [d.state for d in _deviations(bot)] == [deviation.state]


def test_forged_metadata_cannot_make_the_bot_overwrite_an_office_channel_post_with_a_receipt(bot):
    from tests.scenarios.test_routing import _press_in_dm, _receipt_dm, _report, _submit_reference

    _report(bot, "informasjonssikkerhet")
    assert _press_in_dm(bot, _receipt_dm(bot)).status == 200
    form = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    [deviation] = _deviations(bot)
    office_post = {"channel": "C0OFFICE", "ts": "1700000000.000777"}  # say, a major case's feedback
    form["private_metadata"] = json.dumps({"case": deviation.id, "message": office_post})
    assert _submit_reference(bot, form, "ASYS-2026-9")["response_action"] == "update"  # the reference is kept
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    assert bot.fake.of("chat.update", lambda c: c.params["channel"] == "C0OFFICE") == []
