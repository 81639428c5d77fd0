"""JSON API for the scoring schemes and escalation rule sets the office owns (评分方案、升级规则): the
versions of a kind (shipped and adopted, with the one in force today) and the adoption of a new
one from a date — the same reads and command as the office's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from msgspec import Struct

from domain.actor import Role
from domain.scheme_book import SchemeKind
from duban.application import Duban
from duban.commands.schemes import AdoptSchemeVersion
from projections.scheme_versions import SchemeVersion
from web.auth import actor_in
from web.context import Reads, today
from web.controllers.api import ERRORS


class SchemeVersionOut(Struct):
    kind: str  # scoring | escalation
    version: str
    title: str
    shipped: bool  # 随系统提供 (a default), else adopted by the office
    source: str  # 随系统提供 / 督查室于2027-01-05采用
    effective_from: date | None
    adopted_on: date | None
    adopted_by: str  # the adopter's name
    reason: str
    settings: dict[str, Any]


class SchemeVersionsOut(Struct):
    kind: str
    in_force: str  # the version in force today
    versions: list[SchemeVersionOut]


def version_out(v: SchemeVersion) -> SchemeVersionOut:
    return SchemeVersionOut(v.kind, v.version, v.title, v.shipped, v.source, v.effective_from, v.adopted_on,
                            v.adopted_by, v.reason, v.settings)


class SchemesApiController(Controller):
    path = "/api/schemes"
    tags = ["schemes 评分方案与升级规则"]

    @get("/", sync_to_thread=True, cache=True, responses=ERRORS, summary="评分方案与升级规则版本")
    def versions(self, request: Request, reads: NamedDependency[Reads],
                 kind: FromQuery[str] = SchemeKind.SCORING.value) -> SchemeVersionsOut:
        """The versions of ``kind`` (scoring or escalation): shipped, then the office's (newest effective first)."""
        actor = actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看评分方案与升级规则")
        chosen = SchemeKind.parse(kind, rule="scheme.kind", what="方案类别", field="kind")
        day = today(reads.app)
        versions = reads.scheme_versions
        in_force = versions.scheme_on(actor.district, day).version if chosen is SchemeKind.SCORING \
            else versions.rules_for(actor.district, day)[0].version
        return SchemeVersionsOut(chosen.value, in_force,
                                 [version_out(v) for v in versions.versions(actor.district, chosen.value)])

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="采用新版本")
    def adopt(self, request: Request, duban: NamedDependency[Duban],
              data: JSONBody[AdoptSchemeVersion]) -> dict[str, Any]:
        """Adopt ``settings`` as a new version of ``kind`` from ``effective_from`` (today or later), with
        the reason; the settings as checked.  Every problem at once (``error.problems``)."""
        actor = actor_in(request, Role.OFFICE, doing="采用评分方案或升级规则")
        return duban.execute(data, actor)


__all__ = ["SchemesApiController"]
