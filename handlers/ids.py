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
    OFFICE: Final = "office"  # issue 24: «Kontor», when the workspace has several offices and none was found


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
ADD_ACTION: Final = "case_add_action"  # «Legg til tiltak» on a card while the actions are under way
CHANGE_ACTION: Final = "case_change_action"  # «Endre tiltak»: a new responsible person or due date
FOLLOWED_UP: Final = "case_followed_up_elsewhere"  # a forwarded case with its reference: followed up there
CHANGE_RISK: Final = "case_change_risk"  # «Endre risiko» (issue 22): risk and cause types after the assessment

ASSESSMENT_VIEW: Final = "assessment"
CLOSURE_VIEW: Final = "closure"
REOPEN_VIEW: Final = "reopen"
DROP_VIEW: Final = "drop_action"
FOLLOWED_UP_VIEW: Final = "followed_up_elsewhere"
ADD_ACTION_VIEW: Final = "add_action"
CHANGE_ACTION_VIEW: Final = "change_action"
RISK_VIEW: Final = "change_risk"
COMPLETION_VIEW: Final = "action_completion"  # a case's action or a quality round's measure: both say «Utført»
COMPLETION_NOTE: Final = "note"  # its one field
NOTICE_VIEW: Final = "leader_notice"  # a refusal or an error, with a close button only


class Leader:
    NEEDS_ACTIONS: Final = "needs_actions"
    REASONS: Final = "reasons"
    RESPONSIBLE: Final = "responsible"
    SEVERITY: Final = "severity"  # the assessing leader's; the reporter's choice stays «meldt som»
    ADD_ROW_BLOCK: Final = "add_action_row"
    FEEDBACK: Final = "feedback"
    LESSON: Final = "lesson"
    NO_NEW_LESSON: Final = "no_new_lesson"
    DECISION_DATE: Final = "decision_date"
    DECISION_REFERENCE: Final = "decision_reference"
    REASON: Final = "reason"  # reopening, dropping
    ACTION: Final = "action"  # the action to drop
    FOLLOWED_UP: Final = "followed_up"  # the confirmation's text (errors land on it)
    NEW_OWNER: Final = "new_owner"
    NEW_DUE_ON: Final = "new_due_on"
    LIKELIHOOD: Final = "risk_likelihood"  # issue 22: «Hvor sannsynlig er det at det skjer igjen?»
    CONSEQUENCE: Final = "risk_consequence"  # «Hvor alvorlig blir det for brukeren eller kontoret?»
    CAUSE_TYPES: Final = "cause_types"


def action_block(row: int, field: str) -> str:
    """The block id of one field of one action row: stable per row, so views.update keeps what was typed."""
    return f"action_{row}_{field}"


# «Utsett» on a reminder (issue 16): the button (value: the reminder's id), its modal and fields.
SNOOZE: Final = "reminder_snooze"
SNOOZE_VIEW: Final = "reminder_snooze_view"


class Snooze:
    UNTIL: Final = "until"
    REASON: Final = "reason"


# The anonymous reporter's dialogue (issue 20): App Home's «Følg opp anonymt avvik» and the modal
# asking for the code, the case's modal the code opens, and the card's «Spør melderen» with its modal.
DIALOGUE_OPEN: Final = "dialogue_open"
DIALOGUE_CODE_VIEW: Final = "dialogue_code"
DIALOGUE_CODE_FIELD: Final = "case_code"
DIALOGUE_VIEW: Final = "dialogue"
DIALOGUE_ANSWER_FIELD: Final = "dialogue_answer"  # the reference field is EXTERNAL_REFERENCE_FIELD, as everywhere
DIALOGUE_ASK: Final = "dialogue_ask"
DIALOGUE_QUESTION_VIEW: Final = "dialogue_question"
DIALOGUE_QUESTION_FIELD: Final = "question"


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


class Breach:
    """Issue 21: a possible personal-data breach. The registration form's questions (block ids are
    the form's field names), the card's countdown and button, and the leaders' assessment modal."""

    POSSIBLE: Final = "breach_possible"
    DISCOVERED: Final = "breach_discovered"
    KIND: Final = "breach_kind"
    CARD: Final = "breach_countdown"
    ASSESS: Final = "breach_assess"
    VIEW: Final = "breach_assessment"
    DECISION: Final = "breach_decision"
    NOTIFIED_ON: Final = "breach_notified_on"
    REASON: Final = "breach_reason"


class Effect:
    """Issue 22, «Har tiltaket virket?»: the DM's three buttons (`effect_answer:nei`, value: the case's id and
    the round asked, `123:1768377600000000`),
    the answer's modal (`effect_answer_view:nei`: the answer pressed) and its fields."""

    ANSWER: Final = "effect_answer"
    VIEW: Final = "effect_answer_view"
    NOTE: Final = "effect_note"
    REOPEN: Final = "effect_reopen"
    REOPEN_CHOSEN: Final = "gjenapne"


def effect_action(answer: str) -> str:
    return f"{Effect.ANSWER}:{answer}"


def effect_view(answer: str) -> str:
    return f"{Effect.VIEW}:{answer}"
