"""The versions of the scoring scheme and the escalation rule set (评分方案、升级规则版本) a period is
judged by: ``rm_scheme_versions`` keeps the office's adopted versions (from ``SchemeBook.Adopted``);
the shipped files stay the defaults.  The version in force for a period is the one in force on its
first day (see ``domain.scheme_book``): looked up by district, kind and effective date in SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from domain.escalation import EscalationRules, available_rules
from domain.scheme_settings import check_escalation
from projections.batch import Batch
from projections.events import Recorded
from projections.ranking import Period, Scheme, available_schemes


class SchemeVersionsProjector:
    def prefetch(self, batch: Batch, events: Iterable[Recorded]) -> None:
        """Nothing to read ahead: each adoption writes its own row."""

    def apply(self, batch: Batch, e: Recorded) -> None:
        if e.name != "SchemeBook.Adopted":
            return
        d = e.data
        batch.sql.execute(
            "INSERT INTO rm_scheme_versions (district, kind, version, title, settings, effective_from, reason,"
            " adopted_on, adopted_by, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d["district"], d["kind"], d["version_name"], d["settings"]["title"],
             json.dumps(d["settings"], ensure_ascii=False, sort_keys=True), d["effective_from"], d["reason"], d["on"],
             d["adopted_by"], e.notification_id))


@dataclass(frozen=True)
class SchemeVersion:
    """One version as the office's pages list it: shipped (随系统提供) or adopted by the office."""

    kind: str
    version: str
    title: str
    settings: dict
    shipped: bool
    effective_from: date | None = None
    reason: str = ""
    adopted_on: date | None = None
    adopted_by: str = ""  # the display name of who adopted it (督查室 when the account is gone)

    @property
    def source(self) -> str:
        """随系统提供, or 督查室于2027-01-05采用."""
        return "随系统提供" if self.shipped else f"督查室于{self.adopted_on.isoformat()}采用"


class SchemeVersionQueries:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def adopted(self, district: str, kind: str) -> list[SchemeVersion]:
        """The district's adopted versions of ``kind``, newest effective first."""
        with self.read_models.reading() as sql:
            rows = sql.execute("SELECT v.*, a.display_name FROM rm_scheme_versions v LEFT JOIN rm_accounts a"
                               " ON a.district = v.district AND a.username = v.adopted_by"
                               " WHERE v.district = ? AND v.kind = ? ORDER BY v.effective_from DESC, v.position DESC",
                               (district, kind)).rows()
        return [_version(r) for r in rows]

    def named(self, district: str, kind: str, version: str) -> SchemeVersion | None:
        with self.read_models.reading() as sql:
            row = sql.execute("SELECT * FROM rm_scheme_versions WHERE district = ? AND kind = ? AND version = ?",
                              (district, kind, version)).row()
        return _version(row) if row else None

    def in_force(self, district: str, kind: str, day: date) -> SchemeVersion | None:
        """The office's version of ``kind`` in force on ``day`` (None: the shipped default)."""
        with self.read_models.reading() as sql:
            row = sql.execute("SELECT * FROM rm_scheme_versions WHERE district = ? AND kind = ? AND effective_from <= ?"
                              " ORDER BY effective_from DESC, position DESC LIMIT 1",
                              (district, kind, day.isoformat())).row()
        return _version(row) if row else None

    # -- scoring schemes ------------------------------------------------------------------------------
    def scheme_for(self, district: str, period: Period | str) -> Scheme:
        """The scoring scheme a period is ranked by: the one in force on its first day."""
        period = Period.parse(period) if isinstance(period, str) else period
        return self.scheme_on(district, period.first)

    def scheme_on(self, district: str, day: date) -> Scheme:
        """The scoring scheme in force on ``day``: the office's, else the newest shipped one."""
        found = self.in_force(district, "scoring", day)
        return _scheme(found) if found else Scheme.load(available_schemes()[-1])

    def scheme(self, district: str, version: str | None, period: Period | str) -> Scheme:
        """The scheme named ``version`` (the office's or a shipped one), else the one in force for ``period``."""
        if not version:
            return self.scheme_for(district, period)
        found = self.named(district, "scoring", version)
        return _scheme(found) if found else Scheme.load(version)

    def versions(self, district: str, kind: str) -> list[SchemeVersion]:
        """The shipped versions of ``kind`` (oldest first), then the office's (newest effective first)."""
        shipped = [_shipped(kind, name) for name in (available_schemes() if kind == "scoring" else available_rules())]
        return shipped + self.adopted(district, kind)

    # -- escalation rule sets -------------------------------------------------------------------------
    def rules_for(self, district: str, day: date) -> tuple[EscalationRules, str]:
        """The escalation rule set in force on ``day`` and where it comes from (as pages name it)."""
        found = self.in_force(district, "escalation", day)
        if found is None:
            return EscalationRules.load(available_rules()[-1]), "随系统提供"
        data = check_escalation(found.settings)
        return EscalationRules(**{k: data[k] for k in EscalationRules.__dataclass_fields__}), found.source


@dataclass(frozen=True)
class UnitComparison:
    """One unit's score and rank under the scheme in force and under the proposed one (预览对比)."""

    unit_name: str
    current_score: float
    current_rank: int
    proposed_score: float
    proposed_rank: int

    @property
    def changed(self) -> bool:
        return (self.current_score, self.current_rank) != (self.proposed_score, self.proposed_rank)


@dataclass(frozen=True)
class SchemeComparison:
    period: Period
    current: Scheme
    proposed: Scheme
    units: list[UnitComparison]

    @property
    def changed(self) -> int:
        return sum(1 for u in self.units if u.changed)


def compare_schemes(rankings, district: str, period: Period | str, as_of: date, current: Scheme,
                    proposed: Scheme) -> SchemeComparison:
    """A past period ranked under ``current`` and under ``proposed`` side by side, per unit, in the
    proposed order (the rankings come from the kept totals: nothing is replayed or recorded)."""
    period = Period.parse(period) if isinstance(period, str) else period
    before = {s.unit_id: s for s in rankings.ranking(district, period, current, as_of=as_of)}
    after = rankings.ranking(district, period, proposed, as_of=as_of)
    return SchemeComparison(period, current, proposed, [
        UnitComparison(s.unit_name, before[s.unit_id].score, before[s.unit_id].rank, s.score, s.rank)
        for s in after if s.unit_id in before])


def _shipped(kind: str, name: str) -> SchemeVersion:
    if kind == "scoring":
        settings = Scheme.load(name).as_settings()
    else:
        rules = EscalationRules.load(name)
        settings = {k: getattr(rules, k) for k in EscalationRules.__dataclass_fields__}
    return SchemeVersion(kind, name, settings["title"], settings, True)


def _scheme(v: SchemeVersion) -> Scheme:
    return Scheme.from_settings(v.settings, v.source)


def _version(r: dict) -> SchemeVersion:
    return SchemeVersion(r["kind"], r["version"], r["title"], json.loads(r["settings"]), False,
                         date.fromisoformat(r["effective_from"]), r["reason"], date.fromisoformat(r["adopted_on"]),
                         r.get("display_name") or "督查室")


__all__ = ["SchemeComparison", "SchemeVersion", "SchemeVersionQueries", "SchemeVersionsProjector", "UnitComparison",
           "compare_schemes"]
