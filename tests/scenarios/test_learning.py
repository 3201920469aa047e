"""Issue 23: a learning office, through signed requests as Slack sends them.

Seed 000's training case as a poll (`/avvik øvelse`): five people vote, a double vote is refused, a
changed vote counts once, a leader's «Vis svar» shows the seed's answer and the tally, and afterwards
no table holds a user id. The month's discussion question: once per month across two schedulers,
moved from a non-workday to the next workday.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from wsgiref.simple_server import make_server
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import WsgiApp, create_app
from bot.scheduler import create_scheduler
from bot.services import build_services
from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers import install_senders
from store.db import Database
from store.models import Base, Exercise, ExerciseVote, LedgerEntry
from tests.conftest import SIGNING_SECRET, Bot, _QuietHandler, _ThreadingWSGIServer, make_settings
from tests.support.flows import posted_to, text_of, wait_until
from tests.support.slack_client import SlackClient

LEADER, STAFF = "U0LEADER1", "U0STAFF1"
CHANNEL = "C0GENERAL"
VOTERS = ["U0VOTER1", "U0VOTER2", "U0VOTER3", "U0VOTER4", "U0VOTER5"]
OSLO = ZoneInfo("Europe/Oslo")


def avvik(bot, text: str, user: str = LEADER, channel: str = CHANNEL) -> str:
    response = bot.client.command(text, user=user, channel=channel)
    assert response.status == 200
    return text_of(response.json()) if response.body.startswith("{") else response.body


def the_poll(bot) -> dict:
    """The poll, once posted (the ledger sends it after the command's ack), with its ts stored."""
    [poll] = bot.fake.wait_for("chat.postMessage", 1, lambda c: c.params.get("channel") == CHANNEL
                               and "Skal det meldes avvik her?" in text_of(c.params))
    wait_until(lambda: poll_ts(bot) is not None)
    return poll.params


def poll_ts(bot) -> str | None:
    with bot.services.db.reading() as session:
        return session.scalars(select(Exercise.message_ts)).one_or_none()


def exercise_id(bot) -> int:
    with bot.services.db.reading() as session:
        return session.scalars(select(Exercise.id)).one()


def press(bot, user: str, action_id: str, ts: str) -> str:
    """A button in the poll; returns what only that person was told (an ephemeral message)."""
    before = len(bot.fake.of("chat.postEphemeral", lambda c: c.params.get("user") == user))
    response = bot.client.click(action_id, value=str(exercise_id(bot)), user=user,
                                container={"type": "message", "channel_id": CHANNEL, "message_ts": ts})
    assert response.status == 200
    told = bot.fake.wait_for("chat.postEphemeral", before + 1, lambda c: c.params.get("user") == user)
    return told[-1].params["text"]


def vote(bot, user: str, question: str, answer: str, ts: str) -> str:
    return press(bot, user, f"exercise_vote:{question}:{answer}", ts)


def updates(bot) -> list[str]:
    return [text_of(c.params) for c in bot.fake.of("chat.update", lambda c: c.params.get("channel") == CHANNEL)]


def every_value(db: Database) -> str:
    """Every cell of every table, as text: what «no user id left in any table» is checked against."""
    with db.reading() as session:
        return "\n".join(repr(tuple(row)) for table in Base.metadata.sorted_tables
                         for row in session.execute(table.select()))


def test_an_exercise_from_post_to_reveal_counts_each_voter_once_and_leaves_no_user_id(bot):
    assert "legges ut i kanalen" in avvik(bot, "øvelse")
    poll = the_poll(bot)
    shown = text_of(poll)
    assert "Skal det meldes ifra om avvik her?" in shown  # the seed's question, as the seed asks it
    assert "Barneverntjenesten kaller deg inn på en samtale" in shown
    assert "Hvor skal det meldes?" in shown
    assert "Det framgår ikke" not in shown  # the answer waits for «Vis svar»
    ts = poll_ts(bot)

    for voter in VOTERS[:4]:
        assert "Takk!" in vote(bot, voter, "meldes", "ja", ts)
    assert "Takk!" in vote(bot, VOTERS[4], "meldes", "nei", ts)
    assert "allerede svart «Ja»" in vote(bot, VOTERS[0], "meldes", "ja", ts)  # a double vote is refused
    assert "endret til «Ja»" in vote(bot, VOTERS[4], "meldes", "ja", ts)  # changed: counted once
    for voter in VOTERS[:3]:
        vote(bot, voter, "hvor", "tqm", ts)
    vote(bot, VOTERS[3], "hvor", "asys", ts)
    assert "endret" in vote(bot, VOTERS[3], "hvor", "kontoret", ts)
    wait_until(lambda: any("Stemmer så langt: 5 på" in u and "4 på «Hvor" in u for u in updates(bot)))
    assert not any("U0VOTER" in u for u in updates(bot))  # the poll shows counts, never who

    assert "Bare lederne" in press(bot, STAFF, "exercise_reveal", ts)
    assert "Det framgår ikke" not in "\n".join(updates(bot))

    bot.client.click("exercise_reveal", value=str(exercise_id(bot)), user=LEADER,
                     container={"type": "message", "channel_id": CHANNEL, "message_ts": ts})
    bot.fake.wait_for("chat.update", 1, lambda c: "Hva svarte" in text_of(c.params))
    revealed = updates(bot)[-1]
    assert "Hva svarte veilederne på kontoret?" in revealed
    assert ("Det framgår ikke om gutten fått tilbud om tjenesten opplysning, råd og veiledning - med vedtak - etter "
            "sosialtjenesteloven § 17.") in revealed
    assert "Ja, det skal meldes avvik" in revealed and "«Lov om sosiale tjenester i NAV»" in revealed
    assert "Ja: 5 · Nei: 0" in revealed
    assert "TQM (Lillehammer kommune): 3" in revealed and "Avviksboten (kontorets eget avvikssystem): 1" in revealed
    assert "exercise_vote" not in str(bot.fake.of("chat.update")[-1].params["blocks"])  # no more buttons

    with bot.services.db.reading() as session:
        assert session.scalars(select(ExerciseVote)).all() == []
        assert session.scalars(select(Exercise.vote_key)).one() is None
    stored = every_value(bot.services.db)
    assert not [user for user in [*VOTERS, LEADER, STAFF] if user in stored], "a user id is left in a table"

    assert "allerede vist" in vote(bot, VOTERS[0], "meldes", "nei", ts)


def test_the_reveal_survives_a_failed_slack_call(bot, clock):
    avvik(bot, "øvelse")
    the_poll(bot)
    ts = poll_ts(bot)
    vote(bot, VOTERS[0], "meldes", "nei", ts)
    bot.fake.settle(quiet=0.1)
    bot.fake.fail("chat.update", error="internal_error")
    bot.client.click("exercise_reveal", value=str(exercise_id(bot)), user=LEADER,
                     container={"type": "message", "channel_id": CHANNEL, "message_ts": ts})
    bot.fake.wait_for("chat.update", failed=True, where=lambda c: not c.ok)
    bot.services.messenger.wait_idle()
    assert not any("Hva svarte veilederne" in u for u in updates(bot))

    clock.advance(minutes=5)  # the scheduler's next delivery run
    bot.services.messenger.deliver()
    bot.fake.wait_for("chat.update", 1, lambda c: "Hva svarte" in text_of(c.params))
    assert "Ja: 0 · Nei: 1" in updates(bot)[-1]


def test_the_bot_says_so_in_norwegian_when_it_is_not_in_the_channel(bot):
    bot.fake.uninvited.add("C0ELSEWHERE")
    answer = avvik(bot, "øvelse", channel="C0ELSEWHERE")
    assert "Avviksboten er ikke med i denne kanalen" in answer and "/invite @Avviksboten" in answer
    with bot.services.db.reading() as session:
        assert session.scalars(select(Exercise)).all() == []


def test_only_leaders_post_an_exercise_and_an_unknown_case_is_named(bot):
    assert "leder" in avvik(bot, "øvelse", user=STAFF).lower()
    assert "`forms-2019`" in avvik(bot, "øvelse sommerjobb")
    bot.fake.settle(quiet=0.2)
    assert not posted_to(bot.fake, CHANNEL)


def test_the_ten_questions_for_a_staff_meeting(bot):
    shown = avvik(bot, "drøfting", user=STAFF)
    assert "DRØFTING RUNDT 10 SPØRSMÅL OM AVVIKSHÅNDTERING" in shown
    assert "1. Hva er et avvik?" in shown
    assert "10. Hvordan få avvikshåndtering til å bli en del av virksomhetsplaneringen?" in shown


# --- the month's discussion question ------------------------------------------------------------

def oslo(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=OSLO).astimezone(UTC)


def run_two_schedulers(bot, clock, slack, office_config) -> None:
    """Two scheduler processes' «discussion» jobs, at once, each with its own engine and messenger."""
    jobs, both = [], []
    for _ in range(2):
        services = build_services(make_settings(slack, bot.services.db.url, office_config), clock=clock,
                                  db=Database(bot.services.db.url))
        install_senders(services.messenger)
        job = create_scheduler(services).get_job("discussion:lillehammer-gausdal")
        jobs.append(threading.Thread(target=job.func, args=job.args))
        both.append(services)
    for thread in jobs:
        thread.start()
    for thread in jobs:
        thread.join(30)
    for services in both:  # the two «processes» end: no heartbeat, no pool left behind
        services.messenger.close()
        services.db.dispose()


def questions_posted(bot) -> list[str]:
    bot.fake.settle(quiet=0.1)
    return [text_of(p) for p in posted_to(bot.fake, "C0OFFICE") if "Månedens spørsmål" in text_of(p)]


def test_the_month_s_question_goes_out_once_across_two_schedulers_on_the_first_workday(bot, clock, slack,
                                                                                        office_config):
    # 1 January 2027 is a public holiday (a Friday), then a weekend: the first workday is Monday the 4th.
    clock.set(oslo(2026, 12, 1))  # Tuesday 1 December: a workday
    run_two_schedulers(bot, clock, slack, office_config)
    [december] = questions_posted(bot)
    assert "(1 av 10)" in december and "Hva er et avvik?" in december and "Hvorfor det betyr noe" in december

    clock.set(oslo(2026, 12, 2))  # the next day: nothing more this month
    run_two_schedulers(bot, clock, slack, office_config)
    assert len(questions_posted(bot)) == 1

    for day in (1, 2, 3):  # holiday, Saturday, Sunday
        clock.set(oslo(2027, 1, day))
        run_two_schedulers(bot, clock, slack, office_config)
    assert len(questions_posted(bot)) == 1

    clock.set(oslo(2027, 1, 4))
    run_two_schedulers(bot, clock, slack, office_config)
    january = questions_posted(bot)[1:]
    assert len(january) == 1
    assert "(2 av 10)" in january[0]
    assert "Hvilken plikt har hver medarbeider på kontoret om å melde ifra om avvik?" in january[0]
    with bot.services.db.reading() as session:
        periods = session.scalars(select(LedgerEntry.period).where(LedgerEntry.what == "discussion_question")).all()
    assert sorted(periods) == ["2026-12", "2027-01"]


def test_an_office_can_turn_the_monthly_question_off(bot, clock, slack, tmp_path):
    config = tmp_path / "office.toml"
    config.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8").replace(
        "monthly_question = true", "monthly_question = false"), encoding="utf-8")
    clock.set(oslo(2026, 12, 1))
    run_two_schedulers(bot, clock, slack, config)
    assert questions_posted(bot) == []


