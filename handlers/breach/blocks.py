"""Block Kit for the breach track: the registration form's questions, the countdown on the card,
the leaders' assessment modal, and the texts of the alert, reminders and escalations."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, InputBlock, SectionBlock
from slack_sdk.models.blocks.block_elements import (
    DatePickerElement,
    DateTimePickerElement,
    PlainTextInputElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.breach import rules
from bot.i18n import Locale, format_date, t
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, option, options, plain
from handlers.common import metadata
from store.models import Breach, Deviation


def moment(value: datetime, office: Office) -> str:
    """«fredag 04.12.2026 kl. 14.30»: a moment in the office's time zone, with its weekday."""
    local = value.astimezone(office.tz)
    return t("breach.moment", office.locale, weekday=t(f"breach.weekday.{local.weekday()}", office.locale),
             date=format_date(local.date(), office.locale), time=local.strftime("%H.%M" if office.locale == "nb"
                                                                                 else "%H:%M"))


def deadline_line(breach: Breach, office: Office) -> str:
    """«Frist for melding til Datatilsynet: mandag 07.12.2026 kl. 14.30 — 72 timer fra oppdagelse»"""
    return t("breach.deadline", office.locale, deadline=moment(breach.deadline_at, office))


# --- the registration form ----------------------------------------------------------------------

def form_blocks(locale: Locale, now: datetime | None) -> list[InputBlock]:
    """Asked for the information-security category: could personal data be affected, when was it
    discovered (default now), and what kind of breach it may be."""
    return [
        InputBlock(block_id=ids.Breach.POSSIBLE, label=plain("breach.field.possible.label", locale),
                   hint=plain("breach.field.possible.hint", locale),
                   element=RadioButtonsElement(action_id=ids.VALUE,
                                               options=options("breach.answer", list(rules.Answer), locale))),
        InputBlock(block_id=ids.Breach.DISCOVERED, label=plain("breach.field.discovered.label", locale), optional=True,
                   element=DateTimePickerElement(action_id=ids.VALUE,
                                                 initial_date_time=int(now.timestamp()) if now else None)),
        InputBlock(block_id=ids.Breach.KIND, label=plain("breach.field.kind.label", locale), optional=True,
                   element=RadioButtonsElement(action_id=ids.VALUE,
                                               options=options("breach.kind", list(rules.BreachKind), locale))),
    ]


def receipt_lines(breach: Breach | None, office: Office, deadline: datetime | None = None) -> list[str]:
    """What the reporter does now: ASYS at once; and who has been told."""
    when = deadline or (breach.deadline_at if breach else None)
    if when is None:
        return []
    line = t("breach.deadline", office.locale, deadline=moment(when, office))
    return [t("breach.receipt_now", office.locale, deadline=line), t("breach.receipt_told", office.locale)]


# --- the card -------------------------------------------------------------------------------------

