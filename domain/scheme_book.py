"""The office's own versions of the scoring scheme and the escalation rule set (评分方案、升级规则的
版本), one record per district.

The versions shipped with the package stay the defaults.  The office makes a new version from the
one in force, previews it on past periods and adopts it from a date: each adoption is an event with
the full settings, the date it takes effect, who adopted it and why.  Nothing is changed after: a
newer version is adopted over it.

Which version applies to a period: the one in force on the period's first day — the office's
version with the latest effective date on or before that day (of two with the same date, the one
adopted later), else the newest shipped one.  So a version adopted from 2027-01-01 judges the year
2027 and its months and quarters; the periods begun before it keep the version they had.  A version
takes effect from today at the earliest: a period already begun is never judged again under it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Collection
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import Problems
from domain.labels import Labelled
from domain.scheme_settings import CHECKS

REASON_LIMIT = 500


class SchemeKind(Labelled):
    SCORING = "scoring", "评分方案"
    ESCALATION = "escalation", "升级规则"


class SchemeBook(DistrictAggregate):
    """评分方案与升级规则版本: the versions the district's office adopted."""

    label = "方案版本记录"

    @staticmethod
    def id_for(district: str) -> UUID:
        return stable_id(district, "scheme-book")

    @classmethod
    def start(cls, district: str, on: date) -> "SchemeBook":
        return cls(id=cls.id_for(district), district=district, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, on: date) -> None:
        self.district = district
        self.adopted: list[dict[str, Any]] = []  # {"kind", "version", "effective_from"} in adoption order

    def names(self, kind: SchemeKind) -> list[str]:
        return [v["version"] for v in self.adopted if v["kind"] == kind.value]

    def adopt(self, kind: SchemeKind, settings: dict[str, Any], *, effective_from: date | None, reason: str,
              shipped: Collection[str], on: date, actor: Actor) -> dict[str, Any]:
        """Adopt ``settings`` as a new version of ``kind`` from ``effective_from``; every problem at
        once.  The settings are checked as a shipped file's are; the name is new among the shipped
        and adopted versions of that kind; the date is today or later and not before the newest
        adopted version's; a reason is given.  The settings as checked are answered."""
        actor.must_be(Role.OFFICE, doing="采用评分方案或升级规则")
        problems, checked = self.adoption_problems(kind, settings, effective_from=effective_from, reason=reason,
                                                   shipped=shipped, on=on)
        problems.raise_any()
        self._adopted(district=self.district, kind=kind.value, version_name=checked["version"], settings=checked,
                      effective_from=effective_from, reason=(reason or "").strip(), adopted_by=actor.user, on=on,
                      actor=actor.as_record())
        return checked

    def adoption_problems(self, kind: SchemeKind, settings: dict[str, Any], *, effective_from: date | None,
                          reason: str, shipped: Collection[str], on: date) -> tuple[Problems, dict[str, Any] | None]:
        """Every problem adopting ``settings`` would meet (:meth:`adopt`), and the settings as checked."""
        problems = Problems()
        checked = problems.attempt(lambda: CHECKS[kind.value](settings))
        name = str(settings.get("version") or "").strip()
        problems.check(not name or (name not in shipped and name not in self.names(kind)), "scheme.name_taken",
                       f"已有名为“{name}”的{kind.label}版本，请另起名称。", field="version")
        reason = (reason or "").strip()
        problems.check(reason and len(reason) <= REASON_LIMIT, "scheme.reason_required",
                       f"请说明采用的理由（不超过{REASON_LIMIT}字）。", field="reason")
        if problems.check(effective_from is not None, "scheme.effective_required", "请填写生效日期。",
                          field="effective_from"):
            problems.check(effective_from >= on, "scheme.effective_past",
                           f"生效日期不能早于今天（{on.isoformat()}）：已开始的统计期间仍按原版本。",
                           field="effective_from")
            latest = max((v["effective_from"] for v in self.adopted if v["kind"] == kind.value), default=None)
            problems.check(latest is None or effective_from >= latest, "scheme.effective_order",
                           f"生效日期不能早于上一版本的生效日期（{latest.isoformat() if latest else ''}）。",
                           field="effective_from")
        return problems, checked

    @event("Adopted")
    def _adopted(self, district: str, kind: str, version_name: str, settings: dict[str, Any], effective_from: date,
                 reason: str, adopted_by: str, on: date, actor: dict) -> None:
        self.adopted.append({"kind": kind, "version": version_name, "effective_from": effective_from})


__all__ = ["SchemeBook", "SchemeKind"]
