"""The case card: one message per case in the leader channel, updated in place as it moves."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ContextBlock, HeaderBlock, SectionBlock

from bot.i18n import Locale, t
from bot.office import Office
from handlers.blocks import escape, mrkdwn, plain
from store.models import Deviation


def reporter_text(deviation: Deviation, loc: Locale) -> str:
    """Never a name for an anonymous case: there is none to show."""
    if deviation.anonymous or not deviation.reporter_id:
        return t("card.anonymous", loc)
    return f"<@{deviation.reporter_id}>"


def card_fields(deviation: Deviation, office: Office) -> list:
    loc = office.locale
    return [
        mrkdwn(f"*{t('card.kind', loc)}*\n{t(f'kind.{deviation.kind}', loc)}"),
        mrkdwn(f"*{t('card.category', loc)}*\n{t(f'category.{deviation.category}', loc)}"),
        mrkdwn(f"*{t('card.severity', loc)}*\n{t(f'severity.{deviation.severity}', loc)}"),
        mrkdwn(f"*{t('card.rights', loc)}*\n{t(f'rights.{deviation.citizen_rights}', loc)}"),
        mrkdwn(f"*{t('card.state', loc)}*\n{t(f'state.{deviation.state}', loc)}"),
        mrkdwn(f"*{t('card.destination', loc)}*\n{office.destination(deviation.destination).name}"),
        mrkdwn(f"*{t('card.occurred_on', loc)}*\n{deviation.occurred_on.isoformat()}"),
        mrkdwn(f"*{t('card.reporter', loc)}*\n{reporter_text(deviation, loc)}"),
    ]


def card_buttons(deviation: Deviation, office: Office) -> list:
    """The buttons that fit the case's state (Vurder, Lukk …); also used on reminders."""
    return []


def card_blocks(deviation: Deviation, office: Office) -> list:
    """The card's blocks, with the buttons that fit the case's state."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("card.header", loc, reference=deviation.reference, title=deviation.title[:100])),
        SectionBlock(fields=card_fields(deviation, office)),
    ]
    for key, text in (("card.what_happened", deviation.what_happened),
                      ("card.immediate_action", deviation.immediate_action),
                      ("card.suggested_action", deviation.suggested_action)):
        if text:
            blocks.append(SectionBlock(text=mrkdwn(f"*{t(key, loc)}*\n{escape(text)[:2800]}")))
    if deviation.external_reference:
        blocks.append(ContextBlock(elements=[mrkdwn(t("card.external_reference", loc,
                                                      reference=escape(deviation.external_reference)))]))
    buttons = card_buttons(deviation, office)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"card:{deviation.id}", elements=buttons))
    return blocks


def card_text(deviation: Deviation, office: Office) -> str:
    """The notification text (and what screen readers and old clients show)."""
    return t("card.fallback", office.locale, reference=deviation.reference,
             state=t(f"state.{deviation.state}", office.locale))
