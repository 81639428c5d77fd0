"""Login security through the web, on both stores:

* session fixation — a session id is made by the server at login, never taken from the client; the
  login page keeps no session; logging in again, or resetting one's own password, changes the id;
* throttling — too many wrong passwords for an account (5 in 15 minutes) or from an address (20)
  refuse further attempts for a while (429), without checking the password; the administrator
  sees the lock on the user list and lifts it; a password reset lifts it too;
* a password reset or a disabled account ends every session of the account.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import structlog
from anyio.from_thread import start_blocking_portal
from builders import DistrictBuilder
from litestar.testing import TestClient
from web_helpers import PASSWORD, login
from web_world import web_app

from domain.actor import Actor, Role
from duban.application import users as users_module
from duban.sessions import DatabaseSessionStore
from web.auth import SESSION_COOKIE

TODAY = date(2026, 3, 2)
NEW_PASSWORD = "new-horse-battery-2"
TOO_MANY = "登录失败次数过多，请15分钟后再试。"


class Ticking:
    """The time (seconds since the epoch) as the login throttle sees it; moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _stored_sessions(store_env) -> dict[str, bytes]:
    """session id -> its stored data, read straight from the table."""
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        import sqlite3

        with sqlite3.connect(store_env["SQLITE_DBNAME"]) as db:
            return dict(db.execute("SELECT session_key, data FROM web_sessions").fetchall())
    import psycopg

    from conftest import PG_URL

    with psycopg.connect(PG_URL, autocommit=True) as db:
        return dict(db.execute(f"SELECT session_key, data FROM {store_env['POSTGRES_SCHEMA']}.web_sessions").fetchall())


@pytest.fixture
def site(app, clock):
    """A maker of clients (browsers) of one web app over a district with two office users and an
    administrator."""
    clock.set(TODAY)
    world = DistrictBuilder(app).units(A="区住建局").build()
    for username, role in [("office1", Role.OFFICE), ("office2", Role.OFFICE), ("admin1", Role.ADMIN)]:
        app.add_user(username=username, password=PASSWORD, role=role, district=world.district, actor=world.admin)
    web = web_app(app)

    def browser(cookies: dict[str, str] | None = None) -> TestClient:
        return TestClient(app=web, cookies=cookies)

    return browser


@pytest.fixture
def ticking(app) -> Ticking:
    clock = Ticking()
    app.logins.now = clock
    return clock


def _logged_in(browser, username: str, password: str = PASSWORD) -> TestClient:
    client = browser()
    answer = login(client, username, password)
    assert answer.status_code in (302, 303), answer.text[:300]
    return client


def _session_of(answer) -> str | None:
    """The session id a response sets (None: no session cookie, or one that removes it)."""
    found = re.search(rf'{SESSION_COOKIE}="?([^;"]*)', answer.headers.get("set-cookie", ""))
    return found[1] if found and found[1] not in ("", "null") else None


def _csrf(client: TestClient) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("csrftoken") or ""}


def _on_login_page(client: TestClient) -> bool:
    answer = client.get("/office", follow_redirects=False)
    return answer.status_code in (302, 303) and answer.headers["location"].startswith("/login")


# -- session fixation ------------------------------------------------------------------------------

@pytest.mark.storage
def test_the_login_page_keeps_no_session(site, store_env):
    client = site()
    page = client.get("/login")
    assert page.status_code == 200 and "csrftoken" in client.cookies
    assert _session_of(page) is None and SESSION_COOKIE not in client.cookies
    assert _stored_sessions(store_env) == {}


@pytest.mark.storage
def test_a_session_id_planted_before_login_is_never_adopted(site, store_env):
    planted = "a" * 64  # chosen by an attacker, slipped into the victim's browser
    victim = site({SESSION_COOKIE: planted})
    answer = login(victim, "office1")  # the victim opens the login page and logs in
    assert answer.status_code in (302, 303)
    issued = _session_of(answer)
    assert issued and issued != planted, "the login gets an id of the server's making"
    assert planted not in _stored_sessions(store_env)
    assert site({SESSION_COOKIE: planted}).get("/api/me").status_code == 401, "the attacker's id opens nothing"
    assert site({SESSION_COOKIE: issued}).get("/api/me").json()["user"] == "office1"


