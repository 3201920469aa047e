"""Property-based: random sequences of commands never break the closure rules (seed 000, «Lukking av
avvik»: «ikke lukk et avvik før det er vurdert om det skal iverksettes tiltak og tiltaket er
gjennomført»; a `hoy` case needs the leader group's decision).

The first machine drives the plain-Python rules in bot.deviations.rules; the second drives bot.leaders.service
against the database (each step its own transaction, as the buttons and modals do). Both check
what they see against an oracle of their own, not against the rules they test.
"""

from __future__ import annotations

from datetime import date
from itertools import count, pairwise

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from bot.deviations.rules import (
    ActionState,
    ClosureRequest,
    Command,
    Severity,
    State,
    Term,
    assessment_command,
    check_closure,
    check_followed_up,
    check_reference,
    check_reopen,
    closure_offered,
    command_after_actions,
    finish_action,
    next_state,
)
from bot.errors import DomainError
from bot.leaders import service as leaders_service
from bot.leaders.forms import ActionDraft, AssessmentForm, ClosureForm
from bot.office import load_offices
from bot.registration.service import RegistrationForm, register
from bot.routing.rules import Category
from bot.settings import EXAMPLE_OFFICE_CONFIG
from store import deviations as store
from tests.conftest import FakeClock

OPEN = ActionState.OPEN
TEXTS = st.sampled_from(["", "   ", "Rutinen er endret."])
DECISION_DATES = st.sampled_from([None, date(2026, 11, 20)])
DECISION_REFS = st.sampled_from([None, "", "  ", "LG-47/2026"])


class DeviationRules(RuleBasedStateMachine):
    """One case, pushed around by any command in any order."""

    @initialize(start=st.sampled_from([State.REGISTERED, State.FORWARDED]), severity=st.sampled_from(list(Severity)))
    def report(self, start: State, severity: Severity) -> None:
        self.state, self.severity = start, severity
        self.reference: str | None = None
        self.actions: list[ActionState] = []
        self.assessed = False  # oracle: assessed (or confirmed elsewhere) since the last reopening
        self.carried_out = False  # oracle: an action of this assessment done, or none needed
        self.closures = 0

    def _move(self, command: Command) -> None:
        self.state = next_state(self.state, command)

    @rule(needs=st.booleans(), actions=st.integers(0, 3), reasons=TEXTS,
          severity=st.sampled_from([None, *Severity]))
    def assess(self, needs: bool, actions: int, reasons: str, severity: Severity | None) -> None:
        try:
            command = assessment_command(needs, actions, reasons)
            self._move(command)
        except DomainError:
            return
        self.severity = severity or self.severity  # the assessing leader decides what a «større avvik» is
        if command is Command.ASSESS_WITH_ACTIONS:
            assert actions >= 1
            self.actions = [OPEN] * actions  # a fresh assessment: the earlier round's actions are history
            self.carried_out = False
        else:
            assert reasons.strip(), "assessed without actions and without reasons"
            self.carried_out = True
        self.assessed = True

    @rule(index=st.integers(0, 8), outcome=st.sampled_from([ActionState.DONE, ActionState.DROPPED]), text=TEXTS)
    def finish(self, index: int, outcome: ActionState, text: str) -> None:
        if index >= len(self.actions):
            return
        before = self.actions[index]
        try:
            self.actions[index] = finish_action(before, outcome, text)
        except DomainError:
            return
        assert before is OPEN and text.strip(), "an action finished twice, or dropped without a reason"
        if outcome is ActionState.DONE:
            self.carried_out = True
        command = command_after_actions(self.state, self.actions)
        if command is not None:
            self._move(command)
        if command is Command.BACK_TO_ASSESSMENT:
            assert not self.carried_out, "sent back to assessment although an action was carried out"
            assert self.state is State.REGISTERED
            self.assessed = False

    @rule()
    def external_reference(self) -> None:
        try:
            check_reference(self.state, self.reference)
            self._move(Command.CONFIRM_EXTERNAL)
        except DomainError:
            return
        assert self.state is State.FORWARDED, "a reference alone moved the case on"
        self.reference = "ASYS-2026-17"

    @rule()
    def followed_up_elsewhere(self) -> None:
        try:
            check_followed_up(self.state, self.reference)
            self._move(Command.FOLLOWED_UP_ELSEWHERE)
        except DomainError:
            return
        assert self.reference, "confirmed as followed up elsewhere without the other system's reference"
        self.assessed = self.carried_out = True

    @rule(feedback=TEXTS, decision_date=DECISION_DATES, reference=DECISION_REFS,
          lesson=st.sampled_from([None, "  ", "Læring."]), no_new_lesson=st.booleans())
    def close(self, feedback: str, decision_date: date | None, reference: str | None, lesson: str | None,
              no_new_lesson: bool) -> None:
        request = ClosureRequest(feedback=feedback, lesson=lesson, no_new_lesson=no_new_lesson,
                                 decision_date=decision_date, decision_reference=reference)
        try:
            check_closure(self.state, self.severity, self.actions, request)
            self._move(Command.CLOSE)
        except DomainError:
            return
        assert self.assessed, "closed before it was assessed"
        assert self.carried_out, "closed although every action of its assessment was dropped"
        assert OPEN not in self.actions, "closed with an open action"
        assert feedback.strip(), "closed without feedback to the office"
        assert bool((lesson or "").strip()) != no_new_lesson, "closed without the experience or «ingen ny erfaring»"
        if self.severity is Severity.HIGH:
            assert decision_date and (reference or "").strip(), "a major case closed without the leader group"
        self.closures += 1

    @rule(reason=TEXTS)
    def reopen(self, reason: str) -> None:
        try:
            check_reopen(self.state, reason)
            self._move(Command.REOPEN)
        except DomainError:
            return
        assert reason.strip()
        self.assessed = self.carried_out = False

    @invariant()
    def open_actions_only_while_actions_are_under_way(self) -> None:
        if OPEN in self.actions:
            assert self.state is State.ACTIONS_ONGOING
        if self.state is State.ACTIONS_ONGOING:
            assert OPEN in self.actions  # the last one finished moves the case on

    @invariant()
    def lukk_is_offered_exactly_when_the_deviation_itself_allows_it(self) -> None:
        assert closure_offered(self.state, self.actions) == (self.state is State.READY_TO_CLOSE
                                                             and OPEN not in self.actions and self.assessed)


