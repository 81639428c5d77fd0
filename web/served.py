"""What a web app serves: the application over one store and what goes with it in this process.

The app itself (routes, guards, signatures, templates: :func:`web.app.build_app`) holds nothing of
a store; :func:`serve` points it at one.  Its dependencies, the session middleware and the page
cache find what they need through ``app.state.served``.
"""

from __future__ import annotations

import os

from litestar import Litestar

from duban.application import Duban
from duban.sessions import open_session_store
from duban.worker import Worker
from web.auth import SESSION_STORE
from web.context import Reads
from web.page_cache import STORE as PAGE_STORE, PageCache


class Served:
    """What one web app serves: the application over one store, its read side, its page cache and
    its session store (both in the store's database or this process), and the worker run in this
    process if any.  Stopped when the application closes."""

    def __init__(self, duban: Duban, *, worker: Worker | bool = True) -> None:
        self.duban = duban
        self.reads = Reads(duban)  # applies the read-model migrations, the sessions table among them
        self.worker: Worker | None = Worker(duban, watch=False) if worker is True else (worker or None)
        if self.worker:
            self.worker.start()
            duban.on_close(self.worker.stop)
        self.pages = PageCache(self.reads, in_process_worker=self.worker is not None,
                               enabled=os.environ.get("DUBAN_PAGE_CACHE", "1").lower() not in ("0", "false", "no"))
        self.pages.start()
        duban.on_close(self.pages.stop)
        self.sessions = open_session_store(duban)

    def stop(self) -> None:
        self.pages.stop()
        if self.worker:
            self.worker.stop()


def serve(app: Litestar, duban: Duban, *, worker: Worker | bool = True) -> Served:
    """Point ``app`` (from :func:`build_app`) at ``duban``'s store; ``worker`` as ``create_app``
    takes it.  An app serves one store at a time: the tests point one app at each test's store
    in turn, as building the app (its routes, signatures and templates) is the costly part."""
    served = Served(duban, worker=worker)
    app.state.served = served
    app.stores.register(SESSION_STORE, served.sessions, allow_override=True)
    app.stores.register(PAGE_STORE, served.pages.store, allow_override=True)
    return served


__all__ = ["Served", "serve"]
