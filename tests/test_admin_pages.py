"""The administrator's pages (管理员) and the deployment administrator's (平台管理员), through the web
app on both stores: the start page, units, leaders and their portfolios, accounts, the roster import,
and opening a district — each refusal shown beside its field, all at once, with nothing recorded."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from builders import events_recorded
from litestar.testing import TestClient
from openpyxl import load_workbook
from web_helpers import PASSWORD, login
from web_world import web  # noqa: F401  (the fixture)

from documents.item_import import FILE_TOO_LARGE, MAX_FILE_BYTES
from documents.roster_import import LEADERS_SHEET, UNITS_SHEET, roster_template
from domain.actor import Role, deployment_actor

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _field_errors(answer) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" role="alert" data-field="(\w+)">([^<]*)<', answer.text))


def _location(answer) -> str:
    assert answer.status_code in (302, 303), f"{answer.status_code}: {answer.text[:500]}"
    return answer.headers["location"].split("?")[0]


def _main(answer) -> str:
    return re.sub(r"<[^>]+>", " ", answer.text.split("<main>", 1)[-1])


def test_the_administrator_starts_on_its_own_page_and_still_reads_the_office(web):
    admin = web.client("guanliyuan")
    assert _location(admin.get("/", follow_redirects=False)) == "/admin"
    start = admin.get("/admin")
    assert start.status_code == 200
    for link, words in (("/admin/users", "用户管理"), ("/admin/units", "单位管理"), ("/admin/leaders", "领导分工"),
                        ("/admin/roster", "花名册导入")):
        assert f'href="{link}"' in start.text and words in start.text
    assert admin.get("/office").status_code == 200  # and the office's pages, to read
    for username in ("duchashi", "zhujianju", "quzhang", "jiwei"):
        assert web.client(username).get("/admin/units").status_code == 403


def test_units_are_added_renamed_and_retired_with_their_history(web):
    admin = web.client("guanliyuan")
    listed = _main(admin.get("/admin/units"))
    assert "区城管局" in listed and "区直部门" in listed and "副区长" in listed  # kind and leader in words
    # every problem of the form at once, nothing recorded
    before = events_recorded(web.app)
    refused = admin.post("/admin/units", data=web.form(admin, name="", kind="", short_name="长" * 21))
    assert refused.status_code == 422
    assert _field_errors(refused) == {"name": "请填写单位名称。", "kind": "请选择单位类别。",
                                      "short_name": "简称不能超过20字。"}
    assert events_recorded(web.app) == before
    added = admin.post("/admin/units", data=web.form(admin, name="晴川街道办事处", kind="subdistrict",
                                                     short_name="晴川"), follow_redirects=False)
    page_url = _location(added)
    page = admin.get(page_url)
    assert "晴川街道办事处" in page.text and "街道" in page.text and "晴川" in page.text
    assert "U004" not in page.text and "subdistrict" not in _main(page)  # no code, no enum value
    taken = admin.post("/admin/units", data=web.form(admin, name="区城管局", kind="department"))
    assert taken.status_code == 422 and _field_errors(taken)["name"] == "已有名为“区城管局”的单位。"
    # renamed from a date, then retired
    renamed = admin.post(f"{page_url}/rename", data=web.form(admin, name="晴川街道", short_name="", on="2026-03-02"),
                         follow_redirects=False)
    assert _location(renamed) == page_url
    early = admin.post(f"{page_url}/rename", data=web.form(admin, name="晴川新街道", on="2026-01-01"))
    assert early.status_code == 422 and "早于" in _field_errors(early)["on"]
    retired = admin.post(f"{page_url}/retire", data=web.form(admin, reason="", on=""))
    assert set(_field_errors(retired)) == {"reason", "on"}
    assert _location(admin.post(f"{page_url}/retire", data=web.form(admin, reason="区划调整", on="2026-03-02"),
                                follow_redirects=False)) == page_url
    page = _main(admin.get(page_url))
    assert "已撤销" in page and "曾用名" in page and "晴川街道办事处" in page
    for what in ("登记单位", "单位更名", "撤销单位", "原因：区划调整"):
        assert what in page
    assert re.search(r"记录于\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）", page)
    assert "guanliyuan" not in page  # the account is not shown: its role is (管理员)
    # another district's unit: exactly as one that does not exist
    foreign = web.other.unit_ids["X"]
    before = events_recorded(web.app)
    assert admin.get(f"/admin/units/{foreign.hex}").status_code == 404
    assert admin.post(f"/admin/units/{foreign.hex}/rename",
                      data=web.form(admin, name="改名", on="2026-03-02")).status_code == 404
    assert events_recorded(web.app) == before


def test_a_leader_is_added_given_units_from_a_date_a_b_role_and_its_post_ended(web):
    admin = web.client("guanliyuan")
    added = admin.post("/admin/leaders", data=web.form(admin, title="vice_head", holder="张三"),
                       follow_redirects=False)
    leader_url = _location(added)
    refused = admin.post(f"{leader_url}/portfolio", data=web.form(admin, effective=""))
    assert set(_field_errors(refused)) == {"units", "effective"}
    c, a = web.world.unit_ids["C"], web.world.unit_ids["A"]
    placed = admin.post(f"{leader_url}/portfolio", data=web.form(admin, units=[c.hex, a.hex], effective="2026-03-02"),
                        follow_redirects=False)
    assert _location(placed) == leader_url
    v1 = web.world.leader_ids["V1"]
    assert _location(admin.post(f"{leader_url}/cover", data=web.form(admin, covered_by=v1.hex, effective="2026-03-02"),
                                follow_redirects=False)) == leader_url
    listed = admin.get("/admin/leaders")
    row = re.search(r'<tr data-leader="副区长张三">(.*?)</tr>', listed.text, re.S)[1]
    assert "区城管局" in row and "区住建局" in row and "副区长" in row
    assert "副区长张三" in _main(admin.get(f"/admin/units/{c.hex}"))  # the unit names its new leader
    ended = admin.post(f"{leader_url}/end", data=web.form(admin, on="2026-03-02"), follow_redirects=False)
    assert _location(ended) == leader_url
    page = _main(admin.get(leader_url))
    assert "已撤销" in page
    for what in ("登记领导岗位", "确定分管单位", "分管区城管局，自2026-03-02起", "设定AB角", "撤销领导岗位"):
        assert what in page, what


def test_the_administrator_adds_accounts_of_its_district_who_then_log_in(web):
    admin = web.client("guanliyuan")
    before = events_recorded(web.app)
    refused = admin.post("/admin/users", data=web.form(admin, username="x", display_name="", role="unit",
                                                       password="short"))
    assert refused.status_code == 422
    assert set(_field_errors(refused)) == {"username", "display_name", "unit", "password"}
    assert 'value="x"' in refused.text and 'value="short"' not in refused.text  # typed kept, password not
    assert events_recorded(web.app) == before
    c = web.world.unit_ids["C"]
    added = admin.post("/admin/users", data=web.form(admin, username="cg-clerk", display_name="王五", role="unit",
                                                     unit=c.hex, password="first-pass-1"), follow_redirects=False)
    assert _location(added) == "/admin/users"
    listed = admin.get("/admin/users")
    row = re.search(r'<tr data-user="cg-clerk">(.*?)</tr>', listed.text, re.S)[1]
    assert "王五" in row and "承办单位" in row and "区城管局" in row
    clerk = TestClient(app=web.asgi)
    assert _location(login(clerk, "cg-clerk", "first-pass-1")) == "/"
    assert _location(clerk.get("/", follow_redirects=False)) == "/unit"
    # a leader's account names its post
    v2 = web.world.leader_ids["V2"]
    assert admin.post("/admin/users", data=web.form(admin, username="fqz2", display_name="李四", role="leader",
                                                    leader=v2.hex, password="first-pass-1"),
                      follow_redirects=False).status_code == 303
    assert web.app.user("fqz2").leader == v2 and web.app.user("fqz2").district == web.world.district
    # another district's account answers as a missing one
    before = events_recorded(web.app)
    for action, form in (("password", {"password": "another-pass-1"}), ("disable", {}), ("unlock", {})):
        assert admin.post(f"/admin/users/other-office/{action}", data=web.form(admin, **form)).status_code == 404
    assert events_recorded(web.app) == before and web.app.user("other-office").active
    assert admin.get("/admin/users/other-office").status_code == 404


def test_an_accounts_history_shows_who_opened_reset_and_disabled_it_never_a_password(web):
    admin = web.client("guanliyuan")
    c = web.world.unit_ids["C"]
    admin.post("/admin/users", data=web.form(admin, username="cg-clerk", display_name="王五", role="unit",
                                             unit=c.hex, password="first-pass-1"))
    admin.post("/admin/users/cg-clerk/password", data=web.form(admin, password="second-pass-2"))
    admin.post("/admin/users/cg-clerk/disable", data=web.form(admin))
    assert 'href="/admin/users/cg-clerk"' in admin.get("/admin/users").text
    shown = _main(admin.get("/admin/users/cg-clerk"))
    assert [what for what in ("开设账号", "管理员重置密码", "停用账号") if what in shown] == ["开设账号", "管理员重置密码", "停用账号"]
    assert shown.index("开设账号") < shown.index("管理员重置密码") < shown.index("停用账号")
    assert "角色：承办单位；姓名：王五" in shown and "已停用" in shown and "北京时间" in shown
    assert "second-pass-2" not in shown and "argon2" not in shown
    assert web.client("duchashi").get("/admin/users/cg-clerk").status_code == 403


def _roster(edit=None) -> bytes:
    book = load_workbook(BytesIO(roster_template()))
    book[UNITS_SHEET].append([None, "鹦鹉街道办事处", "街道", "鹦鹉街", None])
    book[UNITS_SHEET].append([None, "区大数据中心", "直属机构", None, None])
    book[LEADERS_SHEET].append([None, "副区长", "张三", "鹦鹉街道办事处、区城管局"])
    if edit:
        edit(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_roster_is_imported_on_its_page_all_or_nothing(web):
    admin = web.client("guanliyuan")
    template = admin.get("/admin/roster/template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
    assert load_workbook(BytesIO(template.content)).sheetnames[:2] == [UNITS_SHEET, LEADERS_SHEET]

    def upload(client, data: bytes):
        return client.post("/admin/roster", data=web.form(client, effective="2026-03-02"),
                           files={"file": ("花名册.xlsx", data, XLSX)}, follow_redirects=False)

    before = events_recorded(web.app)
    wrong = upload(admin, _roster(lambda book: book[LEADERS_SHEET].append([None, "处长", "", "区环保局"])))
    assert wrong.status_code == 422
    problems = re.findall(r"<li>([^<]*)</li>", wrong.text.split('class="import-errors"')[1].split("</ol>")[0])
    assert problems == ["工作表“领导分工” 第5行 B列（职务）：未知的领导职务“处长”，应为：区长、常务副区长、副区长",
                        "工作表“领导分工” 第5行 C列（姓名）：不能为空",
                        "工作表“领导分工” 第5行 D列（分管单位）：没有名为“区环保局”的单位（“单位”表中和系统中都没有）"]
    assert events_recorded(web.app) == before
    done = upload(admin, _roster())
    assert _location(done) == "/admin/roster"
    assert "新增单位2个（已有0个），新增领导1位" in admin.get(done.headers["location"]).text
    units = _main(admin.get("/admin/units"))
    assert "鹦鹉街道办事处" in units and "鹦鹉街" in units and "直属机构" in units and "副区长张三" in units
    before = events_recorded(web.app)
    again = upload(admin, _roster())
    assert "新增单位0个（已有2个），新增领导0位（已有1位）" in admin.get(again.headers["location"]).text
    assert events_recorded(web.app) == before
    office = web.client("duchashi")
    assert upload(office, _roster()).status_code == 403
    too_large = upload(admin, b"PK" + bytes(MAX_FILE_BYTES * 2))  # refused as it arrives, said on the page
    assert too_large.status_code == 413 and FILE_TOO_LARGE in too_large.text and "花名册" in too_large.text
    assert f'name="_csrf_token" value="{admin.cookies.get("csrftoken")}"' in too_large.text
    assert events_recorded(web.app) == before


def test_the_deployment_administrator_opens_a_district_and_reads_none(web):
    web.app.add_deployment_admin(username="pingtai", password=PASSWORD, actor=deployment_actor("pingtai"),
                                 display_name="平台管理员甲")
    platform = web.client("pingtai")
    assert _location(platform.get("/", follow_redirects=False)) == "/platform"
    listed = _main(platform.get("/platform"))
    assert "汉阳区" in listed and "外区" in listed and "420105" in listed
    before = events_recorded(web.app)
    refused = platform.post("/platform/districts", data=web.form(platform, code="4201", name="", username="a",
                                                                 display_name="", password="short"))
    assert refused.status_code == 422
    assert set(_field_errors(refused)) == {"code", "name", "username", "display_name", "password"}
    taken = platform.post("/platform/districts", data=web.form(platform, code="420105", name="汉阳区", username="hy2",
                                                               display_name="甲", password="long-enough-1"))
    assert taken.status_code == 422 and "已开设" in taken.text
    assert events_recorded(web.app) == before
    opened = platform.post("/platform/districts", data=web.form(
        platform, code="420111", name="洪山区", username="hs-admin", display_name="洪山区管理员",
        password="long-enough-1"), follow_redirects=False)
    assert _location(opened) == "/platform"
    assert "洪山区管理员" in _main(platform.get("/platform"))
    account = web.app.user("hs-admin")
    assert (account.role, account.district) == (Role.ADMIN, "420111")
    newcomer = TestClient(app=web.asgi)
    login(newcomer, "hs-admin", "long-enough-1")
    assert _location(newcomer.get("/", follow_redirects=False)) == "/admin"
    assert "洪山区" in newcomer.get("/admin").text
    # no district's page opens for the deployment administrator, and the API lists nothing of theirs
    for path in ("/office", "/office/ledger", "/admin", "/admin/units", "/admin/users", "/unit", "/leader",
                 "/discipline", f"/admin/units/{web.world.unit_ids['A'].hex}"):
        assert platform.get(path).status_code == 403, path
    assert platform.get("/api/ledger").json()["total"] == 0 and platform.get("/api/units").json() == []
    assert web.client("guanliyuan").get("/platform").status_code == 403
