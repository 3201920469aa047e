"""Queries and writes for quality rounds, reviews and measures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, and_, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from store.models import Action, AreaAssessment, Event, QualityReview, QualityRound

_REVIEWS = selectinload(QualityRound.reviews).selectinload(QualityReview.assessments)


def create_round(session: Session, **values: object) -> tuple[QualityRound, bool]:
    """Create the office's round for a year and season, or return the one that exists (any replica)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_id = session.execute(
        insert(QualityRound).values(**values)
        .on_conflict_do_nothing(index_elements=["office_id", "year", "season"])
        .returning(QualityRound.id)
    ).scalar_one_or_none()
    query = select(QualityRound).where(QualityRound.office_id == values["office_id"],
                                       QualityRound.year == values["year"], QualityRound.season == values["season"])
    return session.scalars(query).one(), new_id is not None


def lock_rounds(session: Session, office_id: str) -> None:
    """Serialise opening rounds for one office for the rest of the transaction, so that two openers
    (a leader and the scheduler, or two replicas) never leave two rounds open side by side.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: every transaction already begins
    IMMEDIATE (store.db), which holds the database's single write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"quality:{office_id}"})


def by_id(session: Session, round_id: int, *, lock: bool = False) -> QualityRound | None:
    query = select(QualityRound).where(QualityRound.id == round_id)
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def by_season(session: Session, office_id: str, year: int, season: str) -> QualityRound | None:
    query = select(QualityRound).where(QualityRound.office_id == office_id, QualityRound.year == year,
                                       QualityRound.season == season)
    return session.scalars(query).one_or_none()


def open_rounds(session: Session, office_id: str) -> Sequence[QualityRound]:
    query = select(QualityRound).where(QualityRound.office_id == office_id, QualityRound.state == "apen")
    return session.scalars(query.order_by(QualityRound.opens_on)).all()


def latest(session: Session, office_id: str) -> QualityRound | None:
    query = select(QualityRound).where(QualityRound.office_id == office_id)
    return session.scalars(query.order_by(QualityRound.opens_on.desc(), QualityRound.id.desc()).limit(1)).first()


def previous_of_same_group(session: Session, rnd: QualityRound, *, with_reviews: bool = False) -> QualityRound | None:
    """The last closed round before `rnd` with the same target group (spring with spring); its
    reviews and their assessments loaded with it when asked for."""
    query = (
        select(QualityRound)
        .where(QualityRound.office_id == rnd.office_id, QualityRound.target_group == rnd.target_group,
               QualityRound.opens_on < rnd.opens_on, QualityRound.state == "lukket")
        .order_by(QualityRound.opens_on.desc())
        .limit(1)
    )
    if with_reviews:
        query = query.options(_REVIEWS)
    return session.scalars(query).first()


def reviews_per_reviewer(session: Session, round_id: int) -> dict[str, int]:
    query = (select(QualityReview.reviewer_id, func.count())
             .where(QualityReview.round_id == round_id).group_by(QualityReview.reviewer_id))
    return {reviewer: count for reviewer, count in session.execute(query)}


def by_submission_key(session: Session, key: str) -> QualityReview | None:
    return session.scalars(select(QualityReview).where(QualityReview.submission_key == key)).one_or_none()


def assessments(session: Session, round_id: int) -> Sequence[AreaAssessment]:
    query = (select(AreaAssessment).join(QualityReview)
             .where(QualityReview.round_id == round_id).order_by(AreaAssessment.id))
    return session.scalars(query).all()


def measures(session: Session, round_id: int) -> Sequence[Action]:
    return session.scalars(select(Action).where(Action.round_id == round_id).order_by(Action.id)).all()


def is_measure(session: Session, action_id: int) -> bool:
    """Whether the action is a round's measure (it has a round), not a deviation's action."""
    return session.scalar(select(Action.round_id).where(Action.id == action_id)) is not None


def overdue_measures(session: Session, office_id: str, today: date) -> Sequence[Action]:
    """Open measures of the office's rounds whose due date has passed (through ix_actions_open_due)."""
    query = (select(Action).join(QualityRound, QualityRound.id == Action.round_id)
             .where(QualityRound.office_id == office_id, Action.state == "apen", Action.due_on < today)
             .order_by(Action.due_on, Action.id))
    return session.scalars(query).all()


def rounds_during(session: Session, office_id: str, first: date, last: date, start: datetime,
                  end: datetime) -> Sequence[QualityRound]:
    """Rounds of a period report, with their reviews and assessments loaded in two more queries:
    those whose window [opens_on, closes_on] overlaps the days [first, last], and those that were
    open at some moment in [start, end) (a leader may open a round early or close it late)."""
    in_window = and_(QualityRound.opens_on <= last, QualityRound.closes_on >= first)
    open_then = and_(QualityRound.created_at < end,
                     or_(QualityRound.closed_at.is_(None), QualityRound.closed_at >= start))
    query = (select(QualityRound)
             .where(QualityRound.office_id == office_id, or_(in_window, open_then))
             .options(_REVIEWS)
             .order_by(QualityRound.opens_on, QualityRound.id))
    return session.scalars(query).all()


def measures_during(session: Session, office_id: str, start: datetime, end: datetime) -> Sequence[Row]:
    """Every measure of the office's rounds that existed and was not yet finished at some moment in
    [start, end), with its round's year and season."""
    query = (
        select(Action.id, QualityRound.year.label("round_year"), QualityRound.season.label("round_season"),
               Action.area, Action.scope, Action.description, Action.owner_id, Action.due_on, Action.state,
               Action.created_at, Action.finished_at)
        .join(QualityRound, QualityRound.id == Action.round_id)
        .where(QualityRound.office_id == office_id, Action.created_at < end,
               or_(Action.finished_at.is_(None), Action.finished_at >= start))
        .order_by(Action.due_on, Action.id)
    )
    return session.execute(query).all()


TAG_APPROVED = "kvalitet_stikkord_godkjent"  # the audit event that records a leader's approval of a tag


def approved_tags(session: Session, office_id: str) -> set[str]:
    """The reviewers' tags a leader of the office has approved for the office's summaries (read from
    the audit log, where each approval is written with who approved it)."""
    query = select(Event.detail).where(Event.office_id == office_id, Event.kind == TAG_APPROVED)
    return {str(detail.get("tag")) for detail in session.scalars(query) if detail.get("tag")}
