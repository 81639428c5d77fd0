"""Template filters: dates, labels and the like, in Chinese."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")  # China keeps no daylight saving time


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _beijing(value: str | datetime | None) -> str:
    """A recorded timestamp (UTC, ISO text or datetime) as Beijing time, to the second."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def register_filters(env) -> None:
    env.filters["day"] = _day
    env.filters["beijing"] = _beijing
    env.globals["colour_names"] = {"red": "红", "yellow": "黄", "blue": "蓝", "none": ""}
