"""Domain errors. Handlers turn each into a message in the user's language.

Every error carries a catalogue key (and the values for its placeholders), so the
text the user sees lives in the message catalogue, not in the code that raised it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)


class ConfigError(Exception):
    """A setting or the office config is missing or wrong: one line says which and how to fix it."""


class NotALeader(DomainError):
    key = "error.not_a_leader"


class DeviationNotFound(DomainError):
    key = "error.case_not_found"


class InvalidTransition(DomainError):
    key = "error.invalid_transition"


class ClosureNotAllowed(DomainError):
    key = "error.closure_not_allowed"


class StorageUnavailable(DomainError):
    """The database could not be reached; the user may simply try again."""

    key = "error.storage_unavailable"


class NotAReviewer(DomainError):
    key = "error.quality.not_a_reviewer"


class NotYourReview(DomainError):
    """A review form sent again by someone who is not the reviewer who filled it in."""

    key = "error.quality.not_your_review"


class RoundNotOpen(DomainError):
    key = "error.quality.no_open_round"


class NotReporterOrLeader(DomainError):
    """Only the person who reported a case, or a leader, may do this."""

    key = "error.not_reporter_or_leader"


class ReferenceAlreadySet(DomainError):
    key = "error.external_reference_already_set"


class InvalidPeriod(DomainError):
    """A report period the bot cannot read; the message shows the syntax."""

    key = "report.error.period"


class ActionNotFound(DomainError):
    key = "error.action_not_found"


class ActionAlreadyFinished(DomainError):
    """The action is already done or dropped: a second click or a replayed form."""

    key = "error.action_already_finished"


class NotActionOwner(DomainError):
    """Only the action's owner or a leader marks it done."""

    key = "error.not_action_owner"


class ReasonRequired(DomainError):
    """Dropping an action, reopening a case and assessing without actions need a reason (seed 000)."""

    key = "error.reason_required"


class AssessmentIncomplete(DomainError):
    key = "error.assessment_incomplete"
