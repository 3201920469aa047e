"""Issue 25: Kvalitetssystemet (seed 002) between rounds, through signed requests with the scheduler's
clock set: one round at a time, empty and late rounds, overdue measures reach the leaders once, the
office reads only shareable tags, and the small refusals of the review form."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.quality import service as quality_service
from bot.quality.jobs import scheduled_rounds
from bot.quality.rules import Area, Scope, Season
from store import quality as store
from store.models import QualityReview
from tests.scenarios.test_quality import (  # noqa: F401  (office_config: the reviewers' fixture)
    LEADER,
    LEADER_CHANNEL,
    OFFICE_CHANNEL,
    REVIEWERS,
    answers,
    office_config,
    oslo,
    review,
)
from tests.support import seeding
from tests.support.flows import posted_to, text_of

OFFICE = "lillehammer-gausdal"


def kvalitet(bot, text: str, user: str = LEADER) -> str:
    response = bot.client.command(text, command="/kvalitet", user=user)
    assert response.status == 200
    return response.body


def open_rounds(bot) -> list[tuple[str, int]]:
    with bot.services.db.transaction() as session:
        return [(r.season, r.year) for r in store.open_rounds(session, OFFICE)]


def posts(bot, channel: str, marker: str = "") -> list[str]:
    bot.services.messenger.wait_idle()
    bot.fake.settle()
    return [text_of(p) for p in posted_to(bot.fake, channel) if marker in text_of(p)]


# --- 1. one round at a time ------------------------------------------------------------------

def test_a_leader_asking_for_spring_in_december_is_told_which_round_runs_and_spring_opens_on_1_march(bot, clock):
    clock.set(oslo(2026, 11, 30, 9))
    kvalitet(bot, "ny")  # autumn 2026, opened late: runs until 29 January
    clock.set(oslo(2026, 12, 10, 10))

    early = kvalitet(bot, "ny vår")
    assert "*Kvalitetsmåling høst 2026* pågår til 29.01.2027" in early
    assert "Kvalitetsmåling vår 2027 åpner av seg selv 01.03.2027" in early
    assert open_rounds(bot) == [("host", 2026)]

    # Every command on «the round» acts on the running one, and names it.
    before = len(bot.fake.of("views.open"))
    kvalitet(bot, "", user="U0REV1")
    form = bot.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert "Kvalitetsmåling høst 2026" in text_of(form)
    assert "Kvalitetsmåling høst 2026" in kvalitet(bot, "status")
    assert "Kvalitetsmåling høst 2026 er avsluttet uten gjennomganger" in kvalitet(bot, "lukk")
    assert open_rounds(bot) == []

    clock.set(oslo(2027, 3, 1))  # Monday: the seed's spring measurement opens
    assert len(scheduled_rounds(bot.services).opened) == 1
    assert open_rounds(bot) == [("var", 2027)]
    for reviewer in REVIEWERS:
        assert posts(bot, reviewer, "Kvalitetsmåling vår 2027")


def test_the_scheduler_closes_a_round_that_ended_before_it_opens_the_next_one(bot, clock):
    services, office = bot.services, bot.services.offices.office[0]
    clock.set(oslo(2026, 12, 1))
    late = quality_service.open_round(services.db, clock, office, Season.AUTUMN, 2026, opened_by=LEADER,
                                      reviewers=REVIEWERS)
    with services.db.transaction() as session:  # a round left open past its end (say the scheduler was down)
        store.by_id(session, late.round_id).closes_on = date(2027, 3, 1)
    clock.set(oslo(2027, 3, 1, 10))
    assert "*Kvalitetsmåling høst 2026* pågår til 01.03.2027" in kvalitet(bot, "ny vår")
    assert open_rounds(bot) == [("host", 2026)]
    clock.set(oslo(2027, 3, 2))
    run = scheduled_rounds(services)
    assert (run.closed, len(run.opened)) == ([late.round_id], 1)
    assert open_rounds(bot) == [("var", 2027)]


# --- 4. an empty round, a late round -----------------------------------------------------------

def test_an_empty_round_posts_nothing_to_the_office_and_the_leaders_hear_it_ended_empty(bot, clock):
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    clock.set(oslo(2027, 5, 3))
    assert len(scheduled_rounds(bot.services).closed) == 1
    assert posts(bot, OFFICE_CHANNEL) == []
    [note] = posts(bot, LEADER_CHANNEL, "uten gjennomganger")
    assert "*Kvalitetsmåling vår 2027* er avsluttet uten gjennomganger" in note
    assert "Helhetsvurdering" not in "".join(posts(bot, LEADER_CHANNEL))


def test_a_round_opened_after_its_period_says_so_and_how_long_it_lasts(bot, clock):
    clock.set(oslo(2026, 11, 30, 9))
    assert "åpnet etter perioden; varer til 29.01.2027" in kvalitet(bot, "ny")
    clock.set(oslo(2027, 3, 1, 9))
    assert "åpnet etter perioden" not in kvalitet(bot, "ny vår")


# --- 3. overdue measures reach the leaders, once ----------------------------------------------------

def test_the_leaders_hear_once_of_a_measure_past_its_due_date(bot, clock):
    services, office = bot.services, bot.services.offices.office[0]
    clock.set(oslo(2027, 3, 2))
    opened = quality_service.open_round(services.db, clock, office, Season.SPRING, 2027, opened_by=LEADER,
                                        reviewers=REVIEWERS)
    form = quality_service.MeasureForm("Porteføljesamtaler med fokus på struktur", Area.PROGRESS, Scope.OFFICE,
                                       "U0REV2", date(2027, 3, 19))
    quality_service.create_measure(services.db, clock, office, opened.round_id, form, created_by=LEADER)

    clock.set(oslo(2027, 3, 22))  # Monday after the due date: the owner hears, the leaders not yet
    scheduled_rounds(services)
    assert posts(bot, "U0REV2", "Fristen for tiltaket")
    assert posts(bot, LEADER_CHANNEL, "passert fristen") == []
    clock.set(oslo(2027, 3, 24))  # two workdays after the owner's first reminder
    scheduled_rounds(services)
    assert posts(bot, LEADER_CHANNEL, "passert fristen") == []
    for moment in (oslo(2027, 3, 30), oslo(2027, 3, 31), oslo(2027, 4, 6)):  # after Easter: three workdays on
        clock.set(moment)
        scheduled_rounds(services)
        scheduled_rounds(services)
    [told] = posts(bot, LEADER_CHANNEL, "passert fristen")
    assert "Tiltaket fra *Kvalitetsmåling vår 2027* (Fremdrift) har passert fristen 19.03.2027" in told
    assert "Porteføljesamtaler med fokus på struktur" in told and "Ansvarlig: <@U0REV2>" in told


# --- 5. only preset themes and approved tags reach the office ----------------------------------------

def test_the_office_reads_only_preset_themes_and_tags_a_leader_approved(bot, clock):
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    clock.set(oslo(2027, 3, 10, 10))
    tags = {Area.MAPPING: "Tett kontakt, Kari fra Gausdal, planlagte møter"}
    review(bot, "U0REV1", dict.fromkeys(Area, "3"), tags)
    review(bot, "U0REV2", dict.fromkeys(Area, "4"), tags)

    listing = kvalitet(bot, "stikkord")
    assert "Venter på godkjenning (siste måling): kari fra gausdal, planlagte møter" in listing
    assert "bare ledere" in kvalitet(bot, "stikkord godkjenn kari fra gausdal", user="U0REV1")
    assert "«planlagte møter» er godkjent" in kvalitet(bot, "stikkord godkjenn Planlagte møter")

    clock.set(oslo(2027, 5, 3))
    scheduled_rounds(bot.services)
    [office_post] = posts(bot, OFFICE_CHANNEL)
    assert "tett kontakt (2)" in office_post and "planlagte møter (2)" in office_post
    assert "kari" not in office_post.lower()
    [leaders] = posts(bot, LEADER_CHANNEL, "Helhetsvurdering")
    assert "kari fra gausdal (2)" in leaders  # the leaders see the reviewers' tags as typed


# --- 6. the review form's refusals, the report's withheld lessons -------------------------------------

def test_a_national_id_in_a_review_is_refused_in_the_reviews_own_words(bot, clock):
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    kvalitet(bot, "", user="U0REV1")
    form = bot.fake.wait_for("views.open")[-1].params["view"]
    values = answers(dict.fromkeys(Area, "3")) | {"fremdrift.less_well": "Bruker 15108695088 fikk ikke svar."}
    error = bot.client.submit(form, values, user="U0REV1", view_id="VFNR").json()["errors"]["fremdrift.less_well"]
    assert "gjennomgangen skal ikke inneholde personopplysninger" in error
    assert "avviksmeldinger" not in error


def test_a_review_form_resubmitted_by_someone_else_is_never_thanked_for_the_first_reviewers_work(bot, clock):
    """Issue 25 found «Takk! … 0 av 5» for a form someone else sent again. A submission is now keyed by
    its view and its sender (issue 15), so another person's copy finds nothing of the first review:
    someone who is no reviewer is refused, and a reviewer's copy is their own review, counted as theirs."""
    clock.set(oslo(2027, 3, 1))
    scheduled_rounds(bot.services)
    kvalitet(bot, "", user="U0REV1")
    form = bot.fake.wait_for("views.open")[-1].params["view"]
    values = answers(dict.fromkeys(Area, "3"))
    assert "1 av 5" in text_of(bot.client.submit(form, values, user="U0REV1", view_id="VREV1").json()["view"])

    stranger = bot.client.submit(form, values, user="U0STAFF9", view_id="VREV1").json()
    assert "errors" in stranger and "Takk" not in str(stranger)
    assert "ikke satt opp som deltaker" in str(stranger["errors"])
    reviewer = bot.client.submit(form, values, user="U0REV2", view_id="VREV1").json()
    assert "1 av 5" in text_of(reviewer["view"])  # their own first review, not the first reviewer's
    with bot.services.db.transaction() as session:
        reviews = session.scalars(select(QualityReview)).all()
    assert sorted(r.reviewer_id for r in reviews) == ["U0REV1", "U0REV2"]


def test_the_reports_lessons_count_says_how_many_are_withheld(bot, clock):
    db, at = bot.services.db, datetime(2026, 3, 10, 9, tzinfo=oslo(2026, 3, 10).tzinfo)
    shown = seeding.add_deviation(db, at)
    seeding.close(db, shown, at, feedback="Sjekkliste innført.", lesson="Sjekklisten virker.")
    for _ in range(2):
        hidden = seeding.add_deviation(db, at, category="hms", destination="asys")
        seeding.close(db, hidden, at, feedback="Fulgt opp i ASYS.", lesson="Alarmen må testes.")
    clock.set(oslo(2026, 4, 2, 10))
    assert bot.client.command("rapport 2026-03", user=LEADER).status == 200
    [dm] = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADER)
    assert "Erfaring til virksomhetsplanen: *1* + 2 holdt tilbake (HMS/ASYS)" in text_of(dm.params)
    bot.fake.wait_for("files.completeUploadExternal")  # the chart follows the report
