"""User accounts through the JSON API and the pages alike (issue 12): adding an account, resetting a
password and changing one's own are one command class each, so the same bad input gives the same
problems (field, rule, Chinese message) on both, all at once — those only the application finds (a
user name taken, a weak password) with the fields' own — and nothing is recorded; a refused form
keeps what was typed except the password.  The report draft's words likewise."""

from __future__ import annotations

import re

import pytest
from builders import events_recorded
from litestar.testing import TestClient
from web_helpers import PASSWORD, login
from web_world import web  # noqa: F401  (the fixture)

from domain.report_document import ReportKind

FIELD_ERROR = r'<span class="field-error" role="alert" data-field="([^"]+)">([^<]*)</span>'


def from_api(answer, status: int = 400) -> set[tuple[str, str]]:
    assert answer.status_code == status, f"{answer.status_code} {answer.text[:300]}"
    return {(p["field"], p["message"]) for p in answer.json()["error"]["problems"]}


def from_page(answer) -> set[tuple[str, str]]:
    assert answer.status_code == 422, f"{answer.status_code} {answer.text[:300]}"
    return set(re.findall(FIELD_ERROR, answer.text))


def test_a_new_account_is_refused_alike_by_the_api_and_the_form(web):  # noqa: F811
    admin = web.client("guanliyuan")
    before = events_recorded(web.app)
    bad = {"username": "x", "display_name": "", "role": "unit", "password": "short"}
    api = from_api(admin.post("/api/users", json=bad, headers=web.csrf_headers(admin)))
    assert api == {("display_name", "请填写姓名。"), ("username", "用户名须为3到40位字母、数字或 _ . -。"),
                   ("unit", "承办单位用户须指定所属单位。"), ("password", "密码至少8位。")}
    page = admin.post("/admin/users", data=web.form(admin, **bad))
    assert from_page(page) == api
    assert 'value="x"' in page.text and 'value="short"' not in page.text  # what was typed, but the password
    taken = {"username": "duchashi", "display_name": "王五", "role": "office", "password": "long-enough-1"}
    api = from_api(admin.post("/api/users", json=taken, headers=web.csrf_headers(admin)), 422)
    assert api == {("username", "用户名“duchashi”已存在。")}
    assert from_page(admin.post("/admin/users", data=web.form(admin, **taken))) == api
    assert events_recorded(web.app) == before

    added = admin.post("/api/users", headers=web.csrf_headers(admin), json={
        "username": "cg-clerk", "display_name": "王五", "role": "unit", "unit": str(web.world.unit_ids["C"]),
        "password": "first-pass-1"})
    assert added.status_code == 201 and added.json()["unit"] == str(web.world.unit_ids["C"])
    assert "first-pass-1" not in added.text
    assert login(TestClient(app=web.asgi), "cg-clerk", "first-pass-1").status_code in (302, 303)


def test_a_password_is_reset_through_the_api_within_the_administrators_district(web):  # noqa: F811
    admin = web.client("guanliyuan")
    before = events_recorded(web.app)
    empty = from_api(admin.post("/api/users/duchashi/password", json={"password": ""},
                                headers=web.csrf_headers(admin)))
    assert empty == {("password", "请填写新密码。")}
    page = admin.post("/admin/users/duchashi/password", data=web.form(admin, password=""))
    assert from_page(page) == empty
    foreign = admin.post("/api/users/other-office/password", json={"password": "another-pass-1"},
                         headers=web.csrf_headers(admin))
    unknown = admin.post("/api/users/nobody-here/password", json={"password": "another-pass-1"},
                         headers=web.csrf_headers(admin))
    assert foreign.status_code == unknown.status_code == 404 and foreign.json() == unknown.json()
    assert events_recorded(web.app) == before
    reset = admin.post("/api/users/duchashi/password", json={"password": "another-pass-1"},
                       headers=web.csrf_headers(admin))
    assert reset.status_code == 200 and reset.json()["user"] == "duchashi"
    assert login(TestClient(app=web.asgi), "duchashi", "another-pass-1").status_code in (302, 303)


