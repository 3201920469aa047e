"""App Home and help: a «Meld avvik» button, the person's own cases, and what a deviation is, the
process in eight steps, where to report what, and `/avvik`'s subcommands (seed 000).

The «Hvor melder jeg hva?» table is built from the same routing rules and office config the
bot routes by (handlers/routing/blocks.py), so the help never disagrees with what the bot does.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.deviations.rules import State
from bot.i18n import Locale, format_date, t, t_count
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, lines_within, mrkdwn, plain
from handlers.deviations.blocks import action_lines, risk_block
from handlers.dialogue.blocks import home_button
from handlers.routing.blocks import process_block, status_next, where_blocks
from store.models import Deviation


def follow_up_text(office: Office) -> str:
    """How the leaders follow a case up (issue 16), with the office's own rule for a «større avvik»."""
    text = t("help.follow_up", office.locale)
    if office.rules.leader_group_decision:
        text += "\n" + t("help.follow_up_decision", office.locale)
    return text


def guide_blocks(office: Office) -> list:
    """What a deviation is, the eight steps, and where each kind is reported; then why it matters."""
    return [
        SectionBlock(text=mrkdwn(t("help.what_is", office.locale))),
        process_block(office),
        SectionBlock(text=mrkdwn(follow_up_text(office))),
        DividerBlock(),
        *where_blocks(office),
        *teaching_blocks(office),
    ]


def teaching_blocks(office: Office) -> list:
    """Seed 000 in its own words: what the leaders promise («ER DET NOEN VITS Å MELDE AVVIK?»), who
    closes and when («LUKKING AV AVVIK»), why a system («Krav om internkontroll …») and the mottos."""
    loc = office.locale
    return [
        DividerBlock(),
        SectionBlock(text=mrkdwn(t("learning.help.promises", loc))),
        SectionBlock(text=mrkdwn(t("learning.help.closing", loc))),
        SectionBlock(text=mrkdwn(t("learning.help.why", loc))),
        ContextBlock(elements=[mrkdwn(t("learning.help.mottos", loc))]),
    ]


def leaders_help(office: Office) -> str:
    """What a leader's assessment asks since issue 22, and when «Har tiltaket virket?» comes: the office's
    own number of workdays, or nothing while the office has turned the question off."""
    lines = [t("help.leaders", office.locale)]
    after = office.cadence.effect_check_after_workdays
    if after:
        lines.append(t_count("help.leaders_effect", office.locale, after))
    return "\n".join(lines)


def help_blocks(office: Office, *, counties: bool = False, leader: bool = False) -> list:
    """`/avvik hjelp`; a leader also reads how the assessment scores risk and cause, and the effect check."""
    loc = office.locale
    leaders = [SectionBlock(text=mrkdwn(leaders_help(office)))] if leader else []
    return [
        HeaderBlock(text=plain("help.header", loc)),
        *guide_blocks(office),
        DividerBlock(),
        SectionBlock(text=mrkdwn(t("help.form", loc))),  # what the registration form asks (issue 16)
        SectionBlock(text=mrkdwn(t("help.commands", loc))),
        *leaders,
        SectionBlock(text=mrkdwn(t("help.elsewhere", loc))),
        SectionBlock(text=mrkdwn(t("dialogue.help", loc))),  # issue 20: what is stored, and what Slack sees
        SectionBlock(text=mrkdwn(t("learning.help.commands", loc))),
        ContextBlock(elements=[mrkdwn(t("report.help_periods", loc))]),
        # issue 24: where the config has counties, how a county leader (or one who leads both) asks
        *([ContextBlock(elements=[mrkdwn(t("report.county.help", loc))])] if counties else []),
    ]


def home_help_blocks(office: Office) -> list:
    """The help section at the end of App Home."""
    return [DividerBlock(), HeaderBlock(text=plain("guide.home_header", office.locale)), *guide_blocks(office),
            SectionBlock(text=mrkdwn(t("dialogue.help", office.locale)))]


def home_view(office: Office, mine: Sequence[Deviation], extra: Sequence = ()) -> View:
    """«Meld avvik», the person's own cases, and `extra` (the overview, for leaders)."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("home.header", loc, office=office.name[:100])),
        SectionBlock(text=mrkdwn(t("home.intro", loc))),
        ActionsBlock(elements=[ButtonElement(text=plain("home.report", loc), action_id=ids.OPEN_REGISTRATION,
                                             style="primary"),
                               home_button(office)]),  # issue 20: «Følg opp anonymt avvik»
        DividerBlock(),
        HeaderBlock(text=plain("home.mine", loc)),
    ]
    if not mine:
        blocks.append(ContextBlock(elements=[mrkdwn(t("home.none", loc))]))
    for deviation in mine:
        blocks.append(SectionBlock(text=mrkdwn(t("home.case_line", loc, reference=deviation.reference,
                                                   title=escape(deviation.title),
                                                   state=t(f"state.{deviation.state}", loc)))))
    blocks += extra
    blocks += home_help_blocks(office)
    return View(type="home", blocks=blocks[:100])


# --- a person's own deviations: `/avvik mine`, `/avvik status REF` ------------------------

def deviation_line(deviation: Deviation, loc: Locale) -> str:
    return t("home.case_line", loc, reference=deviation.reference, title=escape(deviation.title)[:150],
             state=t(f"state.{deviation.state}", loc))


def mine_blocks(office: Office, mine: Sequence[Deviation]) -> list:
    loc = office.locale
    blocks: list = [HeaderBlock(text=plain("home.mine", loc))]
    if not mine:
        blocks.append(ContextBlock(elements=[mrkdwn(t("home.none", loc))]))
    else:
        blocks.append(SectionBlock(text=mrkdwn(lines_within([deviation_line(d, loc) for d in mine], loc))))
        blocks.append(ContextBlock(elements=[mrkdwn(t("mine.hint", loc))]))
    return blocks


def status_blocks(office: Office, deviation: Deviation, *, leader: bool) -> list:
    """One case as its reporter or a leader sees it; owners' names only for leaders."""
    loc = office.locale
    blocks: list = [
        HeaderBlock(text=plain("card.header", loc, reference=deviation.reference, title=deviation.title[:100])),
        SectionBlock(fields=[
            mrkdwn(f"*{t('card.state', loc)}*\n{t(f'state.{deviation.state}', loc)}"),
            mrkdwn(f"*{t('card.category', loc)}*\n{t(f'category.{deviation.category}', loc)}"),
            mrkdwn(f"*{t('status.registered', loc)}*\n"
                   f"{format_date(deviation.created_at.astimezone(office.tz).date(), loc)}"),
            mrkdwn(f"*{t('card.destination', loc)}*\n{office.destination(deviation.destination).name}"),
        ]),
    ]
    if leader:  # issue 22: the leaders' risk and cause, for leaders only
        blocks.append(risk_block(deviation, office))
    lines = action_lines(deviation, loc, owners=leader)
    if lines:
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.actions', loc)}*\n{lines_within(lines, loc)}")))
    if deviation.state == State.CLOSED.value and deviation.closure_feedback:
        blocks.append(SectionBlock(text=mrkdwn(f"*{t('card.feedback', loc)}*\n"
                                               f"{escape(deviation.closure_feedback)[:2800]}")))
    blocks.append(ContextBlock(elements=[mrkdwn(status_next(deviation, office))]))
    return blocks
