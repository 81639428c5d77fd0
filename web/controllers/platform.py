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
from domain.errors import DomainError, Problems
from duban.application import Duban
from web.auth import PLATFORM_AREA
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
        form = Form(data, action="open")
        try:
            problems = Problems()
            code = form.text("code", "区划代码", required=False, max_length=6)
            name = form.text("name", "区名称", required=False, max_length=40)
            username = form.text("username", "管理员用户名", required=False, max_length=40)
            display_name = problems.attempt(lambda: form.text("display_name", "管理员姓名", max_length=40), "")
            password = form.text("password", "初始密码", required=False, max_length=200)
            problems.found.extend(duban.district_setup_problems(code, name, username, password).found)
            problems.raise_any()
            duban.set_up_district(code=code, name=name, admin=username, password=password, actor=actor,
                                  display_name=display_name)
        except DomainError as error:  # the typed password is not drawn again
            values = {k: v for k, v in form.data.items() if k != "password"}
            return self._page(duban, reads, actor, FormState(action="open", values=values, error=error),
                              status_code=Form.status(error))
        return done(PLATFORM, f"已开设{name}（{code}），请将管理员用户名和初始密码告知{display_name}。")

    @staticmethod
    def _page(duban: Duban, reads: Reads, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        return page("platform/districts.html", actor, today(duban), status_code=status_code, form=state,
                    districts=district_lines(duban, reads))


__all__ = ["PlatformController", "district_lines"]
