"""The JSON API (/api): the queries the pages use — who am I, the units, the ledger, warnings, a
unit's inbox, rankings, a leader's view, the escalation queue and the discipline body's dossiers.

Commands and single records live in :mod:`web.controllers.api_items`,
:mod:`web.controllers.api_oversight` and :mod:`web.controllers.api_inspections`; shapes in
``api_answers`` and the command classes of ``duban.commands``.  Every answer holds only what the actor may read
(``duban.readable_*``, ``visible_rows``).
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery
from msgspec import Struct

from domain.actor import Role
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.item import ItemStatus
from domain.rectification import RectificationStatus
from domain.sources import SourceKind
from domain.users import UserAccount
from domain.actor import Actor
from duban.application import Duban
from projections.ledger import LedgerRow
from projections.ranking import ScoreLine, UnitScore
from projections.warnings import warning_for
from web.auth import actor_in
from web.context import Reads, today, visible_filters, visible_rows
from web.records import case_file
from web.forms import asked_day
from web.controllers.api_answers import (ApiError, Choice, DefaultDeadlineOut, DossierOut, Me, ReferredCase, UnitOut, choice,
                                         timeline_out, file_out)

API_DESCRIPTION = """\
督办 duban — the supervision office's ledger as JSON.

**Login.** The API shares the pages' session: log in through `POST /login` (form fields `username`,
`password`, `_csrf_token`); the `duban_session` cookie (HttpOnly, SameSite=Lax) then authenticates every
call.  Without it every /api call answers 401.  Five wrong passwords for an account within 15 minutes (or
twenty from one address) make `POST /login` answer 429, with `Retry-After`, until the lock ends.

**CSRF.** Every POST needs header `x-csrftoken` carrying the value of the `csrftoken` cookie (set by any
GET, e.g. `GET /login`); without it the answer is 403 `csrf.failed`.

**Errors.** Every refusal has one shape: `{"error": {"field": ..., "rule": ..., "message": ...}}` —
`rule` a stable English identifier, `message` plain Chinese, `field` the request field to blame (or
null).  400 malformed request (not JSON, missing field, wrong type, unknown field); 401 not logged in;
403 not allowed (a role, or a command's rule); 404 unknown — a record of another district, or one the
user may not read, answers exactly like a missing one; 409 changed by someone else first (send
`expected_version` — the `version` last read — with a command on an item, notice, rectification task
or inspection); 422 bad input or a broken business rule; 500 an unexpected failure (`server.error`,
logged; `request_id` names the request for the administrator).  A refused command records nothing.
Every answer carries the request's id in the `X-Request-ID` header (the one sent, if it is a plain
token of 8–64 letters, digits and `._:-`).

**Reading.** Each answer holds what the actor may read: the office everything of its district, a unit
its own work, a leader the units of their portfolio that day (AB-role cover included; the district
head all), the discipline body only the cases referred to it.  An inspection is read by the units it
targets (an unannounced one only once conducted), the department that organises it and the leaders of
those units.