def test_one_changes_ones_own_password_through_the_api_as_on_the_page(web):  # noqa: F811
    clerk = web.client("zhujianju")
    before = events_recorded(web.app)
    bad = {"current": "", "password": "short", "confirm": ""}
    api = from_api(clerk.post("/api/account/password", json=bad, headers=web.csrf_headers(clerk)))
    assert api == {("current", "请填写当前密码。"), ("confirm", "请填写确认新密码。")}
    page = clerk.post("/account/password", data=web.form(clerk, **bad))
    assert from_page(page) == api and 'value="short"' not in page.text
    differ = {"current": PASSWORD, "password": "a-new-password-1", "confirm": "a-new-password-2"}
    api = from_api(clerk.post("/api/account/password", json=differ, headers=web.csrf_headers(clerk)), 422)
    assert api == {("confirm", "两次输入的新密码不一致。")}
    assert from_page(clerk.post("/account/password", data=web.form(clerk, **differ))) == api
    assert events_recorded(web.app) == before
    changed = clerk.post("/api/account/password", headers=web.csrf_headers(clerk),
                         json={"current": PASSWORD, "password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert changed.status_code == 201 and "a-new-password-1" not in changed.text
    assert clerk.get("/api/me").json()["user"] == "zhujianju"  # this login continues
    assert login(TestClient(app=web.asgi), "zhujianju", "a-new-password-1").status_code in (302, 303)


def test_opening_a_district_is_refused_alike_by_the_api_and_the_form_and_keeps_all_but_the_password(web):  # noqa: F811
    from domain.actor import deployment_actor

    web.app.add_deployment_admin(username="pingtai", password=PASSWORD, actor=deployment_actor("pingtai"))
    platform = web.client("pingtai")
    refused = platform.post("/platform/districts", data=web.form(platform, code="420111", name="洪山区",
                                                                 username="hy", display_name="", password="short"))
    assert from_page(refused) == {("display_name", "请填写管理员姓名。"), ("password", "密码至少8位。"),
                                  ("username", "用户名须为3到40位字母、数字或 _ . -。")}
    assert 'value="420111"' in refused.text and 'value="洪山区"' in refused.text and 'value="hy"' in refused.text
    assert 'value="short"' not in refused.text
    api = from_api(platform.post("/api/platform/districts", headers=web.csrf_headers(platform), json={
        "code": "420111", "name": "洪山区", "username": "hy", "display_name": "", "password": "short"}))
    assert api == from_page(refused)  # the same command, the same problems
    taken = {"code": "420105", "name": "汉阳区", "username": "duchashi", "display_name": "王五",
             "password": "long-enough-1"}
    api = from_api(platform.post("/api/platform/districts", json=taken, headers=web.csrf_headers(platform)), 422)
    assert api == from_page(platform.post("/platform/districts", data=web.form(platform, **taken)))
    assert api == {("username", "用户名“duchashi”已存在。"), ("code", "区划代码420105已开设。")}  # both at once
    before = events_recorded(web.app)
    opened = platform.post("/api/platform/districts", headers=web.csrf_headers(platform), json={
        "code": "420111", "name": "洪山区", "username": "hs-admin", "display_name": "洪山区管理员",
        "password": "first-pass-1"})
    assert opened.status_code == 201, opened.text
    assert opened.json() == {"code": "420111", "name": "洪山区", "opened_on": "2026-03-02",
                             "administrators": ["洪山区管理员"]} and "first-pass-1" not in opened.text
    assert events_recorded(web.app) > before
    assert "420111" in {d["code"] for d in platform.get("/api/platform/districts").json()}
    assert login(TestClient(app=web.asgi), "hs-admin", "first-pass-1").status_code in (302, 303)


def test_a_report_drafts_words_are_refused_alike_by_the_api_and_the_form(web):  # noqa: F811
    office = web.client("duchashi")
    report = web.app.draft_report(ReportKind.WEEKLY, "2026-W09", web.world.office).id
    before = events_recorded(web.app)
    long = {"foreword": "字" * 4001, "comments": "各单位对照整改。"}
    api = from_api(office.post(f"/api/reports/{report}/edit", json=long, headers=web.csrf_headers(office)))
    assert api == {("foreword", "前言不能超过4000字。")}
    page = office.post(f"/office/reports/{report.hex}/edit", data=web.form(office, version="1", **long))
    assert page.status_code == 422 and "前言不能超过4000字。" in page.text and "各单位对照整改。" in page.text
    assert events_recorded(web.app) == before
