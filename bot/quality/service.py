"""Running quality rounds (seed 002): open, review, close with an overall assessment, measures.

Each function is one unit of work: it checks the rules, writes rows and the audit event, and
enters what must be sent in the ledger, in one transaction. Sending happens after, through
the messenger, so nothing is sent twice and nothing is lost.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.clock import Clock
from bot.deviations.rules import ActionState, Term, finish_action, require_open
from bot.errors import ActionNotFound, NotAReviewer, NotYourReview, RoundNotOpen, StorageUnavailable
from bot.i18n import t
from bot.leaders.directory import LeaderDirectory
from bot.leaders.forms import parse_reason
from bot.leaders.service import ACTION_DONE, authorize_owner
from bot.office import Office, OfficeDirectory
from bot.quality.rules import (
    PRESET_THEMES,
    TARGET_GROUP,
    Area,
    AreaSummary,
    ReviewForm,
    Scope,
    Scored,
    Season,
    normalize_tags,
    round_title,
    summarize,
    window_opened_on,
)
from store import deviations as deviation_store
from store import learning as learning_store
from store import ledger
from store import quality as store
from store.db import Database, Unavailable
from store.ledger import LedgerKey, MessageKind, Target
from store.models import Action, AreaAssessment, GoodPractice, QualityReview, QualityRound


def reviewers_of(leaders: LeaderDirectory, office: Office, *, patient: bool = False) -> list[str]:
    """The configured reviewers and the members of the reviewer user group (`patient`: asked by a job)."""
    members = set(office.quality.reviewers)
    if office.quality.reviewer_usergroup:
        members |= leaders.group_members(office.quality.reviewer_usergroup, patient=patient)
    return sorted(members)


def county_leaders_of(leaders: LeaderDirectory, offices: OfficeDirectory, office: Office, *,
                      patient: bool = False) -> list[str]:
    """Who follows up the office's measures «i fylkets regi» (seed 002): the leaders of its counties.
    Empty also for an office in no county, whose own leaders follow them up: a caller that must tell
    the two apart asks `offices.counties_of` (bot.quality.jobs.scheduled_rounds)."""
    members: set[str] = set()
    for county in offices.counties_of(office.id):
        members |= leaders.county_leaders(county, patient=patient)
    return sorted(members)


@dataclass(frozen=True)
class Opened:
    round: QualityRound  # as it is now: the new round, or the one that was there (perhaps closed)
    created: bool
    ledger_ids: list[int] = field(default_factory=list)
    running: QualityRound | None = None  # another round still open, so this one was not opened

    @property
    def blocked(self) -> bool:
        return self.running is not None

    @property
    def round_id(self) -> int:
        return self.round.id


def _event(session, office: Office, kind: str, at, actor_id: str | None, **detail: object) -> None:
    deviation_store.record_event(session, office_id=office.id, kind=kind, at=at, actor_id=actor_id, detail=detail)


def open_round(db: Database, clock: Clock, office: Office, season: Season, year: int, *,
               opened_by: str | None, reviewers: list[str]) -> Opened:
    """Open the office's round for a season (idempotent: a second opener gets the same round); one
    opened after its window has passed runs from today (`window_opened_on`).

    One round is open at a time per office (seed 002: «Kvalitetsmålingene gjennomføres hvert
    halvår»): while another round runs, nothing is opened and `Opened.running` names that round."""
    now = clock.now()
    opens_on, closes_on = window_opened_on(office.quality, season, year, now.astimezone(office.tz).date())
    try:
        with db.transaction() as session:
            store.lock_rounds(session, office.id)
            running = [r for r in store.open_rounds(session, office.id) if (r.year, r.season) != (year, season.value)]
            if running:
                return Opened(running[0], False, running=running[0])
            rnd, created = store.create_round(
                session, office_id=office.id, year=year, season=season.value,
                target_group=TARGET_GROUP[season].value, opens_on=opens_on, closes_on=closes_on, state="apen",
                reviewers=sorted(set(reviewers)), target_per_reviewer=office.quality.reviews_per_reviewer,
                opened_by=opened_by, created_at=now)
            if not created:
                return Opened(rnd, False)
            _event(session, office, "kvalitet_apnet", now, opened_by, round_id=rnd.id)
            about = Target.quality_round(rnd.id)
            keys = [LedgerKey(MessageKind.QUALITY_OPENED, about, office.leader_channel)]
            keys += [LedgerKey(MessageKind.QUALITY_INVITE, about, r) for r in rnd.reviewers]
            ids = [i for key in keys if (i := ledger.enter(session, office.id, key, now)) is not None]
            return Opened(rnd, True, ids)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def current_round(db: Database, office: Office) -> QualityRound | None:
    with db.transaction() as session:
        rounds = store.open_rounds(session, office.id)
        return rounds[-1] if rounds else None


def latest_round(db: Database, office: Office) -> QualityRound | None:
    """The office's latest round, open or closed (`/kvalitet tiltak`)."""
    try:
        with db.transaction() as session:
            return store.latest(session, office.id)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class Progress:
    """How far reviewers have come in a round: reviews per reviewer, and the target for each."""

    round: QualityRound
    done: dict[str, int]

    def of(self, reviewer_id: str) -> int:
        return self.done.get(reviewer_id, 0)


