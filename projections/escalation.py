"""The escalation queue (督办升级建议) and the backtest of a proposed rule set.

Reads the ledger read model (now, or as it stood on any past day) and asks the domain's
escalation policy what each open case needs next, naming the rule and its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingDayCalendar
from domain.escalation import CaseFacts, EscalationRules, Step, next_step
from projections.ledger import LedgerQueries, LedgerRow


@dataclass(frozen=True)
class Recommendation:
    entry_id: str
    number: str
    title: str
    unit: str
    step: Step
    rule: str
    evidence: str
    day: date
    kind: str = "item"  # item | rectification


class EscalationQueries:
    def __init__(self, read_models, calendar: WorkingDayCalendar | None = None) -> None:
        self.read_models = read_models
        self.ledger = LedgerQueries(read_models)

    def _recommend(self, district: str, day: date, as_of: date | None, rules: EscalationRules) -> list[Recommendation]:
        """The cases overdue on ``day`` (as the ledger stood then when ``as_of``), each with its next step."""
        notices = self.ledger.rows(district, day, as_of=as_of, kinds=("notice",), open_only=True)
        overdue_notices = {n.parent_id for n in notices if n.deadlines_missed}
        found = []
        for r in self.ledger.rows(district, day, as_of=as_of, kinds=("item", "rectification"), overdue_only=True):
            facts = self._facts(r, overdue_notices)
            advice = next_step(facts, rules)
            if advice is not None:
                found.append(Recommendation(r.entry_id, r.number, r.title, r.lead_unit, advice.step, advice.rule,
                                            advice.evidence, day, r.kind))
        return found

    @staticmethod
    def _facts(r: LedgerRow, overdue_notices: set) -> CaseFacts:
        return CaseFacts(kind=r.kind, working_days_overdue=r.working_days_overdue, urges=r.urges,
                         notices=r.notices, notice_reply_overdue=r.entry_id in overdue_notices,
                         criticisms=r.criticisms, interviews=r.interviews, referral=r.referral)

    def queue(self, district: str, today: date, rules: EscalationRules | str,
              as_of: date | None = None) -> list[Recommendation]:
        """What each open case needs next on ``today`` (or as things stood on ``as_of``)."""
        rules = EscalationRules.load(rules) if isinstance(rules, str) else rules
        return self._recommend(district, as_of or today, as_of, rules)

    def backtest(self, district: str, first: date, last: date, rules: EscalationRules | str) -> list[Recommendation]:
        """Replay ``rules`` over the recorded history, working day by working day, recording
        nothing: the first day each case would have been given each step."""
        rules = EscalationRules.load(rules) if isinstance(rules, str) else rules
        seen: set[tuple[str, Step]] = set()
        produced = []
        with self.read_models.reading() as sql:
            days = [date.fromisoformat(r["day"]) for r in sql.execute(
                "SELECT day FROM rm_workdays WHERE day >= ? AND day <= ? AND workday = 1 ORDER BY day",
                (first.isoformat(), last.isoformat())).rows()]
        for day in days:
            for r in self._recommend(district, day, day, rules):
                if (r.entry_id, r.step) not in seen:
                    seen.add((r.entry_id, r.step))
                    produced.append(r)
        return produced
