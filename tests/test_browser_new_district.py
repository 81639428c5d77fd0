"""A real district from nothing, in a real browser (Debian's Chromium through Playwright), on SQLite
(web tests run on one store; setting up on PostgreSQL is tested in tests/test_startup.py and
tests/test_district_setup.py, the pages on it in tests/test_web_postgres_smoke.py): ``duban setup`` opens the district and its administrator on an empty store (a process of its
own, as an operator runs it), ``duban serve`` serves it; the administrator downloads the roster
template, fills it in and imports it on the admin page, adds the office's, a unit's and a leader's
accounts on the users page; then an item goes from registration to sign-off — the office registers
and assigns it, the unit signs for it, reports progress and completion with a photo as evidence,
the office opens the photo and signs the item off.
The administrator's and the deployment administrator's pages are then read at 360 px wide: nothing
scrolls sideways.  Pages are screenshotted as tests/browser.py says (``DUBAN_SCREENSHOTS=all``).

No demo data, no user made through the service: everything after ``duban setup`` is done on the pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser import TIMEOUT_MS, LiveApp, login, shot, submit, visit
from evidence_samples import PNG
from openpyxl import load_workbook
from processes import cli_env, free_port, wait_until_serving

from duban.clock import SystemClock

pytestmark = [pytest.mark.storage, pytest.mark.stores("sqlite")]
DUBAN = os.path.join(os.path.dirname(sys.executable), "duban")
ADMIN_PASSWORD = "hongshan-admin-1"
FIRST_PASSWORD = "first-login-2026"
TITLE = "整治南湖片区背街小巷"


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([DUBAN, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"duban {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done


def _serve(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([DUBAN, "serve", "--worker", "--port", str(port)], env=env, stdout=log.open("w"),
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{base}/healthz", server, 60, output=log)
    return server, base


def _page(chromium, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def _no_sideways_scroll(page, live: LiveApp, path: str, name: str) -> None:
    visit(page, live, path, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide at 360 px: it scrolls sideways"


def test_a_district_set_up_from_nothing_carries_an_item_to_sign_off(store_env, chromium, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB", "DUBAN_SECRET")}
    env.update(cli_env(store_env), DUBAN_SECRET="n" * 32)
    opened = _run(env, "setup", "--district", "420111", "--name", "洪山区", "--admin", "hs-admin",
                  "--admin-name", "洪山区管理员", "--password", ADMIN_PASSWORD)
    assert "已开设洪山区（420111）" in opened.stdout
    _run(env, "setup", "--deployment-admin", "pingtai", "--deployment-admin-name", "平台管理员",
         "--password", ADMIN_PASSWORD)
    server, base = _serve(env, tmp_path / "serve.log")
    live = LiveApp(base, None, None)
    contexts = []
    try:
        # -- the administrator imports the roster from the template it downloads -----------------------
        context, admin = _page(chromium)
        contexts.append(context)
        login(admin, live, "hs-admin", ADMIN_PASSWORD)
        assert admin.url.endswith("/admin"), admin.url
        shot(admin, "admin-start")
        for words in ("用户管理", "单位管理", "领导分工", "花名册导入"):
            assert admin.get_by_role("link", name=words).count() >= 1, words
        visit(admin, live, "/admin/roster", "admin-roster")
        with admin.expect_download() as downloading:
            admin.get_by_role("link", name="下载花名册导入模板（Excel）").click()
        template = tmp_path / "template.xlsx"
        downloading.value.save_as(template)
        book = load_workbook(template)
        for row in (["1", "南湖街道办事处", "街道", "南湖街"], ["2", "区住建局", "区直部门", None],
                    ["3", "区城市管理执法局", "区直部门", "城管局"]):
            book["单位"].append(row)
        book["领导分工"].append(["1", "区长", "李明", None])
        book["领导分工"].append(["2", "副区长", "张华", "南湖街道办事处、区住建局，区城市管理执法局"])
        filled = tmp_path / "洪山区花名册.xlsx"
        book.save(filled)
        admin.set_input_files("input[name=file]", str(filled))
        submit(admin, "导入", "admin-roster-imported")
        assert "新增单位3个" in _flash(admin) and "新增领导2位" in _flash(admin)
        visit(admin, live, "/admin/units", "admin-units")
        units = admin.inner_text("main")
        assert "南湖街道办事处" in units and "城管局" in units and "副区长张华" in units

        # -- the administrator adds the accounts on the users page ----------------------------------------
        visit(admin, live, "/admin/users", "admin-users")
        submit(admin, "添加用户", "admin-user-refused", expect_status=422, display_name="", username="hs-office",
               role="督查室", password="short")
        assert admin.locator(".field-error[data-field='display_name']").count() == 1
        assert admin.locator(".field-error[data-field='password']").count() == 1
        for display, username, role, where in (("洪山区督查室", "hs-office", "督查室", {}),
                                               ("区住建局督办员", "hs-zhujian", "承办单位", {"unit": "区住建局"}),
                                               ("张华", "hs-zhanghua", "领导", {"leader": "副区长张华"})):
            submit(admin, "添加用户", f"admin-user-{username}", display_name=display, username=username, role=role,
                   password=FIRST_PASSWORD, **where)
            assert "已添加用户" in _flash(admin)
        listed = admin.inner_text("main")
        assert "区住建局督办员" in listed and "副区长张华" in listed

        # -- the office registers and assigns an item ----------------------------------------------------
        decided = (SystemClock().today() - timedelta(days=3)).isoformat()
        context, office = _page(chromium)
        contexts.append(context)
        login(office, live, "hs-office", FIRST_PASSWORD)
        visit(office, live, "/office/items/new", "office-register")
        submit(office, "登记", "office-registered", source="区政府常务会议", reference="区政府第5次常务会议",
               decision_date=decided, title=TITLE)
        item_url = office.url.split("?")[0]
        assert "/office/items/" in item_url and TITLE in office.inner_text("main")
        submit(office, "交办", "office-assigned", lead_unit="区住建局")
        assert "待签收" in office.inner_text("main")

        # -- the unit signs for it, reports progress and completion ----------------------------------------
        context, unit = _page(chromium)
        contexts.append(context)
        login(unit, live, "hs-zhujian", FIRST_PASSWORD)
        visit(unit, live, "/unit", "unit-inbox")
        with unit.expect_navigation(wait_until="load"):
            unit.get_by_role("link", name=TITLE).first.click()
        shot(unit, "unit-item")
        submit(unit, "签收", "unit-signed-for")
        submit(unit, "报送进展", "unit-progress", percent="50", text="已完成摸排，正在施工")
        submit(unit, "报告办结", "unit-completion", summary="背街小巷已整治完毕", files={"整治后照片.png": PNG})
        assert "待核验" in unit.inner_text("main")
        assert "整治后照片.png" in unit.inner_text("main")

        # -- the office verifies and signs it off; the leader sees it in the portfolio ----------------------
        visit(office, live, item_url.replace(base, ""), "office-to-verify")
        photo = office.get_by_role("link", name="整治后照片.png").first  # the evidence, seen before signing off
        answer = office.request.get(urljoin(office.url, photo.get_attribute("href")))
        assert answer.status == 200 and answer.body() == PNG and answer.headers["content-type"] == "image/png"
        submit(office, "办结销号", "office-signed-off", note="经核验，已按要求办结", confirmed="on")
        assert "已办结销号" in office.inner_text("main")
        context, leader = _page(chromium)
        contexts.append(context)
        login(leader, live, "hs-zhanghua", FIRST_PASSWORD)
        visit(leader, live, "/leader", "leader-portfolio")
        assert "区住建局" in leader.inner_text("main")

        # -- at 360 px nothing scrolls sideways --------------------------------------------------------------
        context, narrow = _page(chromium, 360)
        contexts.append(context)
        login(narrow, live, "hs-admin", ADMIN_PASSWORD)
        for path in ("/admin", "/admin/users", "/admin/units", "/admin/leaders", "/admin/roster"):
            _no_sideways_scroll(narrow, live, path, f"narrow{path.replace('/', '-')}")
        narrow.get_by_role("link", name="查看单位").click()
        narrow.wait_for_load_state("load")
        narrow.locator("table.units a").first.click()
        narrow.wait_for_load_state("load")
        _no_sideways_scroll(narrow, live, narrow.url.replace(base, ""), "narrow-unit")
        visit(narrow, live, "/admin/leaders", "narrow-leaders-again")
        narrow.locator("table.leaders a").first.click()
        narrow.wait_for_load_state("load")
        _no_sideways_scroll(narrow, live, narrow.url.replace(base, ""), "narrow-leader")
        context, platform = _page(chromium, 360)
        contexts.append(context)
        login(platform, live, "pingtai", ADMIN_PASSWORD)
        assert platform.url.endswith("/platform")
        _no_sideways_scroll(platform, live, "/platform", "narrow-platform")
        assert "洪山区管理员" in platform.inner_text("main")
        visit(platform, live, "/office/ledger", "platform-no-ledger", status=403)
    finally:
        for context in contexts:
            context.close()
        server.terminate()
        server.wait(timeout=30)
    output = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in output, output[-3000:]