**Files (证明材料).** Upload first, then cite: `POST /api/files` (multipart/form-data, field `files`, one
or more) judges each file by its content — photos (JPEG, PNG, HEIC/HEIF, WebP), PDF, Word (.docx, .doc),
Excel (.xlsx, .xls) and WPS (.wps, .et, .dps); anything else is refused (422
`evidence.type_not_accepted`, naming the file) — and by size (per file and per upload, 422
`evidence.file_too_large` / `evidence.step_too_large`), stores them by SHA-256 and answers
`{"files": [{"name", "size", "content_type", "sha256"}]}`.  A command then cites them:
`"attachments": [{"name": "现场照片.jpg", "sha256": "…"}]` (a rectification's `evidence` alike); a file not
uploaded is refused (422 `attachment.not_stored`).  Histories list each step's `files` with an `href`:
`GET /api/files/{record_id}/{sha256}` serves a file to those who may read its record, with its content
type and original name; any other caller gets the 404 of a missing file.
"""

ERRORS = {
    400: ResponseSpec(ApiError, description="请求格式有误（不是JSON、缺少字段、类型不对、未知字段）"),
    401: ResponseSpec(ApiError, description="未登录"),
    403: ResponseSpec(ApiError, description="无权操作（角色、办理规则、CSRF）"),
    404: ResponseSpec(ApiError, description="不存在（他区的记录、无权查看的记录同样答复为不存在）"),
    409: ResponseSpec(ApiError, description="已被他人修改，未保存"),
    422: ResponseSpec(ApiError, description="输入有误或违反业务规则"),
}
"""The error answers every /api route documents."""

Kind = Literal["item", "subtask", "rectification", "notice"]
Sort = Literal["number", "deadline", "overdue", "unit", "closed", "closed_desc", "colour"]  # closed: by 销号日期; colour: red first


class LedgerPage(Struct):
    rows: list[LedgerRow]
    total: int
    page: int
    page_size: int


class WarnedRowOut(Struct):
    row: LedgerRow
    colour: Choice  # red | yellow | blue | none
    rule: str | None
    reason: str


class InboxOut(Struct):
    """A unit's to-do list (待办)."""

    to_sign_for: list[LedgerRow]
    reports_due: list[LedgerRow]
    reports_due_on: date | None  # the last working day of the month, when reports are due soon
    reports_missed: list[LedgerRow]
    notices_to_answer: list[LedgerRow]
    deadlines_near: list[LedgerRow]


class ScoreOut(Struct):
    unit_id: str
    unit_name: str
    score: float
    rank: int
    interview_candidate: bool


class RankingOut(Struct):
    period: str
    scheme: str
    as_of: date | None
    scores: list[ScoreOut]


class ScoreExplained(Struct):
    """One unit's score, line by line; each line names the events (notification ids) behind it."""

    period: str
    scheme: str
    unit_id: str
    unit_name: str
    score: float
    rank: int
    interview_candidate: bool
    lines: list[ScoreLine]


class RecommendationOut(Struct):
    entry_id: str
    number: str
    title: str
    unit: str
    step: Choice
    rule: str
    evidence: str
    day: date


class LeaderViewOut(Struct):
    leader_id: str
    label: str
    day: date
    units: list[str]
    open_items: list[LedgerRow]
    overdue_items: list[LedgerRow]
    rankings: list[ScoreOut]


def score_out(s: UnitScore) -> ScoreOut:
    return ScoreOut(s.unit_id, s.unit_name, s.score, s.rank, s.interview_candidate)


def period_or_this_month(day: date, period: str | None) -> str:
    return period or f"{day.year:04d}-{day.month:02d}"


def scheme_in_force(reads, district: str, period: str, scheme: str | None):
    """The scheme named (the office's or a shipped one), else the one in force for ``period``."""
    return reads.scheme_versions.scheme(district, scheme, period)


class ApiController(Controller):
    path = "/api"
    tags = ["queries 查询"]

    @get("/me", sync_to_thread=False, responses=ERRORS, summary="当前用户")
    def me(self, actor: NamedDependency[Actor], request: Request) -> Me:
        account = request.user
        name = account.display_name if isinstance(account, UserAccount) else ""
        return Me(actor.user, name or actor.user, actor.role.value, actor.role.label, actor.district, actor.unit,
                  actor.leader)

    @get("/units", sync_to_thread=True, cache=True, responses=ERRORS, summary="本区单位")
    def units(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> list[UnitOut]:
        """The district's units, with the leader in charge of each today."""
        day = today(duban)
        in_charge = reads.directory.in_charge(actor.district, day)
        return [UnitOut(u.id, u.code, u.name, choice(u.kind), u.active, in_charge.get(u.id))
                for u in reads.directory.units(actor.district)]

    @get("/ledger", sync_to_thread=True, cache=True, responses=ERRORS, summary="台账")
    def ledger(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], unit: FromQuery[UUID | None] = None,
               leader: FromQuery[UUID | None] = None, status: FromQuery[list[str] | None] = None,
               source: FromQuery[list[str] | None] = None, opened_from: FromQuery[date | None] = None,
               opened_to: FromQuery[date | None] = None, overdue_only: FromQuery[bool] = False,
               open_only: FromQuery[bool] = False, closed_only: FromQuery[bool] = False,
               as_of: FromQuery[date | None] = None, kinds: FromQuery[list[Kind] | None] = None,
               sort: FromQuery[Sort] = "number", page: FromQuery[int] = 1,
               page_size: FromQuery[int] = 100) -> LedgerPage:
        """The ledger rows the actor may see (a unit its own, a leader their portfolio, the discipline
        body referred cases), filtered as ``LedgerQueries.rows``, ``page_size`` rows a page (at most 500)."""
        if open_only and closed_only:
            raise InvalidInput("ledger.open_and_closed", "“仅未办结”与“仅已办结”不能同时选择。", field="closed_only")
        if page < 1 or not 1 <= page_size <= 500:
            raise InvalidInput("ledger.bad_page", "页码应从1开始，每页1至500条。", field="page" if page < 1 else "page_size")
        day = today(reads.app)
        filters = dict(unit=unit, leader=leader, status=status, source=source,
                       opened_from=asked_day(opened_from, day, "opened_from", "登记日期起"),
                       opened_to=asked_day(opened_to, day, "opened_to", "登记日期止"), overdue_only=overdue_only,
                       open_only=open_only, closed_only=closed_only, as_of=asked_day(as_of, day, "as_of"),
                       kinds=tuple(kinds or ("item", "rectification")))
        total = reads.ledger.count(actor.district, day, **visible_filters(reads, actor, day, filters))
        rows = visible_rows(reads, actor, day, sort=sort, limit=page_size, offset=(page - 1) * page_size, **filters)
        return LedgerPage(rows, total, page, page_size)

    @get("/warnings", sync_to_thread=True, cache=True, responses=ERRORS, summary="三色预警")
    def warnings(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads], as_of: FromQuery[date | None] = None,
                 colour: FromQuery[Literal["red", "yellow", "blue", "none"] | None] = None,
                 kinds: FromQuery[list[Kind] | None] = None) -> list[WarnedRowOut]:
        """The open entries the actor may see, each with its colour and the rule that set it."""
        day = today(reads.app)
        rows = visible_rows(reads, actor, day, open_only=True, as_of=asked_day(as_of, day, "as_of"), colour=colour,
                            kinds=tuple(kinds or ("item", "subtask", "rectification", "notice")))
        found = [(r, warning_for(r)) for r in rows]
        return [WarnedRowOut(r, Choice(w.colour.value, w.colour.label), w.rule, w.reason) for r, w in found]

    @get("/inbox", sync_to_thread=True, cache=True, responses=ERRORS, summary="单位待办")
    def inbox(self, request: Request, reads: NamedDependency[Reads]) -> InboxOut:
        actor = actor_in(request, Role.UNIT, doing="查看单位待办")
        assert actor.unit is not None
        found = reads.inbox.inbox(actor.district, actor.unit.hex, today(reads.app))
        return InboxOut(found.to_sign_for, [r for r, _ in found.reports_due],
                        found.reports_due[0][1] if found.reports_due else None, found.reports_missed,
                        found.notices_to_answer, found.deadlines_near)

    # -- rankings --------------------------------------------------------------------------------------
    def _scores(self, request: Request, reads: Reads, period: str | None, scheme: str | None,
                as_of: date | None) -> tuple[list[UnitScore], str, str]:
        """The district ranking restricted to the units the actor may see (district ranks kept):
        the office all, a leader their portfolio (the head all), a unit its own line."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, Role.LEADER, Role.UNIT, doing="查看综合排名")
        day = today(reads.app)
        period = period_or_this_month(day, period)
        rules = scheme_in_force(reads, actor.district, period, scheme)
        as_of = asked_day(as_of, day, "as_of")
        scores = reads.rankings.ranking(actor.district, period, rules, as_of=as_of)
        scheme = rules.version
        units = reads.app.visible_units(actor, as_of or day)
        if units is not None:
            keys = {u.hex for u in units}
            scores = [s for s in scores if s.unit_id in keys]
        return scores, period, scheme

    @get("/ranking", sync_to_thread=True, cache=True, responses=ERRORS, summary="综合排名")
    def ranking(self, request: Request, reads: NamedDependency[Reads], period: FromQuery[str | None] = None,
                scheme: FromQuery[str | None] = None, as_of: FromQuery[date | None] = None) -> RankingOut:
        """Units ranked by score for ``period`` (2026-03, 2026-Q1 or 2026; default this month) under
        scoring ``scheme`` (default the latest)."""
        scores, period, scheme = self._scores(request, reads, period, scheme, as_of)
        return RankingOut(period, scheme, as_of, [score_out(s) for s in scores])

    @get("/ranking/{unit_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="单位得分明细")
    def ranking_explained(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads], unit_id: FromPath[UUID],
                          period: FromQuery[str | None] = None, scheme: FromQuery[str | None] = None,
                          as_of: FromQuery[date | None] = None) -> ScoreExplained:
        reads.app.unit(unit_id, actor)  # another district's unit: 404
        scores, period, scheme = self._scores(request, reads, period, scheme, as_of)
        if not any(s.unit_id == unit_id.hex for s in scores):
            raise NotAllowed("ranking.not_yours", "该单位不在您的查看范围内。")
        found = reads.rankings.explanation(actor.district, unit_id.hex, period,
                                           scheme_in_force(reads, actor.district, period, scheme),
                                           as_of=asked_day(as_of, today(reads.app), "as_of"))
        return ScoreExplained(period, scheme, found.unit_id, found.unit_name, found.score, found.rank,
                              found.interview_candidate, found.lines)

    @get("/leader-view", sync_to_thread=True, cache=True, responses=ERRORS, summary="领导视图")
    def leader_view(self, request: Request, reads: NamedDependency[Reads], day: FromQuery[date | None] = None,
                    period: FromQuery[str | None] = None, scheme: FromQuery[str | None] = None) -> LeaderViewOut:
        """The units in the leader's portfolio on ``day`` (default today), their open and overdue
        items and their ranking positions."""
        actor = actor_in(request, Role.LEADER, doing="查看领导视图")
        on = asked_day(day, today(reads.app), "day") or today(reads.app)
        if actor.leader is None:
            raise NotFound("leader.not_found", "该用户未关联领导岗位。")
        try:
            view = reads.leader_views.view(actor.district, actor.leader.hex, on,
                                           period=period_or_this_month(on, period),
                                           scheme=scheme_in_force(reads, actor.district,
                                                                  period_or_this_month(on, period), scheme))
        except LookupError:
            raise NotFound("leader.not_found", "没有这个领导岗位。") from None
        return LeaderViewOut(view.leader_id, view.label, view.day, view.units, view.open_items, view.overdue_items,
                             [score_out(s) for s in view.rankings])

    @get("/default-deadline", sync_to_thread=True, cache=True, responses=ERRORS, summary="按规则计算办理时限")
    def default_deadline(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                         source: FromQuery[str] = SourceKind.EXECUTIVE_MEETING.value,
                         decision_date: FromQuery[date | None] = None, deadline: FromQuery[date | None] = None,
                         working_days: FromQuery[int | None] = None) -> DefaultDeadlineOut:
        """The deadline an item would get if registered now (decided today unless ``decision_date``
        says otherwise): the registration page's 计算默认时限.  Records nothing."""
        actor_in(request, Role.OFFICE, Role.ADMIN, doing="计算办理时限")
        kind = SourceKind.parse(source, rule="item.bad_source", what="事项来源", field="source")
        due = duban.default_deadline(kind, decision_date or today(duban), deadline, working_days)
        return DefaultDeadlineOut(due.day, due.basis, due.basis_label, due.estimated)

    @get("/escalation-queue", sync_to_thread=True, cache=True, responses=ERRORS, summary="督办升级建议")
    def escalation_queue(self, request: Request, reads: NamedDependency[Reads], rules: FromQuery[str | None] = None,
                         as_of: FromQuery[date | None] = None) -> list[RecommendationOut]:
        """What each open case needs next under escalation ``rules`` (default the rule set in force that day)."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看督办升级建议")
        day = today(reads.app)
        as_of = asked_day(as_of, day, "as_of")
        in_force = rules or reads.scheme_versions.rules_for(actor.district, as_of or day)[0]  # default: in force then
        queue = reads.escalation.queue(actor.district, day, in_force, as_of=as_of)
        return [RecommendationOut(r.entry_id, r.number, r.title, r.unit, choice(r.step), r.rule, r.evidence, r.day)
                for r in queue]

    # -- the discipline body's cases -----------------------------------------------------------------
    @get("/dossiers", sync_to_thread=True, cache=True, responses=ERRORS, summary="移交案件")
    def dossiers(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> list[ReferredCase]:
        """The cases referred to the discipline body (approved referrals), newest first."""
        actor = actor_in(request, Role.DISCIPLINE, Role.OFFICE, Role.ADMIN, doing="查看移交案件")
        day = today(reads.app)
        return [ReferredCase(UUID(r.entry_id), kind, r.number, r.title,
                             choice(ItemStatus(r.status) if kind == "item" else RectificationStatus(r.status)))
                for kind in ("item", "rectification")
                for r in reads.ledger.rows(actor.district, day, kinds=(kind,), referred_only=True, sort="newest")]

    @get("/dossiers/{item_id:uuid}", sync_to_thread=True, cache=True, responses=ERRORS, summary="移交材料")
    def dossier(self, request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads], item_id: FromPath[UUID]) -> DossierOut:
        """A referred item's full, unalterable history with its notices (移交材料)."""
        actor = actor_in(request, Role.DISCIPLINE, Role.OFFICE, Role.ADMIN, doing="查看移交材料")
        item, notices = case_file(duban, reads, item_id, actor)
        if item.referral != "approved":
            raise NotFound("dossier.not_found", f"督办事项{item.number_label}尚未移交纪检监察，没有移交材料。")
        found = duban.referral_dossier(item, notices)
        numbers = {item.id: item.number_label, **{n.id: n.number_label for n in notices}}
        return DossierOut(item.id, found.number, found.title, found.source, found.reference, found.deadline,
                          found.status, list(found.notices), sorted(found.actors),
                          timeline_out(found.entries, numbers), found.code.short, found.code.digest,
                          found.code.events, found.code.last_recorded_at,
                          [file_out(f, e.record_id) for e, f in found.files])
