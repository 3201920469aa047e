"""Retention: a closed case's free text is erased after the office's retention period; its
statistics stay, the erasure is in the audit log, and the leader channel's card follows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.deviations.retention import ERASED, purge, run_daily
from bot.deviations.rules import Command
from bot.deviations.workflow import transition
from bot.office import OfficeDirectory, Retention
from store import deviations as store
from store.models import Action, Deviation
from tests.support.flows import ANSWERS, register, text_of
from tests.support.servers import run_cli

FEEDBACK, LESSON, NOTE = "Rutinen er endret, takk for meldingen.", "Sjekklister virker.", "Ikke behov for tiltak."
ACTION_TEXT, DONE_NOTE = "Lag sjekkliste for vedtaksbrev", "Sjekkliste laget"


def _close(bot, clock, deviation_id: int) -> None:
    """The leaders assess the case (no actions needed) and close it with feedback and a lesson."""
    services, office = bot.services, bot.services.offices.office[0]

    def assess(deviation):
        deviation.assessment_note = NOTE

    def close(deviation):
        deviation.closure_feedback, deviation.lesson, deviation.closed_at = FEEDBACK, LESSON, clock.now()

    for command, change in ((Command.ASSESS_WITHOUT_ACTIONS, assess), (Command.CLOSE, close)):
        moved = transition(services.db, clock, office, deviation_id, command, actor_id="U0LEADER1", change=change)
        services.messenger.deliver(moved.ledger_ids)


def _deviations(bot) -> dict[str, Deviation]:
    with bot.services.db.transaction() as session:
        return {c.reference: c for c in session.scalars(select(Deviation).order_by(Deviation.id))}


def _two_deviations_one_closed(bot, clock) -> tuple[Deviation, Deviation]:
    today = clock.now().date().isoformat()
    register(bot, view_id="VKEEP1", occurred_on=today)
    register(bot, view_id="VKEEP2", occurred_on=today, title="Fortsatt åpen sak")
    bot.fake.settle()
    closed, still_open = _deviations(bot).values()
    with bot.services.db.transaction() as session:  # a corrective action, as the leaders assigned it
        session.add(Action(deviation_id=closed.id, term="kort", description=ACTION_TEXT, owner_id="U0OWNER1",
                           due_on=date(2026, 12, 1), state="utfort", completion_note=DONE_NOTE,
                           created_at=clock.now(), finished_at=clock.now()))
    _close(bot, clock, closed.id)
    deviations = _deviations(bot)
    return deviations[closed.reference], deviations[still_open.reference]


def test_closed_cases_lose_their_free_text_after_two_years_and_keep_their_statistics(bot, clock):
    closed, still_open = _two_deviations_one_closed(bot, clock)
    db, offices = bot.services.db, bot.services.offices
    with db.transaction() as session:  # the audit log holds a leader's words too (a reason, say)
        store.record_event(session, office_id=closed.office_id, kind="merknad", at=clock.now(), actor_id="U0LEADER1",
                           deviation=store.by_id(session, closed.id),
                           detail={"reason": "Brukeren ringte og klaget", "category": "lokal_rutine", "actions": 1})

    clock.advance(days=729)
    assert purge(db, clock, offices) == []
    clock.advance(days=2)
    [due] = purge(db, clock, offices, dry_run=True)
    assert due.reference == closed.reference
    assert set(due.fields) >= {"title", "what_happened", "closure_feedback", "lesson", "actions.description"}
    run_daily(bot.services)  # the scheduler's nightly job

    after = _deviations(bot)
    deviation = after[closed.reference]
    assert deviation.title == deviation.category == "lokal_rutine"
    assert (deviation.what_happened, deviation.immediate_action, deviation.suggested_action) == (None, None, None)
    assert (deviation.assessment_note, deviation.closure_feedback, deviation.lesson) == (None, None, None)
    assert deviation.text_erased_at == clock.now()
    # The statistics stay: what kind of case, where it went, how serious, when, and what was done.
    for column in ("reference", "kind", "category", "destination", "severity", "citizen_rights", "state",
                   "occurred_on", "created_at", "assessed_at", "closed_at", "reporter_id"):
        assert getattr(deviation, column) == getattr(closed, column), column
    with db.transaction() as session:
        [action] = session.scalars(select(Action)).all()
        assert (action.term, action.state, action.owner_id, action.due_on) == ("kort", "utfort", "U0OWNER1",
                                                                                date(2026, 12, 1))
        assert (action.description, action.completion_note) == ("", None)
        events = store.events_of(session, deviation.id)
    assert [(e.kind, e.actor_id) for e in events][-1] == (ERASED, None)
    assert events[-1].detail["after_days"] == 730
    assert [e.detail for e in events if e.kind == "merknad"] == [{"category": "lokal_rutine", "actions": 1}]
    assert [e.kind for e in events[:3]] == ["registrert", "vurdert_uten_tiltak", "lukket"]  # who and when stay

    assert after[still_open.reference].what_happened == ANSWERS["what_happened"]  # open cases keep everything
    assert purge(db, clock, offices) == []  # done once

    update = bot.fake.wait_for("chat.update", where=lambda c: ANSWERS["title"] not in text_of(c.params))[-1]
    shown = text_of(update.params)
    assert closed.reference in shown
    assert not any(text in shown for text in (ANSWERS["what_happened"], ANSWERS["title"], FEEDBACK))


def test_the_office_config_sets_the_retention_period(bot, clock):
    closed, _ = _two_deviations_one_closed(bot, clock)
    office = bot.services.offices.office[0]
    short = OfficeDirectory(office=(office.model_copy(update={"retention": Retention(erase_free_text_after_days=30)}),))
    clock.advance(days=31)
    assert purge(bot.services.db, clock, bot.services.offices) == []
    assert [e.reference for e in purge(bot.services.db, clock, short)] == [closed.reference]


def test_purge_dry_run_lists_what_would_go_and_changes_nothing(bot, clock, tmp_path):
    clock.advance(days=-800)  # the case was closed long ago; the command runs now
    closed, _ = _two_deviations_one_closed(bot, clock)
    url = bot.services.db.url

    dry = run_cli(bot.fake, url, tmp_path, "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"{closed.reference} (closed {clock.now().date().isoformat()}): would erase title" in dry.stdout
    assert "1 closed case(s) due for erasure; nothing changed (dry run)" in dry.stdout
    assert ANSWERS["what_happened"] not in dry.stdout
    assert _deviations(bot)[closed.reference].what_happened == ANSWERS["what_happened"]

    real = run_cli(bot.fake, url, tmp_path, "purge")
    assert real.returncode == 0, real.stderr
    assert f"{closed.reference} (closed" in real.stdout and "erased title" in real.stdout
    assert "erased the free text of 1 closed case(s); statistics kept" in real.stdout
    assert _deviations(bot)[closed.reference].what_happened is None
    assert "0 closed case(s) due" in run_cli(bot.fake, url, tmp_path, "purge", "--dry-run").stdout


def test_the_erasure_runs_daily_in_the_scheduler(bot):
    from bot.scheduler import create_scheduler

    job = create_scheduler(bot.services).get_job("erase_free_text")
    assert job is not None and "hour='3'" in str(job.trigger)


def test_the_retention_period_runs_from_closure_not_from_registration(bot, db, clock):
    """DESIGN.md: free text is erased a retention period after the case was *closed*. A case that
    stayed open for years keeps its text for the whole period after it finally closed."""
    from datetime import timedelta

    from tests.support import seeding

    now = clock.now()
    long_open = seeding.add_deviation(db, now - timedelta(days=3 * 365), title="Lenge åpen")
    seeding.close(db, long_open, now - timedelta(days=10), feedback="Endelig lukket.")
    long_closed = seeding.add_deviation(db, now - timedelta(days=3 * 365), title="Lenge lukket")
    seeding.close(db, long_closed, now - timedelta(days=731), feedback="Lukket for lenge siden.")

    run_daily(bot.services)  # the scheduler's nightly job

    with db.transaction() as session:
        kept, erased = store.by_id(session, long_open), store.by_id(session, long_closed)
        assert (kept.title, kept.closure_feedback, kept.text_erased_at) == ("Lenge åpen", "Endelig lukket.", None)
        assert kept.what_happened is not None
        assert (erased.what_happened, erased.closure_feedback, erased.text_erased_at) == (None, None, now)


def test_who_last_chose_an_office_is_forgotten_after_the_retention_period(bot, clock):
    """Issue 24's remembered «Kontor»: a person's id and an office, kept no longer than the office keeps words."""
    from datetime import timedelta

    from store.models import OfficeChoice

    office = bot.services.offices.office[0]
    days = office.retention.erase_free_text_after_days
    with bot.services.db.transaction() as session:
        session.add(OfficeChoice(team_id="T0TEAM", user_id="U0OLDCHOICE", office_id=office.id,
                                 updated_at=clock.now() - timedelta(days=days + 1)))
        session.add(OfficeChoice(team_id="T0TEAM", user_id="U0RECENT", office_id=office.id,
                                 updated_at=clock.now() - timedelta(days=days - 1)))
    purge(bot.services.db, clock, bot.services.offices, dry_run=True)
    with bot.services.db.reading() as session:
        assert len(session.scalars(select(OfficeChoice)).all()) == 2  # a dry run forgets nothing
    purge(bot.services.db, clock, bot.services.offices)
    with bot.services.db.reading() as session:
        assert [c.user_id for c in session.scalars(select(OfficeChoice))] == ["U0RECENT"]
