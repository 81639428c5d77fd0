"""Pages answered again from memory (web.page_cache) only while nothing they show can have changed:
the same user, session, page, day and read-model position; a new event, another user, or the
user's own change each get a fresh answer."""

from __future__ import annotations

import pytest
from web_helpers import PASSWORD, login
from web_world import build_web_world, web  # noqa: F401 - the fixture

from domain.actor import Role
from litestar.testing import TestClient
from web.page_cache import STORE

pytestmark = pytest.mark.storage


def kept(web) -> int:
    return len(web.asgi.stores.get(STORE)._entries)


def test_a_page_is_answered_again_until_the_read_models_move(web):
    office = web.client("duchashi")
    web.item("第一件事项")
    web.reads()  # the in-process worker has passed it
    first = office.get("/office/ledger")
    assert "第一件事项" in first.text
    entries = kept(web)
    again = office.get("/office/ledger")
    assert again.text == first.text and kept(web) == entries  # answered from memory, nothing new kept
    web.item("第二件事项")  # recorded by this process: its next page waits for the worker
    fresh = office.get("/office/ledger")
    # the page shows the change; it is kept only if the worker had passed the change by then
    # (on a busy machine it may have, or not: either is right, a page from before it never is)
    assert "第二件事项" in fresh.text and kept(web) in (entries, entries + 1)
    assert office.get("/office/ledger").text == fresh.text and kept(web) == entries + 1  # kept at the new position
    assert office.get("/office/ledger").text == fresh.text and kept(web) == entries + 1


def test_users_never_share_a_remembered_page(web, app):
    app.add_user(username="duchashi2", password=PASSWORD, role=Role.OFFICE, district=web.world.district,
                 actor=web.world.admin, display_name="督查室二号")
    web.reads()
    first = web.client("duchashi").get("/office/ledger")
    second = web.client("duchashi2").get("/office/ledger")
    assert "督查室二号" in second.text and "督查室二号" not in first.text
    # one browser, one user after another: the second never sees the first one's page
    shared = TestClient(app=web.asgi)
    assert login(shared, "duchashi").status_code in (302, 303)
    assert "督查室二号" not in shared.get("/office/ledger").text
    shared.post("/logout", data={"_csrf_token": shared.cookies.get("csrftoken")})
    assert login(shared, "duchashi2").status_code in (302, 303)
    assert "督查室二号" in shared.get("/office/ledger").text


def test_a_page_whose_figures_are_being_updated_is_not_kept(app, clock):
    from web_world import TODAY

    clock.set(TODAY)
    web = build_web_world(app, worker=False)  # no worker anywhere: the change is not projected
    office = web.client("duchashi")
    answer = office.post("/office/items", data=web.form(office, source="executive_meeting", reference="区政府第3次常务会议",
                                                       decision_date="2026-02-27", title="无人更新", description="",
                                                       deadline="", working_days=""), follow_redirects=False)
    assert answer.status_code == 303
    before = kept(web)
    assert "数据正在更新" in office.get("/office/ledger").text
    assert kept(web) == before
