"""What every answer carries, whatever answered it (a page, the API, a static file, an error,
an unknown route): the request's id and the security headers.

* **Request id.** Each request gets an id: the ``X-Request-ID`` header the client (or a proxy in
  front) sent, if it is a plain token of 8–64 letters, digits and ``._:-``; else a new one. It is
  bound into structlog's context for the request, so every line logged while answering it carries
  ``request_id``; it goes back in the ``X-Request-ID`` header, and a 500 page shows it, so a user
  can quote it to the administrator (``web.errors.server_error_handler``).
* **Security headers.** A strict Content-Security-Policy (only the app's own scripts, styles and
  images; no inline script or style, no plugins, no framing, forms post only to the app), so the
  templates hold no inline ``<script>``, ``style=`` or ``on…=`` handlers; ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``. The server banner is
  left out where uvicorn runs (``web.asgi.UVICORN_OPTIONS``).
"""

from __future__ import annotations

import re
from uuid import uuid4

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
_STATE_KEY = "duban_request_id"
_REPLACED = {name.encode() for name in (*SECURITY_HEADERS, REQUEST_ID_HEADER, "server")}


def request_id_of(scope: Scope) -> str:
    """The request's id (made on first asking, then kept in the scope's state)."""
    state = scope.setdefault("state", {})
    found = state.get(_STATE_KEY)
    if found is None:
        found = state[_STATE_KEY] = _sent_id(scope) or uuid4().hex
    return found


def _sent_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _SANE_ID.fullmatch(text) else None
    return None


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Binds the request's id into structlog's context while the request is answered."""
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        with structlog.contextvars.bound_contextvars(request_id=request_id_of(scope)):
            await app(scope, receive, send)
    return middleware


async def stamp_headers(message: Message, scope: Scope) -> None:
    """The app's ``before_send`` hook: the security headers and the request id on every answer
    (replacing any already there, e.g. in a page answered again from the cache).  A coroutine: a
    plain function would be run in a worker thread for every message sent."""
    if message["type"] != "http.response.start":
        return
    headers = [(name, value) for name, value in message.get("headers") or () if name.lower() not in _REPLACED]
    headers += [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
    headers.append((REQUEST_ID_HEADER.encode(), request_id_of(scope).encode()))
    message["headers"] = headers


__all__ = ["CONTENT_SECURITY_POLICY", "REQUEST_ID_HEADER", "SECURITY_HEADERS", "request_id_middleware",
           "request_id_of", "stamp_headers"]
