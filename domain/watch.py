"""The daily watch's own record (每日巡查记录): which business days the watch has run for a district.

The worker watches each business day once, after midnight Beijing time and at start for any day
it missed: the deadlines missed, the monthly reports not sent, the replies overdue.  What it finds
is recorded on the records themselves; this record only says which days were watched, so a
restarted worker knows where it stopped and never watches a day twice.  One record per district
and year.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import require


class DailyWatch(DistrictAggregate):
    label = "每日巡查记录"

    @staticmethod
    def id_for(district: str, year: int) -> UUID:
        return stable_id(district, "daily-watch", year)

    @classmethod
    def start(cls, district: str, year: int, on: date) -> "DailyWatch":
        return cls(id=cls.id_for(district, year), district=district, year=year, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, year: int, on: date) -> None:
        self.district = district
        self.year = year
        self.last_day: date | None = None
        self.days = 0

    def record_day(self, day: date, recorded: int, actor: Actor) -> None:
        """The watch of ``day`` is done; ``recorded`` facts were found."""
        actor.must_be(Role.SYSTEM, doing="登记每日巡查")
        require(day.year == self.year, "watch.other_year", f"{day.isoformat()}不属于{self.year}年的巡查记录。")
        require(self.last_day is None or day > self.last_day, "watch.day_done",
                f"{day.isoformat()}已巡查，每天只巡查一次。")
        self._day_watched(day=day, recorded=recorded, on=max(day, self.last_on), actor=actor.as_record())

    @event("DayWatched")
    def _day_watched(self, day: date, recorded: int, on: date, actor: dict) -> None:
        self.last_day = day
        self.days += 1