# --- help that teaches --------------------------------------------------------------------------

TEACHING = [
    "Dette lover lederne",
    "JA, det er virksomt dersom ledelsen",
    "benytter seg av erfaringene fra avvikshåndteringen inn i virksomhetsplaneringen",
    "Hvem lukker avvik, og når?",
    "ikke lukk et avvik før det er vurdert om det skal iverksettes tiltak og tiltaket er gjennomført",
    "Krav om internkontroll = fortløpende kvalitetsutvikling",
    "AVVIKSHÅNDTERING = UTVIKLING = POSITIVT",
]


def test_help_and_app_home_teach_in_the_seed_s_words(bot):
    shown = avvik(bot, "hjelp", user=STAFF)
    for passage in TEACHING:
        assert passage in shown, passage
    assert "/avvik øvelse" in shown and "/avvik drøfting" in shown

    bot.client.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    home = text_of(bot.fake.wait_for("views.publish")[0].params["view"])
    for passage in TEACHING:
        assert passage in home, passage


def test_kvalitet_help_names_the_purpose_and_the_user_s_voice(bot):
    response = bot.client.command("hjelp", command="/kvalitet", user=STAFF)
    shown = text_of(response.json()) if response.body.startswith("{") else response.body
    assert "FORMÅL" in shown and "Grunnlag for læring og deling av gode grep mellom medarbeidere" in shown
    assert "Digital spørreundersøkelse" in shown and "Møteplassen – en fysisk dialogarena" in shown