def progress(db: Database, office: Office, round_id: int | None = None) -> Progress | None:
    """A round's progress (the latest round's when no id is given); None when there is no such round."""
    try:
        with db.transaction() as session:
            rnd = store.by_id(session, round_id) if round_id is not None else store.latest(session, office.id)
            if rnd is None or rnd.office_id != office.id:
                return None
            return Progress(rnd, store.reviews_per_reviewer(session, rnd.id))
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def submit_review(db: Database, clock: Clock, office: Office, round_id: int, reviewer_id: str,
                  form: ReviewForm, *, view_id: str, is_leader: bool) -> int:
    """Store one review; a retried submission of the same form returns the first review."""
    key = hashlib.sha256(f"quality:{reviewer_id}:{view_id}".encode()).hexdigest()  # by view and reviewer
    now = clock.now()
    try:
        with db.transaction() as session:
            existing = store.by_submission_key(session, key)
            if existing is not None:
                if existing.reviewer_id != reviewer_id:
                    raise NotYourReview()  # someone else's form, sent again: neither theirs to thank nor to count
                return existing.id
            rnd = store.by_id(session, round_id)
            if rnd is None or rnd.office_id != office.id or rnd.state != "apen":
                raise RoundNotOpen()
            if reviewer_id not in rnd.reviewers and not is_leader:
                raise NotAReviewer()
            review = QualityReview(round_id=rnd.id, reviewer_id=reviewer_id, case_number=form.case_number,
                                   submission_key=key, submitted_at=now)
            review.assessments = [
                AreaAssessment(area=area.value, score=a.score, works_well=a.works_well,
                               works_less_well=a.works_less_well, tags=list(a.tags))
                for area, a in form.areas.items()
            ]
            session.add(review)
            session.flush()
            return review.id
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class Closed:
    """A round just ended («avsluttet»): what it was, how many reviews it had, what is to be sent."""

    round: QualityRound
    reviews: int
    ledger_ids: list[int]


