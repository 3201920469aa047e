"""Registering a deviation: seed 000's first two steps, «Registrere avviket eller observasjonen»
and «Strakstiltak "her og nå"».

`RegistrationForm` is what the modal yields, checked; `register()` stores it in one
transaction with its audit event and the messages to send (the ledger), so a case is
never half-written and a receipt is never lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError

from bot.breach import rules as breach_rules
from bot.breach import service as breach
from bot.clock import Clock
from bot.deviations.rules import CitizenRights, Kind, Severity, State, reference_head
from bot.dialogue import service as dialogue
from bot.errors import StorageUnavailable
from bot.forms import ERROR_KEYS, FieldErrors, Text, clean_text
from bot.i18n import t
from bot.office import Office
from bot.privacy import fields_with_national_id
from bot.registration import rules
from bot.routing.rules import Category, Route
from store import deviations as store
from store import ledger
from store import offices as office_choices
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Deviation

_T = TypeVar("_T")
TITLE_MAX = 150
FREE_TEXT_FIELDS = tuple(f.value for f in rules.FREE_TEXT)


class RegistrationForm(BaseModel):
    """The registration modal's values, after the edge has parsed them.

    Kind and date are None only for a technical problem, which the form does not ask them for
    and which is never stored (bot.registration.rules.asked_fields); parse_form sees to it.
    """

    model_config = ConfigDict(frozen=True)

    kind: Kind | None = None
    category: Category
    # Required only where the rules say so, and the form showed it as required: see parse_form.
    title: Annotated[Annotated[str, Field(min_length=3, max_length=TITLE_MAX)] | None,
                     BeforeValidator(clean_text)] = None
    what_happened: Text = None
    cause: Text = None  # «Hva gjorde at det kunne skje?»: what, not who
    occurred_on: date | None = None
    immediate_action: Text = None
    suggested_action: Text = None
    severity: Severity = Severity.LOW
    citizen_rights: CitizenRights = CitizenRights.UNSURE
    anonymous: bool = False
    # Issue 21, information security only: could personal data be affected, and when was it discovered.
    breach_possible: breach_rules.Answer | None = None
    breach_kind: breach_rules.BreachKind | None = None
    # Slack's datetimepicker: seconds since the epoch; left empty, the time of registration.
    breach_discovered: Annotated[datetime | None, BeforeValidator(lambda v: None if v == "" else v)] = None


def parse_form(values: dict[str, object], office: Office, today: date, *,
               shown_for: object = None, now: datetime | None = None) -> RegistrationForm:
    """Check the modal's values; raise FieldErrors naming every field that is wrong.

    `today` is the office's local date: a deviation cannot have happened after it. `shown_for` is
    the category the form the person saw was built for (None: the form before a category was
    chosen): a field that form showed as optional is never refused as empty
    (bot.registration.rules.refused_when_empty).
    """
    errors: dict[str, str] = {}
    form: RegistrationForm | None
    try:
        form = RegistrationForm.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "category"
            errors.setdefault(name, ERROR_KEYS.get(error["type"], "error.field.invalid"))
        form = None
    occurred_on = form.occurred_on if form else _date_or_none(values.get("occurred_on"))
    if occurred_on and occurred_on > today:
        errors["occurred_on"] = "error.field.future_date"
    texts = {name: values.get(name) for name in FREE_TEXT_FIELDS if isinstance(values.get(name), str)}
    for name in fields_with_national_id(texts):
        errors[name] = "error.field.national_id"
    route = _route_or_none(office, form.category if form else values.get("category"))
    if route is not None:
        shown = _route_or_none(office, shown_for)
        if rules.missing_from_form(shown, route):
            errors.setdefault(rules.Field.CATEGORY.value, "error.field.form_outdated")
        for name in rules.refused_when_empty(shown, route):
            if name.value not in errors and _empty(values.get(name.value)):
                errors[name.value] = "error.field.describe" if name is rules.Field.WHAT_HAPPENED \
                    else "error.field.required"
    if route is not None and now is not None and form is not None and breach_rules.asked_for(route.category) \
            and breach_rules.asked_for(str(shown_for)):
        errors.update(breach_rules.form_errors(form.breach_possible, form.breach_kind, form.breach_discovered, now))
    if errors:
        raise FieldErrors(errors)
    assert form is not None and route is not None
    if route.creates_deviation and (form.kind is None or form.occurred_on is None):
        raise FieldErrors({rules.Field.CATEGORY.value: "error.field.form_outdated"})
    return form


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _route_or_none(office: Office, category: object) -> Route | None:
    try:
        return office.route(category) if isinstance(category, str) else None
    except ValueError:
        return None


def _date_or_none(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Registered:
    """The outcome of a registration: a case (new or the one a retried submission made)."""

    deviation_id: int
    reference: str
    route: Route
    anonymous: bool
    created: bool
    ledger_ids: list[int] = field(default_factory=list)
    title: str = ""  # as stored: for an ASYS case, the category's name, never the person's words
    case_code: str | None = None  # an anonymous case's code (issue 20): shown once, on this receipt only
    breach_deadline: datetime | None = None  # issue 21: a possible personal-data breach's 72-hour deadline


@dataclass(frozen=True)
class Redirected:
    """Not a deviation (technical problems): guided to user support, counted, no case."""

    route: Route


# The audit-log kind of a technical problem sent to user support: counted, with no case.
REDIRECTED = "omdirigert"


def submission_key(view_id: str, user_id: str) -> str:
    """A digest of Slack's view id and who submitted it: finds a retried submission without keeping
    either. With the person in it, a view id someone else sends finds nothing of theirs."""
    return hashlib.sha256(f"{user_id}:{view_id}".encode()).hexdigest()


def initial_state(route: Route) -> State:
    return State.FORWARDED if route.is_external else State.REGISTERED


def register(db: Database, clock: Clock, office: Office, form: RegistrationForm, *,
             reporter_id: str, view_id: str, channel_id: str | None = None,
             code_key: bytes | None = None, chosen_in: str | None = None) -> Registered | Redirected:
    """Store a deviation with its audit event and its messages, all in one transaction.

    A second submission of the same form (Slack retry, double click) returns the first case.
    The reporter of an anonymous case is not stored anywhere: not in the row, the event or
    the ledger; their receipt is the modal itself, with the case code (bot/dialogue) made here when
    `code_key` is given. A retried anonymous submission gets a fresh code, for the old one was never
    shown: Slack shows one answer to a submission.

    `chosen_in`: the team whose «Kontor» select the person chose this office in (issue 24); it is
    remembered for next time, in the same transaction, unless the report is anonymous: an anonymous
    report leaves no trace of who chose what.
    """
    route = office.route(form.category)
    now = clock.now()
    key = submission_key(view_id, reporter_id)
    fresh = dialogue.new_code(code_key) if form.anonymous and code_key and route.creates_deviation else None
    try:
        remember = chosen_in if chosen_in and not form.anonymous else None
        return _register(db, office, form, route, now, key, reporter_id, channel_id, fresh, remember)
    except IntegrityError:
        # The same submission, delivered twice at once (Slack's retry while the first still ran): the
        # other delivery stored it first, so this one answers with that case, as a later retry would.
        existing = _registered(db, key, route, fresh, now)
        if existing is None:
            raise
        return existing
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _registered(db: Database, key: str, route: Route, fresh: dialogue.NewCode | None,
                now: datetime) -> Registered | None:
    try:
        with db.transaction() as session:
            existing = store.by_submission_key(session, key)
            return None if existing is None else Registered(
                existing.id, existing.reference, route, existing.anonymous, created=False, title=existing.title,
                case_code=_code(session, fresh, existing, now))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _register(db: Database, office: Office, form: RegistrationForm, route: Route, now: datetime, key: str,
              reporter_id: str, channel_id: str | None, fresh: dialogue.NewCode | None,
              remember_in: str | None = None) -> Registered | Redirected:
    """The one transaction of `register`."""
    with db.transaction() as session:
        if remember_in:
            office_choices.remember(session, remember_in, reporter_id, office.id, now)
        if not route.creates_deviation:
            # Counted for statistics only (once, however often Slack retries); who asked is not recorded.
            if not store.redirect_counted(session, office.id, key):
                store.record_event(session, office_id=office.id, kind=REDIRECTED, at=now, actor_id=None,
                                   detail={"category": form.category.value,
                                           "destination": route.destination.value, "submission": key})
            return Redirected(route=route)
        existing = store.by_submission_key(session, key)
        if existing is not None:
            return Registered(existing.id, existing.reference, route, existing.anonymous, created=False,
                              title=existing.title, case_code=_code(session, fresh, existing, now))
        deviation = _new_deviation(session, office, form, route, now, key,
                                   None if form.anonymous else reporter_id,
                                   None if form.anonymous else channel_id)
        store.append_event(session, office_id=office.id, kind="registrert", at=now,
                           actor_id=deviation.reporter_id, deviation_id=deviation.id, to_state=deviation.state,
                           detail={"category": deviation.category, "destination": deviation.destination})
        ledger_ids = _enter_messages(session, office, deviation, route, now)
        breach_ids, deadline = _breach_track(session, office, form, deviation, now)
        ledger_ids += breach_ids
        case_code = _code(session, fresh, deviation, now)
        _number(session, office, deviation)  # last: the office's counter row is locked only until COMMIT
        return Registered(deviation.id, deviation.reference, route, form.anonymous, True, ledger_ids,
                          title=deviation.title, case_code=case_code, breach_deadline=deadline)


def _code(session, fresh: dialogue.NewCode | None, deviation: Deviation, now: datetime) -> str | None:
    if not (deviation.anonymous and fresh):
        return None
    return dialogue.keep_code(session, fresh, deviation.id, now)


def _breach_track(session, office: Office, form: RegistrationForm, deviation: Deviation,
                  now: datetime) -> tuple[list[int], datetime | None]:
    """Issue 21: «Ja» or «Vet ikke» to the breach question starts the 72-hour clock (its alerts' ledger
    ids, and the deadline for the receipt); otherwise nothing."""
    if not (breach_rules.asked_for(form.category) and breach_rules.starts_track(form.breach_possible)
            and form.breach_kind is not None and form.breach_possible is not None):
        return [], None
    discovered = min(form.breach_discovered or now, now)
    ids = breach.start(session, office, deviation, answer=form.breach_possible, kind=form.breach_kind,
                       discovered_at=discovered, now=now)
    return ids, breach_rules.deadline(discovered)


def _new_deviation(session, office: Office, form: RegistrationForm, route: Route, now: datetime, key: str,
                   reporter_id: str | None, channel_id: str | None) -> Deviation:
    year = now.astimezone(office.tz).year
    minimal = route.keeps_minimal_text
    return store.add_new(
        session,
        # Numbered last, by _number(); until then a placeholder no other transaction can collide with.
        office_id=office.id, year=year, seq=0, reference=f"~{key[:31]}", submission_key=key,
        kind=_required(form.kind).value, category=form.category.value, destination=route.destination.value,
        severity=form.severity.value, citizen_rights=form.citizen_rights.value,
        # Seed 000 / DESIGN: an ASYS case keeps category, date and reference; the narrative belongs in ASYS.
        title=form.title if form.title and not minimal else t(f"category.{form.category.value}", office.locale),
        what_happened=None if minimal else form.what_happened,
        cause=None if minimal else form.cause,
        immediate_action=None if minimal else form.immediate_action,
        suggested_action=None if minimal else form.suggested_action,
        occurred_on=_required(form.occurred_on), anonymous=form.anonymous, reporter_id=reporter_id,
        channel_id=channel_id,
        state=initial_state(route).value, created_at=now, updated_at=now,
    )


def _number(session, office: Office, deviation: Deviation) -> None:
    """Give the case its reference, as the transaction's last statements: the office's counter row
    stays locked from here to COMMIT only, so concurrent registrations overlap in everything else
    and the numbers stay gap-free (a registration that rolls back never took one)."""
    store.number(session, deviation, reference_head(deviation.year, office.reference_prefix))


def _required(value: _T | None) -> _T:
    """A value parse_form has made sure of for every category that creates a case."""
    if value is None:
        raise ValueError("parse_form lets no case through without a kind and a date")
    return value


def _enter_messages(session, office: Office, deviation: Deviation, route: Route, now: datetime) -> list[int]:
    """The messages a new case sends: the card to the leaders and, when not anonymous, a receipt DM."""
    about = Target.deviation(deviation.id)
    keys = [LedgerKey(MessageKind.LEADER_CARD, about, office.leader_channel)]
    if deviation.reporter_id:
        keys.append(LedgerKey(MessageKind.RECEIPT, about, deviation.reporter_id))
    if route.alerts_leaders_at_once:
        keys.append(LedgerKey(MessageKind.LEADER_ALERT, about, office.leader_channel))
    return [entry_id for key in keys if (entry_id := ledger.enter(session, office.id, key, now)) is not None]