TestDeviationRules = DeviationRules.TestCase
TestDeviationRules.settings = settings(max_examples=300, stateful_step_count=30, deadline=None)


# --- the same, through bot.leaders.service and the database --------------------------------------------

class DeviationInStore(RuleBasedStateMachine):
    """Commands through the functions the modals call, each in its own transaction, on one case.

    Forms are built with `model_construct`, skipping the modal's validation, as a crafted or
    replayed submission would: the rules must still hold on the locked case."""

    db = office = None
    views = count(1)

    @initialize(severity=st.sampled_from(list(Severity)), external=st.booleans())
    def report(self, severity: Severity, external: bool) -> None:
        self.clock = FakeClock()
        form = RegistrationForm(kind="brudd", category=Category.INFORMATION_SECURITY if external
                                else Category.LOCAL_ROUTINE, title="Vedtak uten begrunnelse",
                                what_happened="Et vedtak manglet begrunnelse.", occurred_on=date(2026, 11, 20),
                                severity=severity)
        outcome = register(self.db, self.clock, self.office, form, reporter_id="U0STAFF1",
                           view_id=f"VPROP{next(self.views)}")
        self.deviation_id = outcome.deviation_id

    def _deviation(self):
        with self.db.transaction() as session:
            return store.by_id(session, self.deviation_id)

    def _events(self):
        with self.db.transaction() as session:
            return [e for e in store.events_of(session, self.deviation_id) if e.to_state]

    def _try(self, work) -> None:
        self.clock.advance(minutes=1)  # each step at its own moment, as people click
        before = len(self._events())
        try:
            work()
        except DomainError:
            assert len(self._events()) == before, "a refused command left an event behind"

    @rule(needs=st.booleans(), owners=st.lists(st.sampled_from(["U0OWNER1", "U0OWNER2"]), max_size=2),
          reasons=TEXTS, severity=st.sampled_from([None, *Severity]), close_now=st.booleans(), feedback=TEXTS)
    def assess(self, needs: bool, owners: list[str], reasons: str, severity: Severity | None, close_now: bool,
               feedback: str) -> None:
        drafts = tuple(ActionDraft(term=Term.SHORT, description="Rett malen", owner=owner, due_on=date(2026, 12, 1))
                       for owner in owners)
        # «Ingen tiltak – lukk nå»: the closure rides along, crafted as a replayed form could be.
        closure = ClosureForm.model_construct(feedback=feedback, lesson=None, no_new_lesson=True,
                                              decision_date=None, decision_reference=None) if close_now else None
        form = AssessmentForm.model_construct(needs_actions=needs, reasons=reasons, responsible="U0LEADER1",
                                              actions=drafts if needs else (), severity=severity, closure=closure)
        self._try(lambda: leaders_service.assess(self.db, self.clock, self.office, self.deviation_id, form,
                                                 actor_id="U0LEADER1"))

    @rule(index=st.integers(0, 6), outcome=st.sampled_from([ActionState.DONE, ActionState.DROPPED]), text=TEXTS)
    def finish(self, index: int, outcome: ActionState, text: str) -> None:
        actions = self._deviation().actions
        if index < len(actions):
            self._try(lambda: leaders_service.finish(self.db, self.clock, self.office, actions[index].id, outcome, text,
                                                     actor_id="U0OWNER1"))

    @rule()
    def external_reference(self) -> None:
        from bot.deviations.workflow import transition

        def add(deviation) -> None:
            check_reference(State(deviation.state), deviation.external_reference)
            deviation.external_reference = "ASYS-2026-17"

        self._try(lambda: transition(self.db, self.clock, self.office, self.deviation_id, Command.CONFIRM_EXTERNAL,
                                     actor_id="U0STAFF1", change=add))

    @rule(owner=st.sampled_from(["U0OWNER1", "U0OWNER2"]))
    def add_action(self, owner: str) -> None:
        draft = ActionDraft(term=Term.LONG, description="Opplæring", owner=owner, due_on=date(2026, 12, 15))
        self._try(lambda: leaders_service.add_action(self.db, self.clock, self.office, self.deviation_id, draft,
                                                     actor_id="U0LEADER1"))

    @rule()
    def followed_up_elsewhere(self) -> None:
        self._try(lambda: leaders_service.confirm_followed_up(self.db, self.clock, self.office, self.deviation_id,
                                                              actor_id="U0LEADER1"))

    @rule(feedback=TEXTS, decision_date=DECISION_DATES, reference=DECISION_REFS,
          lesson=st.sampled_from([None, "Læring."]), no_new_lesson=st.booleans())
    def close(self, feedback: str, decision_date: date | None, reference: str | None, lesson: str | None,
              no_new_lesson: bool) -> None:
        form = ClosureForm.model_construct(feedback=feedback, lesson=lesson, no_new_lesson=no_new_lesson,
                                           decision_date=decision_date, decision_reference=reference)
        self._try(lambda: leaders_service.close_deviation(self.db, self.clock, self.office, self.deviation_id, form,
                                                          actor_id="U0LEADER1"))

    @rule(reason=TEXTS)
    def reopen(self, reason: str) -> None:
        self._try(lambda: leaders_service.reopen_deviation(self.db, self.clock, self.office, self.deviation_id, reason,
                                                           actor_id="U0LEADER1"))

    @invariant()
    def the_stored_deviation_keeps_the_closure_rules(self) -> None:
        deviation = self._deviation()
        states = [ActionState(a.state) for a in deviation.actions]
        events = self._events()
        assert deviation.state == events[-1].to_state, "every state change has its audit event"
        for before, after in pairwise(events):
            assert after.from_state == before.to_state, "a state change without its audit event"
        if OPEN in states:
            assert deviation.state == State.ACTIONS_ONGOING
        if "fulgt_opp_eksternt" in [e.kind for e in events]:
            assert deviation.external_reference, "followed up elsewhere without the other system's reference"
        if deviation.state == State.CLOSED:
            kinds = [e.kind for e in events]
            restarts = [i for i, kind in enumerate(kinds) if kind in ("gjenapnet", "tilbake_til_vurdering")]
            since_restart = kinds[restarts[-1] + 1:] if restarts else kinds
            assert {"vurdert_med_tiltak", "vurdert_uten_tiltak", "fulgt_opp_eksternt"} & set(since_restart), \
                "closed without an assessment"
            if "vurdert_med_tiltak" in since_restart:
                assessed_at = next(e.at for e in reversed(events) if e.kind == "vurdert_med_tiltak")
                assert any(a.state == ActionState.DONE and a.created_at >= assessed_at for a in deviation.actions), \
                    "closed although no action of its assessment was carried out"
            assert (deviation.closure_feedback or "").strip()
            assert bool((deviation.lesson or "").strip()) != deviation.no_new_lesson, "no experience, no «ingen»"
            if deviation.severity == Severity.HIGH:
                assert deviation.decision_date and (deviation.decision_reference or "").strip()
        if deviation.reported_severity is not None:
            changes = [e for e in store_events(self.db, self.deviation_id) if "severity" in (e.detail or {})]
            assert changes, "the severity changed without an audit event"
            assert changes[0].detail["severity"]["from"] == deviation.reported_severity, "the reporter's choice lost"
        for action in deviation.actions:
            if action.state == ActionState.DROPPED:
                assert (action.drop_reason or "").strip()
            if action.state == ActionState.DONE:
                assert (action.completion_note or "").strip()


def store_events(db, deviation_id: int) -> list:
    with db.transaction() as session:
        return list(store.events_of(session, deviation_id))


def test_commands_through_the_store_keep_the_closure_rules(db):
    DeviationInStore.db, DeviationInStore.office = db, load_offices(EXAMPLE_OFFICE_CONFIG).office[0]
    run_state_machine_as_test(DeviationInStore, settings=settings(
        max_examples=60, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
