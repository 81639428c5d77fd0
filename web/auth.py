"""Login with session cookies (HttpOnly, SameSite) and the actor of each request.

Sessions are litestar's server-side sessions with three differences (``FreshSessionBackend``):
a session id a client presents is used only if the store holds a session under it — an id made
up by someone else, or one that expired, is never adopted; nothing is stored and no session cookie
is set while the session is empty (before login: the CSRF token has a cookie of its own); and a
cleared session (``request.clear_session()``: at login, logout, when one's own password is reset)
continues under a new id, the old id's row deleted.  Too many wrong passwords refuse further
attempts for a while with 429 (``Duban.sign_in``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.exceptions import NotAuthorizedException
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.response import Redirect, Template
from litestar.security.session_auth import SessionAuth
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Empty, Guard, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from domain.actor import Actor, Role
from domain.users import UserAccount
from duban.application import Duban
from duban.sessions import DatabaseSessionStore

SESSION_COOKIE = "duban_session"
SESSION_STORE = "sessions"  # the name of the app's session store (``Litestar(stores=…)``)
_LOADED = "duban.session_loaded"  # scope key: the id whose stored session this request loaded


class FreshSessionBackend(ServerSideSessionBackend):
    """litestar's server-side session backend that never adopts a session id it did not make."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        presented = connection.cookies.get(self.config.key)
        if presented and presented != "null":
            data = await self.get(presented, store=self.config.get_store_from_app(connection.scope["app"]))
            if data is not None:
                connection.scope[_LOADED] = presented  # type: ignore[literal-required]
                connection._connection_state.session_id = presented  # what get_session_id answers
                return self.deserialize_data(data)
        return {}

    def get_session_id(self, connection: ASGIConnection) -> str:
        """The id of the session loaded for this request, else (none, an unknown one presented, or
        the session cleared since) a new one."""
        return connection.get_session_id() or self.generate_session_id()

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        presented = connection.cookies.get(self.config.key)
        loaded: str | None = scope.get(_LOADED)  # type: ignore[assignment]
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        if scope_session is Empty or not scope_session:
            if loaded:
                await self.delete(loaded, store=store)
            if presented and presented != "null":
                headers.add("Set-Cookie",
                            Cookie(value="null", key=self.config.key, expires=0, **cookie_params).to_header(header=""))
            return
        session_id = self.get_session_id(connection)
        if loaded and loaded != session_id:
            await self.delete(loaded, store=store)  # cleared and filled again: the old id ends
        data = self.serialize_data(scope_session, scope)
        expires_in = int(self.config.max_age)
        if isinstance(store, DatabaseSessionStore):
            owner = scope_session.get("user") if isinstance(scope_session, dict) else None
            await store.set(session_id, data, expires_in=expires_in, owner=owner, existing_only=session_id == loaded)
        else:
            await store.set(session_id, data, expires_in=expires_in)
        headers.add("Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""))


@dataclass
class FreshSessionConfig(ServerSideSessionConfig):
    _backend_class = FreshSessionBackend


def build_session_auth(*, secure_cookies: bool) -> SessionAuth:
    """Server-side sessions in the store registered as ``SESSION_STORE`` (the database: see
    ``create_app``); the session middleware skips the paths that never use a session, so a
    health check or a style sheet neither reads nor writes one."""
    async def retrieve_user(session: dict[str, Any], connection: ASGIConnection) -> UserAccount | None:
        # the account is read from the store: in a worker thread, so the event loop serves others meanwhile
        duban = connection.app.state.served.duban  # the application the app serves (web.served)
        account = await anyio.to_thread.run_sync(duban.user, session.get("user", ""))
        return account if account is not None and account.active else None

    return SessionAuth[UserAccount, Any](
        retrieve_user_handler=retrieve_user,
        session_backend_config=FreshSessionConfig(
            key=SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies, max_age=8 * 3600,
            store=SESSION_STORE, exclude=["/static", "/schema", "/healthz"]),
        exclude=["/login", "/static", "/schema", "/healthz"],
    )


def actor_of(request: Request) -> Actor:
    account = request.user
    if not isinstance(account, UserAccount):
        raise NotAuthorizedException("请先登录。")
    return account.as_actor()


def actor_in(request: Request, *roles: Role, doing: str = "查看该页面") -> Actor:
    """The logged-in actor if their role is one of ``roles``; else 403 (NotAllowed)."""
    actor = actor_of(request)
    actor.must_be(*roles, doing=doing)
    return actor


def role_guard(*roles: Role, doing: str) -> Guard:
    """A litestar guard: the signed-in user's role must be one of ``roles``, else 403 with a Chinese
    reason (401 when nobody is signed in) — checked before the request's body is read."""
    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        actor_in(connection, *roles, doing=doing)  # type: ignore[arg-type]
    return guard


OFFICE_AREA = role_guard(Role.OFFICE, Role.ADMIN, doing="查看督查室页面")
"""The office's pages: the office (督查室) and the administrator (who reads only)."""
UNIT_AREA = role_guard(Role.UNIT, doing="查看承办单位页面")
LEADER_AREA = role_guard(Role.LEADER, doing="查看领导页面")
DISCIPLINE_AREA = role_guard(Role.DISCIPLINE, doing="查看移交案件")
USERS_AREA = role_guard(Role.ADMIN, doing="管理用户")
ORGANISATION_AREA = role_guard(Role.ADMIN, doing="管理本区单位和领导分工")
PLATFORM_AREA = role_guard(Role.DEPLOYMENT_ADMIN, doing="管理平台上的区")
REPORT_READERS = role_guard(Role.LEADER, Role.OFFICE, Role.ADMIN, doing="查看督查工作报告")
"""The report to the district head (under /leader): the head, the office and the administrator."""


def provide_actor(request: Request) -> Actor:
    """The signed-in user as the application's actor (401 when nobody is signed in): every handler
    takes it as ``actor: NamedDependency[Actor]``; the area guards have checked its role by then."""
    return actor_of(request)


def office_acts(actor: Actor) -> Actor:
    """The office's commands: the administrator reads the office's pages but does not act in them.
    Checked once the record is known to be readable (another district's answers 404 first) and
    before the form is read."""
    actor.must_be(Role.OFFICE, doing="办理督查室事务")
    return actor


def office_actor(request: Request) -> Actor:
    """Only the office (督查室) and the administrator open the office's pages (the administrator reads only)."""
    return actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看督查室页面")


@get("/login", sync_to_thread=False)
def login_page(next: FromQuery[str] = "/") -> Template:
    return Template("login.html", context={"next": next, "error": None, "username": ""})


def start_session(request: Request, username: str) -> None:
    """Log the request's client in as ``username`` under a new session id (the old one, if any,
    ends): at login, and whenever one's own privileges or password change."""
    request.clear_session()
    request.set_session({"user": username})


@post("/login", sync_to_thread=True)
def login(request: Request, duban: NamedDependency[Duban],
          data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Template | Redirect:
    form = data
    username, password = form.get("username", ""), form.get("password", "")
    target = form.get("next") or "/"
    address = request.client.host if request.client else "unknown"
    attempt = duban.sign_in(username, password, address)
    if attempt.lock is not None:
        seconds = max(1, int(attempt.lock.until - duban.logins.now()))
        return Template("login.html", status_code=429, headers={"Retry-After": str(seconds)},
                        context={"next": target, "username": username,
                                 "error": f"登录失败次数过多，请{attempt.lock.minutes_left(duban.logins.now())}分钟后再试。"})
    if attempt.account is None:
        return Template("login.html", status_code=401,
                        context={"next": target, "error": "用户名或密码错误，或账号已停用。", "username": username})
    start_session(request, attempt.account.username)
    return Redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@post("/logout", sync_to_thread=False)
def logout(request: Request) -> Redirect:
    request.clear_session()  # the session middleware then deletes the stored session
    return Redirect("/login")