def close_round(db: Database, clock: Clock, office: Office, round_id: int, *, closed_by: str | None,
                verdicts: Mapping[str, str] | None = None) -> Closed:
    """End a round; its overall assessment goes to the leaders and, short, to the office. A round
    without a single review posts nothing to the office: the leaders get a note that it ended empty.

    `verdicts` is the leaders' helhetsvurdering per area, in their words (seed 002: «Helhetsvurdering»):
    the posts show it beside the figures, which support it rather than replace it."""
    now = clock.now()
    try:
        with db.transaction() as session:
            rnd = store.by_id(session, round_id, lock=True)
            if rnd is None or rnd.office_id != office.id or rnd.state != "apen":
                raise RoundNotOpen()
            rnd.state, rnd.closed_at = "lukket", now
            if verdicts:
                rnd.verdicts = dict(verdicts)
            _event(session, office, "kvalitet_lukket", now, closed_by, round_id=rnd.id)
            reviews = sum(store.reviews_per_reviewer(session, rnd.id).values())
            about = Target.quality_round(rnd.id)
            keys = [LedgerKey(MessageKind.QUALITY_ASSESSMENT, about, office.leader_channel)]
            if reviews:
                keys.append(LedgerKey(MessageKind.QUALITY_ASSESSMENT_SHORT, about, office.office_channel))
            ids = [i for key in keys if (i := ledger.enter(session, office.id, key, now)) is not None]
            return Closed(rnd, reviews, ids)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class Assessment:
    """A round's helhetsvurdering, ready to render."""

    round: QualityRound
    reviews: int
    summaries: list[AreaSummary]
    previous: QualityRound | None
    approved_tags: frozenset[str] = frozenset()  # tags a leader has let the office read


def _scored(session, round_id: int) -> list[Scored]:
    return [Scored(Area(a.area), a.score, tuple(a.tags)) for a in store.assessments(session, round_id)]


def assessment(session, round_id: int) -> Assessment:
    """Compare only with the previous round of the same target group (spring with spring)."""
    rnd = store.by_id(session, round_id)
    previous = store.previous_of_same_group(session, rnd)
    summaries = summarize(_scored(session, rnd.id), _scored(session, previous.id) if previous else [])
    reviews = sum(store.reviews_per_reviewer(session, rnd.id).values())
    return Assessment(rnd, reviews, summaries, previous, frozenset(store.approved_tags(session, rnd.office_id)))


@dataclass(frozen=True)
class TagListing:
    """The tags of the office's latest round, as a leader reviews them before the office reads them."""

    presets: tuple[str, ...]
    approved: frozenset[str]
    waiting: list[str]  # reviewers' own tags in the latest round that the office does not see yet


def tag_listing(db: Database, office: Office) -> TagListing:
    try:
        with db.reading() as session:
            approved = frozenset(store.approved_tags(session, office.id))
            rnd = store.latest(session, office.id)
            used = dict.fromkeys(tag for a in store.assessments(session, rnd.id) for tag in a.tags) if rnd else {}
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    waiting = [tag for tag in used if tag not in approved and tag not in PRESET_THEMES]
    return TagListing(PRESET_THEMES, approved, waiting)


def approve_tag(db: Database, clock: Clock, office: Office, tag: str, *, approved_by: str) -> str | None:
    """A leader lets the office read a reviewer's tag in the short helhetsvurdering; the approval is
    written to the audit log with who gave it. Returns the tag as it is matched, None if it is empty."""
    normalized = normalize_tags(tag)
    if not normalized:
        return None
    try:
        with db.transaction() as session:
            if normalized[0] not in store.approved_tags(session, office.id):
                _event(session, office, store.TAG_APPROVED, clock.now(), approved_by, tag=normalized[0])
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    return normalized[0]


# --- a measure's owner marks it done («Utført», the same button as a case's action) ---------------

@dataclass(frozen=True)
class MeasureParent:
    """What an owner's DM and the completion modal show above a measure, where a case's reference
    and title would stand (seed 002: «Tiltak kontorene jobber med»)."""

    reference: str
    title: str
    responsible_leader: str | None = None


def is_measure(db: Database, action_id: int) -> bool:
    """Whether an action is a round's measure rather than a case's action (an old DM's «Utført»
    carries only the action's id)."""
    try:
        with db.reading() as session:
            return store.is_measure(session, action_id)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def measure_for(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office, action_id: int | None,
                user_id: str) -> tuple[MeasureParent, Action]:
    """A measure with its round and area, for its owner or a leader; anyone else's attempt is written
    to the audit log and refused (NotActionOwner), as for a case's action."""
    try:
        with db.transaction() as session:
            action = session.get(Action, action_id) if action_id is not None else None
            parent = measure_parent(session, office, action) if action is not None else None
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    if action is None or parent is None:
        raise ActionNotFound()
    authorize_owner(db, clock, leaders, office, user_id, action)
    return MeasureParent(*parent), action


