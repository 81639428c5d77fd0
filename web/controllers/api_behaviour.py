"""JSON API for behaviour analytics (办理行为分析): the figures per unit over a period (the office: every
unit of the district; a leader: their portfolio's), and the records behind one unit's figure."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from msgspec import Struct

from domain.actor import Role
from domain.errors import InvalidInput, NotAllowed, NotFound
from duban.application import Duban
from projections.behaviour import DEFAULT_DAYS, DEFAULT_RISE, MEASURES, BehaviourRecord
from projections.leader_portfolio import in_sight
from projections.ranking import Period
from web.auth import actor_in
from web.context import Reads, today
from web.controllers.api import ERRORS


class UnitBehaviourOut(Struct):
    unit_id: str
    name: str
    sign_fors: int
    sign_for_working_days: float | None
    state_working_days: dict[str, float]
    reports: int
    last_day_reports: int
    last_day_share: float | None
    items: int
    extensions: int
    extensions_per_item: float | None
    send_backs: int
    notice_replies: int
    notice_reply_working_days: float | None
    jumps: int


class BehaviourOut(Struct):
    period: str
    first: date
    last: date
    rise: int
    days: int
    units: list[UnitBehaviourOut]


def _bounded(value: int | None, default: int, low: int, high: int, field: str) -> int:
    if value is None:
        return default
    if not low <= value <= high:
        raise InvalidInput("behaviour.bad_setting", f"应在{low}至{high}之间。", field=field)
    return value


class BehaviourApiController(Controller):
    path = "/api/behaviour"

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="办理行为分析")
    def units(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
              period: FromQuery[str | None] = None, rise: FromQuery[int | None] = None,
              days: FromQuery[int | None] = None) -> BehaviourOut:
        """Per unit over ``period`` (default this year): sign-for times, time in each state (working
        days), progress reports and those on the month's last working day, extensions, send-backs,
        notice reply times, and progress jumps of at least ``rise`` points (default 50) within the last
        ``days`` working days before the deadline (default 5).  A leader gets their portfolio's units."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, Role.LEADER, doing="查看办理行为分析")
        day = today(duban)
        chosen = Period.parse(period or str(day.year))
        rise, days = _bounded(rise, DEFAULT_RISE, 1, 100, "rise"), _bounded(days, DEFAULT_DAYS, 1, 60, "days")
        seen = duban.visible_units(actor, day)
        found = reads.behaviour.units(
            actor.district, chosen, units=frozenset(u.hex for u in seen) if seen is not None else None, rise=rise, days=days)
        return BehaviourOut(chosen.label, chosen.first, chosen.last, rise, days, [UnitBehaviourOut(
            u.unit_id, u.name, u.sign_fors, u.sign_for_days, u.state_days, u.reports, u.last_day_reports,
            u.last_day_share, u.items, u.extensions, u.extensions_per_item, u.send_backs, u.notice_replies,
            u.notice_reply_days, u.jumps) for u in found])

    @get("/{unit_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="办理行为明细")
    def records(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                unit_id: FromPath[UUID], measure: FromQuery[str] = "sign_for", period: FromQuery[str | None] = None,
                rise: FromQuery[int | None] = None, days: FromQuery[int | None] = None) -> list[BehaviourRecord]:
        """The records behind one unit's figure: ``measure`` one of sign_for, state, progress,
        extension, send_back, notice_reply, jump; each names the record (its page and timeline)."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, Role.LEADER, doing="查看办理行为分析")
        day = today(duban)
        known = any(u.id == unit_id for u in reads.directory.units(actor.district))
        if not known:
            raise NotFound("unit.not_found", "没有这个单位。")
        if not in_sight(duban.visible_units(actor, day), unit_id):
            raise NotAllowed("behaviour.not_yours", "该单位不在您的查看范围内。")
        if measure not in MEASURES:
            raise InvalidInput("behaviour.bad_measure", f"未知的统计项目，应为：{'、'.join(MEASURES)}。", field="measure")
        rows = reads.behaviour.records(
            actor.district, Period.parse(period or str(day.year)), unit_id.hex, measure,
            rise=_bounded(rise, DEFAULT_RISE, 1, 100, "rise"), days=_bounded(days, DEFAULT_DAYS, 1, 60, "days"))
        return rows
