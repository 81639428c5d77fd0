"""Fixtures: every test that touches storage runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``DUBAN_TEST_DATABASE_URL`` (default: the local server, database
``test``).  Each test gets its own schema, dropped afterwards, so runs never see each other.
Without a reachable server the PostgreSQL variants skip with a loud reason — except under
``CI=true``, where they fail.

The tiers (markers, set here from the fixtures a test uses, see ``pytest_collection_modifyitems``):
``storage`` — runs on an event store (``store_env``, and so ``app``, ``demo``, ``demo_read``,
``web``); ``browser`` — drives Chromium (``chromium``); ``slow`` — takes seconds on its own.
``python3 dev.py test -m "not storage and not browser"`` runs the fast tiers alone: the domain's
rules on the aggregates (``domain_harness``) and through the service on the in-memory store
(modules and tests marked ``@pytest.mark.stores("memory")``).

The demo year is built once per session and store kind (``demo_years``): ``demo_read`` shares it
read-only (a test that records anything in it fails), ``demo`` copies its events into the test's
own store for a test that changes things.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from browser import chromium, screenshot_open_pages  # noqa: F401  (one browser for the whole run, see browser.py)
from crawl import demo_served, demo_server  # noqa: F401  (the demo served once a session, see crawl.py)

from domain.actor import Actor, Role
from duban.application import Duban
from duban.clock import FixedClock
from duban.settings import postgres_env

# The in-memory event store (eventsourcing's plain-Python recorder): no database at all, so rules
# tested through the service run in the fast tier.  Events still go through the same mapper and
# transcoder as on SQLite and PostgreSQL; what only a database does (transactions, concurrent
# writers, notifications, read models, stored files) is tested on both stores.
MEMORY_ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
_pg_problem: str | None = None
_pg_checked = False


def _postgres_problem() -> str | None:
    global _pg_checked, _pg_problem
    if not _pg_checked:
        _pg_checked = True
        try:
            import psycopg

            with psycopg.connect(PG_URL, connect_timeout=3) as conn:
                conn.execute("select 1")
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            _pg_problem = f"PostgreSQL at {PG_URL} is not reachable ({error.__class__.__name__}: {error})".strip()
    return _pg_problem


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {problem}", pytrace=False)
        pytest.skip(f"SKIPPING POSTGRESQL VARIANT — {problem}. Set DUBAN_TEST_DATABASE_URL to run it.")


# the system catalogs every test's schema (made and dropped) leaves dead rows in
SCHEMA_CATALOGS = ("pg_attribute", "pg_depend", "pg_class", "pg_index", "pg_type", "pg_constraint", "pg_attrdef",
                   "pg_statistic")


def pytest_sessionfinish(session, exitstatus):
    """The run leaves PostgreSQL's catalogs as it found them: each test's schema, made and dropped,
    leaves dead rows in them, and where autovacuum is off (as on this machine) they pile up run after
    run and slow every later schema's making.  Vacuumed by each test process that used PostgreSQL,
    when its tests are done (a worker's vacuum and another's tests do not wait on each other)."""
    if not _pg_checked or _postgres_problem():
        return
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("VACUUM " + ", ".join(f"pg_catalog.{name}" for name in SCHEMA_CATALOGS))


# -- the tiers ---------------------------------------------------------------------------------------
# A test is ``storage`` when it reaches one of these fixtures (directly or through others: ``app``,
# ``demo``, ``web`` … all pull ``store_env`` in) on a real store, ``browser`` when it drives Chromium.
STORAGE_FIXTURES = {"store_env", "demo_read", "demo_years"}
BROWSER_FIXTURES = {"chromium"}
SLOW_FIXTURES = {"demo_years"}  # the first test on each store builds the demo year
STORE_KINDS = ("sqlite", "postgres", "memory")
# Fixtures whose tests run on SQLite alone unless marked otherwise: web pages and the API are the
# same code on either store (what differs by store is tested by the storage tests, and
# tests/test_web_postgres_smoke.py keeps the web app on PostgreSQL).
SQLITE_ONLY_FIXTURES = {"web"}


def pytest_configure(config):
    if getattr(config.option, "dist", "no") == "loadgroup":  # the groups in the order of the work, not by size
        config.option.loadscopereorder = False
    config.addinivalue_line("markers", "empty_store: the test's store_env starts as a new database, with no "
                            "table at all (not a copy of the StoreTemplates): for tests of the set-up itself")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """Which stores a test's ``store_env`` (and so ``app``) runs on: both real stores by default;
    ``@pytest.mark.stores("memory")`` (on a test, or ``pytestmark`` on a module of rule tests) the
    in-memory store alone; a test using ``web`` SQLite alone.  The closest ``stores`` mark wins, so
    a test in a module of rules can ask for ``@pytest.mark.stores("sqlite", "postgres")``."""
    names = set(metafunc.fixturenames)
    if "store_env" not in names or any("store_env" in mark.args[0]
                                       for mark in metafunc.definition.iter_markers("parametrize")):
        return
    mark = metafunc.definition.get_closest_marker("stores")
    kinds = list(mark.args) if mark else (["sqlite"] if names & SQLITE_ONLY_FIXTURES else None)
    if kinds:
        unknown = set(kinds) - set(STORE_KINDS)
        assert not unknown, f"@pytest.mark.stores: unknown store kinds {unknown}, known: {STORE_KINDS}"
        # a parametrize mark, so the fixture manager leaves store_env's own two params alone
        metafunc.definition.add_marker(pytest.mark.parametrize("store_env", kinds, indirect=True))


def _on_memory_store(item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("store_env") == "memory"


def _xdist_group(item, names: set[str]) -> str:
    """Under pytest-xdist (``-n 2 --dist loadgroup``, as .ci/run runs the storage tier): the tests
    on the session's demo year share one worker (it is built once), and every other test stays with
    its module (as ``--dist loadfile``; a worker starts its own Chromium for its browser modules); the
    tests of the served demo (``demo_served``: the words and the phone crawls, the README's demo
    command) share one worker, which builds and serves the demo once and visits each page once for
    both crawls (tests/crawl.py ``crawled``)."""
    if names & SLOW_FIXTURES:
        return "demo-year"
    if "demo_served" in names:
        return "demo-server"
    return item.nodeid.split("::")[0]


def _name_groups(items) -> None:
    """What pytest-xdist's worker does for ``--dist loadgroup`` — its group after the test's id
    (``tests/test_x.py::test_y@demo-year``), by which the controlling process keeps a group on one
    worker — but in the way pytest 9 keeps ids: xdist 3.8 sets ``item._nodeid``, which pytest 9 no
    longer reads, so every test went its own way and each worker built the demo year and the demo
    server again (as under ``--dist load``)."""
    from _pytest.nodes import coerce_node_id

    for item in items:
        group = item.get_closest_marker("xdist_group").args[0]
        if not item.nodeid.endswith(f"@{group}"):
            item._id = coerce_node_id(f"{item.nodeid}@{group}")


LONGEST_GROUPS = ("demo-year", "demo-server")  # started first, one on each process (pytest_collection_modifyitems)
# then the modules that take six seconds or more, longest first (as measured on a clean clone), so
# that the run ends on short ones and both processes finish together: a hint for the order, which
# changes nothing else; the other modules keep theirs
LONG_GROUPS = ("tests/test_browser_new_district.py", "tests/test_page_access.py", "tests/test_deployment.py",
               "tests/test_worker.py", "tests/test_browser_flows.py", "tests/test_browser_finding.py",
               "tests/test_web_freshness.py", "tests/test_api_access.py", "tests/test_startup.py",
               "tests/test_web_sessions.py", "tests/test_two_servers.py", "tests/test_web_login_security.py")
assert all(os.path.exists(os.path.join(os.path.dirname(__file__), "..", name)) for name in LONG_GROUPS), \
    "LONG_GROUPS names a test module that is not there (renamed?)"


def _distributed(config) -> bool:
    """Whether this run's tests are spread by ``--dist loadgroup``: on the controlling process its
    option says so; xdist sets a worker's ``dist`` to "no" and ``loadgroup`` instead."""
    return bool(getattr(config.option, "loadgroup", False)) or getattr(config.option, "dist", "no") == "loadgroup"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that failed leaves a screenshot of each page it had open (browser.py: pages
    are screenshotted only then, unless DUBAN_SCREENSHOTS=all)."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("chromium")
    if report.failed and report.when == "call" and browser is not None:
        screenshot_open_pages(browser)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark each test with its tier from the fixtures it uses (before ``-m`` selects).  Under
    ``--dist loadgroup`` also its group (``_xdist_group``), the longest groups first in the order of
    the work: the controlling process hands them out in that order (see ``pytest_configure``), the
    first to one process and the second to the other, and the rest to whichever is free."""
    distributed = _distributed(config)
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & (STORAGE_FIXTURES - {"store_env"}) or ("store_env" in names and not _on_memory_store(item)):
            item.add_marker(pytest.mark.storage)
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if distributed:
            item.add_marker(pytest.mark.xdist_group(_xdist_group(item, names)))
    if distributed and getattr(config.option, "loadgroup", False):  # on a worker: name each test's group
        _name_groups(items)
    if distributed:
        def longest_first(item) -> int:
            group = item.get_closest_marker("xdist_group").args[0]
            first = LONGEST_GROUPS + LONG_GROUPS
            return first.index(group) if group in first else len(first)

        items.sort(key=longest_first)  # stable: each group's tests keep their order


# -- stores ------------------------------------------------------------------------------------------
def _new_pg_schema() -> str:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema


def _drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _pg_env(schema: str) -> dict[str, str]:
    return {**postgres_env(PG_URL), "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}


def copy_sqlite_file(source_path, target_path) -> None:
    """The SQLite database at ``source_path`` copied whole to ``target_path`` (SQLite's backup)."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def sqlite_env(path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


class StoreTemplates:
    """A new store as its first opening leaves it — the event store's tables, the read models migrated,
    the working-day calendar filled, no event — made once per test process and store kind; each test's
    store is a copy of it (SQLite: the file, by SQLite's backup; PostgreSQL: the schema's DDL as
    ``pg_dump --schema-only`` writes it, run in one transaction, and its rows copied) instead of being
    set up anew (some 200 statements and 35 commits each time).  Opening the copy finds nothing to do,
    as a restart does.  A PostgreSQL schema is used again by the process's next test, emptied back to
    the template's rows (``postgres_schema``, ``give_back``).  Without ``pg_dump`` (or one that
    refuses the server) each test's schema starts empty, as it did before; ``StoreTemplates(None)``
    has no template at all (``empty_store``)."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.sqlite_file = None
        # (the template schema, its DDL, its tables with rows); False: no PostgreSQL template
        self.pg: tuple[str, str, list[str]] | None | bool = None if folder is not None else False
        self._pg_schema: str | None = None  # the template schema, dropped at the end of the session
        self._pg_free: list[str] = []  # schemas given back by finished tests, emptied to the template's rows
        self._pg_shape: str | None = None  # the template's tables, columns and indexes (``_shape``)
        self._pg_tables: list[str] = []  # every table of the template
        self._pg_sequences: list[str] = []
        self._pg_calendar: dict[str, str] = {}  # schema → the transaction that wrote its calendar's rows

    @staticmethod
    def _first_opening(env: dict) -> None:
        from projections.read_side import ReadSide

        app = Duban(env=env)
        try:
            ReadSide(app.store)
        finally:
            app.close()

    def sqlite(self, path) -> None:
        """A copy of the SQLite template at ``path`` (nothing there without one)."""
        if self.folder is None:
            return
        if self.sqlite_file is None:
            template = self.folder / "template.sqlite3"
            self._first_opening(sqlite_env(template))
            self.sqlite_file = template
        copy_sqlite_file(self.sqlite_file, path)

    def postgres(self, schema: str) -> None:
        """The schema ``schema`` made from the PostgreSQL template (created empty without one)."""
        import psycopg

        if self.pg is None:
            self.pg = self._pg_template() or False
        if not self.pg:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            return
        template, ddl, tables = self.pg
        with psycopg.connect(PG_URL) as conn:  # one transaction: the schema whole, or not at all
            conn.execute(ddl.replace(template, schema))
            conn.execute(";\n".join(self._template_rows(schema, tables)))

    def _template_rows(self, schema: str, tables) -> list[str]:
        """The statements that copy the template's rows of ``tables`` into ``schema`` and set its
        sequences where the template's stand."""
        template = self.pg[0]
        return ([f'INSERT INTO {schema}."{table}" SELECT * FROM {template}."{table}"' for table in tables]
                + [f"SELECT setval('{schema}.\"{sequence}\"', last_value, is_called) FROM {template}.\"{sequence}\""
                   for sequence in self._pg_sequences])

    # -- PostgreSQL schemas used again ---------------------------------------------------------------
    # Making a schema from the template (its DDL: 34 tables, 75 indexes; the 20,000 days of the
    # calendar) and dropping it after the test cost PostgreSQL about 0.2 s of work a test; emptying a
    # finished test's schema back to the template's rows costs a tenth of that.  The calendar is
    # written again only when the test changed it (its rows then carry another transaction's id).
    def postgres_schema(self) -> str:
        """A schema as the template's copy for a test: one a finished test gave back, or a new one."""
        if self._pg_free:
            return self._pg_free.pop()
        schema = f"t_{uuid.uuid4().hex[:16]}"
        self.postgres(schema)
        if self.pg:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                self._pg_calendar[schema] = self._calendar_writer(conn, schema)
        return schema

    def give_back(self, schema: str) -> None:
        """``schema`` emptied to the template's rows for the next test; dropped instead when the test
        changed its tables, columns or indexes, or it cannot be emptied at once."""
        import psycopg

        if not self.pg:
            _drop_pg_schema(schema)
            return
        with_rows = self.pg[2]
        try:
            with psycopg.connect(PG_URL) as conn:  # one transaction: emptied whole, or not at all
                conn.execute("SET LOCAL lock_timeout = '5s'")  # a connection the test left open: drop it instead
                if self._shape(conn, schema) != self._pg_shape:
                    raise LookupError(f"the test changed the tables of {schema}")
                calendar_kept = self._calendar_writer(conn, schema) == self._pg_calendar.get(schema)
                kept = {"rm_workdays"} if calendar_kept else set()
                statements = [f'DELETE FROM {schema}."{table}"' for table in self._pg_tables if table not in kept]
                statements += self._template_rows(schema, [table for table in with_rows if table not in kept])
                conn.execute(";\n".join(statements))
                if not calendar_kept:
                    self._pg_calendar[schema] = self._calendar_writer(conn, schema)
        except (psycopg.Error, LookupError):
            self._pg_calendar.pop(schema, None)
            _drop_pg_schema(schema)
            return
        self._pg_free.append(schema)

    @staticmethod
    def _shape(conn, schema: str) -> str:
        """A digest of the schema's relations (tables, indexes, sequences) and their columns, in order."""
        return conn.execute(
            "SELECT md5(string_agg(c.relname || '.' || a.attname || ':' || a.attnum || ':' || a.atttypid, ',' "
            "ORDER BY c.relname, a.attnum)) FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid "
            "WHERE c.relnamespace = %s::regnamespace AND a.attnum > 0 AND NOT a.attisdropped",
            (schema,)).fetchone()[0]

    @staticmethod
    def _calendar_writer(conn, schema: str) -> str:
        """The transactions that wrote the calendar's rows, with their number: changed by any write."""
        count, writers = conn.execute(f"SELECT count(*), string_agg(DISTINCT xmin::text, ',') "
                                      f"FROM {schema}.rm_workdays").fetchone()
        return f"{count}:{writers}"

    def _pg_template(self) -> tuple[str, str, list[str]] | None:
        import shutil
        import subprocess

        import psycopg

        if shutil.which("pg_dump") is None:
            return None
        template = _new_pg_schema()
        self._pg_schema = template
        self._first_opening(_pg_env(template))
        dumped = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-n", template,
                                 "-d", PG_URL], capture_output=True, text=True)
        if dumped.returncode != 0:
            return None
        # psql's own commands (\restrict …) are not SQL
        ddl = "\n".join(line for line in dumped.stdout.splitlines() if not line.startswith("\\"))
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                                (template,)).fetchall()]
            tables = [n for n in names
                      if conn.execute(f'SELECT EXISTS (SELECT FROM {template}."{n}")').fetchone()[0]]
            self._pg_tables = names
            self._pg_sequences = [r[0] for r in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = %s", (template,)).fetchall()]
            self._pg_shape = self._shape(conn, template)
        return template, ddl, tables

    def close(self) -> None:
        for schema in self._pg_free:
            _drop_pg_schema(schema)
        self._pg_free.clear()
        if self._pg_schema:
            _drop_pg_schema(self._pg_schema)


@pytest.fixture(autouse=True)
def one_event_loop_per_test(monkeypatch):
    """litestar's TestClient, unless entered as a context (which runs the app's lifespan once per
    client), starts a thread with an event loop of its own for every request it sends: a third of
    a web test's time.  Here the clients of a test share one, started at the first request and
    stopped when the test ends, as a served app answers every request on one loop."""
    from contextlib import ExitStack, contextmanager

    from anyio.from_thread import start_blocking_portal
    from litestar.testing.client.base import BaseTestClient

    stack, shared = ExitStack(), []

    @contextmanager
    def portal(client):
        if hasattr(client, "blocking_portal"):  # an entered client's own
            yield client.blocking_portal
            return
        if not shared:
            shared.append(stack.enter_context(start_blocking_portal(
                backend=client.backend, backend_options=dict(client.backend_options or {}))))
        yield shared[0]

    monkeypatch.setattr(BaseTestClient, "portal", portal)
    with stack:
        yield


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Argon2 at its cheapest for every test run in this process: the application hashes with
    argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes: a tenth of a second or more a hash or a login
    on this machine), which made adding users and logging in much of the suite's time.  A hash
    records its own parameters, so logging in checks it the same way; processes a test starts
    (``duban demo``, ``duban serve``) hash as in production."""
    from argon2 import PasswordHasher

    import duban.application.users as users

    production, users._hasher = users._hasher, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._hasher = production


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory):
    templates = StoreTemplates(tmp_path_factory.mktemp("store-templates"))
    yield templates
    templates.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, tmp_path):
    """The eventsourcing settings of a fresh store of each kind, without any event (a copy of the
    process's ``StoreTemplates``), and of the in-memory store, for tests marked ``stores("memory")``."""
    if request.param == "memory":
        yield dict(MEMORY_ENV)
        return
    empty = request.node.get_closest_marker("empty_store")  # SQLite makes the file, PostgreSQL an empty schema
    templates = StoreTemplates(None) if empty else request.getfixturevalue("store_templates")
    if request.param == "sqlite":
        templates.sqlite(tmp_path / "events.sqlite3")
        yield sqlite_env(tmp_path / "events.sqlite3")
        return
    require_postgres()
    if empty:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        templates.postgres(schema)
        yield _pg_env(schema)
        _drop_pg_schema(schema)
        return
    schema = templates.postgres_schema()  # emptied to the template's rows after the test, for the next
    yield _pg_env(schema)
    templates.give_back(schema)




@pytest.fixture
def clock():
    return FixedClock(date(2026, 3, 2))


@pytest.fixture(scope="session")
def web_world_template(tmp_path_factory, store_templates):
    """The web world recorded once per process (tests/web_world.py ``WebWorldTemplate``)."""
    from web_world import WebWorldTemplate

    return WebWorldTemplate(tmp_path_factory.mktemp("web-world"), store_templates.sqlite)


@pytest.fixture
def app(store_env, clock, request):
    if "web" in request.fixturenames:  # a web test's store starts with the web world in it
        from web_world import uses_template

        if uses_template(store_env):
            request.getfixturevalue("web_world_template").copy_into(store_env["SQLITE_DBNAME"])
    duban = Duban(env=store_env, clock=clock)
    yield duban
    duban.close()


DISTRICT = "420105"


@pytest.fixture
def admin():
    return Actor(user="admin", role=Role.ADMIN, district=DISTRICT)


@pytest.fixture
def office():
    return Actor(user="duchashi-1", role=Role.OFFICE, district=DISTRICT)


def load_seed(in_ci: bool = IN_CI):
    """The demo district parsed from ../shared/seeds (or ``DUBAN_SEEDS_DIR``): a test that needs it
    skips loudly when the seeds are absent, except under ``CI=true``, where it fails."""
    from duban.demo.seeds import SeedsNotFound, load_seed_district

    try:
        return load_seed_district()
    except SeedsNotFound as error:
        if in_ci:
            pytest.fail(f"CI=true requires the seed documents (shared/seeds beside the repository, or "
                        f"DUBAN_SEEDS_DIR): {error}", pytrace=False)
        pytest.skip(f"shared/seeds not found beside the repo: {error}")


@pytest.fixture(scope="session")
def seed():
    """The demo district parsed from ../shared/seeds (see ``load_seed``: fails under CI=true
    when the seeds are missing)."""
    return load_seed()


# -- the demo year, built once per session and store kind --------------------------------------------
DEMO_TODAY = date(2026, 11, 24)
DEMO_AS_OF = date(2026, 8, 31)  # the ledger as of this day is taken on that day, while the year is built
DEMO_AS_OF_KINDS = ("item", "subtask", "rectification", "notice")


@dataclass
class DemoYear:
    """The demo district's year on one store, built once: the service and the read side on it,
    caught up every week of the year as a running office would (batches of 37)."""

    kind: str
    env: dict
    app: Duban
    read_side: object  # projections.read_side.ReadSide
    summary: object  # duban.demo.simulation.DemoSummary
    ledger_as_of: list = field(default_factory=list)  # the ledger as of ``as_of``, taken on that day
    as_of: date = DEMO_AS_OF

    @property
    def position(self) -> int:
        return self.app.store.recorder.max_notification_id() or 0


class DemoYears:
    """Builds the demo year at most once per store kind in a session (each build takes tens of
    seconds), and copies its events into a test's own store."""

    def __init__(self, seed, folder) -> None:
        self.seed, self.folder = seed, folder
        self.years: dict[str, DemoYear] = {}
        self._failed: dict[str, str] = {}
        self._schemas: list[str] = []

    def get(self, kind: str) -> DemoYear:
        if kind in self._failed:  # built once: a build that failed is not tried again by every test
            pytest.fail(f"the demo year on {kind} failed to build earlier in this session: {self._failed[kind]}",
                        pytrace=False)
        if kind not in self.years:
            if kind == "postgres":
                require_postgres()
                schema = _new_pg_schema()
                self._schemas.append(schema)
                env = _pg_env(schema)
            else:
                env = sqlite_env(self.folder / "demo-year.sqlite3")
            try:
                self.years[kind] = self._build(kind, env)
            except Exception as error:
                self._failed[kind] = f"{type(error).__name__}: {error}"
                raise
        return self.years[kind]

    def _build(self, kind: str, env: dict) -> DemoYear:
        from duban.demo.simulation import build_demo
        from projections.ledger import LedgerQueries
        from projections.read_side import ReadSide

        clock = FixedClock(DEMO_TODAY)
        app = Duban(env=env, clock=clock)
        read_side = ReadSide(app.store)
        year = DemoYear(kind, env, app, read_side, summary=None)

        def weekly(day: date) -> None:
            read_side.catch_up(batch_size=37)
            if day >= DEMO_AS_OF and not year.ledger_as_of:
                year.ledger_as_of = LedgerQueries(read_side.read_models, app.calendar()).rows(
                    self.seed.code, day, as_of=DEMO_AS_OF, kinds=DEMO_AS_OF_KINDS)

        year.summary = build_demo(app, clock, self.seed, DEMO_TODAY, on_week=weekly)
        read_side.catch_up(batch_size=37)
        return year

    def of(self, env: dict) -> DemoYear:
        """The demo year on the kind of store ``env`` names."""
        return self.get(_store_kind(env))

    def copy_into(self, kind: str, env: dict) -> None:
        """Copy the demo year's events (and snapshots) into the empty store ``env``: the store's
        tables are made by opening it, then the rows come over with their notification ids.  Its
        read models start empty."""
        source = self.get(kind)
        Duban(env=env).close()  # the event store's tables, as the library makes them
        if kind == "sqlite":
            target = sqlite3.connect(env["SQLITE_DBNAME"])
            try:
                target.execute("ATTACH DATABASE ? AS demo", (source.env["SQLITE_DBNAME"],))
                with target:  # one transaction; an event's rowid is its notification id
                    target.execute("INSERT INTO main.stored_events (rowid, originator_id, originator_version, "
                                   "topic, state) SELECT rowid, originator_id, originator_version, topic, state "
                                   "FROM demo.stored_events")
                    target.execute("INSERT INTO main.stored_snapshots SELECT * FROM demo.stored_snapshots")
            finally:
                target.close()
            return
        import psycopg

        into, out_of = env["POSTGRES_SCHEMA"], source.env["POSTGRES_SCHEMA"]
        with psycopg.connect(PG_URL, autocommit=False) as conn:
            for table in ("duban_events", "duban_snapshots"):  # the event store's own tables
                conn.execute(f"INSERT INTO {into}.{table} SELECT * FROM {out_of}.{table}")
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{into}.duban_events', 'notification_id'), "
                         f"(SELECT max(notification_id) FROM {into}.duban_events))")

    def close(self) -> None:
        for year in self.years.values():
            year.app.close()
        for schema in self._schemas:
            _drop_pg_schema(schema)


