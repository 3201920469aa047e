"""What people see of their cases: `/avvik mine`, `/avvik status REF`, `/avvik oversikt`, App Home."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Event
from tests.support.flows import text_of
from tests.support.leader_flows import COLLEAGUE, LEADER, NO_ACTION, ONE_ACTION, STAFF, assess, report


def _answer(bot, text, user):
    response = bot.client.command(text, user=user)
    assert response.status == 200
    return response.json()


def test_mine_lists_my_own_cases_and_their_state_but_never_anonymous_ones(bot):
    first = report(bot, title="Vedtak uten begrunnelse")
    report(bot, title="Anonym melding om rutine", anonymous=["anonymous"])
    report(bot, title="Kollegaens sak", user=COLLEAGUE)
    assert assess(bot, first.id, ONE_ACTION) is None

    text = text_of(_answer(bot, "mine", STAFF))
    assert "AVV-2026-0001" in text and "Vedtak uten begrunnelse" in text and "Tiltak pågår" in text
    assert "Anonym melding" not in text and "Kollegaens sak" not in text
    assert "ikke meldt noen avvik" in text_of(_answer(bot, "mine", "U0NOBODY"))


def test_status_shows_a_case_to_its_reporter_and_to_leaders_only(bot):
    deviation = report(bot)
    assert assess(bot, deviation.id, ONE_ACTION) is None

    mine = text_of(_answer(bot, f"status {deviation.reference.lower()}", STAFF))
    assert deviation.reference in mine and "Tiltak pågår" in mine
    assert "Gå gjennom malen for vedtaksbrev" in mine and "<@" not in mine  # owners are for leaders
    leader = text_of(_answer(bot, f"status {deviation.reference}", LEADER))
    assert "<@U0OWNER1>" in leader
    other = text_of(_answer(bot, f"status {deviation.reference}", COLLEAGUE))
    assert "Fant ikke noe avvik" in other and "Tiltak pågår" not in other
    assert "Fant ikke noe avvik" in text_of(_answer(bot, "status AVV-2026-9999", LEADER))
    assert "Skriv referansen" in text_of(_answer(bot, "status", STAFF))


def test_overview_is_for_leaders_and_lists_open_cases_by_state_oldest_first(bot, clock):
    old = report(bot, title="Eldste sak")
    clock.advance(days=3)
    newer = report(bot, title="Nyere sak")
    clock.advance(days=1)
    ready = report(bot, title="Klar sak")
    assert assess(bot, ready.id, NO_ACTION) is None

    refused = text_of(_answer(bot, "oversikt", STAFF))
    assert "bare ledere" in refused and "Eldste sak" not in refused
    with bot.services.db.transaction() as session:
        refusals = session.scalars(select(Event).where(Event.kind == "ikke_tilgang")).all()
        assert [(e.actor_id, e.deviation_id, e.detail["attempt"]) for e in refusals] == [(STAFF, None, "oversikt")]

    text = text_of(_answer(bot, "oversikt", LEADER))
    assert text.index("*Registrert* (2)") < text.index("Eldste sak") < text.index("Nyere sak")
    assert text.index("Nyere sak") < text.index("*Klar for lukking* (1)") < text.index("Klar sak")
    assert "(for 4 dager siden)" in text
    assert old.reference in text and newer.reference in text


def test_app_home_shows_my_cases_and_to_leaders_the_overview(bot):
    report(bot, title="Min sak")
    for user, sees_overview in ((STAFF, False), (LEADER, True)):
        before = len(bot.fake.of("views.publish"))
        assert bot.client.event({"type": "app_home_opened", "user": user, "tab": "home"},
                                event_id=f"Ev{user}").status == 200
        view = bot.fake.wait_for("views.publish", before + 1)[-1].params["view"]
        text = text_of(view)
        assert "Meld avvik" in text
        assert ("Min sak" in text.split("Åpne avvik")[0]) is (user == STAFF)
        assert ("Åpne avvik" in text) is sees_overview
