"""The clock is injected, so tests and the demo control what "today" is."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def today(self) -> date: ...


class SystemClock:
    """Today's date in China Standard Time."""

    def today(self) -> date:
        return datetime.now(CHINA).date()


class FixedClock:
    """A clock that stays on one day until moved."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day

    def set(self, day: date) -> None:
        self.day = day

    def advance(self, days: int = 1) -> date:
        self.day += timedelta(days=days)
        return self.day


def beijing_time(value: str | datetime | None) -> str:
    """A recorded timestamp (UTC; ISO text or datetime) as Beijing time to the second, "" for none."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")
