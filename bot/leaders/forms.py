"""What leaders submit: the assessment, the closure, and the reasons that go with a step.

Seed 000, «Er det noen vits å melde avvik?»: reporting works when the leaders «iverksetter
kort- og langsiktige tiltak», «gir tilbakemelding til kontoret om hva som er gjort» and
«vurderer om, når og hvordan avvik(ene) skal lukkes ut fra resultat av tiltak(ene)».

Each parser takes the modal's values by field name (the handlers use the field names as
block ids) and returns a checked form, or raises FieldErrors naming every field that is wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot.deviations.rules import (
    RISK_LEVELS,
    ClosureRequest,
    Severity,
    Term,
    assessment_command,
    check_lesson,
    decision_required,
)
from bot.errors import AssessmentIncomplete, ClosureNotAllowed
from bot.forms import ERROR_KEYS, TEXT_MAX, FieldErrors, Text, clean_text
from bot.privacy import contains_national_id

USER_ID = r"^[UW][A-Z0-9]{2,30}$"
MAX_ACTIONS = 8  # rows in one assessment; Slack allows 100 blocks in a modal, each row takes five
REFERENCE_MAX = 100

Required = Annotated[str, BeforeValidator(clean_text), Field(min_length=3, max_length=TEXT_MAX)]
UserId = Annotated[str, Field(pattern=USER_ID)]

# Assessment fields. An action row's fields are named `action_<row>_<field>`.
NEEDS_ACTIONS, REASONS, RESPONSIBLE, SEVERITY = "needs_actions", "reasons", "responsible", "severity"
# Issue 22: risk and cause at assessment (and «Endre risiko» later).
LIKELIHOOD, CONSEQUENCE, CAUSE_TYPES = "risk_likelihood", "risk_consequence", "cause_types"
TERM, DESCRIPTION, OWNER, DUE_ON = "term", "description", "owner", "due_on"
ACTION_FIELDS = (TERM, DESCRIPTION, OWNER, DUE_ON)
YES, NO, CLOSE_NOW = "ja", "nei", "lukk"  # «Ingen tiltak – lukk nå»: no action, closed in the same modal
# Changing an action under way: which one, a new responsible person, a new due date.
NEW_OWNER, NEW_DUE_ON = "new_owner", "new_due_on"
# Closure fields.
FEEDBACK, LESSON, DECISION_DATE, DECISION_REFERENCE = "feedback", "lesson", "decision_date", "decision_reference"
NO_NEW_LESSON = "no_new_lesson"  # a checkbox: «Ingen ny erfaring»
NONE_NEW = "ingen"  # its one option's value


def action_field(row: int, name: str) -> str:
    return f"action_{row}_{name}"


class ActionDraft(BaseModel):
    """One corrective action as the leader wrote it: short- or long-term, what, who, by when."""

    model_config = ConfigDict(frozen=True)

    term: Term
    description: Required
    owner: UserId
    due_on: date


class ClosureForm(BaseModel):
    """Seed 000, «Lukking av avvik» and the process's last two steps: «Tilbakemelding til kontoret»,
    «Erfaring inn i virksomhetsplan»."""

    model_config = ConfigDict(frozen=True)

    feedback: Required
    lesson: Text = None
    no_new_lesson: bool = False
    decision_date: date | None = None
    decision_reference: Annotated[Annotated[str, Field(max_length=REFERENCE_MAX)] | None,
                                  BeforeValidator(clean_text)] = None

    def request(self) -> ClosureRequest:
        return ClosureRequest(feedback=self.feedback, lesson=self.lesson, no_new_lesson=self.no_new_lesson,
                              decision_date=self.decision_date,
                              decision_reference=self.decision_reference)


class RiskForm(BaseModel):
    """Issue 22: sannsynlighet and konsekvens (1–5 each) and one or more of the office's cause types."""

    model_config = ConfigDict(frozen=True)

    likelihood: int
    consequence: int
    cause_types: tuple[str, ...]


class AssessmentForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    needs_actions: bool
    reasons: Text = None
    responsible: UserId
    actions: tuple[ActionDraft, ...] = ()
    severity: Severity | None = None  # the leader's judgement; None keeps the case's as it is
    closure: ClosureForm | None = None  # «Ingen tiltak – lukk nå»: the closure, in the same modal
    risk: RiskForm | None = None  # required from the modal (parse_assessment); None only where none was asked


# Which field a closure refusal from bot.deviations.rules.check_closure is about.
CLOSURE_FIELDS = {
    "error.closure_needs_decision": DECISION_REFERENCE,
    "error.closure_needs_lesson": LESSON,
    "error.closure_lesson_or_none": LESSON,
}


def _errors(exc: ValidationError, prefix: str = "", fields: Collection[str] = ()) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        if fields and name not in fields:
            continue
        errors.setdefault(prefix + name, ERROR_KEYS.get(error["type"], "error.field.invalid"))
    return errors


def _national_ids(texts: Mapping[str, object]) -> dict[str, str]:
    return {name: "error.field.national_id" for name, text in texts.items()
            if isinstance(text, str) and contains_national_id(text)}


def _blank(value: object) -> bool:
    return clean_text(value) in (None, [], "")


def parse_risk(values: Mapping[str, object], cause_ids: Collection[str]) -> RiskForm:
    """Issue 22: both steps chosen from 1–5 and at least one cause type, every one of them in the office's
    list. Slack offers only those; anything else was forged and is refused on its field."""
    errors: dict[str, str] = {}
    chosen: dict[str, int] = {}
    for name in (LIKELIHOOD, CONSEQUENCE):
        value = values.get(name)
        if _blank(value):
            errors[name] = "error.field.choose"
        elif not isinstance(value, str) or value not in {str(level) for level in RISK_LEVELS}:  # "1" … "5" only
            errors[name] = "error.risk.invalid"
        else:
            chosen[name] = int(value)
    picked = values.get(CAUSE_TYPES)
    picked = picked if isinstance(picked, list) else []
    if not picked:
        errors[CAUSE_TYPES] = "error.risk.cause_required"
    elif any(not isinstance(cause, str) or cause not in cause_ids for cause in picked):
        errors[CAUSE_TYPES] = "error.risk.invalid"
    causes = tuple(dict.fromkeys(c for c in picked if isinstance(c, str)))
    if errors:
        raise FieldErrors(errors)
    return RiskForm(likelihood=chosen[LIKELIHOOD], consequence=chosen[CONSEQUENCE], cause_types=causes)


