"""Errors as HTTP answers: structured JSON under /api, a Chinese page elsewhere.

Under /api every refusal has one shape, ``{"error": {"field": ..., "rule": ..., "message": ...}}``
(``rule`` a stable English identifier, ``message`` plain Chinese, ``field`` the request field to
blame or null):

* 400 a malformed request — not JSON, a missing field, a value of the wrong type (``request.*``);
* 401 not logged in (``auth.required``);
* 403 not allowed (a role, unit or portfolio rule; or a missing CSRF token, ``csrf.failed``);
* 404 unknown — or another district's, which answers exactly like a missing record;
* 409 someone else changed the record first (``concurrency.conflict``);
* 422 bad input or a broken business rule (InvalidInput, RuleViolation).

Pages keep their behaviour: a domain error renders ``error.html``; any other HTTP error answers as
litestar does by default.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.exceptions.responses import create_debug_response, create_exception_response
from litestar.response import Redirect, Template

from domain.errors import ConcurrentChange, DomainError, InvalidInput, NotAllowed, NotFound

STATUS = {InvalidInput: 422, NotAllowed: 403, NotFound: 404, ConcurrentChange: 409}
API_PREFIX = "/api"


def status_of(error: DomainError) -> int:
    for cls, status in STATUS.items():
        if isinstance(error, cls):
            return status
    return 422  # a rule refused the command


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def api_error(status: int, rule: str, message: str, field: str | None = None) -> Response:
    """The one shape of every refusal under /api."""
    return Response({"error": {"field": field, "rule": rule, "message": message}}, status_code=status)


def domain_error_handler(request: Request, error: DomainError) -> Response:
    status = status_of(error)
    if is_api(request):
        return api_error(status, error.rule, error.message, error.field)
    return Template("error.html", status_code=status, context={"error": error, "status": status})


def not_authorized_handler(request: Request, error: NotAuthorizedException) -> Response:
    if is_api(request):
        return api_error(401, "auth.required", "请先登录。")
    return Redirect(f"/login?next={request.url.path}")


# -- litestar's own HTTP errors (bad requests, unknown routes, CSRF) ------------------------------
HTTP_MESSAGES = {
    400: ("request.malformed", "请求格式有误。"),
    403: ("http.forbidden", "无权访问。"),
    404: ("http.not_found", "没有这个接口或记录。"),
    405: ("http.method_not_allowed", "该接口不支持这种请求方法。"),
    413: ("request.too_large", "请求内容过大。"),
    415: ("request.unsupported_media_type", "请以JSON格式提交（Content-Type: application/json）。"),
    429: ("http.too_many_requests", "请求过于频繁，请稍后再试。"),
}


def http_error_handler(request: Request, error: HTTPException) -> Response:
    """Under /api the structured shape; elsewhere what litestar answers by default."""
    if not is_api(request):
        if error.status_code >= 500 and request.app.debug:
            return create_debug_response(request, error)
        return create_exception_response(request, error)
    if isinstance(error, ValidationException) and error.extra:
        return api_error(400, *validation_problem(error.extra))
    detail = str(error.detail or "")
    if error.status_code == 400 and ("JSON is malformed" in detail or "decode" in detail.lower()):
        return api_error(400, "request.bad_json", "请求体不是有效的JSON。")
    if error.status_code == 403 and "csrf" in detail.lower():
        return api_error(403, "csrf.failed", "缺少或无效的CSRF令牌：请在请求头 x-csrftoken 中携带 csrftoken Cookie 的值。")
    rule, message = HTTP_MESSAGES.get(error.status_code, (f"http.{error.status_code}", "请求未能处理。"))
    return api_error(error.status_code, rule, message)


# -- request validation (msgspec / litestar) in Chinese, naming the field ------------------------------
TYPE_NAMES = {"int": "整数", "str": "文本", "bool": "true 或 false", "float": "数字", "object": "JSON对象",
              "array": "数组", "null": "null", "uuid": "UUID", "date": "日期"}


def _type_name(name: str) -> str:
    return TYPE_NAMES.get(name.strip("`").split(" ")[0], name.strip("`"))


def _field_path(key: str, name: str | None) -> str | None:
    """``tasks[0]`` + ``deadline`` → ``tasks[0].deadline``; the body itself is ``data``."""
    parts = [p for p in (None if key in ("data", "") else key, name) if p]
    return ".".join(parts) or None


def validation_problem(extra: Any) -> tuple[str, str, str | None]:
    """(rule, Chinese message, field) for the first problem litestar found in a request."""
    first = extra[0] if isinstance(extra, list) and extra else (extra if isinstance(extra, dict) else {})
    key = str(first.get("key") or "")
    text = str(first.get("message") or "")
    source = first.get("source") or "body"
    where = {"query": "查询参数", "path": "路径参数", "header": "请求头", "cookie": "Cookie"}.get(source, "字段")
    if m := re.search(r"missing required field `([^`]+)`", text):
        field = _field_path(key, m[1])
        return "request.missing_field", f"缺少必填{where}“{field}”。", field
    if m := re.search(r"unknown field `([^`]+)`", text):
        field = _field_path(key, m[1])
        return "request.unknown_field", f"未知的{where}“{field}”。", field
    if source == "body" and key in ("data", "") and (text.startswith("'") or not text):
        return "request.body_required", "缺少请求体（JSON对象）。", None
    field = _field_path(key, None)
    label = f"{where}“{field}”" if field else "请求体"
    if m := re.search(r"Expected `([^`]+)`(?:.*?), got `([^`]+)`", text):
        return "request.bad_type", f"{label}应为{_type_name(m[1])}，实际为{_type_name(m[2])}。", field
    if "Invalid enum value" in text or "Invalid value" in text:
        value = re.search(r"'(.*)'", text)
        shown = f"“{value[1]}”" if value else ""
        return "request.bad_choice", f"{label}的取值{shown}无效，请按接口说明选择。", field
    if "date" in text.lower():
        return "request.bad_date", f"{label}应为日期，格式如 2026-03-02。", field
    if "uuid" in text.lower():
        return "request.bad_id", f"{label}应为有效的编号（UUID）。", field
    if m := re.search(r"Expected `([^`]+)`", text):
        return "request.bad_type", f"{label}应为{_type_name(m[1])}。", field
    return "request.bad_value", f"{label}的值无效。", field


__all__ = ["api_error", "domain_error_handler", "http_error_handler", "not_authorized_handler", "status_of",
           "validation_problem", "is_api"]
