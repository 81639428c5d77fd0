"""The record's verification page (记录核验): the district's hash chain recomputed, the first
event edited, deleted, reordered or inserted named in people's words, and the latest signed
checkpoint checked — for the discipline body (纪检监察) and the office, read-only.  The page only
calls the application (``Duban.verify_chain``); it never reads the store itself."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from domain.actor import Role
from duban.application import Duban
from web.auth import actor_in
from web.context import page, today


@dataclass(frozen=True)
class BrokenAt:
    position: int
    what: str  # 内容被改动 / 被删除 / …
    record: str  # the record in people's words
    version: int


@get("/chain", sync_to_thread=True)
def chain_page(request: Request, duban: NamedDependency[Duban]) -> Template:
    actor = actor_in(request, Role.DISCIPLINE, Role.OFFICE, Role.ADMIN, doing="查看记录核验")
    latest = duban.latest_checkpoint(actor.district)
    result = duban.verify_chain(actor.district, latest, actor=actor)
    broken = None
    if result.problem is not None:
        p = result.problem
        broken = BrokenAt(p.position, p.kind_label, duban.describe_record(p.record), p.version)
    return page("chain.html", actor, today(duban), result=result, broken=broken, latest=latest)


