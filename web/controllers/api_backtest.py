"""JSON API for the escalation backtest (升级规则回测): the rule set in force and a proposed one (TOML
text) side by side over a period, the same comparison as the office's page.  Records nothing."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from msgspec import Struct

from domain.actor import Role
from web.auth import actor_in
from web.context import Reads, today
from web.controllers.api import ERRORS
from web.controllers.api_answers import Choice, choice
from web.controllers.office_backtest import backtest, rules_text
from domain.escalation import available_rules
from projections.backtest_comparison import STEPS


class StepCountOut(Struct):
    step: Choice
    current: int
    proposed: int


class UnitStepsOut(Struct):
    unit: str
    steps: list[StepCountOut]
    current_total: int
    proposed_total: int


class StepOnOut(Struct):
    step: Choice
    day: date


class DifferingOut(Struct):
    entry_id: str
    kind: str
    number: str
    title: str
    unit: str
    current: list[StepOnOut]
    proposed: list[StepOnOut]


class BacktestOut(Struct):
    period: str
    first: date
    last: date
    current_rules: str
    proposed_rules: str
    units: list[UnitStepsOut]
    totals: list[StepCountOut]
    differing: list[DifferingOut]


def _counts(current: tuple[int, ...], proposed: tuple[int, ...]) -> list[StepCountOut]:
    return [StepCountOut(choice(step), a, b) for step, a, b in zip(STEPS, current, proposed)]


class BacktestApiController(Controller):
    path = "/api/escalation-backtest"

    @get("/", sync_to_thread=True, responses=ERRORS, summary="升级规则回测")
    def run(self, request: Request, reads: NamedDependency[Reads], period: FromQuery[str | None] = None,
            proposed: FromQuery[str | None] = None, current: FromQuery[str | None] = None) -> BacktestOut:
        """The steps the rule set in force (``current``, default the newest version) and the ``proposed``
        one (the text of a TOML file laid out like ``domain/escalation_rules/2026-v1.toml``; default: the
        one in force) would each have recommended over ``period`` (2026-03, 2026-Q1 or 2026; default this
        year), per unit, and the records where they differ.  A bad rule file answers 422
        ``escalation.bad_proposal`` with every problem.  Records nothing."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="升级规则回测")
        day = today(reads.app)
        version = current or available_rules()[-1]
        text = proposed if proposed is not None else rules_text(version) if version in available_rules() else ""
        found = backtest(reads, actor.district, day, period or str(day.year), version, text)
        return BacktestOut(
            found.period.label, found.first, found.last, found.current.version, found.proposed.version,
            [UnitStepsOut(u.unit, _counts(u.current, u.proposed), u.current_total, u.proposed_total) for u in found.units],
            _counts(found.current_totals, found.proposed_totals),
            [DifferingOut(d.entry_id, d.kind, d.number, d.title, d.unit,
                          [StepOnOut(choice(s), on) for s, on in d.current],
                          [StepOnOut(choice(s), on) for s, on in d.proposed]) for d in found.differing])
