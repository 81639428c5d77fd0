"""Logging in: hashed passwords, HttpOnly SameSite session cookies, CSRF on every form."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder
from litestar.testing import TestClient
from web_helpers import PASSWORD, login
from web_world import web_app

from domain.actor import Role

pytestmark = pytest.mark.stores("sqlite")  # the web on one store; tests/test_web_login_security.py runs both


@pytest.fixture
def client(app, clock):
    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局").leaders(HEAD="district_head").build()
    for username, role, extra in [("office1", Role.OFFICE, {}), ("unit-a", Role.UNIT, {"unit": world.unit_ids["A"]})]:
        app.add_user(username=username, password=PASSWORD, role=role, district=world.district,
                     actor=world.admin, **extra)
    with TestClient(app=web_app(app)) as test_client:
        yield test_client, world


def test_pages_need_a_login(client):
    test_client, _ = client
    answer = test_client.get("/office", follow_redirects=False)
    assert answer.status_code in (302, 303) and answer.headers["location"].startswith("/login")
    assert test_client.get("/api/me").status_code == 401


def test_login_sets_a_safe_session_cookie_and_opens_the_office_page(client, app):
    test_client, _ = client
    answer = login(test_client, "office1")
    assert answer.status_code in (302, 303), answer.text
    cookie = answer.headers.get("set-cookie", "").lower()
    assert "duban_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    page = test_client.get("/office")
    assert page.status_code == 200 and "督查室工作台" in page.text
    assert test_client.get("/api/me").json()["role"] == "office"
    stored = app.user("office1").password_hash
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_wrong_password_disabled_user_and_missing_csrf_are_refused(client, app):
    test_client, world = client
    wrong = login(test_client, "office1", "nope-nope-nope")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    no_token = test_client.post("/login", data={"username": "office1", "password": PASSWORD})
    assert no_token.status_code == 403
    app.disable_user("office1", world.admin)
    assert login(test_client, "office1").status_code == 401


def test_a_unit_user_cannot_open_office_pages(client):
    test_client, _ = client
    login(test_client, "unit-a")
    page = test_client.get("/office")
    assert page.status_code == 403 and "无权访问" in page.text
