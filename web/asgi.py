"""The web application for a server that builds it by name: ``duban serve --workers N`` runs
uvicorn with ``web.asgi:create_app_from_env`` (a factory) in each of its worker processes."""

from __future__ import annotations

import os
from datetime import date

from litestar import Litestar

from duban import logging as duban_logging
from duban.application import Duban
from duban.clock import FixedClock, SystemClock
from duban.settings import secure_cookies, store_env
from web.app import create_app

UVICORN_OPTIONS = {"server_header": False}
"""What every uvicorn serving the app is given (``duban serve``, with or without ``--workers``): no
``Server: uvicorn`` banner; the ``Date`` header stays."""


def create_app_from_env() -> Litestar:
    """One worker's app, from what ``duban serve`` put in the environment: the store
    (``DATABASE_URL`` or ``DUBAN_DB``), ``DUBAN_SECRET`` (the same in every worker, else a CSRF
    token made by one worker is refused by another), ``DUBAN_TODAY`` (``--today``),
    ``DUBAN_SECURE_COOKIES``, ``DUBAN_LOG_LEVEL`` and ``DUBAN_LOG_FILE``."""
    log_file = os.environ.get("DUBAN_LOG_FILE")
    duban_logging.configure(os.environ.get("DUBAN_LOG_LEVEL", "INFO"),
                            open(log_file, "a", encoding="utf-8") if log_file else None)  # noqa: SIM115 - for the process's life
    today = os.environ.get("DUBAN_TODAY")
    duban = Duban(env=store_env(), clock=FixedClock(date.fromisoformat(today)) if today else SystemClock())
    app = create_app(duban, secure_cookies=secure_cookies(), csrf_secret=os.environ.get("DUBAN_SECRET"),
                     worker=False)  # the worker runs in the parent process or as duban worker
    app.on_shutdown.append(duban.close)
    return app
