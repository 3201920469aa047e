"""Seed 000, «Hvor melder jeg hva?»: the bot tells people where each deviation belongs, before and
after they submit, follows up the ones reported elsewhere, and its help says the same."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.settings import EXAMPLE_OFFICE_CONFIG
from handlers.payloads import unseal
from store import deviations as store
from store.models import Base, Deviation, Event, LedgerEntry
from tests.support.flows import ANSWERS, choose_category, open_form, posted_to, text_of

LEADERS = "C0LEADERS"
STAFF = "U0STAFF1"
PORTEN = "https://asys.example.test/porten"  # the example config leaves links empty: the office fills in its own
USER_SUPPORT = "https://brukerstotte.example.test"
NARRATIVE = {
    "title": "Brev sendt til feil adresse",
    "what_happened": "Et brev med helseopplysninger ble sendt til feil mottaker.",
    "immediate_action": "Ringte mottakeren, som slettet brevet.",
    "suggested_action": "Dobbeltsjekk adresse før utsending.",
}

def _config_with_links() -> str:
    """The example config with links for ASYS and user support, as an office would fill them in."""
    text = EXAMPLE_OFFICE_CONFIG.read_text(encoding="utf-8")
    for system, link in (("asys", PORTEN), ("brukerstotte", USER_SUPPORT)):
        table = f"[office.destinations.{system}]\n"
        head, tail = text.split(table)
        name, rest = tail.split("\n", 1)
        text = head + table + name + "\n" + rest.replace('link = ""', f'link = "{link}"', 1)
    return text


@pytest.fixture
def office_config(tmp_path: Path) -> Path:
    path = tmp_path / "office.toml"
    path.write_text(_config_with_links(), encoding="utf-8")
    return path


# Every category in the default routing table: the destination the modal names, a piece of
# that destination's instructions from the office config, what the answer to the submission
# says, whether a case is created, whether the person's own words are kept, and the state a
# new case starts in.
ASYS_SAYS = "Dette skal også meldes i ASYS"
TQM_SAYS = "Dette skal også meldes i TQM (Lillehammer kommune)"
OWN_SAYS = "Lederne vurderer avviket"
DESTINATION = {"ASYS": "asys", "TQM (Lillehammer kommune)": "tqm", "Samspillet": "samspillet",
               "Linja til aktuell enhet": "linja", "Brukerstøtte": "brukerstotte", "Avviksboten": "kontoret"}
ROUTES = [
    ("informasjonssikkerhet", "ASYS", "Porten", ASYS_SAYS, True, False, "videresendt"),
    ("hms", "ASYS", "Porten", ASYS_SAYS, True, False, "videresendt"),
    ("sosialtjenesteloven", "TQM (Lillehammer kommune)", "3-1 TQM", TQM_SAYS, True, True, "videresendt"),
    ("kommunal_samhandling", "TQM (Lillehammer kommune)", "3-1 TQM", TQM_SAYS, True, True, "videresendt"),
    ("nav_samhandling", "Samspillet", "Samspillet på NAVET", "Dette skal også meldes i Samspillet", True, True,
     "videresendt"),
    ("statlig_fagomrade", "Linja til aktuell enhet", "meldes i linja", "Dette skal også meldes videre",
     True, True, "registrert"),
    ("teknisk", "Brukerstøtte", "meldes i brukerstøtte", "Tekniske problemer meldes i", False, False, None),
    ("sentral_rutine", "Avviksboten", "setter i verk tiltak", OWN_SAYS, True, True, "registrert"),
    ("lokal_rutine", "Avviksboten", "setter i verk tiltak", OWN_SAYS, True, True, "registrert"),
    ("forvaltningsrett", "Avviksboten", "setter i verk tiltak", OWN_SAYS, True, True, "registrert"),
    ("laering", "Avviksboten", "setter i verk tiltak", OWN_SAYS, True, True, "registrert"),
]


def _deviations(bot) -> list[Deviation]:
    with bot.services.db.transaction() as session:
        return list(session.scalars(select(Deviation).order_by(Deviation.id)))


def _events(bot, kind: str | None = None) -> list[Event]:
    with bot.services.db.transaction() as session:
        query = select(Event).order_by(Event.id)
        return list(session.scalars(query.where(Event.kind == kind) if kind else query))


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return block


def _report(bot, category: str, *, user: str = STAFF, view_id: str = "VREG0001", **answers: Any) -> dict[str, Any]:
    """Type /avvik, choose the category (the modal updates), fill in the rest and submit."""
    view = open_form(bot, user)
    updated = choose_category(bot, view, category, user=user, view_id=view_id)
    response = bot.client.submit(updated["view"], {**ANSWERS, **NARRATIVE, "category": category, **answers},
                                 user=user, view_id=view_id)
    assert response.status == 200, response.body
    return response.json()


def _receipt_dm(bot, user: str = STAFF) -> dict[str, Any]:
    return bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == user)[0].params


def _button(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == "reported_externally":
                return {**element, "block_id": block["block_id"]}
    return None


def _press_in_dm(bot, receipt: dict[str, Any], *, user: str = STAFF, value: str | None = None):
    button = _button(receipt["blocks"])
    assert button is not None, "the receipt has no «Jeg har meldt i …» button"
    return bot.client.click("reported_externally", value=value or button["value"], user=user,
                            container={"type": "message", "message_ts": "1700000000.000009", "channel_id": "D0STAFF1"},
                            extra={"block_id": button["block_id"]})


def _submit_reference(bot, view: dict[str, Any], reference: str, *, user: str = STAFF,
                      view_id: str = "VREF0001") -> dict[str, Any]:
    response = bot.client.submit(view, {"external_reference": reference}, user=user, view_id=view_id)
    assert response.status == 200, response.body
    return response.json()


# --- the table: every category ------------------------------------------------------------------

@pytest.mark.parametrize(("category", "system", "instructions", "answer_says", "creates_deviation", "keeps_words",
                          "state"), ROUTES)
def test_every_category_shows_where_it_goes_and_is_stored_as_routed(bot, category, system, instructions, answer_says,
                                                                     creates_deviation, keeps_words, state):
    view = open_form(bot)
    updated = choose_category(bot, view, category, view_id="VREG0042", view_hash="1700000000.h42")

    # The modal, at once: where this goes and why, right under the category.
    assert (updated["view_id"], updated["hash"]) == ("VREG0042", "1700000000.h42")
    blocks = updated["view"]["blocks"]
    position = [b.get("block_id") for b in blocks].index("category")
    guidance = blocks[position + 1]
    assert guidance["block_id"] == "route_info"
    assert f"meldes i {system}" in guidance["text"]["text"]
    assert instructions in guidance["text"]["text"]
    assert ("ring 112" in guidance["text"]["text"]) is (category == "hms")

    response = bot.client.submit(updated["view"], {**ANSWERS, **NARRATIVE, "category": category}, view_id="VREG0042")
    answer = response.json()
    assert answer["response_action"] == "update"
    assert answer_says in text_of(answer["view"])
    if not creates_deviation:
        assert _deviations(bot) == []
        return
    [deviation] = _deviations(bot)
    assert (deviation.state, deviation.category, deviation.destination) == (state, category, DESTINATION[system])
    stored = (deviation.title, deviation.what_happened, deviation.immediate_action, deviation.suggested_action)
    if keeps_words:
        assert stored == tuple(NARRATIVE.values())
    else:
        assert stored == (deviation.title, None, None, None)
        assert NARRATIVE["title"] not in _dump(bot)
        assert NARRATIVE["what_happened"] not in _dump(bot)
    external = state == "videresendt"
    assert (_button(answer["view"]["blocks"]) is not None) is external


def test_what_the_person_typed_survives_choosing_a_category(bot):
    """Slack keeps input values across views.update when every input keeps its block and action id."""
    view = bot.client.message_shortcut("meld_avvik_fra_melding", "Skjermbildet viste feil ytelse")
    view = bot.fake.wait_for("views.open")[0].params["view"]
    updated = choose_category(bot, view, "informasjonssikkerhet", typed={"title": "Halvskrevet tittel"})["view"]

    def inputs(v: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [(b["block_id"], b["element"]["action_id"], b["element"]["type"]) for b in v["blocks"]
                if b["type"] == "input"]

    assert inputs(updated) == inputs(view)
    assert updated["callback_id"] == view["callback_id"] == "registration"
    # The channel the shortcut came from is kept (and the category the form is now built for).
    assert unseal(updated["private_metadata"]) == {**unseal(view["private_metadata"]),
                                                   "category": "informasjonssikkerhet"}
    assert _block(updated, "category")["element"]["initial_option"]["value"] == "informasjonssikkerhet"

    again = choose_category(bot, updated, "lokal_rutine")["view"]
    assert inputs(again) == inputs(view)
    assert "meldes i Avviksboten" in _block(again, "route_info")["text"]["text"]
    assert "Porten" not in text_of(again)


def test_for_asys_the_text_fields_say_they_are_not_kept_and_a_title_is_not_needed(bot):
    view = open_form(bot)
    asys = choose_category(bot, view, "informasjonssikkerhet")["view"]
    assert _block(asys, "title")["optional"] is True
    for field in ("title", "what_happened", "immediate_action", "suggested_action"):
        assert "Lagres ikke hos oss" in _block(asys, field)["hint"]["text"]
    assert "bare kategori, dato og referansen" in _block(asys, "route_info")["text"]["text"]

    own = choose_category(bot, asys, "lokal_rutine")["view"]
    assert _block(own, "title").get("optional") in (None, False)
    assert "Lagres ikke" not in text_of(own)

    answer = bot.client.submit(asys, {**ANSWERS, "category": "informasjonssikkerhet", "title": "",
                                      "what_happened": ""}).json()
    assert answer["response_action"] == "update"
    [deviation] = _deviations(bot)
    assert deviation.title == "Data- og informasjonssikkerhet"


def test_an_own_case_still_needs_a_title(bot):
    answer = _report(bot, "lokal_rutine", title="")
    assert answer["response_action"] == "errors"
    assert "title" in answer["errors"]


# --- cases reported elsewhere --------------------------------------------------------------------

def test_an_asys_case_keeps_no_narrative_and_leaves_videresendt_once_the_reference_is_in(bot):
    answer = _report(bot, "informasjonssikkerhet")
    assert "bare kategori, dato og referansen fra ASYS" in text_of(answer["view"])
    [deviation] = _deviations(bot)
    assert (deviation.state, deviation.what_happened, deviation.immediate_action, deviation.suggested_action) == (
        "videresendt", None, None, None)

    receipt = _receipt_dm(bot)
    text = text_of(receipt)
    assert "Logg inn via applikasjonen Porten" in text and PORTEN in text
    assert _button(receipt["blocks"])["text"]["text"] == "Jeg har meldt i ASYS"

    assert _press_in_dm(bot, receipt).status == 200
    form = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    assert form["callback_id"] == "external_reference"
    assert "Referanse i ASYS" in text_of(form)

    saved = _submit_reference(bot, form, "ASYS-2026-118")
    assert saved["response_action"] == "update"
    assert "ASYS-2026-118" in text_of(saved["view"])
    [deviation] = _deviations(bot)
    assert (deviation.state, deviation.external_reference) == ("klar_for_lukking", "ASYS-2026-118")

    card = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == LEADERS)[0].params
    assert "ASYS-2026-118" in text_of(card) and "Klar for lukking" in card["text"]
    refreshed = bot.fake.wait_for("chat.update", where=lambda c: c.params["channel"] == "D0STAFF1")[0].params
    assert refreshed["ts"] == "1700000000.000009"
    assert "ASYS-2026-118" in text_of(refreshed)
    assert _button(refreshed["blocks"]) is None
    [event] = _events(bot, "ekstern_referanse")
    assert (event.actor_id, event.from_state, event.to_state, event.detail["via"]) == (
        STAFF, "videresendt", "klar_for_lukking", "melder")


def test_someone_else_pressing_the_button_is_refused_politely_and_audited(bot):
    _report(bot, "sosialtjenesteloven")
    receipt = _receipt_dm(bot)
    assert _press_in_dm(bot, receipt, user="U0NOSY01").status == 200

    notice = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    assert "Bare den som meldte AVV-2026-0001, eller en leder" in text_of(notice)
    [refusal] = _events(bot, "nektet")
    assert (refusal.actor_id, refusal.detail) == ("U0NOSY01", {"attempted": "ekstern_referanse"})
    assert _deviations(bot)[0].state == "videresendt"


def test_a_forged_reference_submission_is_refused_and_changes_nothing(bot):
    _report(bot, "nav_samhandling")
    [deviation] = _deviations(bot)
    form = {"type": "modal", "callback_id": "external_reference", "private_metadata": f'{{"case": {deviation.id}}}',
            "blocks": [{"type": "input", "block_id": "external_reference",
                        "element": {"type": "plain_text_input", "action_id": "value"}}]}
    answer = _submit_reference(bot, form, "SAMSPILL-7", user="U0NOSY01")
    assert answer["response_action"] == "errors"
    assert "eller en leder" in answer["errors"]["external_reference"]
    [deviation] = _deviations(bot)
    assert (deviation.state, deviation.external_reference) == ("videresendt", None)
    assert [e.actor_id for e in _events(bot, "nektet")] == ["U0NOSY01"]


def test_a_leader_can_add_the_reference_from_the_case_card(bot):
    _report(bot, "kommunal_samhandling")
    [deviation] = _deviations(bot)
    card = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADERS)[0]
    [button] = [e for b in card.params["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == "reported_externally"]
    assert button["value"] == str(deviation.id) and "TQM" in button["text"]["text"]
    response = bot.client.click("reported_externally", value=button["value"], user="U0LEADER1",
                                container={"type": "message", "message_ts": "1700000000.000002",
                                           "channel_id": LEADERS}, extra={"block_id": f"card:{deviation.id}"})
    assert response.status == 200
    form = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    assert "message" not in form["private_metadata"]  # the card is refreshed by the ledger, not as a receipt
    assert _submit_reference(bot, form, "TQM-55", user="U0LEADER1")["response_action"] == "update"
    [event] = _events(bot, "ekstern_referanse")
    assert (event.actor_id, event.detail["via"]) == ("U0LEADER1", "leder")
    bot.fake.wait_for("chat.update", where=lambda c: "TQM-55" in text_of(c.params))


def test_an_anonymous_reporter_adds_the_reference_from_the_receipt_modal_and_stays_anonymous(bot, caplog):
    reporter = "U0ANON77"
    answer = _report(bot, "informasjonssikkerhet", user=reporter, view_id="VANON0001", anonymous=["anonymous"])
    receipt = answer["view"]
    button = _button(receipt["blocks"])
    assert button is not None and "anonymt" in text_of(receipt)

    # Someone else cannot use the case id from another view.
    bot.client.click("reported_externally", value=button["value"], user="U0NOSY01",
                     container={"type": "view", "view_id": "VOTHER001"},
                     view={**receipt, "id": "VOTHER001", "hash": "h0"}, extra={"block_id": button["block_id"]})
    assert "eller en leder" in text_of(bot.fake.wait_for("views.push")[0].params["view"])

    # The reporter presses it in their receipt: the receipt becomes the reference form.
    bot.client.click("reported_externally", value=button["value"], user=reporter,
                     container={"type": "view", "view_id": "VANON0001"},
                     view={**receipt, "id": "VANON0001", "hash": "h1"}, extra={"block_id": button["block_id"]})
    update = bot.fake.wait_for("views.update", 2)[-1].params
    assert (update["view_id"], update["hash"]) == ("VANON0001", "h1")
    saved = _submit_reference(bot, update["view"], "ASYS-9001", user=reporter, view_id="VANON0001")
    assert saved["response_action"] == "update"

    [deviation] = _deviations(bot)
    assert (deviation.state, deviation.external_reference, deviation.reporter_id) == ("klar_for_lukking",
                                                                                      "ASYS-9001", None)
    [event] = _events(bot, "ekstern_referanse")
    assert (event.actor_id, event.detail["via"]) == (None, "kvittering")
    bot.fake.settle()
    assert reporter not in _dump(bot)
    assert posted_to(bot.fake, reporter) == []
    assert reporter not in caplog.text


def test_a_national_identity_number_in_the_reference_is_refused(bot):
    _report(bot, "informasjonssikkerhet")
    _press_in_dm(bot, _receipt_dm(bot))
    form = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    answer = _submit_reference(bot, form, "Bruker 15108695088")
    assert "fødselsnummer" in answer["errors"]["external_reference"]
    assert _deviations(bot)[0].state == "videresendt"


def test_a_retried_reference_submission_is_confirmed_once(bot):
    _report(bot, "informasjonssikkerhet")
    _press_in_dm(bot, _receipt_dm(bot))
    form = bot.fake.wait_for("views.open", 2)[-1].params["view"]
    first = _submit_reference(bot, form, "ASYS-1")
    second = bot.client.submit(form, {"external_reference": "ASYS-1"}, view_id="VREF0001",
                               headers={"X-Slack-Retry-Num": "1"}).json()
    assert first["response_action"] == second["response_action"] == "update"
    assert len(_events(bot, "ekstern_referanse")) == 1

    other = _submit_reference(bot, form, "ASYS-2")
    assert "allerede referansen ASYS-1" in other["errors"]["external_reference"]


# --- HMS and technical problems --------------------------------------------------------------

def test_an_hms_threat_alerts_the_leaders_within_the_same_request(bot):
    answer = _report(bot, "hms")
    assert "Lederne er varslet nå" in text_of(answer["view"])
    # No scheduler runs in the tests: the alert can only come from the submission's own request cycle.
    alert = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADERS
                              and "<!here>" in c.params["text"])[0]
    assert "gjelder HMS" in alert.params["text"] and "AVV-2026-0001" in alert.params["text"]
    bot.fake.settle()
    with bot.services.db.transaction() as session:
        [entry] = store_entries(session, "leader_alert")
        assert entry.status == "sent"


def test_an_anonymous_hms_alert_does_not_ask_the_leaders_to_contact_the_reporter(bot):
    _report(bot, "hms", anonymous=["anonymous"])
    alert = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADERS
                              and "<!here>" in c.params["text"])[0]
    assert "anonym melding om HMS" in alert.params["text"]
    assert "den som meldte" not in alert.params["text"]


def store_entries(session, what: str) -> list[LedgerEntry]:
    return list(session.scalars(select(LedgerEntry).where(LedgerEntry.what == what)))


def test_a_technical_problem_is_kindly_redirected_counted_once_and_creates_no_case(bot, clock):
    view = open_form(bot)
    updated = choose_category(bot, view, "teknisk")["view"]
    assert "Tekniske problemer meldes i brukerstøtte" in _block(updated, "route_info")["text"]["text"]
    answers = {"category": "teknisk", "what_happened": "Får ikke logget inn i Modia."}
    first = bot.client.submit(updated, answers, view_id="VTECH0001").json()
    retry = bot.client.submit(updated, answers, view_id="VTECH0001", headers={"X-Slack-Retry-Num": "1"}).json()
    for answer in (first, retry):
        text = text_of(answer["view"])
        assert "Tekniske problemer meldes i *Brukerstøtte*" in text
        assert USER_SUPPORT in text
    bot.client.submit(updated, answers, view_id="VTECH0002")

    assert _deviations(bot) == []
    bot.fake.settle()
    assert posted_to(bot.fake, LEADERS) == [] and posted_to(bot.fake, STAFF) == []
    assert [e.actor_id for e in _events(bot, "omdirigert")] == [None, None]
    office = bot.services.offices.office[0]
    with bot.services.db.transaction() as session:
        counted = store.count_events(session, office.id, "omdirigert", clock.now() - timedelta(days=1),
                                     clock.now() + timedelta(days=1))
    assert counted == {"teknisk": 2}


# --- help --------------------------------------------------------------------------------------

STEPS = ["Registrere avviket eller observasjonen", "Strakstiltak «her og nå»", "Forslag til korrigerende tiltak",
         "Vurdering av korrigerende tiltak", "Tiltak", "Lukking", "Tilbakemelding til kontoret/medarbeidere",
         "Erfaring inn i virksomhetsplan"]


def test_avvik_hjelp_explains_what_a_deviation_is_the_eight_steps_and_where_to_report_what(bot):
    help_text = text_of(bot.client.command("hjelp").json())
    assert "Hva er et avvik?" in help_text
    positions = [help_text.index(f"{n}. *{step}*") for n, step in enumerate(STEPS, 1)]
    assert positions == sorted(positions)
    assert "Hvor melder jeg hva?" in help_text
    for _category, system, instructions, *_ in ROUTES:
        assert system in help_text and instructions in help_text
    assert "HMS: trusler, trakassering eller vold (lederne varsles med en gang)" in help_text
    assert "tekniske problemer meldes i brukerstøtte, og boten registrerer ikke noe avvik" in help_text
    assert PORTEN in help_text


def test_app_home_has_the_same_help(bot):
    bot.client.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    home = text_of(bot.fake.wait_for("views.publish")[0].params["view"])
    assert "Hvor melder jeg hva?" in home and "Erfaring inn i virksomhetsplan" in home
    assert home.count("Logg inn via applikasjonen Porten") == 1


# --- the office config decides names, links and overrides --------------------------------------

NEW_LINK = "https://asys.example.test/ny-innlogging"


class TestAnOfficeChangesItsConfig:
    @pytest.fixture
    def office_config(self, tmp_path: Path) -> Path:
        text = _config_with_links().replace(PORTEN, NEW_LINK).replace(
            '# [office.routes]\n# statlig_fagomrade = "kontoret"', '[office.routes]\nstatlig_fagomrade = "kontoret"')
        path = tmp_path / "office.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_a_new_link_shows_in_the_modal_the_receipt_and_the_help(self, bot):
        view = open_form(bot)
        modal = choose_category(bot, view, "hms")["view"]
        assert NEW_LINK in _block(modal, "route_info")["text"]["text"]

        answer = _report(bot, "informasjonssikkerhet")
        assert NEW_LINK in text_of(answer["view"])
        assert NEW_LINK in text_of(_receipt_dm(bot))

        help_text = text_of(bot.client.command("hjelp").json())
        assert NEW_LINK in help_text
        everything = text_of(modal) + text_of(answer["view"]) + text_of(_receipt_dm(bot)) + help_text
        assert PORTEN not in everything

    def test_an_overridden_route_is_what_the_modal_the_bot_and_the_help_all_say(self, bot):
        modal = choose_category(bot, open_form(bot), "statlig_fagomrade")["view"]
        assert "meldes i Avviksboten" in _block(modal, "route_info")["text"]["text"]
        help_text = text_of(bot.client.command("hjelp").json())
        assert "Linja til aktuell enhet" not in help_text
        own = help_text[help_text.index("*Avviksboten (kontorets eget avvikssystem)*"):]
        assert "Statlige fagområder og drift" in own
        _report(bot, "statlig_fagomrade")
        assert (_deviations(bot)[0].destination, _deviations(bot)[0].state) == ("kontoret", "registrert")


def _dump(bot) -> str:
    lines = []
    with bot.services.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                lines.append(repr(tuple(row)))
    return "\n".join(lines)


class TestTheHmsAlertNamesTheOfficeSDestination:
    """Issue 19: the HMS alert takes the destination's name from the office config, like every other message."""

    @pytest.fixture
    def office_config(self, tmp_path: Path) -> Path:
        path = tmp_path / "office.toml"
        path.write_text(_config_with_links().replace('name = "ASYS"', 'name = "ASYS-skjemaet"'), encoding="utf-8")
        return path

    @pytest.mark.parametrize("anonymous", [[], ["anonymous"]])
    def test_the_alert_says_where_to_report(self, bot, anonymous):
        _report(bot, "hms", anonymous=anonymous)
        alert = bot.fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEADERS
                                  and "<!here>" in c.params["text"])[0]
        assert "sørg for at det er meldt i ASYS-skjemaet." in alert.params["text"]
