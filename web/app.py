"""The litestar application: pages for the office, the units, the leaders and the discipline
body, and a JSON API under /api.  Everything it serves comes from the app itself (intranet)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from litestar import Litestar, get
from litestar.datastructures import State
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
from duban.sessions import open_session_store
from duban.worker import Worker
from web.auth import SESSION_STORE, build_session_auth, login, login_page, logout, provide_actor
from web.api_docs import OfflineSwaggerPlugin
from web.context import Reads
from web.freshness import freshness_middleware, reads_provider
from web.page_cache import STORE as PAGE_STORE, PageCache
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


def create_app(duban: Duban, *, secure_cookies: bool = False, csrf_secret: str | None = None,
               worker: Worker | bool = True) -> Litestar:
    """The web application over ``duban``.  Sessions live in the store's database, so every app
    on the same store (another worker, the app after a restart) knows every login.  ``worker``:
    the worker to run in this process (True: one that keeps the read models caught up but leaves
    the daily watch to ``duban serve`` or ``duban worker``; False: the worker runs elsewhere, as
    with several web processes or on PostgreSQL)."""
    reads = Reads(duban)  # applies the read-model migrations, the sessions table among them
    if worker is True:
        worker = Worker(duban, watch=False)
    if worker:
        worker.start()
        duban.on_close(worker.stop)
    pages = PageCache(reads, in_process_worker=bool(worker),
                      enabled=os.environ.get("DUBAN_PAGE_CACHE", "1").lower() not in ("0", "false", "no")).start()
    duban.on_close(pages.stop)
    templates = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine,
                               engine_callback=lambda engine: register_filters(engine.engine))
    return Litestar(
        route_handlers=[healthz, login_page, login, logout, *CONTROLLERS,
                        create_static_files_router(path="/static", directories=[HERE / "static"])],
        dependencies={
            "duban": Provide(lambda: duban, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "reads": Provide(reads_provider(reads, in_process_worker=bool(worker)), sync_to_thread=True),
        },
        on_shutdown=[lambda _app: pages.stop(), *([lambda _app: worker.stop()] if worker else [])],
        middleware=[request_id_middleware, freshness_middleware(secure_cookies)],
        before_send=[stamp_headers],  # security headers and X-Request-ID on every answer, errors and 404s too
        on_app_init=[build_session_auth(duban, secure_cookies=secure_cookies).on_app_init],
        state=State({"reads": reads}),
        stores={SESSION_STORE: open_session_store(duban), PAGE_STORE: pages.store},
        response_cache_config=pages.config(),
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
