"""A small district with one user per role, served through litestar's TestClient.

    from web_world import web  # noqa: F401  (the fixture)

    def test_something(web):
        office = web.client("duchashi")          # logged in through the real login form
        item = web.item("整治背街小巷", lead="A")  # set-up through the service
        answer = office.post(f"/office/items/{item.hex}/urge", data=web.form(office, note="请抓紧"))

Units A 区住建局 and B 晴川街 are in vice head V1's portfolio, C 区城管局 in V2's; HEAD is the
district head.  A second district (420199) with its own office user and unit X lets a test
check that another district's data is invisible.  ``web`` runs on SQLite (tests/conftest.py narrows
``store_env`` for the tests that use it; tests/test_web_postgres_smoke.py keeps the web app on
PostgreSQL), with cheap password hashing for its users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import pytest
from builders import DistrictBuilder, World
from litestar.testing import TestClient
from web_helpers import PASSWORD, login

from domain.actor import Role
from duban.application import Duban

TODAY = date(2026, 3, 2)
DECIDED = date(2026, 2, 27)

# username -> (role, unit code, leader code)
USERS = {
    "duchashi": (Role.OFFICE, None, None),
    "zhujianju": (Role.UNIT, "A", None),
    "qingchuan": (Role.UNIT, "B", None),
    "chengguan": (Role.UNIT, "C", None),
    "quzhang": (Role.LEADER, None, "HEAD"),
    "fuquzhang": (Role.LEADER, None, "V1"),
    "fuquzhang2": (Role.LEADER, None, "V2"),
    "jiwei": (Role.DISCIPLINE, None, None),
    "guanliyuan": (Role.ADMIN, None, None),
}
OTHER_DISTRICT = "420199"


@dataclass
class WebWorld:
    app: Duban
    world: World
    other: World  # another district, with office user "other-office" and unit X
    clients: dict[str, TestClient] = field(default_factory=dict)
    asgi: object = None

    def client(self, username: str) -> TestClient:
        """A client logged in as ``username`` (one per user, kept for the test)."""
        if username not in self.clients:
            # not entered: one app, several clients; entering each would run (and wait on) the
            # app's lifespan once per client
            client = TestClient(app=self.asgi)
            answer = login(client, username)
            assert answer.status_code in (302, 303), f"login as {username}: {answer.status_code} {answer.text[:300]}"
            self.clients[username] = client
        return self.clients[username]

    @staticmethod
    def form(client: TestClient, **fields) -> dict:
        """Form fields plus the CSRF token the client's cookie carries."""
        return {**fields, "_csrf_token": client.cookies.get("csrftoken") or _token(client)}

    @staticmethod
    def csrf_headers(client: TestClient) -> dict:
        """Headers for a JSON API call that changes something (CSRF token in X-CSRFToken)."""
        return {"x-csrftoken": client.cookies.get("csrftoken") or _token(client)}

    def item(self, title: str, *, lead: str | None = "A", co=(), sign: bool = False, **kwargs) -> UUID:
        """An item registered (and assigned to ``lead``) through the service."""
        kwargs.setdefault("reference", "区政府第3次常务会议")
        kwargs.setdefault("decision_date", DECIDED)
        return self.world.item(lead=lead, co=list(co), sign=sign, title=title, **kwargs)

    def reads(self):
        """The read side's queries once the app's in-process worker has passed every recorded event."""
        from web.context import Reads

        reads = Reads(self.app)
        assert reads.caught_up_to(self.app.saved_position, timeout=10), "the worker did not catch up"
        return reads

    def close(self) -> None:
        self.clients.clear()  # never entered, so nothing to shut down


def _token(client: TestClient) -> str:
    page = client.get("/login")
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    return found[1] if found else ""


def build_web_world(app: Duban, *, worker: object = True) -> WebWorld:
    """The world and its web app; ``worker`` as ``create_app`` takes it (default: one in-process)."""
    from web.app import create_app

    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管局")
             .leaders(HEAD="district_head", V1="vice_head", V2="vice_head")
             .place(A="V1", B="V1", C="V2").build())
    for username, (role, unit, leader) in USERS.items():
        app.add_user(username=username, password=PASSWORD, role=role, district=world.district, actor=world.admin,
                     unit=world.unit_ids[unit] if unit else None, leader=world.leader_ids[leader] if leader else None)
    other = DistrictBuilder(app, district=OTHER_DISTRICT, name="外区").units(X="外区住建局").build()
    app.add_user(username="other-office", password=PASSWORD, role=Role.OFFICE, district=OTHER_DISTRICT,
                 actor=other.admin)
    app.add_user(username="other-unit", password=PASSWORD, role=Role.UNIT, district=OTHER_DISTRICT,
                 actor=other.admin, unit=other.unit_ids["X"])
    return WebWorld(app=app, world=world, other=other, asgi=create_app(app, csrf_secret="w" * 32, worker=worker))


def quick_passwords(monkeypatch) -> None:
    """Cheap argon2 parameters for a test's many users (the hash records its own parameters, so
    logging in checks it the same way): hashing nine users at the real cost took seconds per test."""
    from argon2 import PasswordHasher

    import duban.application.users as users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def web(app, clock, monkeypatch):
    clock.set(TODAY)
    quick_passwords(monkeypatch)
    built = build_web_world(app)
    try:
        yield built
    finally:
        built.close()
