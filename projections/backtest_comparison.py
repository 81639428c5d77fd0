"""Two escalation rule sets tried side by side on a past period (升级规则回测对比): the current one and
a proposed one, each replayed by :meth:`EscalationQueries.backtest` over the period's working
days as the ledger then stood.  How many urgings, notices, criticisms, interviews and referrals
each would have recommended, per unit, and the records on which they differ.  Nothing is recorded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from domain.escalation import EscalationRules, Step
from projections.escalation import EscalationQueries, Recommendation
from projections.ranking import Period

STEPS = tuple(Step)  # 催办, 督办通知, 通报批评, 约谈, 移交纪检监察


@dataclass(frozen=True)
class UnitSteps:
    """One unit's recommended steps under each rule set (counts in the order of :data:`STEPS`)."""

    unit: str
    current: tuple[int, ...]
    proposed: tuple[int, ...]

    @property
    def current_total(self) -> int:
        return sum(self.current)

    @property
    def proposed_total(self) -> int:
        return sum(self.proposed)


@dataclass(frozen=True)
class DifferingRecord:
    """A record the two rule sets treat differently: each set's steps and the first day of each."""

    entry_id: str
    kind: str  # item | rectification
    number: str
    title: str
    unit: str
    current: tuple[tuple[Step, date], ...]
    proposed: tuple[tuple[Step, date], ...]


@dataclass(frozen=True)
class BacktestComparison:
    period: Period
    first: date
    last: date
    current: EscalationRules
    proposed: EscalationRules
    units: list[UnitSteps]
    differing: list[DifferingRecord]

    @property
    def current_totals(self) -> tuple[int, ...]:
        return tuple(sum(u.current[i] for u in self.units) for i in range(len(STEPS)))

    @property
    def proposed_totals(self) -> tuple[int, ...]:
        return tuple(sum(u.proposed[i] for u in self.units) for i in range(len(STEPS)))


def _counts(found: list[Recommendation], unit: str) -> tuple[int, ...]:
    return tuple(sum(1 for r in found if r.unit == unit and r.step is step) for step in STEPS)


def _steps_by_record(found: list[Recommendation]) -> dict[str, tuple[tuple[Step, date], ...]]:
    steps: dict[str, list[tuple[Step, date]]] = defaultdict(list)
    for r in found:
        steps[r.entry_id].append((r.step, r.day))
    return {k: tuple(sorted(v, key=lambda s: STEPS.index(s[0]))) for k, v in steps.items()}


def compare_rules(escalation: EscalationQueries, district: str, period: str | Period, today: date,
                  current: EscalationRules, proposed: EscalationRules) -> BacktestComparison:
    """Both rule sets over ``period`` (up to ``today`` when it is not over), recording nothing."""
    chosen = period if isinstance(period, Period) else Period.parse(period)
    if chosen.first > today:
        raise InvalidInput("period.not_started", f"{chosen.words}尚未开始，无可回测的记录。", field="period")
    last = min(chosen.last, today)
    before = escalation.backtest(district, chosen.first, last, current)
    after = escalation.backtest(district, chosen.first, last, proposed)
    units = sorted({r.unit for r in before + after})
    compared = [UnitSteps(u, _counts(before, u), _counts(after, u)) for u in units]
    compared.sort(key=lambda u: (-(u.proposed_total - u.current_total), -u.proposed_total, u.unit))
    old, new = _steps_by_record(before), _steps_by_record(after)
    records = {r.entry_id: r for r in before + after}
    differing = [DifferingRecord(entry_id, r.kind, r.number, r.title, r.unit, old.get(entry_id, ()), new.get(entry_id, ()))
                 for entry_id, r in records.items() if old.get(entry_id, ()) != new.get(entry_id, ())]
    differing.sort(key=lambda d: (d.unit, d.number))
    return BacktestComparison(chosen, chosen.first, last, current, proposed, compared, differing)
