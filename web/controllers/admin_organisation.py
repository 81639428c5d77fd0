"""The district administrator's pages (管理员): the start page (管理首页), the units (单位管理: list,
add, rename from a date, retire), the leaders and their portfolios (领导分工: list, add, place units
under a leader from a date, AB角 cover from a date, end a post), each record's history in people's
words, and the roster import (花名册导入: the template, the upload).

Lists come from the read models (``projections.directory``: units, posts, who is in charge on a
day); the AB角 pairs from the district's division of work (``Duban.roster``: one small record per
district, cached); a record's history from its own events and the roster's (a few dozen per
district).  Only the district's administrator opens these pages; another district's unit or post
answers exactly like one that does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from documents.item_import import FILE_TOO_LARGE, MAX_FILE_BYTES, MAX_ROWS, listed
from documents.roster_import import read_roster, roster_template
from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.leadership import LeaderTitle
from domain.organisation import UnitKind
from duban.commands.base import Command
from duban.commands.organisation import (EndLeaderPost, PlaceUnits, RegisterLeader, RegisterUnit, RenameUnit, RetireUnit,
                                        SetCover)
from web.commands import form_command
from duban.application import Duban
from duban.application.roster import RosterRefused, RosterResult
from projections.directory import LeaderEntry, UnitEntry
from web.auth import ORGANISATION_AREA, actor_in
from web.context import Reads, done, page, today
from web.downloads import xlsx_download
from web.forms import NO_FORM, Form, FormBody, FormState
from web.uploads import WorkbookRefused, too_large_page, uploaded_workbook

ADMIN_HOME, UNITS, LEADERS, ROSTER = "/admin", "/admin/units", "/admin/leaders", "/admin/roster"
UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file, the form's other fields and the multipart framing


def organisation_actor(request: Request) -> Actor:
    """The district's administrator (403 for everyone else, before any lookup)."""
    return actor_in(request, Role.ADMIN, doing="管理本区单位和领导分工")


def post_words(leader: LeaderEntry | None) -> str:
    """A post in people's words: 副区长张三, or its label when it names nobody."""
    if leader is None:
        return ""
    return f"{leader.title.label}{leader.holder}" if leader.holder else leader.portfolio_label


def _options(kind) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in kind]


@dataclass(frozen=True)
class UnitLine:
    """One unit as the list shows it."""

    unit: UnitEntry
    leader: str  # the leader in charge today, in people's words ("" when none)


@dataclass(frozen=True)
class LeaderLine:
    """One post as the list shows it."""

    leader: LeaderEntry
    words: str
    units: tuple[str, ...]  # in charge today
    covered_by: str  # the B role today (AB角)
    covers: tuple[str, ...]  # the posts this one is the B role of


