"""Block Kit for learning: the training case as a poll (counts only) and as revealed (the seed's
answer, its reasoning and the tally), and seed 000's ten discussion questions."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.i18n import Locale, t
from bot.learning.rules import ANSWERS, NO, QUESTIONS, YES, Case, Question
from bot.office import Office
from handlers import ids
from handlers.blocks import escape, mrkdwn, plain


def _label(office: Office, question: Question, answer: str) -> str:
    if question is Question.REPORT:
        return t(f"learning.exercise.{'yes' if answer == YES else 'no'}", office.locale)
    return office.destination(answer).name


def answer_label(office: Office, question: Question, answer: str) -> str:
    return _label(office, question, answer)


def question_text(question: Question, loc: Locale) -> str:
    return t("learning.exercise.q_report" if question is Question.REPORT else "learning.exercise.q_where", loc)


def _case_blocks(office: Office, case: Case) -> list:
    loc = office.locale
    return [
        HeaderBlock(text=plain("learning.exercise.header", loc, title=case.title[:120])),
        SectionBlock(text=mrkdwn(f"*{escape(case.question)}*\n{escape(case.text)}"[:3000])),
    ]


def poll_blocks(office: Office, exercise_id: int, case: Case, counts: dict[str, int]) -> list:
    """The case, the two questions with a button per answer, how many have answered, and «Vis svar»."""
    loc = office.locale
    blocks = _case_blocks(office, case)
    for question in Question:
        blocks += [
            SectionBlock(text=mrkdwn(f"*{question_text(question, loc)}*")),
            ActionsBlock(block_id=f"{ids.EXERCISE_VOTE}_{question.value}", elements=[
                ButtonElement(text=_label(office, question, answer)[:75], value=str(exercise_id),
                              action_id=ids.vote_action(question.value, answer))
                for answer in ANSWERS[question]]),
        ]
    blocks += [
        ContextBlock(elements=[mrkdwn(t("learning.exercise.counts", loc, votes=counts.get(Question.REPORT, 0),
                                        where=counts.get(Question.WHERE, 0)))]),
        ActionsBlock(elements=[ButtonElement(text=plain("learning.exercise.reveal_button", loc),
                                             action_id=ids.EXERCISE_REVEAL, value=str(exercise_id))]),
    ]
    return blocks


def revealed_blocks(office: Office, case: Case, tally: dict[str, dict[str, int]]) -> list:
    """The case with its answer («Hva svarte veilederne på kontoret?» and the seed's reasoning) and
    how the channel voted: counts only, never who."""
    loc = office.locale
    if case.answer:
        answer = case.answer
    elif case.reports and case.destination is not None:
        answer = t("learning.exercise.answer_yes", loc, destination=office.destination(case.destination).name)
    else:
        answer = t("learning.exercise.answer_no", loc)
    reasoning = escape(case.reasoning)
    if case.answered:
        reasoning = f"_{escape(case.answered)}_\n>{reasoning}"
    report, where = tally.get(Question.REPORT, {}), tally.get(Question.WHERE, {})
    where_line = " · ".join(f"{office.destination(a).name}: {n}" for a, n in where.items() if n) or \
        t("learning.exercise.no_votes", loc)
    return [
        *_case_blocks(office, case),
        DividerBlock(),
        SectionBlock(text=mrkdwn(f"{t('learning.exercise.answer_header', loc)}\n{answer}"[:3000])),
        SectionBlock(text=mrkdwn(reasoning[:3000])),
        SectionBlock(text=mrkdwn(t("learning.exercise.tally", loc, yes=report.get(YES, 0), no=report.get(NO, 0),
                                   where=where_line))),
    ]


def discussion_blocks(office: Office) -> list:
    """`/avvik drøfting`: all ten questions, each with why it matters, for a staff meeting."""
    loc = office.locale
    lines = [t("learning.discussion.line", loc, number=n, question=t(f"learning.discussion.q{n}", loc))
             + f"\n   _{t(f'learning.discussion.why{n}', loc)}_" for n in range(1, QUESTIONS + 1)]
    return [
        HeaderBlock(text=plain("learning.discussion.header", loc)),
        ContextBlock(elements=[mrkdwn(t("learning.discussion.intro", loc))]),
        SectionBlock(text=mrkdwn("\n".join(lines[:5]))),
        SectionBlock(text=mrkdwn("\n".join(lines[5:]))),
    ]


def monthly_question_text(office: Office, number: int) -> str:
    loc = office.locale
    return t("learning.discussion.monthly", loc, number=number, question=t(f"learning.discussion.q{number}", loc),
             why=t(f"learning.discussion.why{number}", loc))
