"""Working days (工作日) on the official Chinese calendar, with adjusted working weekends (调休).

Known years come from the maintained ``chinese_calendar`` package.  Its data end with the
current year, so the office loads next year's published schedule (:class:`YearSchedule`,
see :func:`parse_schedule`).  A year with neither falls back to Monday–Friday: the answer
is then marked ``estimated`` and a warning is logged — never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Mapping

import chinese_calendar
import structlog

from domain.errors import InvalidInput

log = structlog.get_logger("duban.calendar")


@dataclass(frozen=True)
class YearSchedule:
    """One year's published holiday schedule: the days off and the adjusted working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    names: Mapping[str, str] = field(default_factory=dict)  # ISO date -> holiday name

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkdayAnswer:
    """A computed date, flagged when any day it counted had no official data."""

    day: date
    estimated: bool = False


class WorkingDayCalendar:
    """Answers working-day questions; loaded schedules take precedence over the package's data."""

    def __init__(self, loaded: Iterable[YearSchedule] = ()) -> None:
        self._loaded = {s.year: s for s in loaded}
        self._warned: set[int] = set()
        self._days: dict[date, tuple[bool, bool]] = {}  # the calendar never changes once built
        self._spans: dict[tuple[date, date], int] = {}

    def with_schedule(self, schedule: YearSchedule) -> "WorkingDayCalendar":
        return WorkingDayCalendar([*self._loaded.values(), schedule])

    def has_official_data(self, year: int) -> bool:
        if year in self._loaded:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def _is_workday(self, day: date) -> tuple[bool, bool]:
        """(is a working day, estimated)"""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._look_up(day)
        return known

    def _look_up(self, day: date) -> tuple[bool, bool]:
        schedule = self._loaded.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day), False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning(
                    "calendar.year_missing",
                    year=day.year,
                    fallback="monday-friday",
                    hint=f"duban calendar load FILE  (载入{day.year}年节假日安排)",
                )
            return day.weekday() < 5, True

    def is_workday(self, day: date) -> bool:
        return self._is_workday(day)[0]

    def add_working_days(self, start: date, n: int) -> WorkdayAnswer:
        """The n-th working day after ``start`` (start itself not counted)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day, estimated, counted = start, False, 0
        while counted < n:
            day += timedelta(days=1)
            workday, guess = self._is_workday(day)
            estimated |= guess
            counted += workday
        return WorkdayAnswer(day, estimated)

    def next_working_day_on_or_after(self, day: date) -> WorkdayAnswer:
        estimated = False
        while True:
            workday, guess = self._is_workday(day)
            estimated |= guess
            if workday:
                return WorkdayAnswer(day, estimated)
            day += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        span = self._spans.get((start, end))
        if span is None:
            count, day = 0, start
            while day < end:
                day += timedelta(days=1)
                count += self._is_workday(day)[0]
            span = self._spans[(start, end)] = count
        return span


_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|~|至)\s*(?P<last>\d{4}-\d{2}-\d{2}))?"
    r"\s+(?P<kind>休|班|holiday|workday)(?:\s+(?P<name>.+))?$"
)
_KINDS = {"休": "holiday", "holiday": "holiday", "班": "workday", "workday": "workday"}


def parse_schedule(text: str) -> YearSchedule:
    """Parse a published schedule file.

    One entry per line: ``2027-02-06..2027-02-13 休 春节`` or ``2027-02-14 班 春节调休``
    (``holiday``/``workday`` work too); ``#`` starts a comment; ``year: 2027`` may name the
    year, otherwise the first date does.  Every date must lie in that year.  All errors are
    reported together with their line numbers.
    """
    errors: list[str] = []
    year: int | None = None
    holidays: set[date] = set()
    workdays: set[date] = set()
    names: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.lower().startswith(("year:", "年份:", "年份：")):
            value = re.split(r"[:：]", line, maxsplit=1)[1].strip()
            if not value.isdigit():
                errors.append(f"第{number}行：年份“{value}”不是数字")
            else:
                year = int(value)
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(f"第{number}行：无法识别“{raw.strip()}”，应为“YYYY-MM-DD 休|班 名称”")
            continue
        try:
            first = date.fromisoformat(match["first"])
            last = date.fromisoformat(match["last"]) if match["last"] else first
        except ValueError:
            errors.append(f"第{number}行：日期无效")
            continue
        if last < first:
            errors.append(f"第{number}行：结束日期早于开始日期")
            continue
        year = year or first.year
        if first.year != year or last.year != year:
            errors.append(f"第{number}行：日期不在{year}年内")
            continue
        target = holidays if _KINDS[match["kind"]] == "holiday" else workdays
        day = first
        while day <= last:
            if day in holidays or day in workdays:
                errors.append(f"第{number}行：{day.isoformat()}重复出现")
            target.add(day)
            if match["name"]:
                names[day.isoformat()] = match["name"].strip()
            day += timedelta(days=1)
    if year is None and not errors:
        errors.append("文件中没有任何日期")
    if errors:
        raise InvalidInput("calendar.bad_schedule", "节假日安排文件有误：" + "；".join(errors), field="file")
    assert year is not None
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), names)
