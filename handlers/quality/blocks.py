"""Block Kit for Kvalitetssystemet: the review modal, the measure modal, the overall assessment, and a
measure's owner's DM and completion modal."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import (
    DatePickerElement,
    OptionGroup,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import Locale, format_date, t
from bot.office import Office
from bot.quality.rules import (
    AREA_THEMES,
    MEASURE_SUGGESTIONS,
    NOT_RELEVANT,
    SCALE,
    TEXT_MAX,
    VERDICT,
    Area,
    AreaSummary,
    Scope,
    block_id,
    shareable_themes,
)
from bot.quality.service import Assessment, MeasureParent, SharedPractices, WorksWell, round_title
from bot.reports.wording import decimal
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain
from handlers.deviations.blocks import completion_modal, owner_dm_blocks
from handlers.payloads import seal
from store.models import Action, QualityRound

M = ids.MeasureField


def round_name(rnd: QualityRound, loc: Locale) -> str:
    return round_title(rnd, loc)


def _score_options(loc: Locale) -> list[Option]:
    values = [str(s) for s in reversed(SCALE)] + [NOT_RELEVANT]
    return [Option(value=v, label=t(f"quality.score.{v}", loc)) for v in values]


def review_view(office: Office, rnd: QualityRound) -> View:
    """One reviewed case: the four areas of seed 002, each scored, with what works well and less well."""
    loc = office.locale
    blocks: list = [
        SectionBlock(text=mrkdwn(t("quality.modal.intro", loc, round=round_name(rnd, loc),
                                   group=t(f"quality.group.{rnd.target_group}", loc)))),
        ContextBlock(elements=[mrkdwn(t("quality.modal.privacy", loc))]),
        InputBlock(block_id="case_number", label=plain("quality.field.case_number", loc), optional=True,
                   element=PlainTextInputElement(action_id=ids.VALUE, max_length=40)),
    ]
    for area in Area:
        blocks += [
            DividerBlock(),
            HeaderBlock(text=plain(f"quality.area.{area.value}", loc)),
            ContextBlock(elements=[mrkdwn(t(f"quality.question.{area.value}", loc))]),
            InputBlock(block_id=block_id(area, "score"), label=plain("quality.field.score", loc),
                       element=StaticSelectElement(action_id=ids.VALUE, options=_score_options(loc))),
            InputBlock(block_id=block_id(area, "well"), label=plain("quality.field.well", loc), optional=True,
                       element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX)),
            InputBlock(block_id=block_id(area, "less_well"), label=plain("quality.field.less_well", loc),
                       optional=True,
                       element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX)),
            InputBlock(block_id=block_id(area, "themes"), label=plain("quality.field.themes", loc), optional=True,
                       element=StaticMultiSelectElement(
                           action_id=ids.VALUE, placeholder=plain("quality.field.themes_placeholder", loc),
                           options=[Option(value=theme, label=theme) for theme in AREA_THEMES[area]])),
            InputBlock(block_id=block_id(area, "tags"), label=plain("quality.field.tags", loc), optional=True,
                       hint=plain("quality.field.tags_hint", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, max_length=200)),
        ]
    return View(type="modal", callback_id=ids.QUALITY_REVIEW, title=plain("quality.modal.title", loc),
                submit=plain("quality.modal.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=seal({"round": rnd.id}), blocks=blocks)


def saved_view(office: Office, done: int, target: int) -> View:
    loc = office.locale
    return View(type="modal", callback_id=ids.QUALITY_REVIEW_SAVED, title=plain("quality.saved.title", loc),
                close=plain("receipt.close", loc),
                blocks=[SectionBlock(text=mrkdwn(t("quality.saved.text", loc, done=done, target=target)))])


def measure_view(office: Office, rnd: QualityRound, today: date) -> View:
    """Seed 002: «Tiltak kontorene jobber med» and «Tiltak i fylkets regi»."""
    loc = office.locale
    area_options = [Option(value=a.value, label=t(f"quality.area.{a.value}", loc)) for a in Area]
    scope_options = [Option(value=s.value, label=t(f"quality.scope.{s.value}", loc)) for s in Scope]
    return View(
        type="modal", callback_id=ids.QUALITY_MEASURE, title=plain("quality.measure.title", loc),
        submit=plain("quality.measure.submit", loc), close=plain("modal.cancel", loc),
        private_metadata=seal({"round": rnd.id}),
        blocks=[
            SectionBlock(text=mrkdwn(f"*{round_name(rnd, loc)}*")),
            InputBlock(block_id=M.SUGGESTION, label=plain("quality.measure.suggestion", loc), optional=True,
                       hint=plain("quality.measure.suggestion_hint", loc),
                       element=StaticSelectElement(action_id=ids.VALUE, option_groups=suggestion_groups(loc))),
            InputBlock(block_id=M.DESCRIPTION, label=plain("quality.measure.description", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX)),
            InputBlock(block_id=M.AREA, label=plain("quality.measure.area", loc),
                       element=StaticSelectElement(action_id=ids.VALUE, options=area_options)),
            InputBlock(block_id=M.SCOPE, label=plain("quality.measure.scope", loc),
                       element=RadioButtonsElement(action_id=ids.VALUE, options=scope_options,
                                                   initial_option=scope_options[0])),
            InputBlock(block_id=M.OWNER, label=plain("quality.measure.owner", loc),
                       element=UserSelectElement(action_id=ids.VALUE)),
            InputBlock(block_id=M.DUE_ON, label=plain("quality.measure.due", loc),
                       element=DatePickerElement(action_id=ids.VALUE, initial_date=today.isoformat())),
        ],
    )


def suggestion_groups(loc: Locale) -> list[OptionGroup]:
    """Seed 002's measures, «Tiltak kontorene jobber med» and «Tiltak i fylkets regi»."""
    return [OptionGroup(label=t(f"quality.suggestion.group.{scope.value}", loc), options=[
        Option(value=f"{scope.value}.{n}", label=_short(t(f"quality.suggestion.{scope.value}.{n}", loc)))
        for n in range(1, count + 1)]) for scope, count in MEASURE_SUGGESTIONS.items()]


