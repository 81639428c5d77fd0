"""What the ledger counted at the end of a day, per lead unit (月末/期末状态), without a scan of its
history: opened in that day's month, signed off in that month, overdue that day, and overdue with
a missed deadline recorded in the state (the ranking's 期末仍逾期未办结 reads the facts instead, by the
day each miss happened: ``RankingQueries._open_overdue``).

A state counts for the days it was the entry's state.  For a month's end, ``rm_month_end`` holds
what every state that has since been replaced counted for; the entries' current states add
theirs in SQL.  A day after every recorded change reads the current states alone; any other past
day reads the states valid at its end (``projections.ledger.states_on``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from projections.ledger import states_on
from projections.rules import month_end

COLUMNS = "kind, lead_unit, opened_on, status, closed_on, still_due, deadline, deadlines_missed"

Counts = list[int]  # opened, signed_off, overdue, overdue_missed
_SUMS = (
    "SUM(CASE WHEN substr(l.opened_on, 1, 7) = substr({day}, 1, 7) THEN 1 ELSE 0 END) AS opened,"
    " SUM(CASE WHEN l.status = 'signed_off' AND substr(l.closed_on, 1, 7) = substr({day}, 1, 7)"
    " THEN 1 ELSE 0 END) AS signed_off,"
    " SUM(CASE WHEN l.still_due = 1 AND l.deadline < {day} THEN 1 ELSE 0 END) AS overdue,"
    " SUM(CASE WHEN l.still_due = 1 AND l.deadline < {day} AND l.deadlines_missed > 0 THEN 1 ELSE 0 END)"
    " AS overdue_missed"
)


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


def newest_change(sql, district: str) -> str | None:
    """The business day of the district's newest ledger state."""
    found = sql.execute("SELECT MAX(last_on) AS day FROM rm_ledger WHERE district = ?", (district,)).row()
    return found["day"] if found else None


def counts_at(sql, district: str, days: Iterable[str], kinds: Iterable[str] = ("item",)) -> dict[str, dict[str, Counts]]:
    """{day: {lead unit ("" for none): [opened, signed_off, overdue, overdue_missed]}} for each day
    (ISO text), as the ledger stood at the end of that day."""
    days, kinds = sorted(set(days)), list(kinds)
    result: dict[str, dict[str, Counts]] = {d: defaultdict(lambda: [0, 0, 0, 0]) for d in days}
    if not days or not kinds:
        return result
    newest = newest_change(sql, district) or ""
    current = [d for d in days if d >= newest or d == month_end(d[:7])]
    replaced_ends = [d for d in current if d < newest]
    in_history = [d for d in days if d not in current]
    if current:
        days = f"(VALUES {', '.join('(?, ?)' for _ in current)}) AS m"
        values = [v for d in current for v in (d, d[:7])]
        # a current state counts as opened or signed off at a month's end only if nothing changed it
        # after that month: it was last changed in the same month, by that day (one pass over the
        # rows of the months asked for, each matched to its month by equality)
        found = sql.execute(
            f"SELECT m.column1 AS day, l.lead_unit AS unit, {_SUMS.format(day='m.column1')} FROM rm_ledger l"
            f" JOIN {days} ON m.column2 = substr(l.last_on, 1, 7) AND l.last_on <= m.column1"
            f" WHERE l.district = ? AND l.kind IN ({_marks(kinds)}) AND l.still_due = 0"
            " AND l.last_on >= ? AND l.last_on <= ?"
            " GROUP BY m.column1, l.lead_unit", [*values, district, *kinds, current[0][:7] + "-01", current[-1]]).rows()
        _add(result, found)
        # still due: counted on every day after its deadline (and opened or signed off as above)
        found = sql.execute(
            f"SELECT m.column1 AS day, l.lead_unit AS unit, {_SUMS.format(day='m.column1')} FROM {days}"
            " JOIN rm_ledger l ON l.last_on <= m.column1"
            " AND (l.deadline < m.column1 OR l.last_on >= m.column2 || '-01')"
            f" WHERE l.district = ? AND l.kind IN ({_marks(kinds)}) AND l.still_due = 1"
            " GROUP BY m.column1, l.lead_unit", [*values, district, *kinds]).rows()
        _add(result, found)
    if replaced_ends:
        months = {d[:7]: d for d in replaced_ends}
        found = sql.execute(
            "SELECT month, unit_id AS unit, SUM(opened) AS opened, SUM(signed_off) AS signed_off,"
            " SUM(overdue) AS overdue, SUM(overdue_missed) AS overdue_missed FROM rm_month_end"
            f" WHERE district = ? AND kind IN ({_marks(kinds)}) AND month IN ({_marks(months)})"
            " GROUP BY month, unit_id", [district, *kinds, *months]).rows()
        _add(result, [{**r, "day": months[r["month"]]} for r in found])
    for day in in_history:
        states, params = states_on(district, day, COLUMNS)
        found = sql.execute(
            f"SELECT ? AS day, l.lead_unit AS unit, {_SUMS.format(day='?')} FROM {states} l"
            f" WHERE l.kind IN ({_marks(kinds)}) GROUP BY l.lead_unit",
            [day, day, day, day, day, *params, *kinds]).rows()
        _add(result, found)
    return result


def _add(result: dict[str, dict[str, Counts]], found: list[dict]) -> None:
    for r in found:
        counts = result[r["day"]][r["unit"] or ""]
        for i, name in enumerate(("opened", "signed_off", "overdue", "overdue_missed")):
            counts[i] += int(r[name] or 0)


__all__ = ["counts_at", "newest_change"]
