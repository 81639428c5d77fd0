"""The API's documentation page (接口文档) under ``/schema``: Swagger UI served from the app's own
static files (``web/static/swagger/``, swagger-ui-dist 5.35.0, Apache-2.0, its LICENSE and NOTICE
beside it), so it works on an intranet and under the Content-Security-Policy (no inline script or
style, nothing from a CDN).  The schema itself stays at ``/schema/openapi.json`` and ``.yaml``."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

STATIC = "/static/swagger"
ASSETS = (f"{STATIC}/swagger-ui.css", f"{STATIC}/swagger-ui-bundle.js", "/static/api-docs.js")


class OfflineSwaggerPlugin(OpenAPIRenderPlugin):
    """Swagger UI at ``/schema`` (and ``/schema/swagger``), its scripts and styles the app's own."""

    def __init__(self, path: str | list[str] = ("/", "/swagger"), **kwargs: Any) -> None:
        super().__init__(path=list(path) if not isinstance(path, str) else path, favicon="", style="", **kwargs)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        css, bundle, start = ASSETS
        title = escape(str(openapi_schema["info"]["title"]))
        return (
            '<!doctype html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title} · 接口文档</title><link rel="icon" href="data:,">'
            f'<link rel="stylesheet" href="{css}"></head>\n'
            f'<body><div id="swagger-ui" data-spec-url="{escape(self.get_openapi_json_route(request))}"></div>\n'
            f'<script src="{bundle}"></script><script src="{start}"></script></body>\n</html>\n'
        ).encode()


__all__ = ["ASSETS", "OfflineSwaggerPlugin"]
