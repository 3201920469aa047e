"""Issue 23: Kvalitetssystemet as seed 002 reads, through signed requests: the leaders write the
helhetsvurdering per area before the round ends and the posts carry their words beside the figures;
«gode grep» go to the office without reviewer or case; the seed's points are offered as tags and its
measures as suggestions."""

from __future__ import annotations

from sqlalchemy import select

from bot.quality.jobs import scheduled_rounds
from bot.quality.rules import Area
from store.models import Action, AreaAssessment, GoodPractice
from tests.scenarios.test_quality import (  # noqa: F401  (office_config: the reviewers' fixture)
    LEADER,
    LEADER_CHANNEL,
    OFFICE_CHANNEL,
    answers,
    office_config,
    oslo,
)
from tests.support.flows import posted_to, text_of

SCORES = {Area.MAPPING: "4", Area.WORK_ORIENTATION: "3", Area.PARTICIPATION: "4", Area.PROGRESS: "ikke_relevant"}
VERDICTS = {
    "verdict.kartlegging": "Vi blir kjent med brukerne tidlig, men vurderingene må skrives tydeligere.",
    "verdict.arbeidsretting": "Jobbmål er med i de fleste samtalene.",
    "verdict.brukermedvirkning": "Brukerne får velge møteform; det virker.",
}


def kvalitet(bot, text: str, user: str = LEADER):
    response = bot.client.command(text, command="/kvalitet", user=user)
    assert response.status == 200
    return response


def opened_view(bot, before: int) -> dict:
    return bot.fake.wait_for("views.open", before + 1)[-1].params["view"]


def review(bot, user: str, extra: dict) -> None:
    before = len(bot.fake.of("views.open"))
    kvalitet(bot, "", user=user)
    view = opened_view(bot, before)
    response = bot.client.submit(view, {**answers(SCORES), **extra}, user=user, view_id=f"V{user}{before}")
    assert response.status == 200 and response.json()["response_action"] == "update", response.body


def open_spring_round(bot, clock) -> None:
    clock.set(oslo(2027, 3, 1))
    assert scheduled_rounds(bot.services).opened
    clock.set(oslo(2027, 3, 10, 10))


