"""Template filters: dates, labels and the like, in Chinese."""

from __future__ import annotations

from datetime import date

from duban.clock import beijing_time


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def register_filters(env) -> None:
    env.filters["day"] = _day
    env.filters["beijing"] = beijing_time
    env.globals["colour_names"] = {"red": "红", "yellow": "黄", "blue": "蓝", "none": ""}