@pytest.mark.storage
def test_logging_in_again_gives_a_new_id_and_ends_the_old_one(site, store_env):
    client = site()
    first = _session_of(login(client, "office1"))
    second = _session_of(login(client, "office2"))
    assert first and second and first != second
    assert set(_stored_sessions(store_env)) == {second}
    assert site({SESSION_COOKIE: first}).get("/api/me").status_code == 401
    assert site({SESSION_COOKIE: second}).get("/api/me").json()["user"] == "office2"


# -- throttling ------------------------------------------------------------------------------------

class CountingHasher:
    """The application's password hasher, counting the verifications it is asked for."""

    def __init__(self, hasher) -> None:
        self._hasher = hasher
        self.verified = 0

    def verify(self, *args, **kwargs):
        self.verified += 1
        return self._hasher.verify(*args, **kwargs)

    def hash(self, *args, **kwargs):
        return self._hasher.hash(*args, **kwargs)


@pytest.mark.storage
def test_the_sixth_attempt_is_refused_even_with_the_right_password(site, ticking, monkeypatch):
    client = site()
    with structlog.testing.capture_logs() as logs:
        for _ in range(5):
            wrong = login(client, "office1", "wrong-password")
            assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    failed = [e for e in logs if e["event"] == "login_failed"]
    assert len(failed) == 5 and all(e["username"] == "office1" and e["address"] for e in failed)
    assert [e["username"] for e in logs if e["event"] == "login_locked"] == ["office1"]

    hasher = CountingHasher(users_module._hasher)
    monkeypatch.setattr(users_module, "_hasher", hasher)
    refused = login(client, "office1")  # the right password, too late
    assert refused.status_code == 429 and TOO_MANY in refused.text
    assert int(refused.headers["retry-after"]) == 15 * 60
    assert _session_of(refused) is None and client.get("/api/me").status_code == 401
    assert hasher.verified == 0, "no Argon2 verification is spent on a locked account"

    other = login(site(), "office2")  # another account is not affected
    assert other.status_code in (302, 303) and hasher.verified == 1


@pytest.mark.storage
def test_the_lock_ends_after_the_window(site, ticking):
    client = site()
    for _ in range(5):
        login(client, "office1", "wrong-password")
    ticking.now += 14 * 60 + 30
    still = login(client, "office1")
    assert still.status_code == 429 and "请1分钟后再试" in still.text
    ticking.now += 31
    assert login(client, "office1").status_code in (302, 303)
    assert client.get("/api/me").json()["user"] == "office1"


@pytest.mark.storage
def test_a_successful_login_clears_the_accounts_failures(site, ticking):
    client = site()
    for _ in range(4):
        login(client, "office1", "wrong-password")
    assert login(client, "office1").status_code in (302, 303)
    for _ in range(4):
        assert login(client, "office1", "wrong-password").status_code == 401
    assert login(client, "office1").status_code in (302, 303)


@pytest.mark.storage
def test_an_address_with_twenty_failures_is_refused_for_every_account(site, ticking):
    client = site()
    for n in range(20):  # four wrong guesses at each of five names: no account reaches its limit
        assert login(client, f"guess-{n % 5}", "wrong-password").status_code == 401
    refused = login(site(), "office2")  # the same address (the test client's)
    assert refused.status_code == 429 and TOO_MANY in refused.text
    ticking.now += 15 * 60 + 1
    assert login(site(), "office2").status_code in (302, 303)


@pytest.mark.storage
def test_the_administrator_sees_the_lock_and_lifts_it(site, ticking):
    for _ in range(5):
        login(site(), "office1", "wrong-password")
    admin = _logged_in(site, "admin1")
    users = admin.get("/admin/users")
    assert users.status_code == 200
    row = re.search(r'<tr data-user="office1">.*?</tr>', users.text, re.S)[0]
    assert "登录已锁定" in row and "至 2027-01-15 16:15" in row  # Beijing time of the lock's end
    assert "登录已锁定" not in re.search(r'<tr data-user="office2">.*?</tr>', users.text, re.S)[0]

    lifted = admin.post("/admin/users/office1/unlock", data=_csrf(admin))
    assert lifted.status_code == 200 and "已解除用户“office1”的登录锁定" in lifted.text
    assert "登录已锁定" not in lifted.text
    assert login(site(), "office1").status_code in (302, 303)