def test_a_round_closed_with_the_leaders_helhetsvurdering_and_a_shared_godt_grep(bot, clock):
    open_spring_round(bot, clock)
    review(bot, "U0REV1", {"kartlegging.themes": ["tett kontakt", "møte med bruker for å bli kjent"],
                           "kartlegging.well": "Første samtale holdes innen to uker, med kartlegging.",
                           "case_number": "2027-114"})
    review(bot, "U0REV2", {"kartlegging.themes": ["tett kontakt"], "kartlegging.tags": "egen merknad"})
    with bot.services.db.reading() as session:
        tags = [a.tags for a in session.scalars(select(AreaAssessment).where(AreaAssessment.area == "kartlegging"))]
    assert tags == [["møte med bruker for å bli kjent", "tett kontakt"], ["tett kontakt", "egen merknad"]]

    # «Gode grep»: the leaders pick answers under «fungerer bra»; the office reads area and words only.
    before = len(bot.fake.of("views.open"))
    kvalitet(bot, "gode-grep")
    view = opened_view(bot, before)
    assert "Første samtale holdes innen to uker" in text_of(view) and "U0REV1" not in text_of(view)
    [chosen] = [o["value"] for b in view["blocks"] if b.get("block_id") == "chosen" for o in b["element"]["options"]
                if o["text"]["text"].startswith("1.")]
    assert bot.client.submit(view, {"chosen": [chosen]}, user=LEADER).status == 200
    [shared] = [text_of(c.params) for c in bot.fake.wait_for(
        "chat.postMessage", 1, lambda c: c.params.get("channel") == OFFICE_CHANNEL
        and "Gode grep" in text_of(c.params))]
    assert "Gode grep fra Kvalitetsmåling vår 2027" in shared
    assert "Første samtale holdes innen to uker, med kartlegging." in shared
    assert "Kartlegging" in shared
    assert "U0REV1" not in shared and "2027-114" not in shared
    assert "deling av gode grep mellom medarbeidere" in shared
    with bot.services.db.reading() as session:
        assert [p.area for p in session.scalars(select(GoodPractice))] == ["kartlegging"]

    # A staff member cannot share, nor close.
    assert "bare ledere" in kvalitet(bot, "gode-grep", user="U0STAFF1").body
    assert "bare ledere" in kvalitet(bot, "avslutt", user="U0STAFF1").body

    # `/kvalitet avslutt`: the figures, and the leaders' words per area, before anything is posted.
    before = len(bot.fake.of("views.open"))
    kvalitet(bot, "avslutt")
    close = opened_view(bot, before)
    assert "Helhetsvurdering: Kartlegging og oppfølgingsvedtak (§ 14 a)" in text_of(close)
    assert "snitt 4,0" in text_of(close)
    assert not [p for p in posted_to(bot.fake, LEADER_CHANNEL) if "Helhetsvurdering:" in text_of(p)]

    missing = bot.client.submit(close, {k: v for k, v in VERDICTS.items() if "kartlegging" not in k}, user=LEADER)
    assert missing.json()["errors"] == {"verdict.kartlegging": "Dette feltet må fylles ut."}
    # Progress was «ikke relevant» in every review: the leaders may leave it without words.
    done = bot.client.submit(close, VERDICTS, user=LEADER)
    assert "er avsluttet" in text_of(done.json()["view"])
    for channel in (LEADER_CHANNEL, OFFICE_CHANNEL):  # sent after the ack
        bot.fake.wait_for("chat.postMessage", 1, lambda c, ch=channel: c.params.get("channel") == ch
                          and "Helhetsvurdering:" in text_of(c.params))
    [leaders] = [text_of(p) for p in posted_to(bot.fake, LEADER_CHANNEL) if "Helhetsvurdering:" in text_of(p)]
    [office] = [text_of(p) for p in posted_to(bot.fake, OFFICE_CHANNEL) if "Helhetsvurdering:" in text_of(p)]
    for text in (leaders, office):
        assert ("*Kartlegging og oppfølgingsvedtak (§ 14 a)* · snitt 4,0" in text)
        assert ("Ledernes helhetsvurdering:_ Vi blir kjent med brukerne tidlig, men vurderingene må skrives "
                "tydeligere.") in text
        assert "Jobbmål er med i de fleste samtalene." in text
    assert "tett kontakt (2)" in office  # the seed's point, which the office may always read
    assert "egen merknad" not in office


def test_nytt_tiltak_suggests_the_seed_s_measures(bot, clock):
    open_spring_round(bot, clock)
    before = len(bot.fake.of("views.open"))
    kvalitet(bot, "tiltak")
    view = opened_view(bot, before)
    shown = text_of(view)
    [block] = [b for b in view["blocks"] if b.get("block_id") == "suggestion"]
    groups = {g["label"]["text"]: [o["text"]["text"] for o in g["options"]] for g in block["element"]["option_groups"]}
    assert "Porteføljesamtaler med fokus på struktur og prosess" in groups["Tiltak kontorene jobber med"]
    assert "Veiledningskompetanse og gruppeveiledning" in groups["Tiltak i fylkets regi"]
    assert "Tiltak fra Kvalitetssystemet" in shown
    response = bot.client.submit(view, {"suggestion": "kontor.8", "description": "", "area": "fremdrift",
                                        "scope": "kontor", "owner": "U0REV2", "due_on": "2027-06-15"}, user=LEADER)
    assert response.status == 200 and not response.body, response.body
    with bot.services.db.reading() as session:
        [description] = session.scalars(select(Action.description).where(Action.round_id.is_not(None))).all()
    assert description == "Porteføljesamtaler med fokus på struktur og prosess"