def _short(text: str, limit: int = 75) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _distribution(summary: AreaSummary, loc: Locale) -> str:
    parts = [f"{t(f'quality.score.{s}', loc)}: {summary.distribution[s]}" for s in reversed(SCALE)]
    parts.append(f"{t('quality.score.ikke_relevant', loc)}: {summary.distribution[None]}")
    return " · ".join(parts)


def assessment_blocks(office: Office, result: Assessment, *, short: bool) -> list:
    """The helhetsvurdering: per area the distribution, the recurring themes and the trend against the
    previous round of the same target group. The office's short version leaves out the distributions,
    and of the reviewers' tags shows only the preset themes and those a leader has approved."""
    loc, rnd = office.locale, result.round
    blocks: list = [
        HeaderBlock(text=plain("quality.assessment.header", loc, round=round_name(rnd, loc))),
        SectionBlock(text=mrkdwn(t("quality.assessment.intro", loc, reviews=result.reviews,
                                   group=t(f"quality.group.{rnd.target_group}", loc)))),
    ]
    for summary in result.summaries:
        trend = ""
        if summary.trend is not None:
            trend = t("quality.assessment.trend", loc, trend=t(f"quality.trend.{summary.trend.value}", loc),
                      previous=decimal(summary.previous_mean, loc))
        shown = shareable_themes(summary.themes, result.approved_tags) if short else summary.themes
        themes = (t("quality.assessment.themes", loc, themes=", ".join(f"{escape(tag)} ({n})"
                                                                      for tag, n in shown[:6]))
                  if shown else t("quality.assessment.no_themes", loc))
        distribution = "" if short else _distribution(summary, loc)
        text = t("quality.assessment.area", loc, area=t(f"quality.area.{summary.area.value}", loc),
                 mean=decimal(summary.mean, loc), trend=trend, distribution=distribution).rstrip()
        verdict = rnd.verdicts.get(summary.area.value) if isinstance(rnd.verdicts, dict) else None
        words = f"\n{t('quality.assessment.verdict', loc, text=escape(verdict)[:2000])}" if verdict else ""
        blocks.append(SectionBlock(text=mrkdwn(f"{text}{words}\n{themes}"[:3000])))
    footer = (t("quality.assessment.compared", loc, previous=round_name(result.previous, loc)) if result.previous
              else t("quality.assessment.no_previous", loc))
    if not short:
        footer += " " + t("quality.assessment.office_tags", loc) + " " + t("quality.assessment.next", loc)
    blocks.append(ContextBlock(elements=[mrkdwn(footer)]))
    return blocks


def invite_blocks(office: Office, rnd: QualityRound) -> list:
    loc = office.locale
    text = t("quality.invite", loc, round=round_name(rnd, loc), group=t(f"quality.group.{rnd.target_group}", loc),
             target=rnd.target_per_reviewer, closes=format_date(rnd.closes_on, loc))
    return [SectionBlock(text=mrkdwn(text)),
            ActionsBlock(elements=[ButtonElement(text=plain("quality.invite_button", loc), style="primary",
                                                 action_id=ids.QUALITY_OPEN_REVIEW, value=str(rnd.id))])]


