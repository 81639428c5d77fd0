"""Finding things (查找): the search box of the office's and the leaders' pages, its results page
(``/office/search``, ``/leader/search``) and the same search in the API (``/api/search``).

A search is a number (督〔2026〕12号, or just 12), title words, a unit's name or a reference (文号);
it is answered by the ledger read model in SQL (``projections.search``), within the district and
what the user may see (a leader their portfolio), paged in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from domain.actor import Actor, Role
from domain.errors import InvalidInput
from projections.ledger import ALL_KINDS, KIND_LABELS, LedgerRow
from projections.search import MAX_LENGTH, Search
from web.auth import LEADER_AREA, OFFICE_AREA, actor_in
from web.context import Reads, page, today, visible_filters, visible_page
from web.controllers.api import ERRORS, LedgerPage
from web.controllers.office import entry_link
from web.forms import Form
from web.paging import PER_PAGE, Pager

LEADER_KINDS = ("item", "subtask", "rectification")  # a leader has no notice pages
HINT = "编号（如 督〔2026〕12号 或 12）、标题中的字词、单位名称或文号"


@dataclass(frozen=True)
class Found:
    row: LedgerRow
    kind: str  # 督办事项, 子任务 …
    link: str


def leader_link(row: LedgerRow) -> str:
    if row.kind == "rectification":
        return f"/leader/rectifications/{row.entry_id}"
    return f"/leader/items/{row.entry_id.split(':')[0]}"


def search_kinds(actor: Actor) -> tuple[str, ...]:
    return ALL_KINDS if actor.role in (Role.OFFICE, Role.ADMIN) else LEADER_KINDS


def _results(reads: Reads, actor: Actor, request: Request, action: str) -> Template:
    day = today(reads.app)
    query = {k: request.query_params.get(k) or "" for k in request.query_params.keys()}
    text = query.get("q", "").strip()[:MAX_LENGTH]
    wanted = Form(query).integer("page", "页码", required=False, low=1) or 1
    context: dict[str, Any] = {"q": text, "action": action, "hint": HINT, "pager": None, "found": []}
    if not Search.parse(text).empty:
        result = visible_page(reads, actor, day, wanted, per_page=PER_PAGE, kinds=search_kinds(actor),
                              text=text, sort="relevance")
        link = leader_link if actor.role is Role.LEADER else (lambda r: entry_link(r.kind, r.entry_id))
        context.update(pager=Pager.of_page(result, {"q": text}),
                       found=[Found(r, KIND_LABELS[r.kind], link(r)) for r in result.rows])
    return page("search.html", actor, day, **context)


class SearchController(Controller):
    """The results pages: the office's (and the administrator's) and a leader's."""

    @get("/office/search", sync_to_thread=True, cache=True, guards=[OFFICE_AREA])
    def office_search(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads]) -> Template:
        return _results(reads, actor, request, "/office/search")

    @get("/leader/search", sync_to_thread=True, cache=True, guards=[LEADER_AREA])
    def leader_search(self, actor: NamedDependency[Actor], request: Request, reads: NamedDependency[Reads]) -> Template:
        return _results(reads, actor, request, "/leader/search")


class SearchApiController(Controller):
    path = "/api"
    tags = ["search 查找"]

    @get("/search", sync_to_thread=True, cache=True, responses=ERRORS, summary="查找")
    def search(self, request: Request, reads: NamedDependency[Reads], q: FromQuery[str] = "",
               page: FromQuery[int] = 1, page_size: FromQuery[int] = 50) -> LedgerPage:
        """The entries the actor may see whose number, title, reference (文号) or unit matches ``q``
        (督〔2026〕12号 or 12, title words, a unit's name): the number asked first, then newest;
        the office and the administrator search items, sub-tasks, rectification tasks and notices,
        a leader items, sub-tasks and rectification tasks of their portfolio."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, Role.LEADER, doing="查找督办事项")
        if Search.parse(q).empty:
            raise InvalidInput("search.empty", f"请输入要查找的{HINT}。", field="q")
        if len(q) > MAX_LENGTH:
            raise InvalidInput("search.too_long", f"查找内容不能超过{MAX_LENGTH}字。", field="q")
        if page < 1 or not 1 <= page_size <= 500:
            raise InvalidInput("search.bad_page", "页码应从1开始，每页1至500条。", field="page" if page < 1 else "page_size")
        day = today(reads.app)
        filters = visible_filters(reads, actor, day, {"kinds": search_kinds(actor), "text": q})
        total = reads.ledger.count(actor.district, day, **filters)
        rows = reads.ledger.rows(actor.district, day, sort="relevance", limit=page_size,
                                 offset=(page - 1) * page_size, **filters)
        return LedgerPage(rows, total, page, page_size)


__all__ = ["SearchApiController", "SearchController", "leader_link"]