@pytest.mark.storage
def test_a_password_reset_lifts_the_lock(site, ticking):
    for _ in range(5):
        login(site(), "office1", "wrong-password")
    admin = _logged_in(site, "admin1")
    reset = admin.post("/admin/users/office1/password", data={**_csrf(admin), "password": NEW_PASSWORD})
    assert reset.status_code == 200 and "已重置用户“office1”的密码" in reset.text
    assert "登录已锁定" not in reset.text
    assert login(site(), "office1", NEW_PASSWORD).status_code in (302, 303)


@pytest.mark.storage
def test_only_the_administrator_opens_the_user_list(site):
    office = _logged_in(site, "office1")
    assert office.get("/admin/users").status_code == 403
    assert office.post("/admin/users/office2/unlock", data=_csrf(office)).status_code == 403


# -- a password reset ends the account's sessions ---------------------------------------------------

@pytest.mark.storage
def test_a_password_reset_by_the_administrator_sends_every_client_of_the_user_to_login(site, store_env):
    laptop, phone = _logged_in(site, "office1"), _logged_in(site, "office1")
    colleague = _logged_in(site, "office2")
    assert laptop.get("/api/me").status_code == 200 and phone.get("/api/me").status_code == 200
    admin = _logged_in(site, "admin1")
    reset = admin.post("/admin/users/office1/password", data={**_csrf(admin), "password": NEW_PASSWORD},
                       follow_redirects=False)
    assert reset.status_code == 303
    assert _on_login_page(laptop) and _on_login_page(phone)
    assert laptop.get("/api/me").status_code == 401
    assert colleague.get("/api/me").json()["user"] == "office2", "other accounts stay logged in"
    assert admin.get("/api/me").json()["user"] == "admin1"
    assert login(site(), "office1").status_code == 401
    assert login(site(), "office1", NEW_PASSWORD).status_code in (302, 303)


@pytest.mark.storage
def test_a_reset_or_a_disabled_account_ends_its_sessions_whoever_does_it(site, app, store_env):
    """As ``duban users reset-password`` / ``disable`` do, outside any web process."""
    first, second = _logged_in(site, "office1"), _logged_in(site, "office1")
    colleague = _logged_in(site, "office2")
    admin = Actor(user="admin", role=Role.ADMIN, district=app.user("office1").district)
    app.reset_password("office1", NEW_PASSWORD, admin)
    assert first.get("/api/me").status_code == 401 and second.get("/api/me").status_code == 401
    assert colleague.get("/api/me").status_code == 200
    assert len(_stored_sessions(store_env)) == 1

    app.disable_user("office2", admin)
    assert _stored_sessions(store_env) == {}, "a disabled account's sessions are deleted at once"
    assert colleague.get("/api/me").status_code == 401


@pytest.mark.storage
def test_resetting_ones_own_password_keeps_this_session_under_a_new_id(site, store_env):
    here, elsewhere = _logged_in(site, "admin1"), _logged_in(site, "admin1")
    before = here.cookies.get(SESSION_COOKIE)
    reset = here.post("/admin/users/admin1/password", data={**_csrf(here), "password": NEW_PASSWORD},
                      follow_redirects=False)
    assert reset.status_code == 303
    after = _session_of(reset)
    assert after and after != before
    assert set(_stored_sessions(store_env)) == {after}
    assert site({SESSION_COOKIE: after}).get("/api/me").json()["user"] == "admin1"
    assert elsewhere.get("/api/me").status_code == 401


@pytest.mark.storage
def test_a_request_under_way_when_its_session_ended_does_not_bring_it_back(app, store_env):
    from projections.database import migrate

    migrate(store_env)
    clock = Ticking()
    store = DatabaseSessionStore(store_env, now=clock)
    try:
        async def scenario() -> None:
            await store.set("s", b'{"user":"office1"}', expires_in=3600, owner="office1")
            assert await store.get("s") is not None  # the request loads its session …
            assert app.logins.end_sessions("office1") == 1  # … the password is reset meanwhile …
            clock.now += 400
            await store.set("s", b'{"user":"office1"}', expires_in=3600, owner="office1", existing_only=True)
            assert await store.get("s") is None  # … and its write-back at the end does not revive it

        with start_blocking_portal() as portal:
            portal.call(scenario)
    finally:
        store.close()
