"""督查室 pages for supervised items: the dashboard (工作台), the ledger (督办台账), registering an
item (登记), and an item's page — its facts, its history in plain Chinese (办理过程) and the
actions the rules allow at that moment (``domain.item_actions``), each as a small form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from anyio import to_thread

from documents.item_import import FILE_TOO_LARGE, MAX_FILE_BYTES, MAX_ROWS, import_template, listed, read_items
from documents.ledger_xlsx import LedgerSheet, ledger_workbook
from domain.actor import Actor, Role
from domain.errors import ConcurrentChange, DomainError, InputProblems, InvalidInput, NotFound
from domain.escalation import rule_words
from domain.item import ItemStatus, Satisfaction, SupervisedItem
from domain.deadlines import deadline_basis_label
from domain.item_actions import ItemAction, office_actions
from domain.sources import SourceKind
import msgspec

from duban.application import Duban
from duban.commands.items import (AssignItem, Commend, Criticise, DecideCannotImplement, DecideExtension, Interview,
                                  ItemCommand, ProposeReferral, RecordSatisfaction, RegisterItem, SendBack,
                                  SignOffItem, SplitItem, Urge)
from duban.commands.notices import IssueNotice
from web.commands import form_command, form_files
from duban.application.imports import ImportRefused, ImportResult
from projections.ledger import SORTS, LedgerRow
from projections.colours import Colour
from projections.warnings import ColourWarning, warning_for
from web.auth import OFFICE_AREA, office_actor, office_acts
from web.context import Reads, done, page, today, visible_page, visible_rows
from web.records import case_file
from web.downloads import xlsx_download
from web.forms import NO_FORM, Form, FormBody, FormState, asked_day, seen_version
from web.uploads import UPLOAD_ROUTE, WorkbookRefused, too_large_page, uploaded_workbook
from projections.timeline import latest_files

LEDGER_KINDS = ("item", "subtask")
SORT_LABELS = {"number": "按编号", "deadline": "按办理时限（早者在前）", "overdue": "按逾期工作日（多者在前）",
               "unit": "按牵头单位", "colour": "按预警颜色（红、黄、蓝在前）",
               "closed_desc": "按销号日期（近者在前）", "closed": "按销号日期（早者在前）"}
COLOUR_OPTIONS = [(c.value, c.label) for c in (Colour.RED, Colour.YELLOW, Colour.BLUE, Colour.NONE)]
SCOPE_OPTIONS = [("1", "已销号台账"), ("all", "全部（在办和已销号）")]  # blank: the open ledger (在办台账)
REFERRAL_LABELS = {None: "未提出移交", "proposed": "已提出移交纪检监察，待领导审批", "approved": "领导已批准移交纪检监察",
                   "declined": "领导不同意移交"}
UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file, the form's other fields and the multipart framing


def entry_link(kind: str, entry_id: str) -> str:
    """The page of a ledger entry (a sub-task opens its item)."""
    if kind in ("item", "subtask"):
        return f"/office/items/{entry_id.split(':')[0]}"
    if kind == "rectification":
        return f"/office/rectifications/{entry_id}"
    return f"/office/notices/{entry_id}"


def _as_uuid(value: Any) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


# ------------------------------------------------------------------------------ ledger filters
@dataclass(frozen=True)
class LedgerFilters:
    """The ledger's filters as read from the query string (筛选条件)."""

    unit: UUID | None = None
    status: ItemStatus | None = None
    source: SourceKind | None = None
    overdue_only: bool = False
    closed: bool = False
    as_of: date | None = None
    sort: str = "number"
    colour: Colour | None = None  # 预警颜色
    whole: bool = False  # the open and the closed ledger together (closed=all)

    @classmethod
    def read(cls, query: dict[str, str], unit_ids: set[UUID], day: date) -> "LedgerFilters":
        """Every value checked; a bad one raises InvalidInput naming its field, in Chinese."""
        form = Form(query)
        unit = form.uuid("unit", "承办单位", required=False)
        if unit is not None and unit not in unit_ids:
            raise InvalidInput("ledger.unknown_unit", "没有这个承办单位，请重新选择。", field="unit")
        status = form.choice("status", "状态", ItemStatus) if query.get("status") else None
        source = form.choice("source", "事项来源", SourceKind) if query.get("source") else None
        as_of = asked_day(form.day("as_of", "查询日期", required=False), day, "as_of")
        sort = (query.get("sort") or "number").strip()
        if sort not in SORTS:
            raise InvalidInput("ledger.bad_sort", "未知的排序方式，请重新选择。", field="sort")
        colour = (query.get("colour") or "").strip() or None
        if colour is not None and colour not in {c.value for c in Colour}:
            raise InvalidInput("ledger.bad_colour", "未知的预警颜色，请重新选择。", field="colour")
        colour = Colour(colour) if colour else None
        whole = (query.get("closed") or "").strip() == "all"
        closed = not whole and (form.flag("closed") or (status is not None and status.is_closed))  # 已办结销号: closed
        return cls(unit=unit, status=status, source=source, overdue_only=form.flag("overdue_only"),
                   closed=closed, as_of=as_of, sort=sort, colour=colour, whole=whole)

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters (only those set), for links that keep them."""
        args = {"unit": self.unit.hex if self.unit else "", "status": self.status.value if self.status else "",
                "source": self.source.value if self.source else "", "overdue_only": "1" if self.overdue_only else "",
                "closed": "1" if self.closed else "all" if self.whole else "",
                "as_of": self.as_of.isoformat() if self.as_of else "", "sort": self.sort if self.sort != "number" else "",
                "colour": self.colour.value if self.colour else ""}
        return {k: v for k, v in args.items() if v}

    def ledger_filters(self) -> dict[str, Any]:
        """The filters as ``LedgerQueries.rows`` takes them."""
        return {"unit": self.unit, "status": self.status.value if self.status else None,
                "source": self.source.value if self.source else None, "overdue_only": self.overdue_only,
                "open_only": not self.closed and not self.whole, "closed_only": self.closed, "as_of": self.as_of,
                "sort": self.sort, "colour": self.colour.value if self.colour else None}


@dataclass(frozen=True)
class ShownRow:
    row: LedgerRow
    warning: ColourWarning
    link: str


# ------------------------------------------------------------------------------ the item's actions
# A refusal the domain pins on a list field ("tasks", "subtasks") belongs beside the one row of the
# small form that carries it.
REFIELD = {
    "item.no_subtasks": "subtasks[0].title", "subtask.title_required": "subtasks[0].title",
    "subtask.unit_not_assigned": "subtasks[0].unit", "subtask.deadline_after_item": "subtasks[0].deadline",
    "notice.tasks_required": "tasks[0].task", "notice.task_required": "tasks[0].task",
    "notice.responsible_required": "tasks[0].responsible", "notice.task_deadline": "tasks[0].deadline",
    "notice.unit_not_assigned": "unit",
}


def _placed(error: DomainError) -> DomainError:
    field = REFIELD.get(error.rule)
    if field is None or isinstance(error, (ConcurrentChange, InputProblems)):
        return error
    return type(error)(error.rule, error.message, field=field)


NOTICE_ROWS = 5
"""How many task rows (任务清单) the notice form offers; rows left blank are no tasks."""

# Each of the office's actions on an item: the command its form posts (the class the API takes too),
# and what the office is told when it was recorded.
ACTION_COMMANDS: dict[ItemAction, type[ItemCommand]] = {
    ItemAction.ASSIGN: AssignItem, ItemAction.SPLIT: SplitItem, ItemAction.SIGN_OFF: SignOffItem,
    ItemAction.SEND_BACK: SendBack, ItemAction.CANNOT_IMPLEMENT: DecideCannotImplement,
    ItemAction.EXTENSION: DecideExtension, ItemAction.SATISFACTION: RecordSatisfaction, ItemAction.URGE: Urge,
    ItemAction.CRITICISE: Criticise, ItemAction.INTERVIEW: Interview, ItemAction.REFERRAL: ProposeReferral,
    ItemAction.COMMEND: Commend,
}
DONE: dict[type, Callable[[Any, SupervisedItem], str]] = {
    AssignItem: lambda c, item: f"已交办督办事项{item.number_label}。",
    SplitItem: lambda c, item: "已分解子任务。",
    SignOffItem: lambda c, item: f"督办事项{item.number_label}已办结销号。",
    SendBack: lambda c, item: "已退回重办。",
    DecideCannotImplement: lambda c, item: "已同意终止办理。" if c.accept else "已退回，继续办理。",
    DecideExtension: lambda c, item: "已同意延期。" if c.grant else "已不同意延期。",
    RecordSatisfaction: lambda c, item: f"已登记满意度测评：{c.satisfaction.label}。",
    Urge: lambda c, item: "已催办。",
    Criticise: lambda c, item: "已通报批评。",
    Interview: lambda c, item: "已登记约谈。",
    ProposeReferral: lambda c, item: "已提出移交纪检监察，待领导审批。",
    Commend: lambda c, item: "已通报激励。",
}


def _act(duban: Duban, item: SupervisedItem, action: ItemAction, posted: dict, actor: Actor) -> str:
    """Record the office's ``action`` on ``item`` from its form; what to tell the office."""
    if action is ItemAction.NOTICE:
        notice = duban.execute(form_command(IssueNotice, posted, subject_kind="item", subject_id=item.id.hex), actor)
        return f"已下发督办通知{notice.number_label}，书面回复时限{notice.reply_deadline.isoformat()}。"
    command = form_command(ACTION_COMMANDS[action], posted)
    if isinstance(command, DecideExtension) and not command.grant:
        command = msgspec.structs.replace(command, new_deadline=None)
    duban.execute(command, actor, item.id, files=form_files(posted, "attachments"))
    return DONE[type(command)](command, item)




