"""The escalation queue (督办升级建议) and the backtest of a proposed rule set.

Reads the ledger read model (now, or as it stood on any past day) and asks the domain's
escalation policy what each open case needs next, naming the rule and its evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.calendar import WorkingDayCalendar
from domain.escalation import CaseFacts, EscalationRules, Step, next_step

STILL_DUE = {"item": {"assigned", "in_progress", "cannot_implement_reported"}, "rectification": {"recorded", "rectifying"}}


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


class EscalationQueries:
    def __init__(self, read_models, calendar: WorkingDayCalendar) -> None:
        self.read_models = read_models
        self.calendar = calendar

    def _states(self, sql, district: str, as_of: date | None) -> list[dict[str, Any]]:
        if as_of is None:
            return sql.execute("SELECT * FROM rm_ledger WHERE district = ?", (district,)).rows()
        return [json.loads(r["state"]) for r in sql.execute(
            "SELECT h.state FROM rm_ledger_history h JOIN ("
            " SELECT entry_id, MAX(version) AS version FROM rm_ledger_history"
            " WHERE district = ? AND on_date <= ? GROUP BY entry_id) latest"
            " ON h.entry_id = latest.entry_id AND h.version = latest.version",
            (district, as_of.isoformat())).rows()]

    def _recommend(self, states: list[dict[str, Any]], units: dict[str, str], day: date,
                   rules: EscalationRules) -> list[Recommendation]:
        overdue_notices = {s["parent_id"] for s in states
                           if s["kind"] == "notice" and s["status"] != "closed" and s["deadlines_missed"]}
        found = []
        for s in sorted(states, key=lambda s: s["sort_key"]):
            if s["kind"] not in STILL_DUE or s["status"] not in STILL_DUE[s["kind"]] or not s["deadline"]:
                continue
            deadline = date.fromisoformat(s["deadline"])
            overdue = self.calendar.working_days_between(deadline, day) if day > deadline else 0
            advice = next_step(CaseFacts(
                kind=s["kind"], working_days_overdue=overdue, urges=s["urges"], notices=s["notices"],
                notice_reply_overdue=s["entry_id"] in overdue_notices, criticisms=s["criticisms"],
                interviews=s["interviews"], referral=s["referral"]), rules)
            if advice is not None:
                found.append(Recommendation(s["entry_id"], s["number"], s["title"], units.get(s["lead_unit"] or "", ""),
                                            advice.step, advice.rule, advice.evidence, day))
        return found

    def queue(self, district: str, today: date, rules: EscalationRules | str,
              as_of: date | None = None) -> list[Recommendation]:
        """What each open case needs next on ``today`` (or as things stood on ``as_of``)."""
        rules = EscalationRules.load(rules) if isinstance(rules, str) else rules
        with self.read_models.transaction(commit=False) as sql:
            states = self._states(sql, district, as_of)
            units = self._units(sql, district)
        return self._recommend(states, units, as_of or today, rules)

    def backtest(self, district: str, first: date, last: date, rules: EscalationRules | str) -> list[Recommendation]:
        """Replay ``rules`` over the recorded history, day by day, recording nothing: the first
        day each case would have been given each step."""
        rules = EscalationRules.load(rules) if isinstance(rules, str) else rules
        seen: set[tuple[str, Step]] = set()
        produced = []
        with self.read_models.transaction(commit=False) as sql:
            units = self._units(sql, district)
            day = first
            while day <= last:
                if self.calendar.is_workday(day):
                    for r in self._recommend(self._states(sql, district, day), units, day, rules):
                        if (r.entry_id, r.step) not in seen:
                            seen.add((r.entry_id, r.step))
                            produced.append(r)
                day += timedelta(days=1)
        return produced

    @staticmethod
    def _units(sql, district: str) -> dict[str, str]:
        return {u["unit_id"]: u["name"] for u in sql.execute(
            "SELECT unit_id, name FROM rm_units WHERE district = ?", (district,)).rows()}
