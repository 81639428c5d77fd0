"""A leader's view (领导视图) for a date: the units in their portfolio that day, those units'
open and overdue items, and their ranking positions.  The district head sees every unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from projections.ledger import LedgerQueries, LedgerRow
from projections.ranking import RankingQueries, UnitScore


@dataclass(frozen=True)
class LeaderView:
    leader_id: str
    label: str
    day: date
    units: list[str]  # unit names, in code order
    open_items: list[LedgerRow]
    overdue_items: list[LedgerRow]
    rankings: list[UnitScore]  # the district ranking, restricted to these units (district ranks kept)


class LeaderViews:
    def __init__(self, ledger: LedgerQueries, rankings: RankingQueries, read_models) -> None:
        self.ledger = ledger
        self.rankings = rankings
        self.read_models = read_models

    def view(self, district: str, leader_id: str, day: date, *, period: str, scheme: str) -> LeaderView:
        with self.read_models.transaction(commit=False) as sql:
            leader = sql.execute("SELECT label, title FROM rm_leaders WHERE leader_id = ? AND district = ?",
                                 (leader_id, district)).row()
            units = sql.execute("SELECT unit_id, name FROM rm_units WHERE district = ? ORDER BY code", (district,)).rows()
            placements = sql.execute(
                "SELECT unit_id, leader_id FROM rm_portfolio WHERE district = ? AND effective <= ?"
                " ORDER BY effective, position", (district, day.isoformat())).rows()
        if leader is None:
            raise LookupError(leader_id)
        in_charge = {p["unit_id"]: p["leader_id"] for p in placements}
        head = leader["title"] == "district_head"
        mine = [u for u in units if head or in_charge.get(u["unit_id"]) == leader_id]
        ids = {u["unit_id"] for u in mine}
        items = [r for r in self.ledger.rows(district, day, open_only=True, kinds=("item",)) if r.lead_unit_id in ids]
        ranking = [s for s in self.rankings.ranking(district, period, scheme, as_of=day) if s.unit_id in ids]
        return LeaderView(leader_id, leader["label"], day, [u["name"] for u in mine], items,
                          [r for r in items if r.working_days_overdue > 0], ranking)