def measure_to_complete(db: Database, clock: Clock, leaders: LeaderDirectory, office: Office,
                        action_id: int | None, user_id: str) -> tuple[MeasureParent, Action]:
    """What the completion modal shows: a measure still open, for its owner or a leader."""
    measure, action = measure_for(db, clock, leaders, office, action_id, user_id)
    require_open(ActionState(action.state))
    return measure, action


def parse_note(values: Mapping[str, object], field: str) -> str:
    """The owner's completion note: required, like a case's action's (no national identity number)."""
    return parse_reason(values, field)


def finish_measure(db: Database, clock: Clock, office: Office, action_id: int, note: str, *,
                   actor_id: str) -> tuple[MeasureParent, Action]:
    """A measure carried out, with its owner's note, and the audit event; returns it as it now is."""
    now = clock.now()
    try:
        with db.transaction() as session:
            measure = lock_measure(session, office, action_id)
            if measure is None:
                raise ActionNotFound()
            measure.state = finish_action(ActionState(measure.state), ActionState.DONE, note).value
            measure.finished_at, measure.completion_note = now, note
            deviation_store.record_event(session, office_id=office.id, at=now, actor_id=actor_id, action=measure,
                                         kind=ACTION_DONE, detail={"action": measure.id, "round_id": measure.round_id})
            parent = measure_parent(session, office, measure)
            assert parent is not None  # lock_measure checked the office
            return MeasureParent(*parent), measure
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def measure_parent(session, office: Office, action: Action) -> tuple[str, str] | None:
    """A measure's round and area, as (reference, title), where a case's would stand; None when the
    round is another office's."""
    rnd = store.by_id(session, action.round_id) if action.round_id is not None else None
    if rnd is None or rnd.office_id != office.id:
        return None
    return round_title(rnd, office.locale), t(f"quality.area.{action.area}", office.locale)


def lock_measure(session, office: Office, action_id: int) -> Action | None:
    """The measure with this id, locked for its owner's «Utført»; None when the action is a case's.
    Raises ActionNotFound for another office's measure."""
    action = session.get(Action, action_id, with_for_update=True)
    if action is None or action.round_id is None:
        return None
    if measure_parent(session, office, action) is None:
        raise ActionNotFound()
    return action


@dataclass(frozen=True)
class MeasureForm:
    description: str
    area: Area
    scope: Scope
    owner_id: str
    due_on: date
    term: Term = Term.LONG


def create_measure(db: Database, clock: Clock, office: Office, round_id: int, form: MeasureForm, *,
                   created_by: str, county_leaders: Sequence[str] = ()) -> tuple[int, list[int]]:
    """Turn a finding into a measure: an action with owner and due date, like a deviation's. A measure
    «i fylkets regi» is told to the county's leaders too (issue 24), who follow it up."""
    now = clock.now()
    try:
        with db.transaction() as session:
            rnd = store.by_id(session, round_id)
            if rnd is None or rnd.office_id != office.id:
                raise RoundNotOpen()
            action = Action(round_id=rnd.id, scope=form.scope.value, area=form.area.value, term=form.term.value,
                            description=form.description, owner_id=form.owner_id, due_on=form.due_on,
                            state="apen", created_at=now)
            session.add(action)
            session.flush()
            deviation_store.record_event(session, office_id=office.id, kind="kvalitet_tiltak", at=now,
                                         actor_id=created_by,
                                    action=action, detail={"round_id": rnd.id, "scope": form.scope.value})
            keys = [LedgerKey(MessageKind.MEASURE_ASSIGNED, Target.action(action.id), form.owner_id)]
            if form.scope is Scope.COUNTY:
                keys += _county_keys(action, county_leaders)
            ids = [i for key in keys if (i := ledger.enter(session, office.id, key, now)) is not None]
            return action.id, ids
    except Unavailable as exc:
        raise StorageUnavailable() from exc


