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

import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable
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
    world, other = record_web_world(app)
    return serve_web_world(app, world, other, worker=worker)


def serve_web_world(app: Duban, world: World, other: World, *, worker: object = True) -> WebWorld:
    """The web app over ``app``'s store, where ``world`` and ``other`` are recorded."""
    return WebWorld(app=app, world=world, other=other, asgi=web_app(app, worker=worker))


@functools.cache
def _built_app(slot: str):
    from web.app import build_app

    return build_app(csrf_secret="w" * 32)


def web_app(app: Duban, *, worker: object = True, slot: str = "test"):
    """One of this test process's web apps, pointed at ``app``'s store (``web.served.serve``;
    ``worker`` as ``create_app`` takes it).  The app (routes, handler signatures, templates) is
    built once a process for each ``slot``: building it costs more than most web tests.  An app
    serves one store at a time, so apps side by side take a slot each: a test's two web
    processes, the browser tests' served app (tests/browser.py ``live``) beside a test's own."""
    from web.served import serve

    built = _built_app(slot)
    serve(built, app, worker=worker)
    return built


def record_web_world(app: Duban) -> tuple[World, World]:
    """The two districts, their units, leaders and users, recorded through ``app``'s service."""
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
    return world, other


class WebWorldTemplate:
    """The web world recorded once per test process on SQLite, its read side caught up: each ``web``
    test's store is a copy of that file (SQLite's backup, made before the test's app opens it), so
    the districts, units, leaders and nine users are not recorded again for every test.  What a
    test records goes into its own copy alone."""

    def __init__(self, folder, empty_store: Callable[[Path], None]) -> None:
        from conftest import sqlite_env
        from duban.clock import FixedClock
        from projections.read_side import ReadSide

        self.path = Path(folder) / "web-world.sqlite3"
        empty_store(self.path)
        app = Duban(env=sqlite_env(self.path), clock=FixedClock(TODAY))
        try:
            self.world, self.other = record_web_world(app)
            ReadSide(app.store).catch_up()
        finally:
            app.close()

    def copy_into(self, path) -> None:
        from conftest import copy_sqlite_file

        copy_sqlite_file(self.path, path)

    def served(self, app: Duban) -> WebWorld:
        """The web world over ``app``, whose store is a copy of the template's."""
        def mine(world: World) -> World:
            return replace(world, app=app, unit_ids=dict(world.unit_ids), leader_ids=dict(world.leader_ids))

        return serve_web_world(app, mine(self.world), mine(self.other))


def uses_template(store_env: dict) -> bool:
    """Whether a ``web`` test's store starts as a copy of the :class:`WebWorldTemplate` (on SQLite)."""
    return store_env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite"


@pytest.fixture
def web(app, clock, store_env, request):
    """The web world (a copy of the process's :class:`WebWorldTemplate` on SQLite, made by conftest's
    ``app`` before it opens the store; recorded anew on PostgreSQL) and its web app."""
    clock.set(TODAY)
    built = (request.getfixturevalue("web_world_template").served(app) if uses_template(store_env)
             else build_web_world(app))
    try:
        yield built
    finally:
        built.close()
