"""JSON API for user accounts (用户账号) — the same commands as the pages: the administrator adds an
account of their district (``POST /api/users``) and resets a password
(``POST /api/users/{username}/password``); everyone changes their own
(``POST /api/account/password``: this login continues under a new session id, the others end).
Another district's account answers like a missing one.  A password is never answered."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from domain.actor import Actor
from domain.users import UserAccount
from duban.application import Duban
from duban.commands.accounts import AddUser, ChangePassword, ResetPassword
from web.auth import USERS_AREA, start_session
from web.controllers.admin import district_account
from web.controllers.api import ERRORS
from web.controllers.api_answers import Me


def account_out(account: UserAccount) -> Me:
    return Me(account.username, account.display_name, account.role.value, account.role.label, account.district,
              account.unit, account.leader)


class UsersApiController(Controller):
    path = "/api/users"
    tags = ["accounts 用户账号"]
    guards = [USERS_AREA]

    @post("/", status_code=201, sync_to_thread=True, responses=ERRORS, summary="添加用户")
    def add(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], data: JSONBody[AddUser]) -> Me:
        """An account of the administrator's district; every problem at once (``error.problems``)."""
        return account_out(duban.execute(data, actor))

    @post("/{username:str}/password", status_code=200, sync_to_thread=True, responses=ERRORS, summary="重置密码")
    def reset_password(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban],
                       username: FromPath[str], data: JSONBody[ResetPassword]) -> Me:
        """The account's sessions end and a login lock is lifted; one's own continues under a new id."""
        district_account(duban, actor, username)
        account = duban.execute(data, actor, username)
        if username == actor.user:
            start_session(request, username)
        return account_out(account)


class AccountApiController(Controller):
    path = "/api/account"
    tags = ["accounts 用户账号"]

    @post("/password", status_code=201, sync_to_thread=True, responses=ERRORS, summary="修改密码")
    def change_password(self, actor: NamedDependency[Actor], request: Request, duban: NamedDependency[Duban],
                        data: JSONBody[ChangePassword]) -> Me:
        """One's own, knowing the current one (201: a new password recorded, as every POST without a
        record in its path answers); every other session of the account ends."""
        account = duban.execute(data, actor)
        start_session(request, actor.user)
        return account_out(account)


__all__ = ["AccountApiController", "UsersApiController"]