def parse_assessment(values: Mapping[str, object], rows: Sequence[int], today: date,
                     leaders: Collection[str], *, cause_ids: Collection[str],
                     current_severity: Severity = Severity.MEDIUM,
                     leader_group_decision: bool = True) -> AssessmentForm:
    """Check the assessment modal. The leader sets the severity (DESIGN.md: «the reporter suggests,
    the assessing leader decides») and the risk and cause (issue 22: required for every new
    assessment). Without actions the reasons are required; with actions, each filled row needs its
    term, description, owner and a due date from today on; empty rows are skipped. The responsible
    leader must be one of the office's leaders."""
    errors: dict[str, str] = {}
    risk: RiskForm | None = None
    try:
        risk = parse_risk(values, cause_ids)
    except FieldErrors as exc:
        errors.update(exc.errors)
    choice = values.get(NEEDS_ACTIONS)
    needs = {YES: True, NO: False, CLOSE_NOW: False}.get(choice if isinstance(choice, str) else "")
    close_now = choice == CLOSE_NOW
    if needs is None:
        errors[NEEDS_ACTIONS] = "error.field.choose"
    chosen = values.get(SEVERITY)  # preselected with the case's, so Slack always sends one; none keeps it
    severity = Severity(chosen) if isinstance(chosen, str) and chosen in set(Severity) else None
    if chosen is not None and severity is None:
        errors[SEVERITY] = "error.field.choose"
    responsible = values.get(RESPONSIBLE)
    if _blank(responsible):
        errors[RESPONSIBLE] = "error.field.required"
    elif responsible not in leaders:
        errors[RESPONSIBLE] = "error.field.not_a_leader"
    drafts: list[ActionDraft] = []
    filled: list[int] = []
    if needs:
        for row in rows:
            raw = {name: values.get(action_field(row, name)) for name in ACTION_FIELDS}
            if all(_blank(raw[name]) for name in (DESCRIPTION, OWNER, DUE_ON)):
                continue  # an added row left empty
            filled.append(row)
            try:
                draft = ActionDraft.model_validate(raw)
            except ValidationError as exc:
                errors.update({action_field(row, name): key
                               for name, key in _errors(exc).items() if name in ACTION_FIELDS})
                continue
            if draft.due_on < today:
                errors[action_field(row, DUE_ON)] = "error.field.past_date"
            drafts.append(draft)
        errors.update(_national_ids({action_field(row, DESCRIPTION): values.get(action_field(row, DESCRIPTION))
                                     for row in filled}))
    reasons = clean_text(values.get(REASONS))
    if isinstance(reasons, str) and len(reasons) > TEXT_MAX:
        errors[REASONS] = "error.field.too_long"
    errors.update(_national_ids({REASONS: reasons}))
    if needs is not None and not filled:
        try:
            assessment_command(needs, len(drafts), reasons if isinstance(reasons, str) else None)
        except AssessmentIncomplete as exc:
            where = REASONS if not needs else (action_field(rows[0], DESCRIPTION) if rows else NEEDS_ACTIONS)
            errors.setdefault(where, exc.key)
    closure: ClosureForm | None = None
    if close_now:
        closure, closure_errors = _closure_now(values, severity or current_severity, today, leader_group_decision)
        errors.update(closure_errors)
    if errors:
        raise FieldErrors(errors)
    try:
        return AssessmentForm(needs_actions=bool(needs), reasons=reasons, responsible=responsible,
                              actions=tuple(drafts) if needs else (), severity=severity, closure=closure, risk=risk)
    except ValidationError as exc:  # a leader id in the config that is not a Slack user id
        raise FieldErrors(_errors(exc, fields=(RESPONSIBLE, REASONS)) or {RESPONSIBLE: "error.field.invalid"}) \
            from None


def _closure_now(values: Mapping[str, object], severity: Severity, today: date,
                 leader_group_decision: bool) -> tuple[ClosureForm | None, dict[str, str]]:
    """«Ingen tiltak – lukk nå»: the closure's feedback and experience, from the assessment modal. A case
    that needs the leader group's avgjørelse closes with «Lukk», where it is asked for."""
    if decision_required(severity, leader_group_decision):
        return None, {NEEDS_ACTIONS: "error.close_now_needs_decision"}
    try:
        return parse_closure(values, severity, today, leader_group_decision=leader_group_decision), {}
    except FieldErrors as exc:
        return None, dict(exc.errors)


