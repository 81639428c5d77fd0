"""A year's holiday schedule loaded by the office (节假日安排), kept as events like everything else."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.calendar import YearSchedule


class HolidaySchedule(DistrictAggregate):
    """节假日安排: national, so it belongs to the deployment (district "*"), one per year.

    Loading again replaces the year's days (a corrected notice); the history keeps both.  Only the
    deployment administrator (平台管理员) loads it — through ``duban calendar load``, the deployment
    operator's tool: the schedule is the whole deployment's, not one district's office's.
    """

    label = "节假日安排"
    DEPLOYMENT = "*"

    @staticmethod
    def id_for(year: int) -> UUID:
        return stable_id("calendar", year)

    @classmethod
    def load(cls, schedule: YearSchedule, source: str, on: date, actor: Actor) -> "HolidaySchedule":
        actor.must_be(Role.DEPLOYMENT_ADMIN, doing="载入国家节假日安排")
        return cls(id=cls.id_for(schedule.year), district=cls.DEPLOYMENT, year=schedule.year, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, year: int, on: date) -> None:
        self.district = district
        self.year = year
        self.holidays: list[date] = []
        self.workdays: list[date] = []
        self.names: dict[str, str] = {}

    def replace_days(self, schedule: YearSchedule, source: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.DEPLOYMENT_ADMIN, doing="载入国家节假日安排")
        self._days_loaded(
            holidays=sorted(schedule.holidays), workdays=sorted(schedule.workdays), names=dict(schedule.names),
            source=source, on=max(on, self.last_on), actor=actor.as_record(),
        )

    @event("DaysLoaded")
    def _days_loaded(self, holidays: list[date], workdays: list[date], names: dict, source: str, on: date,
                     actor: dict) -> None:
        self.holidays = list(holidays)
        self.workdays = list(workdays)
        self.names = dict(names)

    def as_schedule(self) -> YearSchedule:
        return YearSchedule(self.year, frozenset(self.holidays), frozenset(self.workdays), dict(self.names))