class AdminHomeController(Controller):
    path = ADMIN_HOME

    @get("/", sync_to_thread=True)
    def home(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """管理首页: the administrator's start page."""
        actor = actor_in(request, Role.ADMIN, doing="打开管理首页")
        units = reads.directory.units(actor.district)
        leaders = reads.directory.leaders(actor.district)
        accounts = reads.accounts.of_district(actor.district)
        return page("admin/home.html", actor, today(duban), district=duban.district(actor.district).name,
                    units=sum(1 for u in units if u.active), leaders=sum(1 for l in leaders if l.active),
                    accounts=sum(1 for a in accounts if a.active))


class AdminUnitsController(Controller):
    path = UNITS
    guards = [ORGANISATION_AREA]

    @get("/", sync_to_thread=True)
    def units(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """单位管理: every unit with its kind, short name, status and leader in charge today."""
        return self._list(duban, reads, actor, NO_FORM)

    @post("/", sync_to_thread=True)
    def add(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
            data: FormBody) -> Template | Redirect:
        """登记单位 (its code is given by the system)."""
        form = Form(data, action="add")
        try:
            unit = duban.execute(form_command(RegisterUnit, data, code=None), actor)
        except DomainError as error:
            return self._list(duban, reads, actor, form.refused(error), status_code=Form.status(error))
        return done(f"{UNITS}/{unit.id.hex}", f"已登记单位“{unit.name}”。")

    @get("/{unit_id:uuid}", sync_to_thread=True)
    def unit(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             unit_id: FromPath[UUID]) -> Template:
        return self._unit_page(duban, reads, actor, unit_id, NO_FORM)

    def _change(self, duban: Duban, reads: Reads, actor: Actor, unit_id: UUID, data: dict, action: str,
                cls: type[Command], told: Callable[[Any], str]) -> Template | Redirect:
        """One change to a unit from its form (another district's unit: 404, as for none); a refusal
        shows the unit's page again with every problem beside its field."""
        duban.unit(unit_id, actor)
        form = Form(data, action=action)
        try:
            unit = duban.execute(form_command(cls, data), actor, unit_id)
        except DomainError as error:
            return self._unit_page(duban, reads, actor, unit_id, form.refused(error), status_code=Form.status(error))
        return done(f"{UNITS}/{unit_id.hex}", told(unit))

    @post("/{unit_id:uuid}/rename", sync_to_thread=True)
    def rename(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               unit_id: FromPath[UUID], data: FormBody) -> Template | Redirect:
        """单位更名 from a date (the day the new name takes effect)."""
        return self._change(duban, reads, actor, unit_id, data, "rename", RenameUnit,
                            lambda unit: f"单位已更名为“{unit.name}”。")

    @post("/{unit_id:uuid}/retire", sync_to_thread=True)
    def retire(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               unit_id: FromPath[UUID], data: FormBody) -> Template | Redirect:
        """撤销单位 (kept, never deleted: its records keep naming it)."""
        return self._change(duban, reads, actor, unit_id, data, "retire", RetireUnit,
                            lambda unit: f"已撤销单位“{unit.name}”。")

    @staticmethod
    def _list(duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        day = today(duban)
        in_charge = reads.directory.in_charge(actor.district, day)
        posts = {l.id: l for l in reads.directory.leaders(actor.district)}
        lines = [UnitLine(u, post_words(posts.get(in_charge.get(u.id)))) for u in reads.directory.units(actor.district)]
        lines.sort(key=lambda line: (not line.unit.active, list(UnitKind).index(line.unit.kind)))
        return page("admin/units.html", actor, day, status_code=status_code, form=state, lines=lines,
                    kinds=_options(UnitKind))

    @staticmethod
    def _unit_page(duban: Duban, reads: Reads, actor: Actor, unit_id: UUID, state: FormState, *,
                   status_code: int = 200) -> Template:
        unit = duban.unit(unit_id, actor)  # 404 for another district's
        day = today(duban)
        leader = reads.directory.leader(actor.district, reads.directory.in_charge(actor.district, day).get(unit_id))
        return page("admin/unit.html", actor, day, status_code=status_code, form=state, unit=unit,
                    leader=post_words(leader), history=duban.unit_history(unit_id, actor))


class AdminLeadersController(Controller):
    path = LEADERS
    guards = [ORGANISATION_AREA]

    @get("/", sync_to_thread=True)
    def leaders(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """领导分工: every post with its holder, the units in its charge and its AB角 today."""
        return self._list(duban, reads, actor, NO_FORM)

    @post("/", sync_to_thread=True)
    def add(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
            data: FormBody) -> Template | Redirect:
        """登记领导岗位 and its holder."""
        form = Form(data, action="add")
        try:
            leader = duban.execute(form_command(RegisterLeader, data, code=None, portfolio_label=None), actor)
        except DomainError as error:
            return self._list(duban, reads, actor, form.refused(error), status_code=Form.status(error))
        return done(f"{LEADERS}/{leader.id.hex}", f"已登记{leader.title.label}{leader.holder}。")

    @get("/{leader_id:uuid}", sync_to_thread=True)
    def leader(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
               leader_id: FromPath[UUID]) -> Template:
        return self._leader_page(duban, reads, actor, leader_id, NO_FORM)

    def _change(self, duban: Duban, reads: Reads, actor: Actor, leader_id: UUID, data: dict, action: str,
                cls: type[Command], told: Callable[[Any], str]) -> Template | Redirect:
        """One change to a leader's post from its form (another district's post: 404); a refusal
        shows the post's page again with every problem beside its field."""
        duban.leader_post(leader_id, actor)
        form = Form(data, action=action)
        try:
            command = form_command(cls, data)
            duban.execute(command, actor, leader_id)
        except DomainError as error:
            return self._leader_page(duban, reads, actor, leader_id, form.refused(error),
                                     status_code=Form.status(error))
        return done(f"{LEADERS}/{leader_id.hex}", told(command))

    @post("/{leader_id:uuid}/portfolio", sync_to_thread=True)
    def portfolio(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                  leader_id: FromPath[UUID], data: FormBody) -> Template | Redirect:
        """调整分管单位: the units chosen are in this leader's charge from the effective date (each
        unit's previous leader stops being in charge of it that day)."""
        return self._change(duban, reads, actor, leader_id, data, "portfolio", PlaceUnits,
                            lambda placed: f"已调整分管单位，自{placed.effective.isoformat()}起生效。")

    @post("/{leader_id:uuid}/cover", sync_to_thread=True)
    def cover(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
              leader_id: FromPath[UUID], data: FormBody) -> Template | Redirect:
        """设定AB角: who acts for this leader when away, from a date."""
        return self._change(duban, reads, actor, leader_id, data, "cover", SetCover,
                            lambda cover: f"已设定AB角，自{cover.effective.isoformat()}起生效。")

    @post("/{leader_id:uuid}/end", sync_to_thread=True)
    def end(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
            leader_id: FromPath[UUID], data: FormBody) -> Template | Redirect:
        """撤销领导岗位 (离任) from a date."""
        return self._change(duban, reads, actor, leader_id, data, "end", EndLeaderPost,
                            lambda ended: "该领导岗位已撤销。")

    @staticmethod
    def _lines(duban: Duban, reads: Reads, actor: Actor, day: date) -> list[LeaderLine]:
        leaders = reads.directory.leaders(actor.district)
        words = {l.id: post_words(l) for l in leaders}
        names = reads.directory.unit_names(actor.district)
        in_charge = reads.directory.in_charge(actor.district, day)
        roster = duban.roster(actor.district)
        lines = []
        for leader in leaders:
            cover = roster.cover_for(leader.id, day)
            covers = tuple(words[l.id] for l in leaders if l.id != leader.id and roster.cover_for(l.id, day) == leader.id)
            units = tuple(names[u] for u, l in in_charge.items() if l == leader.id and u in names)
            lines.append(LeaderLine(leader, words[leader.id], units, words.get(cover, "") if cover else "", covers))
        lines.sort(key=lambda line: (not line.leader.active, list(LeaderTitle).index(line.leader.title)))
        return lines

    def _list(self, duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        day = today(duban)
        return page("admin/leaders.html", actor, day, status_code=status_code, form=state,
                    lines=self._lines(duban, reads, actor, day), titles=_options(LeaderTitle))

    def _leader_page(self, duban: Duban, reads: Reads, actor: Actor, leader_id: UUID, state: FormState, *,
                     status_code: int = 200) -> Template:
        leader = duban.leader_post(leader_id, actor)  # 404 for another district's
        day = today(duban)
        line = next((l for l in self._lines(duban, reads, actor, day) if l.leader.id == leader_id), None)
        units = [(u.id.hex, u.name) for u in reads.directory.units(actor.district) if u.active]
        others = [(l.id.hex, post_words(l)) for l in reads.directory.leaders(actor.district)
                  if l.active and l.id != leader_id]
        return page("admin/leader.html", actor, day, status_code=status_code, form=state, leader=leader,
                    line=line, words=f"{leader.title.label}{leader.holder}" if leader.holder else leader.portfolio_label,
                    unit_options=units, leader_options=others, history=duban.leader_history(leader_id, actor))


def _roster_page(actor: Actor, day: date, *, error: str | None = None, problems: list[str] | None = None,
                 unlisted: int = 0, status_code: int = 200, result: RosterResult | None = None) -> Template:
    return page("admin/roster.html", actor, day, status_code=status_code, error=error, problems=problems or [],
                unlisted=unlisted, result=result, max_megabytes=MAX_FILE_BYTES // (1024 * 1024), max_rows=MAX_ROWS)


def _roster_too_large(request: Request, error: HTTPException) -> Response:
    """A roster over the limit: the roster page says why (:func:`web.uploads.too_large_page`)."""
    return too_large_page(request, error, organisation_actor,
                          lambda actor, day: _roster_page(actor, day, error=FILE_TOO_LARGE, status_code=413))


def _import_roster(duban: Duban, actor: Actor, content: bytes, effective: date | None) -> RosterResult:
    present = [u.name for u in duban.units(actor.district) if u.active]
    return duban.import_roster(read_roster(content, present), actor, effective=effective)


class AdminRosterController(Controller):
    path = ROSTER
    guards = [ORGANISATION_AREA]

    @get("/", sync_to_thread=True)
    def roster(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban]) -> Template:
        """花名册导入: the template to download and the form to upload it filled in."""
        return _roster_page(actor, today(duban))

    @get("/template.xlsx", sync_to_thread=True)
    def template(self, actor: NamedDependency[Actor], request: Request) -> Response:
        actor
        return xlsx_download(roster_template(), "花名册导入模板.xlsx")

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: _roster_too_large})
    async def upload(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban]) -> Template | Redirect:
        """Upload a filled-in roster (multipart, field ``file``; ``effective`` the portfolios' date):
        all of it or nothing, every problem listed with its sheet, row and column."""
        day = today(duban)
        form = await request.form()
        try:
            content = await uploaded_workbook(form, "花名册文件")
        except WorkbookRefused as refused:
            return _roster_page(actor, day, error=refused.message, status_code=refused.status)
        try:
            effective = Form({"effective": form.get("effective") or ""}).day("effective", "分管生效日期", required=False)
            result = await to_thread.run_sync(_import_roster, duban, actor, content, effective)
        except RosterRefused as refused:
            shown, unlisted = listed(refused.problems)
            return _roster_page(actor, day, error=refused.message, problems=shown, unlisted=unlisted, status_code=422)
        except DomainError as error:
            return _roster_page(actor, day, error=error.message, status_code=Form.status(error))
        return done(ROSTER, f"花名册已导入：{result.message}。")


__all__ = ["AdminHomeController", "AdminLeadersController", "AdminRosterController", "AdminUnitsController",
           "post_words"]
