"""Rankings and performance scores (综合排名 → 绩效考核记分).

For a district, a period (month ``2026-03``, quarter ``2026-Q1`` or year ``2026``) and a
scoring scheme version, each unit's facts in the period become a score: the scheme's base plus
points per fact.  Every line of a score names the events (notification ids) that produced it.
Scores are computed when asked, so a past period can be scored under a new scheme version
without touching any event, and both answers stay available.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from domain.errors import InvalidInput
from domain.scheme_settings import check_scoring
from domain.versioned import read_version, versions
from projections.batch import centi
from projections.facts_projector import FACT_LABELS
from projections.ledger import states_on

SCHEMES = Path(__file__).resolve().parent / "schemes"


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date

    @classmethod
    def parse(cls, text: str) -> "Period":
        text = text.strip().upper()
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                first = date(year, month, 1)
                return cls(text, first, _month_end(year, month))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            return cls(text, date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
        if re.fullmatch(r"\d{4}", text):
            return cls(text, date(int(text), 1, 1), date(int(text), 12, 31))
        raise InvalidInput("period.bad", f"统计期间“{text}”无效，应为2026-03（月）、2026-Q1（季）或2026（年）。", field="period")

    @classmethod
    def of_year(cls, year: int) -> list["Period"]:
        """Every period a year is reported on: its months, its quarters, the year itself."""
        months = [cls.parse(f"{year}-{m:02d}") for m in range(1, 13)]
        return months + [cls.parse(f"{year}-Q{q}") for q in range(1, 5)] + [cls.parse(str(year))]

    @property
    def words(self) -> str:
        """The period as documents name it: 2026年3月, 2026年第一季度, 2026年度."""
        if "-Q" in self.label:
            return f"{self.first.year}年第{'一二三四'[int(self.label[-1]) - 1]}季度"
        if "-" in self.label:
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first.year}年度"


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Scheme:
    version: str
    title: str
    base: float
    interview_bottom: int
    points: dict[str, float]
    inspection_points: dict[str, float]
    source: str = "随系统提供"  # where the version comes from, as pages name it

    @classmethod
    def load(cls, version: str) -> "Scheme":
        """A version shipped with the package (the office's own: ``projections.scheme_versions``)."""
        return cls.from_settings(read_version(SCHEMES, version, rule="scheme.unknown", what="记分办法", field="scheme"))

    @classmethod
    def from_settings(cls, data: dict, source: str = "随系统提供") -> "Scheme":
        """The scheme of ``data`` (a shipped file's or an adopted version's), checked by one code path."""
        data = check_scoring(data)
        return cls(data["version"], data["title"], data["base"], data["interview_bottom"], data["points"],
                   data["inspection_points_per_point_below_100"], source)

    def as_settings(self) -> dict:
        """The settings as a shipped file lays them out (what the office's form starts from)."""
        return {"version": self.version, "title": self.title, "base": self.base, "interview_bottom": self.interview_bottom,
                "points": dict(self.points), "inspection_points_per_point_below_100": dict(self.inspection_points)}

    @property
    def named(self) -> str:
        """评分方案：2026-v2（随系统提供）."""
        return f"{self.version}（{self.source}）"


def available_schemes() -> list[str]:
    return versions(SCHEMES)


def latest_scheme() -> str:
    """The newest scoring scheme version: what a ranking uses when none is named."""
    return available_schemes()[-1]


def units_in_service(sql, district: str, first: date) -> list[dict]:
    """The district's units not retired before ``first`` (unit_id, name), in the district's order (by code)."""
    return sql.execute("SELECT unit_id, name FROM rm_units WHERE district = ?"
                       " AND (retired_on IS NULL OR retired_on >= ?) ORDER BY code",
                       (district, first.isoformat())).rows()


@dataclass(frozen=True)
class ScoreLine:
    """One line of a unit's score: a kind of fact, how often, the points, and its events."""

    fact: str
    label: str
    count: float
    points: float
    notification_ids: tuple[int, ...]


@dataclass
class UnitScore:
    unit_id: str
    unit_name: str
    score: float
    rank: int = 0
    interview_candidate: bool = False
    lines: list[ScoreLine] = field(default_factory=list)

    def count(self, fact: str) -> float:
        return sum(line.count for line in self.lines if line.fact == fact)


class RankingQueries:
    """Rankings from the facts' running totals (``rm_fact_totals``); one unit's explanation from that
    unit's facts alone."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def ranking(self, district: str, period: Period | str, scheme: Scheme | str,
                as_of: date | None = None) -> list[UnitScore]:
        """Units ranked by score for ``period`` (facts up to ``as_of`` when given); equal scores
        share a rank (1, 2, 2, 4); the bottom N ranks are interview candidates.  The score lines
        count facts; :meth:`explanation` names the events behind them."""
        period = Period.parse(period) if isinstance(period, str) else period
        scheme = Scheme.load(scheme) if isinstance(scheme, str) else scheme
        last = min(period.last, as_of) if as_of else period.last
        with self.read_models.reading() as sql:
            units = units_in_service(sql, district, period.first)
            totals = self._totals(sql, district, period, last)
            overdue = self._open_overdue(sql, district, last)
        for unit_id, n in overdue.items():
            totals[unit_id]["open_overdue"] = [n, n * 100, 0]
        scores = [_score(u["unit_id"], u["name"], totals.get(u["unit_id"], {}), scheme, {}) for u in units]
        return _ranked(scores, scheme)

    def explanation(self, district: str, unit_id: str, period: Period | str, scheme: Scheme | str,
                    as_of: date | None = None, ranked: list[UnitScore] | None = None) -> UnitScore | None:
        """One unit's score, rank and lines, each line naming its events (notification ids): read
        from that unit's facts (the rank from the district's totals, or ``ranked`` when the caller
        has the ranking already).  None: the unit is not in the ranking."""
        period = Period.parse(period) if isinstance(period, str) else period
        scheme = Scheme.load(scheme) if isinstance(scheme, str) else scheme
        if ranked is None:
            ranked = self.ranking(district, period, scheme, as_of)
        ranked = next((s for s in ranked if s.unit_id == unit_id), None)
        if ranked is None:
            return None
        last = min(period.last, as_of) if as_of else period.last
        with self.read_models.reading() as sql:
            facts = sql.execute(
                "SELECT fact, amount, notification_id FROM rm_unit_facts WHERE district = ? AND unit_id = ?"
                " AND on_date >= ? AND on_date <= ? ORDER BY notification_id",
                (district, unit_id, period.first.isoformat(), last.isoformat())).rows()
            facts += self._open_overdue_events(sql, district, unit_id, last)
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        ids: dict[str, list[int]] = defaultdict(list)
        for f in facts:
            total = totals[f["fact"]]
            total[0] += 1
            total[1] += centi(f["amount"])
            total[2] += centi(100 - f["amount"]) if f["fact"].endswith("_inspection_score") else 0
            ids[f["fact"]].append(f["notification_id"])
        explained = _score(unit_id, ranked.unit_name, totals, scheme, ids)
        explained.rank, explained.interview_candidate = ranked.rank, ranked.interview_candidate
        return explained

    @staticmethod
    def _totals(sql, district: str, period: Period, last: date) -> dict[str, dict[str, list[int]]]:
        """{unit: {fact: [n, amount in hundredths, points below 100 in hundredths]}} for the facts of
        the period up to ``last``: the kept totals, unless facts after ``last`` exist in the period."""
        later = sql.execute("SELECT 1 AS found FROM rm_unit_facts WHERE district = ? AND on_date > ? AND on_date <= ?"
                            " LIMIT 1", (district, last.isoformat(), period.last.isoformat())).row()
        if later is None:
            found = sql.execute("SELECT unit_id, fact, n, amount_centi, below_centi FROM rm_fact_totals"
                                " WHERE district = ? AND period = ?", (district, period.label)).rows()
        else:  # as of a day inside the period: add up its facts in the database
            found = sql.execute(
                "SELECT unit_id, fact, COUNT(*) AS n, SUM(amount) AS amount,"
                " SUM(CASE WHEN fact LIKE '%inspection_score' THEN 100 - amount ELSE 0 END) AS below"
                " FROM rm_unit_facts WHERE district = ? AND on_date >= ? AND on_date <= ? GROUP BY unit_id, fact",
                (district, period.first.isoformat(), last.isoformat())).rows()
            found = [{**r, "amount_centi": centi(r["amount"]), "below_centi": centi(r["below"])} for r in found]
        totals: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for r in found:
            totals[r["unit_id"]][r["fact"]] = [int(r["n"]), int(r["amount_centi"]), int(r["below_centi"])]
        return totals

    @staticmethod
    def _open_overdue(sql, district: str, last: date) -> dict[str, int]:
        """{lead unit: items still open and past their deadline at the end of ``last`` whose missed
        deadline is recorded as happened by then} (期末仍逾期未办结).  Read from the deadline-missed facts
        by the day they happened — so a miss a later watch recorded counts at the end of the period
        it happened in, and a miss withdrawn counts nowhere — then each such item's state that day,
        found by its key (replaced states, then current ones), never a scan of the history."""
        day = last.isoformat()
        missed = ("SELECT entry_id FROM rm_unit_facts WHERE district = ? AND fact = 'deadline_missed'"
                  " AND on_date <= ?")
        found: dict[str, int] = defaultdict(int)
        for table, valid in (("rm_ledger_history", " AND s.valid_to > ?"), ("rm_ledger", "")):
            for r in sql.execute(
                    f"SELECT s.lead_unit AS unit, COUNT(*) AS n FROM {table} s WHERE s.entry_id IN ({missed})"
                    f" AND s.last_on <= ?{valid} AND s.kind = 'item' AND s.still_due = 1 AND s.deadline < ?"
                    " GROUP BY s.lead_unit", [district, day, day, *([day] if valid else []), day]).rows():
                if r["unit"]:
                    found[r["unit"]] += int(r["n"])
        return found

    @staticmethod
    def _open_overdue_events(sql, district: str, unit_id: str, last: date) -> list[dict]:
        """The unit's items still open and past their deadline at the end of ``last`` (未办结且逾期),
        each traced to the newest event that recorded its deadline as missed by then."""
        day = last.isoformat()
        states, params = states_on(district, day, "entry_id, kind, lead_unit, still_due, deadline")
        return [{"fact": "open_overdue", "amount": 1.0, "notification_id": r["notification_id"]} for r in sql.execute(
            f"SELECT MAX(f.notification_id) AS notification_id FROM {states} l"
            " JOIN rm_unit_facts f ON f.entry_id = l.entry_id AND f.fact = 'deadline_missed' AND f.on_date <= ?"
            " WHERE l.lead_unit = ? AND l.kind = 'item' AND l.still_due = 1 AND l.deadline < ?"
            " GROUP BY l.entry_id ORDER BY 1", (*params, day, unit_id, day)).rows()]


def _score(unit_id: str, name: str, totals: dict[str, list[int]], scheme: Scheme,
           ids: dict[str, list[int]]) -> UnitScore:
    lines = []
    for fact, (n, amount, below) in sorted(totals.items()):
        if fact.endswith("_inspection_score"):
            kind = fact.removesuffix("_inspection_score")
            points = -below / 100 * scheme.inspection_points.get(kind, 0.0)
            lines.append(ScoreLine(fact, FACT_LABELS[fact], n, round(points, 2), tuple(ids.get(fact, ()))))
        else:
            count = amount / 100
            points = count * scheme.points.get(fact, 0.0)
            lines.append(ScoreLine(fact, FACT_LABELS[fact], count, round(points, 2), tuple(ids.get(fact, ()))))
    score = round(scheme.base + sum(line.points for line in lines), 2)
    return UnitScore(unit_id, name, score, lines=lines)


def _ranked(scores: list[UnitScore], scheme: Scheme) -> list[UnitScore]:
    scores.sort(key=lambda s: (-s.score, s.unit_name))
    for position, score in enumerate(scores):
        score.rank = scores[position - 1].rank if position and score.score == scores[position - 1].score \
            else position + 1
    if scores and scheme.interview_bottom:
        ranks = sorted({s.rank for s in scores})
        cut = ranks[-min(scheme.interview_bottom, len(ranks))]
        for score in scores:
            score.interview_candidate = score.rank >= cut and score.score < scheme.base
    return scores
