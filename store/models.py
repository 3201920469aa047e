"""SQLAlchemy 2.0 typed models: deviations, actions, the audit log and the message ledger.

States, kinds and categories are stored as their Bokmål values (the user's vocabulary);
the enums that name them live in `bot/`, which is why the columns here are plain strings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A case is «open» in every state but lukket; scans for reminders read only these rows.
OPEN_STATES_SQL = "state <> 'lukket'"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (the clock gives aware UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON}


class ReferenceCounter(Base):
    """The last sequence number used per office and year; bumped in the case's transaction."""

    __tablename__ = "reference_counters"

    office_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Deviation(Base):
    """An avvik or observation, from registration to closure."""

    __tablename__ = "deviations"
    __table_args__ = (
        UniqueConstraint("office_id", "reference", name="uq_deviations_office_reference"),
        UniqueConstraint("submission_key", name="uq_deviations_submission_key"),
        # Partial index: reminder scans touch open cases only, however many are closed.
        Index("ix_deviations_open", "office_id", "state", "created_at", postgresql_where=text(OPEN_STATES_SQL),
              sqlite_where=text(OPEN_STATES_SQL)),
        Index("ix_deviations_reporter", "reporter_id"),
        Index("ix_deviations_closed_at", "office_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(32))
    # A digest of the Slack view id: a second submission of the same form finds the first case.
    submission_key: Mapped[str | None] = mapped_column(String(64))

    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))  # the assessing leader's; the reporter's until then
    reported_severity: Mapped[str | None] = mapped_column(String(16))  # the reporter's, once a leader changed it
    citizen_rights: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(150))
    what_happened: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)  # «Hva gjorde at det kunne skje?»
    occurred_on: Mapped[date] = mapped_column(Date)
    immediate_action: Mapped[str | None] = mapped_column(Text)
    suggested_action: Mapped[str | None] = mapped_column(Text)

    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_id: Mapped[str | None] = mapped_column(String(32))  # None when anonymous, always
    channel_id: Mapped[str | None] = mapped_column(String(32))  # where a message shortcut came from

    state: Mapped[str] = mapped_column(String(32))
    external_reference: Mapped[str | None] = mapped_column(String(100))
    responsible_leader: Mapped[str | None] = mapped_column(String(32))
    assessment_note: Mapped[str | None] = mapped_column(Text)
    closure_feedback: Mapped[str | None] = mapped_column(Text)
    lesson: Mapped[str | None] = mapped_column(Text)
    no_new_lesson: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    snoozed_until: Mapped[date | None] = mapped_column(Date)  # «Utsett»: its reminders resume on this workday
    snooze_reason: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    # Issue 22, risk at assessment: sannsynlighet × konsekvens, each 1–5 on the office's scale; None is
    # «ikke vurdert» (cases assessed before risk existed keep working).
    risk_likelihood: Mapped[int | None] = mapped_column(Integer)
    risk_consequence: Mapped[int | None] = mapped_column(Integer)
    # The leader's cause types at assessment (ids from the office config's list); None: not assessed.
    cause_types: Mapped[list[str] | None] = mapped_column(JSON)

    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    assessed_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    text_erased_at: Mapped[datetime | None]

    actions: Mapped[list[Action]] = relationship(back_populates="deviation", order_by="Action.id")
    # Issue 20: the questions to an anonymous reporter and what they answered or added.
    dialogue: Mapped[list[DialogueMessage]] = relationship(order_by="DialogueMessage.id", viewonly=True)
    # Issue 21: a possible personal-data breach's 72-hour track; loaded with the case (an IN query), so
    # a card or receipt rendered from a detached case still has it.
    breach: Mapped[Breach | None] = relationship(viewonly=True, uselist=False, lazy="selectin")


class Action(Base):
    """A corrective action (tiltak): short- or long-term, with an owner and a due date."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_open_due", "state", "due_on"),
        Index("ix_actions_deviation", "deviation_id"),
        Index("ix_actions_round", "round_id"),
        CheckConstraint("(deviation_id IS NULL) <> (round_id IS NULL)", name="one_parent"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # An action belongs to a deviation, or is a measure from a quality round (exactly one of the two).
    deviation_id: Mapped[int | None] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("quality_rounds.id", ondelete="CASCADE"))
    scope: Mapped[str | None] = mapped_column(String(8))  # measures: kontor | fylke (seed 002)
    area: Mapped[str | None] = mapped_column(String(32))  # measures: the assessment area it answers
    term: Mapped[str] = mapped_column(String(8))  # kort | lang
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="apen")  # apen | utfort | forkastet
    completion_note: Mapped[str | None] = mapped_column(Text)
    drop_reason: Mapped[str | None] = mapped_column(Text)  # seed 000: dropped only with a reason
    snoozed_until: Mapped[date | None] = mapped_column(Date)  # «Utsett» on its owner's reminder
    snooze_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    deviation: Mapped[Deviation | None] = relationship(back_populates="actions")


class Event(Base):
    """Append-only audit log: every state change and who made it.

    `actor_id` is None for the system and for the reporter of an anonymous case.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_deviation", "deviation_id", "id"), Index("ix_events_office", "office_id", "at"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    deviation_id: Mapped[int | None] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(default=dict)