# ------------------------------------------------------------------------------ the pages
def _upload_too_large(request: Request, error: HTTPException) -> Response:
    """An import over the limit: the import page says why (:func:`web.uploads.too_large_page`)."""
    return too_large_page(request, error, office_actor,
                          lambda actor, day: _import_page(actor, day, error=FILE_TOO_LARGE, status_code=413))


class OfficeController(Controller):
    path = "/office"
    guards = [OFFICE_AREA]

    # -- 工作台 ------------------------------------------------------------------------------------
    @get("/", sync_to_thread=True, cache=True)
    def dashboard(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads]) -> Template:
        day = today(reads.app)
        ledger, district = reads.ledger, actor.district
        by_status = {status: n for (_, status), n in ledger.status_counts(district, day, kinds=("item",)).items()}
        overdue = ledger.rows(district, day, open_only=True, overdue_only=True, sort="overdue", limit=20)
        due_soon = reads.warnings.rows(district, day, kinds=("item", "subtask", "rectification"), colour="blue",
                                       limit=20)
        rules, source = reads.scheme_versions.rules_for(district, day)  # the office's, else the shipped default
        queue = reads.escalation.queue(district, day, rules)
        return page("office/dashboard.html", actor, day,
                    statuses=[(s, by_status.get(s.value, 0)) for s in ItemStatus],
                    rectifications=ledger.counts(district, day, kinds=("rectification",)),
                    # the tiles count what the ledger they link to lists (items and sub-tasks)
                    colours={c.value: n for c, n in reads.warnings.counts(district, day, kinds=LEDGER_KINDS).items()},
                    rectification_colours={c.value: n for c, n in reads.warnings.counts(
                        district, day, kinds=("rectification",)).items()},
                    open=ledger.count(district, day, kinds=("item",), open_only=True),
                    overdue=[(r, entry_link(r.kind, r.entry_id)) for r in overdue],
                    due_soon=[(w, entry_link(w.row.kind, w.row.entry_id)) for w in due_soon],
                    queue=[(r, entry_link(r.kind, r.entry_id), rule_words(r.rule, rules)) for r in queue[:30]],
                    rules=f"{rules.title}；升级规则：{rules.version}（{source}）")

    # -- 督办台账 ----------------------------------------------------------------------------------
    @get("/ledger.xlsx", sync_to_thread=True)
    def ledger_xlsx(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Response:
        """The ledger page's rows, with the same filters and as-of date, as an .xlsx download (台账导出)."""
        day = today(duban)
        query = {k: request.query_params.get(k) or "" for k in request.query_params.keys()}
        filters = LedgerFilters.read(query, {u.id for u in reads.directory.units(actor.district)}, day)
        rows = visible_rows(reads, actor, day, kinds=LEDGER_KINDS, **filters.ledger_filters())
        sheet = LedgerSheet(district=duban.district(actor.district).name,
                            ledger="督办事项已销号台账" if filters.closed else "督办事项台账", as_of=filters.as_of or day)
        return xlsx_download(ledger_workbook(rows, sheet), f"{sheet.ledger}-{sheet.as_of.isoformat()}.xlsx")

    @get("/ledger", sync_to_thread=True, cache=True)
    def ledger(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        day = today(duban)
        units = reads.directory.units(actor.district)
        query = {k: request.query_params.get(k) or "" for k in request.query_params.keys()}
        state = FormState(action="filters", values=dict(query))
        context: dict[str, Any] = {
            "state": state, "unit_options": [(u.id.hex, u.name) for u in units],
            "status_options": [(s.value, s.label) for s in ItemStatus],
            "source_options": [(s.value, s.label) for s in SourceKind],
            "sort_options": list(SORT_LABELS.items()), "colour_options": COLOUR_OPTIONS, "scope_options": SCOPE_OPTIONS,
            "rows": [], "total": 0, "page": 1, "pages": 1,
            "previous_url": None, "next_url": None, "filters": LedgerFilters(),
        }
        try:
            filters = LedgerFilters.read(query, {u.id for u in units}, day)
            wanted = Form(query).integer("page", "页码", required=False, low=1) or 1
        except DomainError as error:
            return page("office/ledger.html", actor, day, status_code=Form.status(error),
                        **{**context, "state": FormState(action="filters", values=dict(query), error=error)})
        found = visible_page(reads, actor, day, wanted, kinds=LEDGER_KINDS, **filters.ledger_filters())
        current, pages = found.number, found.pages
        shown = [ShownRow(r, warning_for(r), entry_link(r.kind, r.entry_id)) for r in found.rows]

        def url(number: int) -> str:
            return "/office/ledger?" + urlencode({**filters.query_args(), "page": number})

        deadline_changes = reads.deadline_changes
        context.update(rows=shown, total=found.total, page=current, pages=pages, filters=filters,
                       # the footnote asking for the year's holiday schedule, while any deadline is estimated,
                       # and the link to the deadlines a loaded schedule moved, once there are any
                       estimated_deadlines=deadline_changes.estimated_count(actor.district),
                       deadline_changes=len(deadline_changes.changes(actor.district, limit=1)),
                       xlsx_url="/office/ledger.xlsx?" + urlencode(filters.query_args()),
                       previous_url=url(current - 1) if current > 1 else None,
                       next_url=url(current + 1) if current < pages else None,
                       closed_url="/office/ledger?" + urlencode({**filters.query_args(), "closed": "1"}),
                       open_url="/office/ledger?" + urlencode(
                           {k: v for k, v in filters.query_args().items() if k != "closed"}))
        return page("office/ledger.html", actor, day, **context)

    # -- 登记督办事项 -------------------------------------------------------------------------------
    @get("/items/new", sync_to_thread=True, cache=True)
    def new_item(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        """The registration form; with ``?preview=1`` (the 计算默认时限 button) it also shows the
        deadline the working-day rules give for what was typed, keeping every value."""
        query = {k: v for k, v in request.query_params.items() if k not in ("preview", "_csrf_token")}
        if "preview" not in request.query_params:
            return self._new_item_page(actor, today(duban), NO_FORM)
        form = Form(query, action="register")
        try:
            due = duban.default_deadline(
                form.choice("source", "事项来源", SourceKind), form.day("decision_date", "决策日期"),
                form.day("deadline", "办理时限", required=False),
                form.integer("working_days", "办理工作日数", required=False, low=1, high=1000))
        except DomainError as error:
            return self._new_item_page(actor, today(duban), form.refused(error), status_code=Form.status(error))
        preview = {"day": due.day, "basis": deadline_basis_label(due.basis), "estimated": due.estimated}
        return self._new_item_page(actor, today(duban), FormState(action="register", values=query), preview=preview)

    @post("/items", sync_to_thread=True)
    def register_item(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads], data: FormBody) -> Template | Redirect:
        actor = office_acts(actor)
        form = Form(data, action="register")
        try:
            item = duban.execute(form_command(RegisterItem, data), actor)
        except DomainError as error:
            return self._new_item_page(actor, today(duban), form.refused(error), status_code=Form.status(error))
        estimated = "（估算）" if item.deadline_estimated else ""
        return done(f"/office/items/{item.id.hex}",
                    f"已登记督办事项{item.number_label}，办理时限{item.deadline.isoformat()}{estimated}。")

    @staticmethod
    def _new_item_page(actor: Actor, day: date, state: FormState, status_code: int = 200,
                       preview: dict | None = None) -> Template:
        return page("office/item_new.html", actor, day, status_code=status_code, state=state, preview=preview,
                    source_options=[(s.value, s.label) for s in SourceKind])

    # -- 批量导入 ----------------------------------------------------------------------------------
    @get("/import", sync_to_thread=True, cache=True)
    def import_page(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return _import_page(actor, today(duban))

    @get("/import/template.xlsx", sync_to_thread=True)
    def import_template(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads]) -> Response:
        """The import template, its example row naming units of the office's own district."""
        names = [u.name for u in reads.directory.units(actor.district) if u.active]
        return xlsx_download(import_template(names), "督办事项导入模板.xlsx")

    @post("/import", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: _upload_too_large})
    async def import_items(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template | Redirect:
        """Upload a filled-in template (multipart, field ``file``): all rows or none, every error listed."""
        day = today(duban)
        if actor.role is not Role.OFFICE:  # the administrator only reads
            try:
                actor.must_be(Role.OFFICE, doing="导入督办事项")
            except DomainError as error:
                return _import_page(actor, day, error=error.message, status_code=403)
        form = await request.form()
        try:
            content = await uploaded_workbook(form, "Excel文件")
        except WorkbookRefused as refused:
            return _import_page(actor, day, error=refused.message, status_code=refused.status)
        try:  # read and checked in a worker thread: the event loop keeps answering meanwhile
            result = await to_thread.run_sync(_import_file, duban, actor, content)
        except ImportRefused as refused:
            shown, unlisted = listed(refused.problems)  # the page stays small however many there are
            return _import_page(actor, day, error=refused.message, problems=shown, unlisted=unlisted,
                                status_code=422)
        except DomainError as error:
            return _import_page(actor, day, error=error.message, status_code=Form.status(error))
        return done("/office/ledger", result.message + "。")

    # -- 事项详情 ----------------------------------------------------------------------------------
    @get("/items/{item_id:uuid}", sync_to_thread=True, cache=True)
    def item(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             item_id: FromPath[UUID]) -> Template:
        asked = request.query_params.get("action", "")  # ?action=urge opens that action's form
        return self._item_page(duban, reads, actor, item_id, FormState(action=asked) if asked else NO_FORM)

    @post("/items/{item_id:uuid}/{action:str}", sync_to_thread=True, **UPLOAD_ROUTE)
    def act(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
            item_id: FromPath[UUID], action: FromPath[str], posted: NamedDependency[dict]) -> Template | Redirect:
        """One of the item's actions (交办, 催办, 下发督办通知, 办结销号 …), by its route name; 办结销号 and
        退回重办 may carry the office's files of the check (核验材料)."""
        chosen = next((a for a in ItemAction if a.value == action), None)
        if chosen is None:
            raise NotFound("page.not_found", "没有这个操作。")
        item = duban.readable_item(item_id, actor)  # 404 another district's (the office reads all of its own)
        office_acts(actor)
        form = Form(posted, action=chosen.value)
        try:
            seen_version(form, item)
            message = _act(duban, item, chosen, posted, actor)
        except DomainError as error:
            placed = _placed(error)
            return self._item_page(duban, reads, actor, item_id, form.refused(placed), status_code=Form.status(placed))
        return done(f"/office/items/{item_id.hex}", message)

    @staticmethod
    def _item_page(duban: Duban, reads: Reads, actor: Actor, item_id: UUID, state: FormState,
                   status_code: int = 200) -> Template:
        item, notices = case_file(duban, reads, item_id, actor)
        day = today(duban)
        units = reads.directory.units(actor.district)
        names = {u.id: u.name for u in units}

        def unit_name(value: Any) -> str:
            return names.get(_as_uuid(value), "") or "（未知单位）"

        in_charge = reads.directory.in_charge(actor.district, day).get(item.lead_unit) if item.lead_unit else None
        leader = reads.directory.leader(actor.district, in_charge)
        records = {item.id: item.number_label, **{n.id: n.number_label for n in notices}}
        entries = duban.history(list(records))
        (row,) = reads.ledger.rows(actor.district, day, kinds=("item",), entry_ids=[item.id.hex]) or (None,)
        overdue = row.working_days_overdue if row is not None and item.overdue_on(day) else 0
        assigned = [(u.hex, unit_name(u)) for u in item.assigned_units]
        actions = office_actions(item) if actor.role is Role.OFFICE else []  # the administrator only reads
        # a refusal of an action no longer offered (the item moved on) has no form to sit beside
        orphan = state.error if state.error is not None and state.action not in {a.value for a in actions} else None
        return page(
            "office/item.html", actor, day, status_code=status_code, item=item, notices=notices,
            state=state, actions=actions, orphan_error=orphan, Action=ItemAction, unit_name=unit_name,
            leader=leader, basis=deadline_basis_label(item.deadline_basis), overdue=overdue,
            entries=entries, records=records, referral=REFERRAL_LABELS.get(item.referral, item.referral or ""),
            completion_files=latest_files(entries, "SupervisedItem.CompletionReported") if item.completion else (),
            FILE_ACTIONS=(ItemAction.SIGN_OFF, ItemAction.SEND_BACK), NOTICE_ROWS=NOTICE_ROWS,
            signed_for={unit_name(k): v for k, v in item.signed_for.items()},
            unit_options=[(u.id.hex, u.name) for u in units if u.active], assigned_options=assigned,
            lead_hex=item.lead_unit.hex if item.lead_unit else "",
            satisfaction_options=[(s.value, s.label) for s in Satisfaction],
            satisfaction_label=lambda v: Satisfaction(v).label if v else "待测评",
        )


def _import_page(actor: Actor, day: date, *, error: str | None = None, problems: list[str] | None = None,
                 unlisted: int = 0, status_code: int = 200) -> Template:
    return page("office/import.html", actor, day, status_code=status_code, error=error, problems=problems or [],
                unlisted=unlisted, sources=[s.label for s in SourceKind],
                max_megabytes=MAX_FILE_BYTES // (1024 * 1024), max_rows=MAX_ROWS)


def _import_file(duban: Duban, actor: Actor, content: bytes) -> ImportResult:
    units = {u.name: u.id for u in duban.units(actor.district) if u.active}  # the command checks these again
    return duban.import_items(read_items(content, units), actor)


__all__ = ["OfficeController", "ItemAction", "LedgerFilters", "deadline_basis_label", "entry_link"]