def parse_closure(values: Mapping[str, object], severity: Severity, today: date, *,
                  leader_group_decision: bool = True) -> ClosureForm:
    """Check the closure modal: feedback required; the experience for the business plan, or «Ingen ny
    erfaring» ticked (seed 000: «Erfaring inn i virksomhetsplan»); a `hoy` case also needs the
    leader group's decision, its date and reference («Ved større avvik anbefales at ledergruppa
    fatter en formell avgjørelse»). The rules are checked again when the case is locked."""
    errors: dict[str, str] = {}
    form: ClosureForm | None = None
    fields = (FEEDBACK, LESSON, DECISION_DATE, DECISION_REFERENCE)
    ticked = values.get(NO_NEW_LESSON)
    none_new = isinstance(ticked, list) and NONE_NEW in ticked
    try:
        form = ClosureForm.model_validate({**{name: values.get(name) for name in fields}, NO_NEW_LESSON: none_new})
    except ValidationError as exc:
        errors.update(_errors(exc, fields=fields))
    errors.update(_national_ids({name: values.get(name) for name in (FEEDBACK, LESSON, DECISION_REFERENCE)}))
    if form is not None:
        try:
            check_lesson(form.lesson, form.no_new_lesson)
        except ClosureNotAllowed as exc:
            errors.setdefault(LESSON, exc.key)
    decided = form.decision_date if form else None
    if decided and decided > today:
        errors[DECISION_DATE] = "error.field.future_date"
    if decision_required(severity, leader_group_decision):
        if _blank(values.get(DECISION_DATE)):
            errors.setdefault(DECISION_DATE, "error.closure_needs_decision")
        if _blank(values.get(DECISION_REFERENCE)):
            errors.setdefault(DECISION_REFERENCE, "error.closure_needs_decision")
    if errors:
        raise FieldErrors(errors)
    assert form is not None
    return form


class ActionChange(BaseModel):
    """A leader gives an open action a new responsible person, a new due date, or both."""

    model_config = ConfigDict(frozen=True)

    action_id: int
    owner: UserId | None = None
    due_on: date | None = None


def parse_new_action(values: Mapping[str, object], today: date) -> ActionDraft:
    """One action added while the actions are under way: every field required, due from today on."""
    raw = {name: values.get(action_field(0, name)) for name in ACTION_FIELDS}
    errors: dict[str, str] = {action_field(0, name): "error.field.required"
                              for name in ACTION_FIELDS if _blank(raw[name])}
    draft = None
    if not errors:
        try:
            draft = ActionDraft.model_validate(raw)
        except ValidationError as exc:
            errors.update({action_field(0, name): key for name, key in _errors(exc).items() if name in ACTION_FIELDS})
    if draft is not None and draft.due_on < today:
        errors[action_field(0, DUE_ON)] = "error.field.past_date"
    errors.update(_national_ids({action_field(0, DESCRIPTION): raw[DESCRIPTION]}))
    if errors or draft is None:
        raise FieldErrors(errors)
    return draft


def parse_action_change(values: Mapping[str, object], today: date, action_field_name: str) -> ActionChange:
    """The action to change and what changes: a new responsible person and/or a new due date."""
    errors: dict[str, str] = {}
    action_id = None
    try:
        action_id = parse_choice(values, action_field_name)
    except FieldErrors as exc:
        errors.update(exc.errors)
    owner, due = values.get(NEW_OWNER), values.get(NEW_DUE_ON)
    if _blank(owner) and _blank(due):
        errors[NEW_OWNER] = "error.action_change_nothing"
    if errors:
        raise FieldErrors(errors)
    try:
        change = ActionChange(action_id=action_id, owner=None if _blank(owner) else owner,
                              due_on=None if _blank(due) else due)
    except ValidationError as exc:
        raise FieldErrors({NEW_DUE_ON if "due_on" in str(exc) else NEW_OWNER: "error.field.invalid"}) from None
    if change.due_on is not None and change.due_on < today:
        raise FieldErrors({NEW_DUE_ON: "error.field.past_date"})
    return change


def parse_reason(values: Mapping[str, object], field: str) -> str:
    """A required free-text reason or note (dropping an action, reopening, a completion note)."""
    text = clean_text(values.get(field))
    if not isinstance(text, str):
        raise FieldErrors({field: "error.field.required"})
    if len(text) < 3:
        raise FieldErrors({field: "error.field.too_short"})
    if len(text) > TEXT_MAX:
        raise FieldErrors({field: "error.field.too_long"})
    if contains_national_id(text):
        raise FieldErrors({field: "error.field.national_id"})
    return text


def parse_choice(values: Mapping[str, object], field: str) -> int:
    """An id picked from a select (the action to drop)."""
    value = values.get(field)
    if not isinstance(value, str) or not value.isdigit():
        raise FieldErrors({field: "error.field.choose"})
    return int(value)
