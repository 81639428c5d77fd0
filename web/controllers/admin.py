"""The administrator's page of user accounts (用户管理) of their district: who may log in, whose
login is locked after too many wrong passwords (登录已锁定, until when), and the actions: lift the
lock (解除锁定), reset the password (重置密码: every session of the account ends, the lock is
lifted), disable the account (停用: every session ends).

Not cached: a lock comes and goes without any event being recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.actor import Actor
from domain.errors import DomainError, NotFound
from domain.users import DISTRICT_ROLES, UserAccount
from duban.application import Duban
from duban.clock import CHINA
from duban.commands.accounts import AddUser, ResetPassword
from web.auth import USERS_AREA, start_session
from web.context import Reads, done, page, today
from web.commands import form_command
from web.controllers.admin_organisation import post_words
from web.forms import NO_FORM, Form, FormBody, FormState

USERS = "/admin/users"


@dataclass(frozen=True)
class UserLine:
    """One account as the list shows it."""

    username: str
    display_name: str
    role: str
    active: bool
    locked_until: str  # Beijing time to the minute, "" when not locked
    belongs_to: str = ""  # the unit's name or the leader's post, in words


def user_lines(duban: Duban, actor: Actor, reads: Reads) -> list[UserLine]:
    """The district's accounts (the read model: one query), each with its login lock (the logins table)."""
    accounts = reads.accounts.of_district(actor.district)
    locks = duban.logins.account_locks(a.username for a in accounts)
    units = reads.directory.unit_names(actor.district)
    posts = {l.id: post_words(l) for l in reads.directory.leaders(actor.district)}
    return [UserLine(a.username, a.display_name, a.role.label, a.active,
                     datetime.fromtimestamp(locks[a.username].until, CHINA).strftime("%Y-%m-%d %H:%M")
                     if a.username in locks else "",
                     units.get(a.unit, "") if a.unit else posts.get(a.leader, "") if a.leader else "")
            for a in accounts]


def district_account(duban: Duban, actor: Actor, username: str) -> UserAccount:
    """The account of the administrator's district (another district's answers like an unknown one)."""
    account = duban.user(username)
    if account is None or account.district != actor.district:
        raise NotFound("user.not_found", "没有这个用户。")
    return account


class AdminUsersController(Controller):
    path = USERS
    guards = [USERS_AREA]

    @get("/", sync_to_thread=True)
    def users(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads]) -> Template:
        return self._page(duban, actor, NO_FORM, reads=reads)

    @get("/{username:str}", sync_to_thread=True)
    def account(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], username: FromPath[str]) -> Template:
        """One account and its history (账号变更记录): opened, passwords reset or changed, disabled."""
        account = district_account(duban, actor, username)
        return page("admin/user.html", actor, today(duban), holder=account,
                    history=duban.account_history(username, actor))

    @post("/", sync_to_thread=True)
    def add(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
            data: FormBody) -> Template | Redirect:
        """添加用户 of the administrator's district: every problem with what was typed at once."""
        try:
            account = duban.execute(form_command(AddUser, data, app=duban, actor=actor), actor)
        except DomainError as error:  # the typed password is not drawn again
            return self._page(duban, actor, Form(data, action="add").refused(error, secret=["password"]),
                              status_code=Form.status(error), reads=reads)
        return done(USERS, f"已添加用户“{account.display_name}”（{account.role.label}），请将用户名和初始密码告知本人。")

    @post("/{username:str}/unlock", sync_to_thread=True)
    def unlock(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], username: FromPath[str]) -> Redirect:
        """解除登录锁定."""
        district_account(duban, actor, username)
        duban.unlock_login(username, actor)
        return done(USERS, f"已解除用户“{username}”的登录锁定。")

    @post("/{username:str}/password", sync_to_thread=True)
    def reset_password(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                       username: FromPath[str], data: FormBody) -> Template | Redirect:
        """重置密码: the account's sessions end; one's own continues under a new session id."""
        district_account(duban, actor, username)
        try:
            duban.execute(form_command(ResetPassword, data), actor, username)
        except DomainError as error:  # the typed password is not drawn again
            return self._page(duban, actor, FormState(action=f"password:{username}", error=error),
                              status_code=Form.status(error), reads=reads)
        if username == actor.user:
            start_session(request, username)
        return done(USERS, f"已重置用户“{username}”的密码，该用户已登录的会话均已退出。")

    @post("/{username:str}/disable", sync_to_thread=True)
    def disable(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                username: FromPath[str]) -> Template | Redirect:
        """停用: the account's sessions end."""
        district_account(duban, actor, username)
        try:
            duban.disable_user(username, actor)
        except DomainError as error:
            return self._page(duban, actor, FormState(action=f"disable:{username}", error=error),
                              status_code=Form.status(error), reads=reads)
        return done(USERS, f"已停用用户“{username}”。")

    @staticmethod
    def _page(duban: Duban, actor: Actor, state: FormState, *, reads: Reads, status_code: int = 200) -> Template:
        units = [(u.id.hex, u.name) for u in reads.directory.units(actor.district) if u.active]
        leaders = [(l.id.hex, post_words(l)) for l in reads.directory.leaders(actor.district) if l.active]
        return page("admin/users.html", actor, today(duban), status_code=status_code, form=state,
                    users=user_lines(duban, actor, reads), roles=[(r.value, r.label) for r in DISTRICT_ROLES],
                    unit_options=units, leader_options=leaders)


__all__ = ["AdminUsersController", "district_account", "user_lines"]
