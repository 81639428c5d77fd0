"""Errors as HTTP answers: structured JSON under /api, a Chinese page elsewhere.

Under /api every refusal has one shape, ``{"error": {"field": ..., "rule": ..., "message": ...,
"problems": [...]}}`` (``rule`` a stable English identifier, ``message`` plain Chinese, ``field`` the
request field to blame or null; ``problems`` every problem found, each with its field, rule and
message — a command's body is read as the HTML form is, all its problems at once):

* 400 a malformed request — not JSON, a missing field, a value of the wrong type (``request.*``);
* 401 not logged in (``auth.required``);
* 403 not allowed (a role or a command's rule; or a missing CSRF token, ``csrf.failed``);
* 404 unknown — or another district's, or one the user may not read (``Unreadable``): all three
  answer exactly alike, since ids follow from numbers and any difference would tell which exist;
* 409 someone else changed the record first (``concurrency.conflict``);
* 422 bad input or a broken business rule (InvalidInput, RuleViolation);
* 500 anything unexpected (``server.error``): logged as one ``request_failed`` line with the
  traceback, answered with the request's id (``request_id``, as in the ``X-Request-ID`` header).

Pages keep their behaviour: a domain error renders ``error.html``; a 500 a short page in Chinese with
the request's id; any other HTTP error (an unknown URL, a wrong method) a short page in Chinese.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.exceptions.responses import create_debug_response
from litestar.response import Redirect, Template

from domain.errors import ConcurrentChange, DomainError, InputProblems, InvalidInput, NotAllowed, NotFound
from duban.application.access import Unreadable
from web.headers import request_id_of

STATUS = {InvalidInput: 422, NotAllowed: 403, NotFound: 404, ConcurrentChange: 409}
API_PREFIX = "/api"
log = structlog.get_logger("duban.web")


def status_of(error: DomainError) -> int:
    for cls, status in STATUS.items():
        if isinstance(error, cls):
            return status
    return 422  # a rule refused the command


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def api_error(status: int, rule: str, message: str, field: str | None = None) -> Response:
    """The one shape of every refusal under /api (one problem)."""
    problem = {"field": field, "rule": rule, "message": message}
    return Response({"error": {**problem, "problems": [problem]}}, status_code=status)


def api_problems(status: int, problems: list[DomainError]) -> Response:
    """Several problems of one request: the first as the one error, and every one in ``problems``."""
    first = problems[0]
    listed = [{"field": p.field, "rule": p.rule, "message": p.message} for p in problems]
    return Response({"error": {"field": first.field, "rule": first.rule, "message": first.message,
                               "problems": listed}}, status_code=status)


def domain_error_handler(request: Request, error: DomainError) -> Response:
    if isinstance(error, Unreadable):  # answered as if the record did not exist; the reason is logged
        log.info("read_refused", rule=error.rule, method=request.method, path=request.url.path,
                 user=getattr(request.scope.get("user"), "username", None))
        error = error.answer
    status = status_of(error)
    if is_api(request) and isinstance(error, InputProblems):
        return api_problems(status, list(error.problems))
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


# the same errors for a browser: a short page in Chinese (title, what happened, where to go)
PAGE_MESSAGES = {
    400: ("请求有误", "请求的格式有误，请返回上一页重试。"),
    403: ("无权访问", "您无权进行这项操作；如果是提交表单时出现，请刷新页面后重新提交。"),
    404: ("页面不存在", "没有这个页面，请检查网址是否正确，或从首页进入。"),
    405: ("不支持的操作", "这个页面不支持这种操作方式，请从页面上的链接或按钮进入。"),
    413: ("内容过大", "提交的内容过大，请减小后重试。"),
    415: ("格式不支持", "提交内容的格式不受支持，请从页面上的表单提交。"),
    429: ("操作过于频繁", "操作过于频繁，请稍后再试。"),
}
HTTP_ERROR_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · 督查督办系统</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="/">督查督办系统</a></header>
<main><section class="card narrow">
<h1>{title}</h1>
<p class="error" role="alert">{message}</p>
<p><a href="/">返回首页</a></p>
</section></main></body></html>
"""


def http_error_page(error: HTTPException) -> Response:
    """A litestar HTTP error (unknown URL, wrong method, CSRF …) as a page in Chinese, with the
    error's own headers (e.g. ``Allow`` for 405)."""
    title, message = PAGE_MESSAGES.get(error.status_code, ("请求未能处理", "请求未能处理，请返回首页重试。"))
    return Response(HTTP_ERROR_PAGE.format(title=title, message=message), status_code=error.status_code,
                    media_type=MediaType.HTML, headers=dict(error.headers or {}))


def http_error_handler(request: Request, error: HTTPException) -> Response:
    """Under /api the structured shape; for pages a short page in Chinese."""
    if error.status_code >= 500:
        return server_error_handler(request, error)
    if not is_api(request):
        return http_error_page(error)
    if isinstance(error, ValidationException) and error.extra:
        from web.commands import body_problems  # the command's own reading: every problem at once
        if problems := body_problems(request):
            return api_problems(400, problems)
        return api_error(400, *validation_problem(error.extra))
    detail = str(error.detail or "")
    if error.status_code == 400 and ("JSON is malformed" in detail or "decode" in detail.lower()):
        return api_error(400, "request.bad_json", "请求体不是有效的JSON。")
    if error.status_code == 403 and "csrf" in detail.lower():
        return api_error(403, "csrf.failed", "缺少或无效的CSRF令牌：请在请求头 x-csrftoken 中携带 csrftoken Cookie 的值。")
    rule, message = HTTP_MESSAGES.get(error.status_code, (f"http.{error.status_code}", "请求未能处理。"))
    return api_error(error.status_code, rule, message)


# -- anything unexpected (500) ------------------------------------------------------------------------------
SERVER_ERROR_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>系统出错 · 督查督办系统</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="/">督查督办系统</a></header>
<main><section class="card narrow">
<h1>系统出错</h1>
<p class="error" role="alert">系统内部出错，本次操作未能完成。</p>
<p>请将编号 <code class="request-id">{request_id}</code> 告知管理员，以便查明原因。</p>
<p><a href="/">返回首页</a></p>
</section></main></body></html>
"""


def server_error_handler(request: Request, error: Exception) -> Response:
    """An exception nothing else answered: one ``request_failed`` line (method, path, request id,
    the exception's type and its traceback as data), and an answer naming the request's id."""
    status = error.status_code if isinstance(error, HTTPException) and error.status_code >= 500 else 500
    request_id = request_id_of(request.scope)
    log.error("request_failed", method=request.method, path=request.url.path, status=status,
              request_id=request_id, error_type=f"{type(error).__module__}.{type(error).__qualname__}",
              exc_info=error)
    message = f"系统内部出错，本次操作未能完成。请将编号 {request_id} 告知管理员。"
    if is_api(request):
        problem = {"field": None, "rule": "server.error", "message": message}
        return Response({"error": {**problem, "problems": [problem], "request_id": request_id}}, status_code=status)
    if request.app.debug:
        return create_debug_response(request, error)
    return Response(SERVER_ERROR_PAGE.format(request_id=escape(request_id)), status_code=status,
                    media_type=MediaType.HTML)


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


__all__ = ["api_error", "domain_error_handler", "http_error_handler", "http_error_page", "not_authorized_handler",
           "server_error_handler", "status_of", "validation_problem", "is_api"]
