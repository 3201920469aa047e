"""Callback, block and action ids: one place, so a listener and its view can never disagree."""

from __future__ import annotations

from typing import Final

# Slash command and shortcuts (also declared in manifest.yml).
COMMAND: Final = "/avvik"
GLOBAL_SHORTCUT: Final = "meld_avvik"
MESSAGE_SHORTCUT: Final = "meld_avvik_fra_melding"

# The registration modal. Block ids are the form's field names, so a field error from
# bot.registration lands on the block it is about.
REGISTRATION: Final = "registration"
RECEIPT_VIEW: Final = "registration_receipt"
VALUE: Final = "value"  # the action id of every input element in a form


class Field:
    KIND: Final = "kind"
    CATEGORY: Final = "category"
    TITLE: Final = "title"
    WHAT_HAPPENED: Final = "what_happened"
    CAUSE: Final = "cause"
    OCCURRED_ON: Final = "occurred_on"
    IMMEDIATE_ACTION: Final = "immediate_action"
    SUGGESTED_ACTION: Final = "suggested_action"
    SEVERITY: Final = "severity"
    CITIZEN_RIGHTS: Final = "citizen_rights"
    ANONYMOUS: Final = "anonymous"


# Buttons.
OPEN_REGISTRATION: Final = "open_registration"

# Routing: where a deviation goes (issue 3). The section under the category that says where
# it goes; the «Jeg har meldt i …» button (value: the case id) and the modal it opens.
ROUTE_INFO: Final = "route_info"
REPORTED_EXTERNALLY: Final = "reported_externally"
EXTERNAL_REFERENCE_VIEW: Final = "external_reference"
EXTERNAL_REFERENCE_ACTIONS: Final = "external_reference_actions"
EXTERNAL_REFERENCE_FIELD: Final = "external_reference"  # block id of the reference input

# Leaders (issue 4): the case card's buttons, the owner's «Utført», and the leaders' modals.
# Buttons carry the case's (or action's) id as their value; who may press them is checked
# on the server. Block ids in the modals are the form's field names (bot.leaders.forms).
ASSESS: Final = "case_assess"
CLOSE: Final = "case_close"
REOPEN: Final = "case_reopen"
DROP_ACTION: Final = "case_drop_action"
ACTION_DONE: Final = "action_done"
ADD_ACTION_ROW: Final = "assessment_add_action"

ASSESSMENT_VIEW: Final = "assessment"
CLOSURE_VIEW: Final = "closure"
REOPEN_VIEW: Final = "reopen"
DROP_VIEW: Final = "drop_action"
COMPLETION_VIEW: Final = "action_completion"  # a case's action or a quality round's measure: both say «Utført»
COMPLETION_NOTE: Final = "note"  # its one field
NOTICE_VIEW: Final = "leader_notice"  # a refusal or an error, with a close button only


class Leader:
    NEEDS_ACTIONS: Final = "needs_actions"
    REASONS: Final = "reasons"
    RESPONSIBLE: Final = "responsible"
    ADD_ROW_BLOCK: Final = "add_action_row"
    FEEDBACK: Final = "feedback"
    LESSON: Final = "lesson"
    DECISION_DATE: Final = "decision_date"
    DECISION_REFERENCE: Final = "decision_reference"
    REASON: Final = "reason"  # reopening, dropping
    ACTION: Final = "action"  # the action to drop


def action_block(row: int, field: str) -> str:
    """The block id of one field of one action row: stable per row, so views.update keeps what was typed."""
    return f"action_{row}_{field}"


# Kvalitetssystemet.
QUALITY_COMMAND: Final = "/kvalitet"
QUALITY_REVIEW: Final = "quality_review"
QUALITY_REVIEW_SAVED: Final = "quality_review_saved"
QUALITY_MEASURE: Final = "quality_measure"
QUALITY_OPEN_REVIEW: Final = "quality_open_review"
QUALITY_CLOSE: Final = "quality_close"  # the leaders' helhetsvurdering per area, then the round ends
QUALITY_GOOD_PRACTICE: Final = "quality_good_practice"  # «gode grep» to share with the office
GOOD_PRACTICE_CHOSEN: Final = "chosen"


class MeasureField:
    DESCRIPTION: Final = "description"
    AREA: Final = "area"
    SCOPE: Final = "scope"
    OWNER: Final = "owner"
    DUE_ON: Final = "due_on"
    SUGGESTION: Final = "suggestion"


# Learning (issue 23): the training case's poll. A vote button's action id names its question and
# answer (`exercise_vote:meldes:ja`), its value the exercise; both are checked on the server.
EXERCISE_VOTE: Final = "exercise_vote"
EXERCISE_REVEAL: Final = "exercise_reveal"


def vote_action(question: str, answer: str) -> str:
    return f"{EXERCISE_VOTE}:{question}:{answer}"
