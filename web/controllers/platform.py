"""The deployment administrator's page (平台管理员: 区管理): the districts this deployment serves, and
opening a new one with its first administrator (开设区).

A deployment administrator belongs to no district (its actor's district is ``domain.actor.DEPLOYMENT``):
every district's page answers its role 403 (the office's, the units', the leaders', the
discipline body's, the administrator's), and every district's record would answer it as missing.
What it sees here is each district's name, code, opening day and administrators' names — nothing of
their work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from domain.actor import Actor
from domain.errors import DomainError
from duban.application import Duban
from duban.commands.accounts import OpenDistrict
from web.auth import PLATFORM_AREA
from web.commands import form_command
from web.context import Reads, done, page, today
from web.forms import NO_FORM, Form, FormBody, FormState

PLATFORM = "/platform"


@dataclass(frozen=True)
class DistrictLine:
    """One district as the list shows it."""

    code: str
    name: str
    opened_on: date
    administrators: tuple[str, ...]  # display names of its active administrators


def district_lines(duban: Duban, reads: Reads) -> list[DistrictLine]:
    """Every district of the deployment (a handful of records, with their register) with its active
    administrators' names (the accounts read model)."""
    admins = reads.accounts.administrators()
    return sorted((DistrictLine(d.district, d.name, d.opened_on, tuple(admins.get(d.district, ())))
                   for d in duban.districts()), key=lambda line: line.code)


class PlatformController(Controller):
    path = PLATFORM
    guards = [PLATFORM_AREA]

    @get("/", sync_to_thread=True)
    def districts(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return self._page(duban, reads, actor, NO_FORM)

    @post("/districts", sync_to_thread=True)
    def open_district(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                      data: FormBody) -> Template | Redirect:
        """开设区并添加其首位管理员: both recorded or neither; every problem with what was typed at once."""
        try:
            opened = form_command(OpenDistrict, data, app=duban, actor=actor)
            duban.execute(opened, actor)
        except DomainError as error:  # the typed password is not drawn again
            return self._page(duban, reads, actor, Form(data, action="open").refused(error, secret=["password"]),
                              status_code=Form.status(error))
        return done(PLATFORM, f"已开设{opened.name}（{opened.code}），请将管理员用户名和初始密码告知{opened.display_name}。")

    @staticmethod
    def _page(duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        return page("platform/districts.html", actor, today(duban), status_code=status_code, form=state,
                    districts=district_lines(duban, reads))


__all__ = ["PlatformController", "district_lines"]
