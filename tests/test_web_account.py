"""One's own account: every user changes their own password, knowing the current one; their other
logins end, this one continues."""

from __future__ import annotations

import re

from builders import events_recorded
from litestar.testing import TestClient
from web_helpers import PASSWORD, login
from web_world import web  # noqa: F401  (the fixture)

NEW = "a-new-password-2026"


def field_error(page: str, name: str) -> str:
    found = re.search(rf'name="{name}".*?<p class="error"[^>]*>([^<]*)</p>', page, re.S)
    return found[1] if found else ""


def test_a_user_changes_their_own_password_and_their_other_logins_end(web):
    here = web.client("zhujianju")
    elsewhere = TestClient(app=web.asgi)
    assert login(elsewhere, "zhujianju").status_code in (302, 303)
    page = here.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.text and 'href="/account/password"' in page.text

    before = events_recorded(web.app)
    wrong = here.post("/account/password", data=web.form(here, current="not-it", password=NEW, confirm=NEW))
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.text and NEW not in wrong.text
    differ = here.post("/account/password", data=web.form(here, current=PASSWORD, password=NEW, confirm=NEW + "x"))
    assert differ.status_code == 422 and "两次输入的新密码不一致" in differ.text
    short = here.post("/account/password", data=web.form(here, current=PASSWORD, password="short", confirm="short"))
    assert short.status_code == 422 and "密码至少8位" in short.text
    assert events_recorded(web.app) == before

    changed = here.post("/account/password", data=web.form(here, current=PASSWORD, password=NEW, confirm=NEW),
                        follow_redirects=False)
    assert changed.status_code == 303, changed.text[:300]
    assert "密码已修改" in here.get(changed.headers["location"]).text
    assert here.get("/api/me").json()["user"] == "zhujianju"  # this login continues
    assert elsewhere.get("/api/me").status_code == 401  # the other one has ended
    assert login(TestClient(app=web.asgi), "zhujianju").status_code == 401  # the old password no longer works
    assert login(TestClient(app=web.asgi), "zhujianju", NEW).status_code in (302, 303)
    history = [type(e).__qualname__ for e in web.app.store.events.get(web.app.user("zhujianju").id)]
    assert history[-1] == "UserAccount.PasswordChanged"


def test_every_role_finds_the_page_and_an_anonymous_visitor_is_sent_to_log_in(web):
    for username in ("duchashi", "quzhang", "jiwei", "guanliyuan"):
        assert web.client(username).get("/account/password").status_code == 200, username
    anonymous = TestClient(app=web.asgi).get("/account/password", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