class LedgerEntry(Base):
    """One message the bot sends on its own: a receipt, a leader card, a reminder, a digest.

    The row is written, under a unique key (what, target, recipient, period), before the
    message is sent, so a retry, a restart or a second replica never sends it twice; a
    row still `pending` after a failure is sent on the next run, so nothing is lost.
    """

    __tablename__ = "ledger"
    __table_args__ = (
        UniqueConstraint("what", "target", "recipient", "period", name="uq_ledger_key"),
        Index("ix_ledger_pending", "status", "not_before", postgresql_where=text("status <> 'sent'"),
              sqlite_where=text("status <> 'sent'")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    what: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class QualityRound(Base):
    """A half-yearly quality measurement (seed 002, «Kvalitetsmålinger»): spring for AAP recipients
    aged 30 or more, autumn for young people under 30 regardless of benefit."""

    __tablename__ = "quality_rounds"
    __table_args__ = (UniqueConstraint("office_id", "year", "season", name="uq_quality_rounds_office_year_season"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    season: Mapped[str] = mapped_column(String(8))  # var | host
    target_group: Mapped[str] = mapped_column(String(32))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="apen")  # apen | lukket
    reviewers: Mapped[list] = mapped_column(JSON, default=list)
    target_per_reviewer: Mapped[int] = mapped_column(Integer)
    opened_by: Mapped[str | None] = mapped_column(String(32))  # None: opened by the scheduler
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    verdicts: Mapped[dict] = mapped_column(JSON, default=dict)  # area → the leaders' helhetsvurdering

    reviews: Mapped[list[QualityReview]] = relationship(back_populates="round", order_by="QualityReview.id")


class QualityReview(Base):
    """One reviewed follow-up case. No personal data: at most the office's internal case number."""

    __tablename__ = "quality_reviews"
    __table_args__ = (
        UniqueConstraint("submission_key", name="uq_quality_reviews_submission_key"),
        Index("ix_quality_reviews_round", "round_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("quality_rounds.id", ondelete="CASCADE"))
    reviewer_id: Mapped[str] = mapped_column(String(32))
    case_number: Mapped[str | None] = mapped_column(String(40))
    submission_key: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]

    round: Mapped[QualityRound] = relationship(back_populates="reviews")
    assessments: Mapped[list[AreaAssessment]] = relationship(back_populates="review",
                                                             order_by="AreaAssessment.id")


class AreaAssessment(Base):
    """One of seed 002's four areas in one review: a score (None = not relevant), what works well
    and less well and why, and the reviewer's own tags for the themes."""

    __tablename__ = "quality_assessments"
    __table_args__ = (UniqueConstraint("review_id", "area", name="uq_quality_assessments_review_area"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("quality_reviews.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(32))
    score: Mapped[int | None] = mapped_column(Integer)
    works_well: Mapped[str | None] = mapped_column(Text)
    works_less_well: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)

    review: Mapped[QualityReview] = relationship(back_populates="assessments")


# Registrations per week (digest counts, the leaders' summary) without reading every case.
Index("ix_deviations_created", Deviation.office_id, Deviation.created_at)


class NudgeEntry(Base):
    """One reminder given to one person about a case (or one of its actions) in one period.

    Unique on (rule, target, recipient, period), so nobody gets the same reminder twice in a
    period, whichever process or run decided it. The reminders of one person in one run are
    sent together as one message: the ledger row `ledger_id`.
    """

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("rule", "target", "recipient", "period", name="uq_nudges_key"),
        Index("ix_nudges_deviation", "deviation_id", "created_at"),
        Index("ix_nudges_ledger", "ledger_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))  # deviation:<id> | action:<id>
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32))  # the workday this round fell due; an escalation's stall:level
    workdays: Mapped[int] = mapped_column(Integer)  # how long the case or action had waited
    ledger_id: Mapped[int | None] = mapped_column(ForeignKey("ledger.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Digest(Base):
    """One feedback digest to the office channel: which week, what it covers, and its counts.

    Seed 000: leaders «gir tilbakemelding til kontoret om hva som er gjort». A row is written
    for every week that had its digest run, posted or not (nothing to report → no post).
    """

    __tablename__ = "digests"
    __table_args__ = (
        UniqueConstraint("office_id", "period", name="uq_digests_office_period"),
        Index("ix_digests_office_until", "office_id", "until"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # ISO week, 2026-W48
    since: Mapped[datetime]
    until: Mapped[datetime]
    reported: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    open: Mapped[int] = mapped_column(Integer)
    ledger_id: Mapped[int | None] = mapped_column(ForeignKey("ledger.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class DigestDeviation(Base):
    """A closure told in a digest. Unique per closure (case, closed_at): each closure is told
    once; a case reopened and closed again is a new closure."""

    __tablename__ = "digest_cases"
    __table_args__ = (
        UniqueConstraint("deviation_id", "closed_at", name="uq_digest_cases_closure"),
        Index("ix_digest_cases_digest", "digest_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"))
    closed_at: Mapped[datetime]


class DialogueCode(Base):
    """The case code of an anonymous case (issue 20): only a slow salted hash of it (scrypt, with its
    parameters and salt) and a short keyed lookup prefix, so a look-up verifies a handful of rows, not
    every hash. Nothing here, or anywhere, links the code to a person."""

    __tablename__ = "dialogue_codes"
    __table_args__ = (Index("ix_dialogue_codes_lookup", "lookup"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"), unique=True)
    lookup: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt$hash
    created_at: Mapped[datetime]


class DialogueMessage(Base):
    """One message of an anonymous case's dialogue: a leader's question («leder», who asked is
    kept: leaders are not anonymous) or what the reporter answered or added («melder», no id ever).
    `text` is None once retention has erased the case's free text."""

    __tablename__ = "dialogue_messages"
    __table_args__ = (Index("ix_dialogue_messages_deviation", "deviation_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(16))  # leder | melder
    leader_id: Mapped[str | None] = mapped_column(String(32))  # the asking leader; None for the reporter
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Breach(Base):
    """A possible personal-data breach (GDPR art. 33): only what the 72-hour track needs, never the
    narrative (that belongs in ASYS). One per deviation."""

    __tablename__ = "breaches"
    __table_args__ = (Index("ix_breaches_open", "office_id", "decided_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"), unique=True)
    office_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(16))  # «ja» or «vet_ikke»
    kind: Mapped[str] = mapped_column(String(32))  # konfidensialitet / integritet / tilgjengelighet
    discovered_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    reference_at: Mapped[datetime | None]  # when the ASYS reference was first seen
    decision: Mapped[str | None] = mapped_column(String(32))  # meldt / ikke_meldepliktig
    decision_date: Mapped[date | None] = mapped_column(Date)  # the day Datatilsynet was notified
    decision_reason: Mapped[str | None] = mapped_column(Text)  # art. 33(5): why not notifiable
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


# --- learning (seed 000's training case, seed 002's «deling av gode grep») --------------------------

class Exercise(Base):
    """A training case posted as a poll in a channel (seed 000: «Skal det meldes ifra om avvik her?»).

    Votes are kept only under a keyed hash (HMAC with this exercise's random `vote_key`); at the
    reveal the key and the votes are erased and only the tally stays, so no table names a voter.
    Who posted or revealed it is not stored either."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    vote_key: Mapped[str | None] = mapped_column(String(64))  # hex; None once revealed
    state: Mapped[str] = mapped_column(String(16), default="apen")  # apen | vist
    tally: Mapped[dict] = mapped_column(JSON, default=dict)  # the counts, kept after the reveal
    created_at: Mapped[datetime]
    revealed_at: Mapped[datetime | None]


class ExerciseVote(Base):
    """One person's answer to one question of an exercise, under the exercise's keyed hash of who."""

    __tablename__ = "exercise_votes"
    __table_args__ = (UniqueConstraint("exercise_id", "voter", "question", name="uq_exercise_votes_voter"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256(vote_key, user id), hex
    question: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str] = mapped_column(String(32))


class GoodPractice(Base):
    """A «fungerer bra» answer a leader shared with the office (seed 002: «deling av gode grep mellom
    medarbeidere»): the area and the words only, never the reviewer or the case."""

    __tablename__ = "quality_good_practices"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("quality_rounds.id", ondelete="CASCADE"))
    batch: Mapped[str] = mapped_column(String(32))
    area: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    shared_at: Mapped[datetime]


# --- learning that lasts (issue 22) and many offices in one workspace (issue 24) ------------------------

class EffectCheck(Base):
    """«Har tiltaket virket?»: asked once, a while after a case closed with actions, of its responsible leader.

    Seed 000: handling deviations is to «lære av hendelser [...] og at forbedringer vedvarer». One row per
    case (unique), so the question is asked exactly once across replicas and restarts. A case reopened and
    closed again with new actions done is asked again: its row starts a new round (answer cleared,
    `created_at` and `due_on` the new question's); the earlier answer stays in its audit event.
    """

    __tablename__ = "effect_checks"
    __table_args__ = (Index("ix_effect_checks_open", "office_id", "answered_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deviation_id: Mapped[int] = mapped_column(ForeignKey("deviations.id", ondelete="CASCADE"), unique=True)
    office_id: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)  # the workday the question is asked
    leader_id: Mapped[str | None] = mapped_column(String(32))  # who is asked: the responsible leader
    answer: Mapped[str | None] = mapped_column(String(16))  # virket | delvis | nei; None: unanswered
    note: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None]
    reopened: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]  # when this round was asked: before the case's closed_at, it is a past round's


class OfficeChoice(Base):
    """The office a person last chose in the «Kontor» select, to preselect it next time (issue 24).

    Stored only for reports that are not anonymous: an anonymous report leaves no trace of who chose."""

    __tablename__ = "office_choices"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