OWN_CASE = '''
[[office.learning.exercises]]
id = "sommerjobb"
title = "Eget kontor, høsten 2026"
text = "En bruker fikk svar på en søknad etter åtte uker, uten foreløpig svar underveis."
reports = true
destination = "kontoret"
reasoning = "Forvaltningsloven § 11 a krever foreløpig svar når en sak tar uforholdsmessig lang tid."
'''


def test_an_office_adds_its_own_case_in_its_config(slack, db, clock, tmp_path):
    config = tmp_path / "office.toml"
    config.write_text(EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8") + OWN_CASE, encoding="utf-8")
    services = build_services(make_settings(slack, db.url, config), clock=clock, db=db)
    server = make_server("127.0.0.1", 0, WsgiApp(create_app(services), services), server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    bot = Bot(services, url, SlackClient(url, SIGNING_SECRET), slack)
    try:
        assert "Eget kontor, høsten 2026" in avvik(bot, "øvelse sommerjobb")
        poll = the_poll(bot)
        assert "uten foreløpig svar underveis" in text_of(poll)
        ts = poll_ts(bot)
        vote(bot, VOTERS[0], "meldes", "ja", ts)
        bot.client.click("exercise_reveal", value=str(exercise_id(bot)), user=LEADER,
                         container={"type": "message", "channel_id": CHANNEL, "message_ts": ts})
        [revealed] = bot.fake.wait_for("chat.update", 1, lambda c: "Forvaltningsloven § 11 a" in text_of(c.params))
        assert "Det meldes i *Avviksboten (kontorets eget avvikssystem)*" in text_of(revealed.params)
        assert "Ja: 1 · Nei: 0" in text_of(revealed.params)
    finally:
        services.messenger.wait_idle()
        services.messenger.close()
        server.shutdown()
        server.server_close()