def _county_keys(action: Action, county_leaders: Sequence[str]) -> list[LedgerKey]:
    return [LedgerKey(MessageKind.MEASURE_COUNTY, Target.action(action.id), leader)
            for leader in county_leaders if leader != action.owner_id]


def tell_county_leaders(db: Database, clock: Clock, office: Office, action_id: int,
                        county_leaders: Sequence[str]) -> list[int]:
    """A county measure told to county leaders known only after it was saved (Slack was slow to name a
    county's user group): each leader is told once, whoever was told already."""
    try:
        with db.transaction() as session:
            action = session.get(Action, action_id)
            if action is None or action.round_id is None or action.scope != Scope.COUNTY.value:
                return []
            keys = _county_keys(action, county_leaders)
            return [i for key in keys if (i := ledger.enter(session, office.id, key, clock.now())) is not None]
    except Unavailable as exc:
        raise StorageUnavailable() from exc


# --- the leaders' helhetsvurdering, and «gode grep» shared with the office (seed 002) -------------

def figures(db: Database, office: Office, round_id: int) -> Assessment:
    """A round's figures, for the leaders writing its helhetsvurdering before they close it."""
    try:
        with db.transaction() as session:  # not `reading()`: its rollback would expire what is returned
            rnd = store.by_id(session, round_id)
            if rnd is None or rnd.office_id != office.id:
                raise RoundNotOpen()
            return assessment(session, round_id)
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class WorksWell:
    """A «fungerer bra» answer a leader may share: its area and words, never its reviewer or case."""

    id: int
    area: Area
    text: str


GOOD_PRACTICE_CHOICES = 10  # Slack's checkboxes hold ten options


def works_well(db: Database, office: Office, round_id: int) -> list[WorksWell]:
    """The round's «fungerer bra» answers, at most GOOD_PRACTICE_CHOICES, in the order they came."""
    try:
        with db.reading() as session:
            rnd = store.by_id(session, round_id)
            if rnd is None or rnd.office_id != office.id:
                raise RoundNotOpen()
            found = [WorksWell(a.id, Area(a.area), a.works_well) for a in store.assessments(session, round_id)
                     if a.works_well and a.works_well.strip()]
    except Unavailable as exc:
        raise StorageUnavailable() from exc
    return found[:GOOD_PRACTICE_CHOICES]


def share_good_practices(db: Database, clock: Clock, office: Office, round_id: int, chosen: list[int]) -> list[int]:
    """Copy the chosen answers (area and words only) and enter one short post to the office channel
    (seed 002: «Grunnlag for læring og deling av gode grep mellom medarbeidere»). Ids not among the
    round's «fungerer bra» answers are ignored; the ledger ids entered are returned."""
    now = clock.now()
    allowed = {w.id: w for w in works_well(db, office, round_id)}
    picked = [allowed[i] for i in dict.fromkeys(chosen) if i in allowed]
    if not picked:
        return []
    batch = secrets.token_hex(8)
    try:
        with db.transaction() as session:
            for item in picked:
                session.add(GoodPractice(round_id=round_id, batch=batch, area=item.area.value, text=item.text,
                                         shared_at=now))
            key = LedgerKey(MessageKind.QUALITY_GOOD_PRACTICE, Target.quality_round(round_id), office.office_channel,
                            f"grep:{batch}")
            return [i for i in [ledger.enter(session, office.id, key, now)] if i is not None]
    except Unavailable as exc:
        raise StorageUnavailable() from exc


@dataclass(frozen=True)
class SharedPractices:
    round: QualityRound
    practices: list[GoodPractice] = field(default_factory=list)


def shared_practices(session, round_id: int, batch: str) -> SharedPractices:
    rnd = store.by_id(session, round_id)
    if rnd is None:
        raise LookupError(f"round {round_id} is gone")
    return SharedPractices(rnd, list(learning_store.good_practices(session, round_id, batch)))
