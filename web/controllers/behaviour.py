"""Behaviour analytics pages (办理行为分析): the office sees every unit of the district, a leader the
units of their portfolio.  Per unit over a period: time to sign for, time in progress, reports on
the month's last working day, extensions, send-backs, notice reply times and last-minute progress
jumps (rise and window chosen on the page), with charts; each figure opens the records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from domain.actor import Actor
from domain.errors import DomainError, InvalidInput, NotAllowed, NotFound
from duban.application import Duban
from projections.behaviour import (DEFAULT_DAYS, DEFAULT_RISE, MEASURES, UnitBehaviour,
                                   state_label)
from projections.leader_portfolio import in_sight
from projections.ranking import Period
from web.auth import LEADER_AREA, OFFICE_AREA
from web.charts import Bar, bar_chart, good_to_bad, number
from web.context import Reads, page, today
from web.controllers.office import entry_link
from web.forms import NO_FORM, Form
from web.leader_reads import period_label, period_options

TEMPLATE, RECORDS = "behaviour/overview.html", "behaviour/records.html"


@dataclass(frozen=True)
class Asked:
    """The page's choices: a period, the rise and the window of a last-minute jump."""

    period: Period
    rise: int
    days: int

    @classmethod
    def read(cls, query: dict[str, str], day: date) -> "Asked":
        form = Form(query)
        period = Period.parse(query.get("period") or str(day.year))
        rise = form.integer("rise", "突击涨幅（百分点）", required=False, low=1, high=100) or DEFAULT_RISE
        days = form.integer("days", "临期工作日数", required=False, low=1, high=60) or DEFAULT_DAYS
        return cls(period, rise, days)

    def query(self, **more: str) -> str:
        from urllib.parse import urlencode
        return urlencode({"period": self.period.label, "rise": self.rise, "days": self.days, **more})


def leader_link(kind: str, entry_id: str) -> str | None:
    """A record's page as a leader opens it (a notice has none: its item's page tells it)."""
    if kind in ("item", "subtask"):
        return f"/leader/items/{entry_id.split(':')[0]}"
    return f"/leader/rectifications/{entry_id}" if kind == "rectification" else None


def _charts(units: list[UnitBehaviour], title: str) -> list:
    signing = [u for u in units if u.sign_for_days is not None]
    fast, slow = (min(u.sign_for_days for u in signing), max(u.sign_for_days for u in signing)) if signing else (0, 0)
    reporting = [u for u in units if u.last_day_share is not None]
    return [
        bar_chart([Bar(u.name, u.sign_for_days, fill=good_to_bad(u.sign_for_days, fast, slow),
                       value_label=f"{number(u.sign_for_days)}天") for u in sorted(signing, key=lambda u: -u.sign_for_days)],
                  title=f"{title}平均签收用时（工作日）"),
        bar_chart([Bar(u.name, round(100 * u.last_day_share), fill=good_to_bad(u.last_day_share, 0, 1),
                       value_label=f"{round(100 * u.last_day_share)}%")
                   for u in sorted(reporting, key=lambda u: -(u.last_day_share or 0))],
                  title=f"{title}月末最后一个工作日报送进展的占比"),
    ]


def _overview(reads: Reads, actor: Actor, day: date, request: Request, units: frozenset[UUID] | None,
              base: str) -> Template:
    query = {k: request.query_params.get(k) or "" for k in ("period", "rise", "days")}
    choices = {"periods": period_options(day, query["period"] or str(day.year)), "base": base,
               "chosen": {"period": query["period"] or str(day.year), "rise": query["rise"] or DEFAULT_RISE,
                          "days": query["days"] or DEFAULT_DAYS}}
    try:
        asked = Asked.read(query, day)
    except DomainError as error:
        return page(TEMPLATE, actor, day, status_code=Form.status(error), form=Form(query).refused(error),
                    units=None, **choices)
    wanted = frozenset(u.hex for u in units) if units is not None else None
    found = reads.behaviour.units(actor.district, asked.period, units=wanted, rise=asked.rise,
                                                      days=asked.days)
    return page(TEMPLATE, actor, day, form=NO_FORM, units=found, asked=asked, words=period_label(asked.period),
                charts=_charts(found, period_label(asked.period)), num=number, whole_district=units is None,
                **choices)


def _records(reads: Reads, actor: Actor, day: date, request: Request, unit_id: UUID, units: frozenset[UUID] | None,
             base: str, link: Callable[[str, str], str | None]) -> Template:
    unit = next((u.name for u in reads.directory.units(actor.district) if u.id == unit_id), None)
    if unit is None:
        raise NotFound("unit.not_found", "没有这个单位。")
    if not in_sight(units, unit_id):
        raise NotAllowed("behaviour.not_yours", "该单位不在您的查看范围内。")
    query = {k: request.query_params.get(k) or "" for k in ("period", "rise", "days", "measure")}
    asked = Asked.read(query, day)
    measure = query["measure"] or "sign_for"
    if measure not in MEASURES:
        raise InvalidInput("behaviour.bad_measure", "未知的统计项目，请从分析页面进入。", field="measure")
    rows = reads.behaviour.records(actor.district, asked.period, unit_id.hex, measure,
                                                      rise=asked.rise, days=asked.days)
    return page(RECORDS, actor, day, rows=rows, measure=measure, measure_label=MEASURES[measure], unit=unit,
                asked=asked, words=period_label(asked.period), link=link, state_label=state_label, base=base,
                measures=[(m, label, f"{base}/{unit_id.hex}?{asked.query(measure=m)}") for m, label in MEASURES.items()])


class OfficeBehaviourController(Controller):
    path = "/office/behaviour"
    guards = [OFFICE_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def overview(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads]) -> Template:
        return _overview(reads, actor, today(reads.app), request, None, self.path)

    @get("/{unit_id:uuid}", sync_to_thread=True, cache=True)
    def records(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads], unit_id: FromPath[UUID]) -> Template:
        return _records(reads, actor, today(reads.app), request, unit_id, None, self.path, entry_link)


class LeaderBehaviourController(Controller):
    path = "/leader/behaviour"
    guards = [LEADER_AREA]

    @get("/", sync_to_thread=True, cache=True)
    def overview(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        day = today(duban)
        return _overview(reads, actor, day, request, duban.visible_units(actor, day), self.path)

    @get("/{unit_id:uuid}", sync_to_thread=True, cache=True)
    def records(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                unit_id: FromPath[UUID]) -> Template:
        day = today(duban)
        return _records(reads, actor, day, request, unit_id, duban.visible_units(actor, day), self.path, leader_link)
