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
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot.clock import Clock
from bot.deviations.rules import CitizenRights, Kind, Severity, State, format_reference
from bot.errors import StorageUnavailable
from bot.forms import ERROR_KEYS, FieldErrors, Text, clean_text
from bot.i18n import t
from bot.office import Office
from bot.privacy import fields_with_national_id
from bot.routing.rules import Category, Handling, Route
from store import deviations as store
from store import ledger
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Deviation

TITLE_MAX = 150
FREE_TEXT_FIELDS = ("title", "what_happened", "immediate_action", "suggested_action")


class RegistrationForm(BaseModel):
    """The registration modal's values, after the edge has parsed them."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    category: Category
    # Required only where the bot keeps the person's words (Route.stores_narrative): see parse_form.
    title: Annotated[Annotated[str, Field(min_length=3, max_length=TITLE_MAX)] | None,
                     BeforeValidator(clean_text)] = None
    what_happened: Text = None
    occurred_on: date
    immediate_action: Text = None
    suggested_action: Text = None
    severity: Severity = Severity.LOW
    citizen_rights: CitizenRights = CitizenRights.UNSURE
    anonymous: bool = False


def parse_form(values: dict[str, object], office: Office, today: date) -> RegistrationForm:
    """Check the modal's values; raise FieldErrors naming every field that is wrong.

    `today` is the office's local date: a deviation cannot have happened after it.
    """
    errors: dict[str, str] = {}
    try:
        form = RegistrationForm.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "title"
            errors.setdefault(name, ERROR_KEYS.get(error["type"], "error.field.invalid"))
        form = None
    occurred_on = form.occurred_on if form else _date_or_none(values.get("occurred_on"))
    if occurred_on and occurred_on > today:
        errors["occurred_on"] = "error.field.future_date"
    texts = {name: values.get(name) for name in FREE_TEXT_FIELDS if isinstance(values.get(name), str)}
    for name in fields_with_national_id(texts):
        errors[name] = "error.field.national_id"
    route = _route_or_none(office, form.category if form else values.get("category"))
    if route is not None and route.stores_narrative and "title" not in errors and not clean_text(values.get("title")):
        errors["title"] = "error.field.required"
    if form is not None and not errors:
        assert route is not None
        if route.handling is Handling.OWN and not form.what_happened:
            errors["what_happened"] = "error.field.describe"
    if errors:
        raise FieldErrors(errors)
    assert form is not None
    return form


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


@dataclass(frozen=True)
class Redirected:
    """Not a deviation (technical problems): guided to user support, counted, no case."""

    route: Route


# The audit-log kind of a technical problem sent to user support: counted, with no case.
REDIRECTED = "omdirigert"


def submission_key(view_id: str) -> str:
    """A digest of Slack's view id: finds a retried submission without keeping Slack's id."""
    return hashlib.sha256(view_id.encode()).hexdigest()


def initial_state(route: Route) -> State:
    return State.FORWARDED if route.is_external else State.REGISTERED


def register(db: Database, clock: Clock, office: Office, form: RegistrationForm, *,
             reporter_id: str, view_id: str, channel_id: str | None = None) -> Registered | Redirected:
    """Store a deviation with its audit event and its messages, all in one transaction.

    A second submission of the same form (Slack retry, double click) returns the first case.
    The reporter of an anonymous case is not stored anywhere: not in the row, the event or
    the ledger; their receipt is the modal itself.
    """
    route = office.route(form.category)
    now = clock.now()
    key = submission_key(view_id)
    try:
        with db.transaction() as session:
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
                                  title=existing.title)
            deviation = _new_deviation(session, office, form, route, now, key,
                                       None if form.anonymous else reporter_id,
                                       None if form.anonymous else channel_id)
            store.record_event(session, office_id=office.id, kind="registrert", at=now,
                               actor_id=deviation.reporter_id, deviation=deviation,
                               to_state=deviation.state,
                               detail={"category": deviation.category, "destination": deviation.destination})
            ledger_ids = _enter_messages(session, office, deviation, route, now)
            _number(session, office, deviation)
            return Registered(deviation.id, deviation.reference, route, form.anonymous, True, ledger_ids,
                              title=deviation.title)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _new_deviation(session, office: Office, form: RegistrationForm, route: Route, now: datetime, key: str,
                   reporter_id: str | None, channel_id: str | None) -> Deviation:
    year = now.astimezone(office.tz).year
    minimal = route.keeps_minimal_text
    deviation = Deviation(
        # Numbered last, by _number(); until then a placeholder no other transaction can collide with.
        office_id=office.id, year=year, seq=0, reference=f"~{key[:31]}", submission_key=key,
        kind=form.kind.value, category=form.category.value, destination=route.destination.value,
        severity=form.severity.value, citizen_rights=form.citizen_rights.value,
        # Seed 000 / DESIGN: an ASYS case keeps category, date and reference; the narrative belongs in ASYS.
        title=form.title if form.title and not minimal else t(f"category.{form.category.value}", office.locale),
        what_happened=None if minimal else form.what_happened,
        immediate_action=None if minimal else form.immediate_action,
        suggested_action=None if minimal else form.suggested_action,
        occurred_on=form.occurred_on, anonymous=form.anonymous, reporter_id=reporter_id, channel_id=channel_id,
        state=initial_state(route).value, created_at=now, updated_at=now,
    )
    session.add(deviation)
    session.flush()
    return deviation


def _number(session, office: Office, deviation: Deviation) -> None:
    """Give the case its reference, as the transaction's last statements: the office's counter row
    stays locked from here to COMMIT only, so concurrent registrations overlap in everything else
    and the numbers stay gap-free (a registration that rolls back never took one)."""
    deviation.seq = store.next_sequence(session, office.id, deviation.year)
    deviation.reference = format_reference(deviation.year, deviation.seq)
    session.flush()


def _enter_messages(session, office: Office, deviation: Deviation, route: Route, now: datetime) -> list[int]:
    """The messages a new case sends: the card to the leaders and, when not anonymous, a receipt DM."""
    about = Target.deviation(deviation.id)
    keys = [LedgerKey(MessageKind.LEADER_CARD, about, office.leader_channel)]
    if deviation.reporter_id:
        keys.append(LedgerKey(MessageKind.RECEIPT, about, deviation.reporter_id))
    if route.alerts_leaders_at_once:
        keys.append(LedgerKey(MessageKind.LEADER_ALERT, about, office.leader_channel))
    return [entry_id for key in keys if (entry_id := ledger.enter(session, office.id, key, now)) is not None]
