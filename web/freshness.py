"""Read your own writes (所见即所改): after a command, the next page waits for the worker.

* ``FreshnessMiddleware`` gives each request a list the application fills with the notification
  ids its commands were recorded under (``duban.application.base.WRITTEN``); a response to a
  request that recorded something carries them in the ``duban_seen`` cookie.
* ``fresh_reads`` (the ``reads`` dependency) waits, at most about two seconds, until the read
  models have passed the ``duban_seen`` position; if the worker is behind, the page says its
  figures are being updated (``request.state.updating``; header ``X-Duban-Updating`` in the API).

Requests never catch the read models up themselves.
"""

from __future__ import annotations

from litestar import Request
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from duban.application.base import WRITTEN
from web.context import Reads

SEEN_COOKIE = "duban_seen"


def freshness_middleware(secure_cookies: bool):
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            written: list[int] = []
            token = WRITTEN.set(written)

            async def send_marked(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    if written:
                        cookie = f"{SEEN_COOKIE}={max(written)}; Path=/; HttpOnly; SameSite=Lax"
                        headers.append((b"set-cookie", (cookie + ("; Secure" if secure_cookies else "")).encode()))
                    if scope.get("state", {}).get("updating"):
                        headers.append((b"x-duban-updating", b"1"))
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await app(scope, receive, send_marked)
            finally:
                WRITTEN.reset(token)
        return middleware
    return factory


def seen_position(request: Request) -> int:
    try:
        return int(request.cookies.get(SEEN_COOKIE, "0"))
    except ValueError:
        return 0


def fresh_reads(request: Request) -> Reads:
    """The ``reads`` dependency: the served read side, waited for up to the ``duban_seen`` position.
    With the worker in this process (the embedded store), a page also waits for everything this
    process recorded, whoever recorded it."""
    served = request.app.state.served
    reads = served.reads
    seen = seen_position(request)
    if served.worker is not None:
        seen = max(seen, reads.app.saved_position)
    if seen and not reads.caught_up_to(seen):
        request.state.updating = True
    return reads


__all__ = ["SEEN_COOKIE", "freshness_middleware", "fresh_reads"]
