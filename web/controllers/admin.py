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

from domain.actor import Actor, Role
from domain.errors import DomainError, NotFound
from domain.users import UserAccount
from duban.application import Duban
from duban.clock import CHINA
from web.auth import actor_in, start_session
from web.context import done, page, today
from web.forms import NO_FORM, Form, FormBody, FormState

USERS = "/admin/users"


def admin_actor(request: Request) -> Actor:
    return actor_in(request, Role.ADMIN, doing="管理用户")


@dataclass(frozen=True)
class UserLine:
    """One account as the list shows it."""

    username: str
    display_name: str
    role: str
    active: bool
    locked_until: str  # Beijing time to the minute, "" when not locked


def user_lines(duban: Duban, actor: Actor) -> list[UserLine]:
    accounts = sorted((a for a in duban.users() if a.district == actor.district), key=lambda a: a.username)
    locks = duban.logins.account_locks(a.username for a in accounts)
    return [UserLine(a.username, a.display_name, a.role.label, a.active,
                     datetime.fromtimestamp(locks[a.username].until, CHINA).strftime("%Y-%m-%d %H:%M")
                     if a.username in locks else "")
            for a in accounts]


def _account(duban: Duban, actor: Actor, username: str) -> UserAccount:
    """The account of the administrator's district (another district's answers like an unknown one)."""
    account = duban.user(username)
    if account is None or account.district != actor.district:
        raise NotFound("user.not_found", "没有这个用户。")
    return account


class AdminUsersController(Controller):
    path = USERS

    @get("/", sync_to_thread=True)
    def users(self, request: Request, duban: NamedDependency[Duban]) -> Template:
        return self._page(duban, admin_actor(request), NO_FORM)

    @post("/{username:str}/unlock", sync_to_thread=True)
    def unlock(self, request: Request, duban: NamedDependency[Duban], username: FromPath[str]) -> Redirect:
        """解除登录锁定."""
        actor = admin_actor(request)
        _account(duban, actor, username)
        duban.unlock_login(username, actor)
        return done(USERS, f"已解除用户“{username}”的登录锁定。")

    @post("/{username:str}/password", sync_to_thread=True)
    def reset_password(self, request: Request, duban: NamedDependency[Duban], username: FromPath[str],
                       data: FormBody) -> Template | Redirect:
        """重置密码: the account's sessions end; one's own continues under a new session id."""
        actor = admin_actor(request)
        _account(duban, actor, username)
        form = Form(data, action=f"password:{username}")
        try:
            duban.reset_password(username, form.text("password", "新密码", max_length=200), actor)
        except DomainError as error:
            # the typed password is not drawn again
            return self._page(duban, actor, FormState(action=form.action, error=error), status_code=Form.status(error))
        if username == actor.user:
            start_session(request, username)
        return done(USERS, f"已重置用户“{username}”的密码，该用户已登录的会话均已退出。")

    @post("/{username:str}/disable", sync_to_thread=True)
    def disable(self, request: Request, duban: NamedDependency[Duban], username: FromPath[str]) -> Template | Redirect:
        """停用: the account's sessions end."""
        actor = admin_actor(request)
        _account(duban, actor, username)
        try:
            duban.disable_user(username, actor)
        except DomainError as error:
            return self._page(duban, actor, FormState(action=f"disable:{username}", error=error),
                              status_code=Form.status(error))
        return done(USERS, f"已停用用户“{username}”。")

    @staticmethod
    def _page(duban: Duban, actor: Actor, state: FormState, *, status_code: int = 200) -> Template:
        return page("admin/users.html", actor, today(duban), status_code=status_code, form=state,
                    users=user_lines(duban, actor))


__all__ = ["AdminUsersController", "user_lines"]
