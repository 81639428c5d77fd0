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
from domain.versioned import read_version, versions
from projections.facts_projector import FACT_LABELS
from projections.ledger import past_deadline, states_as_of

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

    @classmethod
    def load(cls, version: str) -> "Scheme":
        data = read_version(SCHEMES, version, rule="scheme.unknown", what="记分办法", field="scheme")
        unknown = set(data["points"]) - set(FACT_LABELS)
        if unknown:
            raise InvalidInput("scheme.unknown_fact", f"记分办法{version}含未知事项：{'、'.join(sorted(unknown))}。")
        return cls(data["version"], data["title"], float(data["base"]), int(data["interview_bottom"]),
                   {k: float(v) for k, v in data["points"].items()},
                   {k: float(v) for k, v in data["inspection_points_per_point_below_100"].items()})


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
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def ranking(self, district: str, period: Period | str, scheme: Scheme | str,
                as_of: date | None = None) -> list[UnitScore]:
        """Units ranked by score for ``period`` (facts up to ``as_of`` when given); equal scores
        share a rank (1, 2, 2, 4); the bottom N ranks are interview candidates."""
        period = Period.parse(period) if isinstance(period, str) else period
        scheme = Scheme.load(scheme) if isinstance(scheme, str) else scheme
        last = min(period.last, as_of) if as_of else period.last
        with self.read_models.transaction(commit=False) as sql:
            units = units_in_service(sql, district, period.first)
            facts = sql.execute(
                "SELECT unit_id, fact, amount, notification_id FROM rm_unit_facts"
                " WHERE district = ? AND on_date >= ? AND on_date <= ? ORDER BY notification_id",
                (district, period.first.isoformat(), last.isoformat())).rows()
            facts += self._open_overdue(sql, district, last)
        grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for f in facts:
            grouped[f["unit_id"]][f["fact"]].append(f)
        scores = [self._score(u["unit_id"], u["name"], grouped.get(u["unit_id"], {}), scheme) for u in units]
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

    @staticmethod
    def _open_overdue(sql, district: str, last: date) -> list[dict]:
        """Items still open and past their deadline at the end of the period (未办结且逾期), each
        traced to the event that recorded its deadline as missed."""
        missed = {r["entry_id"]: r["notification_id"] for r in sql.execute(
            "SELECT entry_id, MAX(notification_id) AS notification_id FROM rm_unit_facts"
            " WHERE district = ? AND fact = 'deadline_missed' AND on_date <= ? GROUP BY entry_id",
            (district, last.isoformat())).rows()}
        found = []
        for state in states_as_of(sql, district, last):
            deadline = date.fromisoformat(state["deadline"]) if state["deadline"] else None
            if (state["kind"] == "item" and past_deadline("item", state["status"], deadline, last)
                    and state["entry_id"] in missed):
                found.append({"unit_id": state["lead_unit"], "fact": "open_overdue", "amount": 1.0,
                              "notification_id": missed[state["entry_id"]]})
        return found

    @staticmethod
    def _score(unit_id: str, name: str, facts: dict[str, list[dict]], scheme: Scheme) -> UnitScore:
        lines = []
        for fact, rows in sorted(facts.items()):
            ids = tuple(r["notification_id"] for r in rows)
            if fact.endswith("_inspection_score"):
                kind = fact.removesuffix("_inspection_score")
                below = sum(100 - r["amount"] for r in rows)
                points = -below * scheme.inspection_points.get(kind, 0.0)
                lines.append(ScoreLine(fact, FACT_LABELS[fact], len(rows), round(points, 2), ids))
            else:
                count = sum(r["amount"] for r in rows)
                points = count * scheme.points.get(fact, 0.0)
                lines.append(ScoreLine(fact, FACT_LABELS[fact], count, round(points, 2), ids))
        score = round(scheme.base + sum(line.points for line in lines), 2)
        return UnitScore(unit_id, name, score, lines=lines)