def status_text(office: Office, rnd: QualityRound, done: dict[str, int], reviewers: list[str]) -> str:
    """The round's dates and state, with a line for each of `reviewers` (whom the asker may see)."""
    loc = office.locale
    lines = "\n".join(t("quality.status_line", loc, reviewer=r, done=done.get(r, 0), target=rnd.target_per_reviewer)
                      for r in reviewers)
    return t("quality.status", loc, round=round_name(rnd, loc), state=t(f"quality.state.{rnd.state}", loc),
             opens=format_date(rnd.opens_on, loc), closes=format_date(rnd.closes_on, loc), lines=lines)


# --- a measure's owner (the same «Utført» as a case's action) -----------------------------------

def measure_dm_blocks(office: Office, measure: MeasureParent, action: Action) -> list:
    """The owner's DM about a measure: its round and area where a case's reference and title stand,
    and «Utført» while it is open. The senders show what follows the first two blocks."""
    return owner_dm_blocks(office, measure.reference, measure.title, action)


def measure_completion_view(office: Office, measure: MeasureParent, action: Action, channel: str | None,
                            ts: str | None) -> View:
    """«Utført» on a measure: the owner's note."""
    return completion_modal(office, measure.reference, measure.title, action, channel, ts)


# --- the leaders' helhetsvurdering and «gode grep» (seed 002) ------------------------------------

def close_view(office: Office, result: Assessment) -> View:
    """`/kvalitet avslutt`: per area the figures, and the leaders' own helhetsvurdering (required where
    the round has scores); the round ends when it is sent."""
    loc, rnd = office.locale, result.round
    blocks: list = [SectionBlock(text=mrkdwn(t("quality.close.intro", loc, round=round_name(rnd, loc),
                                               reviews=result.reviews)))]
    for summary in result.summaries:
        figures = t("quality.assessment.area", loc, area=t(f"quality.area.{summary.area.value}", loc),
                    mean=decimal(summary.mean, loc), trend="", distribution=_distribution(summary, loc))
        blocks += [
            DividerBlock(),
            SectionBlock(text=mrkdwn(figures[:3000])),
            InputBlock(block_id=f"{VERDICT}.{summary.area.value}", optional=summary.mean is None,
                       label=plain("quality.close.verdict", loc, area=t(f"quality.area.{summary.area.value}", loc)),
                       hint=plain("quality.close.verdict_hint", loc),
                       element=PlainTextInputElement(action_id=ids.VALUE, multiline=True, max_length=TEXT_MAX)),
        ]
    return View(type="modal", callback_id=ids.QUALITY_CLOSE, title=plain("quality.close.title", loc),
                submit=plain("quality.close.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=seal({"round": rnd.id}), blocks=blocks)


def good_practice_view(office: Office, rnd: QualityRound, items: list[WorksWell]) -> View:
    """«Gode grep»: the round's «fungerer bra» answers, numbered, to pick from (area and words only)."""
    loc = office.locale
    labels = [t("quality.good.option", loc, number=n, area=t(f"quality.area.{w.area.value}", loc))
              for n, w in enumerate(items, 1)]
    blocks: list = [SectionBlock(text=mrkdwn(t("quality.good.intro", loc, round=round_name(rnd, loc))))]
    pairs = list(zip(labels, items, strict=True))
    blocks += [SectionBlock(text=mrkdwn(f"*{label}*\n>{escape(w.text)[:2500]}")) for label, w in pairs]
    blocks.append(InputBlock(block_id=ids.GOOD_PRACTICE_CHOSEN, label=plain("quality.good.choose", loc),
                             element=CheckboxesElement(action_id=ids.VALUE, options=[
                                 Option(value=str(w.id), label=_short(label)) for label, w in pairs])))
    return View(type="modal", callback_id=ids.QUALITY_GOOD_PRACTICE, title=plain("quality.good.title", loc),
                submit=plain("quality.good.submit", loc), close=plain("modal.cancel", loc),
                private_metadata=seal({"round": rnd.id}), blocks=blocks)


def good_practice_blocks(office: Office, shared: SharedPractices) -> list:
    """The short post to the office: each shared answer under its area, and who never: nobody."""
    loc = office.locale
    lines = [f"*{t(f'quality.area.{p.area}', loc)}*\n>{escape(p.text)[:2000]}" for p in shared.practices]
    return [HeaderBlock(text=plain("quality.good.header", loc, round=round_name(shared.round, loc))),
            *[SectionBlock(text=mrkdwn(line)) for line in lines],
            ContextBlock(elements=[mrkdwn(t("quality.good.footer", loc))])]
