"""What every answer of the web app carries, over HTTP (litestar's TestClient):

* an exception nothing else answers is logged once, as one structured ``request_failed`` line
  (method, path, request id, the exception's type and its traceback as data), and answered 500
  with the same request id — a page in Chinese for pages, the structured error under /api;
* every answer carries an ``X-Request-ID`` (the client's, when it is a plain token), and every log
  line written while answering a request carries it as ``request_id``;
* every answer — page, API, static file, schema, 404, error — carries the Content-Security-Policy
  and the other security headers, and no template holds what that policy would block;
* a record one may not read answers exactly like one that does not exist (ids follow from numbers,
  so any difference would tell a unit which numbers are in use).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
import structlog
from litestar.testing import TestClient
from structlog.testing import capture_logs
from web_world import web  # noqa: F401  (the fixture)

from domain.inspection import InspectionKind
from domain.rectification import ProblemSource, Severity
from duban import logging as duban_logging

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"content-security-policy": CSP, "x-frame-options": "DENY",
                    "x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def _fail(*_args, **_kwargs):
    raise RuntimeError("读模型连接中断")


@pytest.fixture
def json_log():
    """The app's log as configured for production (``duban.logging``), written to a buffer: a
    function answering its lines so far, parsed."""
    saved = structlog.get_config()
    buffer = io.StringIO()
    duban_logging.configure("INFO", buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        structlog.configure(**saved)


# -- 500: logged once, answered with the request id ------------------------------------------------------------
def test_an_unexpected_error_is_logged_once_and_answered_with_the_request_id(web, monkeypatch):
    item = web.item("整治背街小巷环境卫生", lead="A", sign=True)
    office, unit = web.client("duchashi"), web.client("zhujianju")
    monkeypatch.setattr(web.app, "readable_item", _fail)  # a read that breaks, on the API and the pages

    with capture_logs() as logs:
        answer = office.get(f"/api/items/{item}", headers={"X-Request-ID": "probe-0001-abcd"})
    assert answer.status_code == 500 and answer.headers["x-request-id"] == "probe-0001-abcd"
    error = answer.json()["error"]
    assert (error["field"], error["rule"], error["request_id"]) == (None, "server.error", "probe-0001-abcd")
    assert "请将编号 probe-0001-abcd 告知管理员" in error["message"]
    assert "读模型连接中断" not in answer.text and "Traceback" not in answer.text  # nothing internal shown
    failed = [line for line in logs if line["event"] == "request_failed"]
    assert len(failed) == 1, logs
    line = failed[0]
    assert (line["log_level"], line["method"], line["path"], line["status"], line["request_id"]) == (
        "error", "GET", f"/api/items/{item}", 500, "probe-0001-abcd")
    assert line["error_type"] == "builtins.RuntimeError" and isinstance(line["exc_info"], RuntimeError)

    # a page: a short page in Chinese naming a request id made up for it (the sent one is no plain token)
    with capture_logs() as logs:
        page = unit.get(f"/unit/items/{item.hex}", headers={"X-Request-ID": "<script>alert(1)</script>"})
    request_id = page.headers["x-request-id"]
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert GENERATED_ID.fullmatch(request_id), request_id
    assert f"请将编号 <code class=\"request-id\">{request_id}</code> 告知管理员" in page.text and "<script>" not in page.text
    assert [(line["path"], line["request_id"]) for line in logs if line["event"] == "request_failed"] == [
        (f"/unit/items/{item.hex}", request_id)]


def test_the_log_line_holds_the_traceback_as_data_and_every_line_of_a_request_its_id(web, monkeypatch, json_log):
    item = web.item("整治背街小巷环境卫生", lead="A", sign=True)
    office = web.client("duchashi")
    # a command's own line carries the id of the request that ran it
    urged = office.post(f"/api/items/{item}/urge", json={"note": "请抓紧"},
                        headers={**web.csrf_headers(office), "X-Request-ID": "urge-request-0001"})
    assert urged.status_code == 200 and urged.headers["x-request-id"] == "urge-request-0001"
    commands = [line for line in json_log() if line.get("event") == "command" and line.get("command") == "urge_item"]
    assert [line["request_id"] for line in commands] == ["urge-request-0001"], json_log()

    monkeypatch.setattr(web.app, "readable_item", _fail)
    answer = office.get(f"/office/items/{item.hex}")
    assert answer.status_code == 500
    failed = [line for line in json_log() if line.get("event") == "request_failed"]
    assert len(failed) == 1
    line = failed[0]
    assert line["request_id"] == answer.headers["x-request-id"] and line["level"] == "error"
    assert "exc_info" not in line
    (exception,) = line["exception"]
    assert (exception["exc_type"], exception["exc_value"]) == ("RuntimeError", "读模型连接中断")
    assert exception["frames"] and all({"filename", "lineno", "name"} <= set(f) for f in exception["frames"])
    assert exception["frames"][-1]["name"] == "_fail"
    assert all("locals" not in f for f in exception["frames"]), "local variables may hold personal data"


# -- security headers -------------------------------------------------------------------------------------------
def _unhardened(answer, what: str) -> list[str]:
    problems = [f"{what}: {name} is {answer.headers.get(name)!r}" for name, value in SECURITY_HEADERS.items()
                if answer.headers.get(name) != value]
    if "server" in answer.headers:
        problems.append(f"{what}: names its server ({answer.headers['server']})")
    if not answer.headers.get("x-request-id"):
        problems.append(f"{what}: no X-Request-ID")
    return problems


def test_every_answer_carries_the_security_headers(web, monkeypatch):
    item = web.item("整治背街小巷环境卫生", lead="A", sign=True)
    anonymous = TestClient(app=web.asgi)
    office, unit = web.client("duchashi"), web.client("zhujianju")
    answers = {
        "the login page": anonymous.get("/login"),
        "a redirect to the login": anonymous.get("/office", follow_redirects=False),
        "a page": office.get("/office/ledger"),
        "an item page": office.get(f"/office/items/{item.hex}"),
        "an API answer": office.get("/api/me"),
        "an API list": office.get("/api/ledger"),
        "a static file": anonymous.get("/static/app.css"),
        "the schema": anonymous.get("/schema"),
        "the schema as JSON": anonymous.get("/schema/openapi.json"),
        "an unknown page": office.get("/office/no-such-page"),
        "an unknown API route": office.get("/api/nothing-here"),
        "an unknown record": office.get(f"/office/items/{uuid.uuid4().hex}"),
        "a page of another role": unit.get("/office"),
        "an API call without login": anonymous.get("/api/ledger"),
        "a command without CSRF token": office.post(f"/api/items/{item}/urge", json={"note": "x"}),
        "a form refused": unit.post(f"/unit/items/{item.hex}/progress", data=web.form(unit, percent="30", text="")),
        "the health check": anonymous.get("/healthz"),
    }
    monkeypatch.setattr(web.app, "readable_item", _fail)
    answers["a failing page"] = unit.get(f"/unit/items/{item.hex}")  # not asked before: not in the page cache
    answers["a failing API call"] = office.get(f"/api/items/{item}")
    expected = {"a redirect to the login": 302, "an unknown page": 404, "an unknown API route": 404,
                "an unknown record": 404, "a page of another role": 403, "an API call without login": 401,
                "a command without CSRF token": 403, "a form refused": 422, "a failing page": 500,
                "a failing API call": 500}
    statuses = {what: answer.status_code for what, answer in answers.items()}
    assert statuses == {what: expected.get(what, 200) for what in answers}
    problems = [p for what, answer in answers.items() for p in _unhardened(answer, what)]
    assert not problems, "\n".join(problems)
    # the schema as data; its documentation page loads nothing from the internet (tests/test_web_error_pages.py)
    assert answers["the schema as JSON"].json()["info"]["title"].startswith("duban")
    assert "/static/swagger/swagger-ui-bundle.js" in answers["the schema"].text
    assert "openapi:" in anonymous.get("/schema/openapi.yaml").text
    assert anonymous.get("/schema/redoc").status_code == 404


def test_a_page_answered_again_from_the_cache_carries_its_own_request_id(web):
    office = web.client("duchashi")
    first, second = office.get("/office/ledger"), office.get("/office/ledger")
    assert first.status_code == second.status_code == 200
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert not _unhardened(second, "the cached page")
    assert second.headers.get_list("x-request-id") == [second.headers["x-request-id"]]
    assert second.headers.get_list("content-security-policy") == [CSP]


def test_no_template_holds_what_the_content_security_policy_blocks():
    """Inline scripts, inline styles, event handler attributes and javascript: links would be blocked
    (script-src and style-src 'self'); the pages keep working only without them."""
    blocked = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I)
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
             for path in sorted(TEMPLATES.rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if blocked.search(line)]
    assert not found, "\n".join(found)


# -- a record one may not read answers as one that does not exist ---------------------------------------------------
def _normalised(text: str, *ids: uuid.UUID) -> str:
    text = re.sub(r'name="_csrf_token" value="[^"]*"', "", text)
    for ident in ids:
        text = text.replace(ident.hex, "<id>").replace(str(ident), "<id>")
    return text


def test_a_record_one_may_not_read_answers_exactly_like_one_that_does_not_exist(web):
    app, world = web.app, web.world
    office, c = world.office, world.unit_ids["C"]
    item = web.item("城管占道经营整治", lead="C", sign=True)
    notice = app.issue_notice(unit=c, subject_kind="item", subject_id=item, title="城管督办通知书",
                              tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                              actor=office)
    task = app.record_rectification(unit=c, source=ProblemSource.AUDIT, problem="城管渣土车违规运输",
                                    severity=Severity.GENERAL, deadline=date(2026, 6, 30), actor=office)
    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title="城管专项督查", target_units=[c],
                                     planned_month="2026-04", actor=office)
    secrets = ("督〔", "督通〔", "整改〔", "城管占道经营整治", "城管督办通知书", "城管渣土车违规运输", "城管专项督查")
    unit, leader = web.client("zhujianju"), web.client("fuquzhang")  # unit A; vice head V1 (units A and B)
    problems: list[str] = []

    def compare(client, who: str, url: str, record: uuid.UUID, *, method: str = "GET", body=None) -> None:
        missing = uuid.uuid4()
        answers = []
        for ident in (record, missing):
            target = url.format(id=ident.hex if "/api/" not in url else str(ident))
            if method == "GET":
                answers.append(client.get(target))
            elif "/api/" in url:
                answers.append(client.post(target, json=body, headers=web.csrf_headers(client)))
            else:
                answers.append(client.post(target, data=web.form(client, **(body or {}))))
        forbidden, absent = answers
        what = f"{who} {method} {url}"
        if forbidden.status_code != 404 or absent.status_code != 404:
            problems.append(f"{what}: {forbidden.status_code} for the record, {absent.status_code} for none")
        if _normalised(forbidden.text, record, missing) != _normalised(absent.text, record, missing):
            problems.append(f"{what}: the record answers {forbidden.text[:200]!r}, none {absent.text[:200]!r}")
        shown = [s for s in secrets if s in forbidden.text]
        if shown:
            problems.append(f"{what}: shows {shown}")

    with capture_logs() as logs:
        for client, who in ((unit, "unit A"), (leader, "vice head V1")):
            compare(client, who, "/api/items/{id}", item)
            compare(client, who, "/api/items/{id}/timeline", item)
            compare(client, who, "/api/notices/{id}", notice.id)
            compare(client, who, "/api/rectifications/{id}", task.id)
            compare(client, who, "/api/inspections/{id}", inspection.id)
        compare(unit, "unit A", "/api/items/{id}/progress", item, method="POST", body={"percent": 30, "text": "越权"})
        compare(unit, "unit A", "/unit/items/{id}", item)
        compare(unit, "unit A", "/unit/notices/{id}", notice.id)
        compare(unit, "unit A", "/unit/rectifications/{id}", task.id)
        compare(unit, "unit A", "/unit/items/{id}/progress", item, method="POST", body={"percent": "30", "text": "越权"})
        compare(leader, "vice head V1", "/leader/items/{id}", item)
        compare(leader, "vice head V1", "/leader/rectifications/{id}", task.id)
    assert not problems, "\n".join(problems)
    # the reason stays in the log, for the administrator
    assert {line["rule"] for line in logs if line["event"] == "read_refused"} >= {
        "item.unit_not_assigned", "item.not_in_portfolio", "notice.not_yours", "rectification.not_yours",
        "inspection.not_yours", "inspection.not_in_portfolio"}
    # the rightful unit still reads its record (the answer is not simply "nothing exists")
    assert web.client("chengguan").get(f"/api/items/{item}").json()["title"] == "城管占道经营整治"
