"""The litestar application: pages for the office, the units, the leaders and the discipline
body, and a JSON API under /api.  Everything it serves comes from the app itself (intranet)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from domain.errors import DomainError
from duban.application import Duban
from duban.worker import Worker
from web.auth import build_session_auth, login, login_page, logout, provide_actor
from web.api_docs import OfflineSwaggerPlugin
from web.freshness import freshness_middleware, fresh_reads
from web.page_cache import page_cache_config
from web.served import serve
from web.controllers import CONTROLLERS
from web.controllers.api import API_DESCRIPTION
from web.errors import domain_error_handler, http_error_handler, not_authorized_handler, server_error_handler
from web.headers import request_id_middleware, stamp_headers
from web.filters import register_filters

HERE = Path(__file__).resolve().parent


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str | int]:
    """Alive; ``worker`` names the web process that answered (``duban serve --workers N``)."""
    return {"status": "ok", "worker": os.getpid()}


def _duban(request: Request) -> Duban:
    return request.app.state.served.duban


def create_app(duban: Duban, *, secure_cookies: bool = False, csrf_secret: str | None = None,
               worker: Worker | bool = True) -> Litestar:
    """The web application over ``duban``.  Sessions live in the store's database, so every app
    on the same store (another worker, the app after a restart) knows every login.  ``worker``:
    the worker to run in this process (True: one that keeps the read models caught up but leaves
    the daily watch to ``duban serve`` or ``duban worker``; False: the worker runs elsewhere, as
    with several web processes or on PostgreSQL)."""
    app = build_app(secure_cookies=secure_cookies, csrf_secret=csrf_secret)
    serve(app, duban, worker=worker)
    return app


def build_app(*, secure_cookies: bool = False, csrf_secret: str | None = None) -> Litestar:
    """The web application's routes, guards and settings, serving nothing until :func:`serve`."""
    templates = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine,
                               engine_callback=lambda engine: register_filters(engine.engine))
    return Litestar(
        route_handlers=[healthz, login_page, login, logout, *CONTROLLERS,
                        create_static_files_router(path="/static", directories=[HERE / "static"])],
        dependencies={
            "duban": Provide(_duban, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "reads": Provide(fresh_reads, sync_to_thread=True),
        },
        on_shutdown=[lambda app: app.state.served.stop() if "served" in app.state else None],
        middleware=[request_id_middleware, freshness_middleware(secure_cookies)],
        before_send=[stamp_headers],  # security headers and X-Request-ID on every answer, errors and 404s too
        on_app_init=[build_session_auth(secure_cookies=secure_cookies).on_app_init],
        response_cache_config=page_cache_config(),
        csrf_config=CSRFConfig(secret=csrf_secret or os.environ.get("DUBAN_SECRET") or secrets.token_hex(32),
                               cookie_samesite="lax", cookie_secure=secure_cookies, exclude=["/healthz"]),
        template_config=templates,
        # the documentation page (/schema: Swagger UI from the app's own static files, as neither the
        # intranet nor the Content-Security-Policy allows a CDN), the schema as JSON
        # (/schema/openapi.json) and YAML (/schema/openapi.yaml)
        openapi_config=OpenAPIConfig(title="duban 督办 API", version="0.1.0", path="/schema",
                                     description=API_DESCRIPTION,
                                     render_plugins=[OfflineSwaggerPlugin(), JsonRenderPlugin(), YamlRenderPlugin()]),
        exception_handlers={DomainError: domain_error_handler, NotAuthorizedException: not_authorized_handler,
                            HTTPException: http_error_handler,  # structured under /api, default for pages
                            500: server_error_handler},  # anything unexpected: logged, answered with the request id
    )
