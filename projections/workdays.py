"""Working days as a table (工作日序号表): each day with the running number of working days up to it.

``working days after A up to and including B`` is ``ordinal(B) - ordinal(A)``, so "working days
overdue", "due within N working days" and the warnings' pace are plain SQL joins.  The days come
from the same sources as ``domain.calendar.WorkingDayCalendar``: the official calendar
(``chinese_calendar``), then every holiday schedule the office loads (the projector applies
``HolidaySchedule.DaysLoaded``), and Monday to Friday, marked estimated, for years without data.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Iterable

import chinese_calendar

FIRST = date(2000, 1, 1)
LAST = date(2060, 12, 31)


def base_days(first: date = FIRST, last: date = LAST) -> list[tuple[str, int, int, int]]:
    """(day, ordinal, workday, estimated) for every day, from the official calendar alone."""
    return list(_base_days(first, last))


# Once per process: the official calendar data do not change while it runs, and asking them day by day
# for sixty years takes over a second (every new store's read models start with these rows).
@functools.cache
def _base_days(first: date, last: date) -> tuple[tuple[str, int, int, int], ...]:
    rows, ordinal, day = [], 0, first
    known: dict[int, bool] = {}
    while day <= last:
        year = day.year
        if year not in known:
            try:
                chinese_calendar.is_workday(date(year, 6, 1))
                known[year] = True
            except NotImplementedError:
                known[year] = False
        if known[year]:
            workday, estimated = chinese_calendar.is_workday(day), 0
        else:
            workday, estimated = day.weekday() < 5, 1
        ordinal += workday
        rows.append((day.isoformat(), ordinal, int(workday), estimated))
        day += timedelta(days=1)
    return tuple(rows)


def fill(sql) -> None:
    """Write the official calendar into an empty ``rm_workdays``."""
    # COPY on PostgreSQL: one statement of eight thousand placeholders cost psycopg seconds to parse
    sql.insert_rows("rm_workdays", ("day", "ordinal", "workday", "estimated"), _base_days(FIRST, LAST))


def calendar_version() -> str:
    """What the official calendar data are: a new package release may change its days."""
    return f"chinese_calendar {getattr(chinese_calendar, '__version__', '?')} {FIRST}..{LAST}"


def apply_schedule(sql, year: int, holidays: Iterable[str], workdays: Iterable[str]) -> None:
    """A loaded schedule replaces the year's days (no longer estimated); later days renumber."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if first < FIRST or last > LAST:
        return
    off, on = set(holidays), set(workdays)
    before = sql.execute("SELECT ordinal FROM rm_workdays WHERE day = ?", ((first - timedelta(days=1)).isoformat(),)).row()
    old = sql.execute("SELECT ordinal FROM rm_workdays WHERE day = ?", (last.isoformat(),)).row()
    ordinal = before["ordinal"] if before else 0
    rows, day = [], first
    while day <= last:
        text = day.isoformat()
        workday = text not in off and (text in on or day.weekday() < 5)
        ordinal += workday
        rows.append((text, ordinal, int(workday)))
        day += timedelta(days=1)
    sql.execute("UPDATE rm_workdays SET ordinal = v.column2, workday = v.column3, estimated = 0 FROM (VALUES "
                + ", ".join("(?, ?, ?)" for _ in rows) + ") AS v WHERE rm_workdays.day = v.column1",
                [v for row in rows for v in row])
    if old is not None and ordinal != old["ordinal"]:
        sql.execute("UPDATE rm_workdays SET ordinal = ordinal + ? WHERE day > ?", (ordinal - old["ordinal"], last.isoformat()))




# -- questions the queries ask -----------------------------------------------------------------------
def add_working_days(sql, day: date, n: int) -> date:
    """The n-th working day after ``day`` (``day`` itself not counted), from the table."""
    found = sql.execute(
        "SELECT MIN(w.day) AS day FROM rm_workdays w WHERE w.workday = 1 AND w.day > ?"
        " AND w.ordinal = (SELECT ordinal FROM rm_workdays WHERE day = ?) + ?", (day.isoformat(), day.isoformat(), n)).row()
    return date.fromisoformat(found["day"]) if found and found["day"] else day + timedelta(days=n)


def last_working_day_of_month(sql, day: date) -> date:
    """The month's last working day (本月最后一个工作日)."""
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    found = sql.execute("SELECT MAX(day) AS day FROM rm_workdays WHERE day >= ? AND day <= ? AND workday = 1",
                        (first.isoformat(), last.isoformat())).row()
    return date.fromisoformat(found["day"]) if found and found["day"] else last


__all__ = ["FIRST", "LAST", "base_days", "fill", "apply_schedule", "calendar_version", "add_working_days",
           "last_working_day_of_month"]
