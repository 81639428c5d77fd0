"""Login with session cookies (HttpOnly, SameSite) and the actor of each request."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.response import Redirect, Template
from litestar.security.session_auth import SessionAuth

from domain.actor import Actor, Role
from domain.users import UserAccount
from duban.application import Duban

SESSION_COOKIE = "duban_session"
SESSION_STORE = "sessions"  # the name of the app's session store (``Litestar(stores=…)``)


def build_session_auth(app: Duban, *, secure_cookies: bool) -> SessionAuth:
    """Server-side sessions in the store registered as ``SESSION_STORE`` (the database: see
    ``create_app``); the session middleware skips the paths that never use a session, so a
    health check or a style sheet neither reads nor writes one."""
    async def retrieve_user(session: dict[str, Any], connection: ASGIConnection) -> UserAccount | None:
        # the account is read from the store: in a worker thread, so the event loop serves others meanwhile
        account = await anyio.to_thread.run_sync(app.user, session.get("user", ""))
        return account if account is not None and account.active else None

    return SessionAuth[UserAccount, Any](
        retrieve_user_handler=retrieve_user,
        session_backend_config=ServerSideSessionConfig(
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


def office_actor(request: Request) -> Actor:
    """Only the office (督查室) and the administrator open the office's pages (the administrator reads only)."""
    return actor_in(request, Role.OFFICE, Role.ADMIN, doing="查看督查室页面")


@get("/login", sync_to_thread=False)
def login_page(next: FromQuery[str] = "/") -> Template:
    return Template("login.html", context={"next": next, "error": None, "username": ""})


@post("/login", sync_to_thread=True)
def login(request: Request, duban: NamedDependency[Duban],
          data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Template | Redirect:
    form = data
    username, password = form.get("username", ""), form.get("password", "")
    target = form.get("next") or "/"
    account = duban.authenticate(username, password)
    if account is None:
        return Template("login.html", status_code=401,
                        context={"next": target, "error": "用户名或密码错误，或账号已停用。", "username": username})
    request.clear_session()
    request.set_session({"user": account.username})
    return Redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@post("/logout", sync_to_thread=False)
def logout(request: Request) -> Redirect:
    request.clear_session()  # the session middleware then deletes the stored session
    return Redirect("/login")