@pytest.fixture(scope="session")
def demo_years(seed, tmp_path_factory):
    years = DemoYears(seed, tmp_path_factory.mktemp("demo-years"))
    yield years
    years.close()


@pytest.fixture(params=["sqlite", "postgres"])
def demo_read(request, demo_years):
    """The session's demo year on each store kind, read side caught up: for tests that only read.
    Nothing may be recorded in it (the test fails if an event is added or the read side moves)."""
    year = demo_years.get(request.param)
    events, position = year.position, year.read_side.position()
    yield year
    if (year.position, year.read_side.position()) != (events, position):
        pytest.fail(f"the shared demo year ({year.kind}) was changed by this test: events {events} → "
                    f"{year.position}, read side {position} → {year.read_side.position()}; a test that "
                    f"records anything uses the `demo` fixture (its own copy)", pytrace=False)


def _store_kind(env: dict) -> str:
    module = env["PERSISTENCE_MODULE"]
    assert "sqlite" in module or "postgres" in module, "the demo year lives on SQLite or PostgreSQL"
    return "postgres" if "postgres" in module else "sqlite"


@pytest.fixture
def demo(store_env, demo_years):
    """The demo district's year on a fresh store of each kind (``store_env``'s, a copy of the
    session's year: change it at will), and its (empty) read side."""
    from projections.read_side import ReadSide

    demo_years.copy_into(_store_kind(store_env), store_env)
    app = Duban(env=store_env, clock=FixedClock(DEMO_TODAY))
    yield app, ReadSide(app.store)
    app.close()
