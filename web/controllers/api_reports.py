"""JSON API for the reports (报表): the bulletin's figures (督查通报) and the monthly trend (月度趋势),
the same reads as the office's bulletin page and the leaders' portfolio chart."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from msgspec import Struct

from domain.actor import Role
from domain.errors import InvalidInput
from projections.ledger import LedgerRow
from web.auth import actor_in
from web.context import Reads, today
from web.controllers.api import ERRORS, ScoreOut, period_or_this_month, scheme_in_force, score_out


class CountOut(Struct):
    label: str
    count: int


class UnitRecordOut(Struct):
    unit_id: str
    name: str
    assigned: int
    on_time: int
    late: int
    on_time_rate: float | None
    overdue_open: int


class MentionOut(Struct):
    unit: str
    number: str
    title: str
    on: date


class OverdueGroupOut(Struct):
    unit: str
    items: list[LedgerRow]


class BulletinOut(Struct):
    """The figures a bulletin prints, as the record stood at ``as_of`` (the period's end or today)."""

    period: str
    period_words: str
    as_of: date
    scheme: str
    status_counts: list[CountOut]
    total_items: int
    opened: int
    signed_off: int
    on_time_rate: float | None
    rectification_on_time_rate: float | None
    facts: dict[str, int]
    units: list[UnitRecordOut]
    ranking: list[ScoreOut]
    commended: list[MentionOut]
    criticised: list[MentionOut]
    overdue_by_unit: list[OverdueGroupOut]


class MonthOut(Struct):
    month: str  # 2026-03
    as_of: date
    opened: int
    signed_off: int
    overdue: int


class ReportsApiController(Controller):
    path = "/api"
    tags = ["reports 报表"]

    @get("/bulletin", sync_to_thread=True, cache=True, responses=ERRORS, summary="督查通报数据")
    def bulletin(self, request: Request, reads: NamedDependency[Reads], period: FromQuery[str | None] = None,
                 scheme: FromQuery[str | None] = None) -> BulletinOut:
        """The bulletin on ``period`` (2026-03, 2026-Q1 or 2026; default this month) with the ranking under
        ``scheme`` (default the latest); the Word document is ``/office/bulletin.docx``."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看督查通报")
        day = today(reads.app)
        name = reads.app.district(actor.district).name
        period = period_or_this_month(day, period)
        f = reads.bulletins.bulletin(actor.district, name, period, scheme_in_force(reads, actor.district, period, scheme),
                                     day)
        return BulletinOut(
            f.period.label, f.period.words, f.as_of, f.scheme.version,
            [CountOut(label, n) for label, n in f.status_counts], f.total_items, f.opened, f.signed_off,
            f.on_time_rate, f.rectification_on_time_rate, dict(f.counts),
            [UnitRecordOut(u.unit_id, u.name, u.assigned, u.on_time, u.late, u.on_time_rate, u.overdue_open)
             for u in f.units],
            [score_out(s) for s in f.ranking],
            [MentionOut(m.unit, m.number, m.title, m.on) for m in f.commended],
            [MentionOut(m.unit, m.number, m.title, m.on) for m in f.criticised],
            [OverdueGroupOut(unit, rows) for unit, rows in f.overdue_by_unit])

    @get("/trend", sync_to_thread=True, cache=True, responses=ERRORS, summary="月度趋势")
    def trend(self, request: Request, reads: NamedDependency[Reads],
              months: FromQuery[int] = 12) -> list[MonthOut]:
        """Per month (the last ``months``, 1 to 36): items opened, signed off, and overdue at the month's
        end — for the units the caller sees (the office and the district head: all; a vice head: their
        portfolio today)."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, Role.LEADER, doing="查看月度趋势")
        if not 1 <= months <= 36:
            raise InvalidInput("trend.months", "月数应在1到36之间。", field="months")
        day = today(reads.app)
        found = reads.trend.monthly(actor.district, day, months=months, units=reads.app.visible_units(actor, day))
        return [MonthOut(m.key, m.as_of, m.opened, m.signed_off, m.overdue) for m in found]