def card_blocks(deviation: Deviation, office: Office, now: datetime | None) -> list:
    """The countdown on the leader card until the ASYS reference is in and the assessment is recorded;
    then the assessment; and after the deadline with no assessment, that it was missed."""
    breach = deviation.breach
    if breach is None:
        return []
    loc = office.locale
    track = rules.Clock(breach.discovered_at, bool(deviation.external_reference), breach.decided_at is not None)
    lines: list[str] = []
    if breach.decision == rules.Decision.NOTIFIED.value and breach.decision_date:
        lines.append(t("breach.card.notified", loc, date=format_date(breach.decision_date, loc)))
    elif breach.decision == rules.Decision.NOT_REQUIRED.value:
        lines.append(t("breach.card.not_required", loc, reason=escape(breach.decision_reason or "")[:1500]))
    if now is not None and rules.is_missed(track, now):
        lines.insert(0, t("breach.card.missed", loc, deadline=moment(breach.deadline_at, office)))
    elif not track.done:
        left = ""
        if now is not None:
            minutes = max(int(rules.time_left(track, now).total_seconds() // 60), 0)
            left = t("breach.card.left", loc, hours=minutes // 60, minutes=minutes % 60, asof=moment(now, office))
        lines.insert(0, t("breach.card.countdown", loc, deadline=deadline_line(breach, office), left=left))
    if not track.reference_in:
        lines.append(t("breach.card.waiting_reference", loc))
    if not track.decided:
        lines.append(t("breach.card.waiting_decision", loc))
    blocks: list = [SectionBlock(block_id=ids.Breach.CARD, text=mrkdwn("\n".join(lines)))]
    blocks.append(ActionsBlock(block_id=f"breach:{deviation.id}", elements=[
        ButtonElement(text=plain("breach.card.button", loc), action_id=ids.Breach.ASSESS, value=str(deviation.id),
                      style=None if track.decided else "danger")]))
    return blocks


def assessment_view(deviation: Deviation, breach: Breach, office: Office) -> View:
    """«Meldt til Datatilsynet» (with the date) or «Ikke meldepliktig» (with the reason, art. 33(5))."""
    loc = office.locale
    chosen = option("breach.decision", breach.decision, loc) if breach.decision else None
    return View(
        type="modal", callback_id=ids.Breach.VIEW, title=plain("breach.modal.title", loc),
        submit=plain("breach.modal.submit", loc), close=plain("modal.cancel", loc),
        private_metadata=metadata(case=deviation.id),
        blocks=[
            SectionBlock(text=mrkdwn(t("breach.modal.intro", loc, reference=deviation.reference))),
            ContextBlock(elements=[mrkdwn(deadline_line(breach, office))]),
            InputBlock(block_id=ids.Breach.DECISION, label=plain("breach.modal.decision", loc),
                       element=RadioButtonsElement(action_id=ids.VALUE, initial_option=chosen,
                                                   options=options("breach.decision", list(rules.Decision), loc))),
            InputBlock(block_id=ids.Breach.NOTIFIED_ON, label=plain("breach.modal.notified_on", loc), optional=True,
                       element=DatePickerElement(action_id=ids.VALUE)),
            InputBlock(block_id=ids.Breach.REASON, label=plain("breach.modal.reason", loc), optional=True,
                       hint=plain("breach.modal.reason_hint", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=2000)),
        ])


# --- messages -----------------------------------------------------------------------------------

def contact_mention(contact: str) -> str:
    return f"<!subteam^{contact}>" if contact.startswith("S") else f"<@{contact}>"


def alert_text(deviation: Deviation, office: Office) -> str:
    loc, breach = office.locale, deviation.breach
    assert breach is not None
    lines = [t("breach.alert", loc, reference=deviation.reference, kind=t(f"breach.kind.{breach.kind}", loc),
               discovered=moment(breach.discovered_at, office)),
             deadline_line(breach, office), t("breach.alert_todo", loc)]
    if office.privacy_contact:
        lines.append(t("breach.alert_contact", loc, contact=contact_mention(office.privacy_contact)))
    return "\n".join(lines)


def reminder_text(deviation: Deviation, office: Office, recipient: str) -> str | None:
    """A reminder still due at send time: the reporter's until the ASYS reference is in, a decision
    maker's until the assessment is recorded; None when nothing is left to ask of `recipient`."""
    loc, breach = office.locale, deviation.breach
    if breach is None:
        return None
    deadline = deadline_line(breach, office)
    lines = []
    if recipient == deviation.reporter_id and not deviation.external_reference:
        lines.append(t("breach.reminder.reporter", loc, reference=deviation.reference, deadline=deadline))
    if recipient != deviation.reporter_id and breach.decided_at is None:
        lines.append(t("breach.reminder.decision", loc, reference=deviation.reference, deadline=deadline))
    return "\n".join(lines) or None


def escalation_text(deviation: Deviation, office: Office, hours: str) -> str:
    assert deviation.breach is not None
    return t("breach.escalation", office.locale, reference=deviation.reference, hours=hours,
             deadline=deadline_line(deviation.breach, office))


def missed_lines(missed: list[tuple[Breach, Deviation]], office: Office) -> list[str]:
    """For the leaders' weekly summary: breaches whose deadline passed with no assessment."""
    if not missed:
        return []
    return [t("breach.summary.missed", office.locale, count=len(missed)),
            *(t("breach.summary.line", office.locale, reference=d.reference, deadline=moment(b.deadline_at, office))
              for b, d in missed)]
