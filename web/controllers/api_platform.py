"""JSON API of the deployment administrator (平台管理员): the districts this deployment serves
(``GET /api/platform/districts``) and opening one with its first administrator
(``POST /api/platform/districts``) — the same command as the page's form (``OpenDistrict``), so the
same bad input gives the same problems.  Nothing of any district's work is answered here."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from domain.actor import Actor
from duban.application import Duban
from duban.commands.accounts import OpenDistrict
from web.auth import PLATFORM_AREA
from web.context import Reads
from web.controllers.api import ERRORS
from web.controllers.platform import district_lines


class DistrictOut(msgspec.Struct):
    """A district of the deployment: its code, name, opening day and active administrators' names."""

    code: str
    name: str
    opened_on: date
    administrators: list[str]


class PlatformApiController(Controller):
    path = "/api/platform/districts"
    tags = ["platform 平台管理"]
    guards = [PLATFORM_AREA]

    @get("/", sync_to_thread=True, responses=ERRORS, summary="本平台的区")
    def districts(self, duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> list[DistrictOut]:
        return [DistrictOut(line.code, line.name, line.opened_on, list(line.administrators))
                for line in district_lines(duban, reads)]

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="开设区")
    def open_district(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban],
                      data: JSONBody[OpenDistrict]) -> DistrictOut:
        """The district and its first administrator, both recorded or neither; every problem at once
        (``error.problems``).  The password is never answered."""
        admin = duban.execute(data, actor)
        opened = next(d for d in duban.districts() if d.district == data.code)
        return DistrictOut(opened.district, opened.name, opened.opened_on, [admin.display_name])


__all__ = ["PlatformApiController"]
