"""Seed 000's process all the way (issue 16): closure that means the work was done, leaders who
judge, reporters who hear back. Through signed HTTP as Slack sends it, against the Web API fake."""

from __future__ import annotations

from handlers import ids
from tests.support.flows import text_of
from tests.support.leader_flows import (
    LEADER,
    ONE_ACTION,
    OTHER_LEADER,
    OWNER,
    add_action_row,
    assess,
    audit,
    button_value,
    buttons,
    card,
    dms_to,
    press,
    report,
    stored,
    submit,
    wait_for_thread,
)


def settled(bot) -> None:
    """Every message the bot has started to send has arrived (before asserting that one did not)."""
    bot.services.messenger.wait_idle()
    bot.fake.settle(quiet=0.3)


def _drop_only_action(bot, deviation_id: int, reason: str, *, user: str = LEADER) -> None:
    drop = press(bot, ids.DROP_ACTION, deviation_id, user=user)
    [choice] = drop["blocks"][1]["element"]["options"]
    assert submit(bot, drop, {"action": choice["value"], "reason": reason}, user=user) is None


# --- 1. dropped actions are not done actions ------------------------------------------------------

def test_dropping_the_only_action_sends_the_case_back_to_assessment_not_to_closure(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None
    _drop_only_action(bot, deviation.id, "Malen byttes ut sentralt uansett.")

    lines = wait_for_thread(bot, 3)
    assert "Tiltak forkastet" in lines[-2]
    assert "tilbake til vurdering" in lines[-1] and "klar for lukking" not in lines[-1]
    assert stored(bot, deviation.id).state == "registrert"
    assert "Registrert" in card(bot)["text"] and buttons(card(bot)) == ["Vurder"]
    assert audit(bot, deviation.id)[-1] == ("tilbake_til_vurdering", LEADER, "tiltak_pagar", "registrert")
    notice = press(bot, ids.CLOSE, deviation.id)
    assert notice["callback_id"] == ids.NOTICE_VIEW and "ikke lukkes" in text_of(notice)
    settled(bot)
    assert not [c for c in bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == OTHER_LEADER)
                if "klar for lukking" in text_of(c.params)]

    # The leaders decide anew: a new action, carried out this time; now the case may close, and the
    # closure modal asks for the result with the done and the dropped action in view.
    second = {**ONE_ACTION, "action_0_description": "Ny sjekkliste for begrunnelse"}
    assert assess(bot, deviation.id, second) is None
    dm = dms_to(bot, OWNER, 3)[-1]  # assigned, dropped, assigned
    form = press(bot, ids.ACTION_DONE, button_value(dm, ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Sjekklisten er tatt i bruk."}, user=OWNER) is None
    wait_for_thread(bot, 6)
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    closure = press(bot, ids.CLOSE, deviation.id)
    shown = text_of(closure)
    assert "Hva ble resultatet av tiltakene?" in shown
    assert "Gå gjennom malen for vedtaksbrev" in shown and "Forkastet" in shown
    assert "Ny sjekkliste for begrunnelse" in shown and "Utført" in shown


def test_the_leader_who_drops_the_last_action_is_not_told_the_case_is_ready(bot):
    deviation = report(bot)
    two = {**ONE_ACTION, "responsible": LEADER, "action_1_term": "lang", "action_1_description": "Opplæring",
           "action_1_owner": OWNER, "action_1_due_on": "2026-12-15"}
    view = press(bot, ids.ASSESS, deviation.id)
    view = add_action_row(bot, view, two)
    assert submit(bot, view, two) is None
    first = dms_to(bot, OWNER, 2)[0]
    form = press(bot, ids.ACTION_DONE, button_value(first, ids.ACTION_DONE), user=OWNER)
    assert submit(bot, form, {"note": "Gjort."}, user=OWNER) is None
    wait_for_thread(bot, 2)
    _drop_only_action(bot, deviation.id, "Dekkes av fylkets opplæring.")
    lines = wait_for_thread(bot, 4)
    assert "klar for lukking" in lines[-1]
    assert stored(bot, deviation.id).state == "klar_for_lukking"
    settled(bot)
    assert bot.fake.of("chat.postMessage", lambda c: c.params["channel"] == LEADER) == []
