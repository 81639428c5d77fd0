"""Errors a browser meets are pages in Chinese (an unknown URL, a wrong method), while the API keeps
its structured JSON; and the API's documentation under /schema comes from the app's own files."""

from __future__ import annotations

import re

from litestar.testing import TestClient
from web_world import web  # noqa: F401

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_url_answers_a_page_in_chinese(web):
    office = web.client("duchashi")
    for client, url in ((office, "/office/no-such-page"), (TestClient(app=web.asgi), "/no/such/url")):
        answer = client.get(url, headers=BROWSER)
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("text/html")
        assert "页面不存在" in answer.text and "返回首页" in answer.text
        assert "Not Found" not in answer.text and '"status_code"' not in answer.text


def test_a_wrong_method_answers_a_page_in_chinese_naming_the_allowed_ones(web):
    office = web.client("duchashi")
    answer = office.post("/office/ledger", data=web.form(office), headers=BROWSER)
    assert answer.status_code == 405 and answer.headers["content-type"].startswith("text/html")
    assert "不支持的操作" in answer.text and "GET" in answer.headers.get("allow", "")


def test_the_api_keeps_its_structured_errors(web):
    office = web.client("duchashi")
    missing = office.get("/api/no-such-route", headers=BROWSER)
    assert missing.status_code == 404 and missing.json()["error"]["rule"] == "http.not_found"
    wrong = office.delete("/api/ledger", headers=web.csrf_headers(office))
    assert wrong.status_code == 405 and wrong.json()["error"]["rule"] == "http.method_not_allowed"


def test_the_api_documentation_is_served_from_the_apps_own_files(web):
    anonymous = TestClient(app=web.asgi)
    page = anonymous.get("/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "http://" not in page.text and "https://" not in page.text and "//" not in page.text.replace("://", "")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert loaded and all(url.startswith("/") or url.startswith("data:") for url in loaded)
    for url in (u for u in loaded if u.startswith("/")):
        asset = anonymous.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url
    assert {"/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"} <= set(loaded)
    assert 'data-spec-url="/schema/openapi.json"' in page.text
    assert anonymous.get("/schema/openapi.json").json()["info"]["title"].startswith("duban")
    assert anonymous.get("/static/swagger/LICENSE").status_code == 200  # Apache-2.0, shipped beside it
