"""The demo district served as a user meets it, and a crawl of every page each demo user can reach.

Used by the tests that look at every page of every role (tests/test_crawl_words.py: the words a page
shows; tests/test_browser_phone.py: every page fits a phone's screen)::

    def test_something(demo_server, chromium):
        page = log_in(chromium, demo_server, "duchashi", viewport=(360, 740))
        visited = crawl(page, demo_server, lambda page, url: [...problems on this page...])

* :func:`demo_served` — ``duban demo --serve`` builds the demo year into a file of its own and serves
  it, once per test session (conftest.py imports the fixtures, so every module shares it): the crawls
  read its pages (:func:`demo_server`, its address), the README's demo test what it printed.
* :func:`crawl` — follows every link (GET, same site) of the pages the logged-in user reaches, one
  page of each route shape (:func:`shape`), and hands each page to a check.
* :func:`crawled` — one crawl per user and session for every check registered (:func:`register_check`):
  the words test and the phone test read their findings from the same visit of each page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from processes import free_port, logged_in, wait_until_serving

DUBAN = os.path.join(os.path.dirname(sys.executable), "duban")
TODAY = date(2026, 11, 24)
PER_SHAPE = 1  # pages visited per route shape and user (a second page of each shape made the crawl a fifth longer)
PER_USER = 150  # pages visited at most per user
SKIP_PATHS = ("/logout", "/static/", "/schema", "/api/", "/healthz")
# pages no link leads to (a form's answer), visited as well by the users they answer (others get 403)
FORM_PAGES = ("/office/search?q=12", "/office/search?q=改造", "/leader/search?q=12", "/leader/search?q=改造")
# pages a user may be refused (another role's areas, a record that is not there, an address that is
# not a page): every user visits them all, and the checks read the refusals (403, 404) as they read pages
REFUSED_PAGES = ("/office", "/office/ledger", "/unit", "/leader", "/discipline", "/admin/users",
                 "/office/items/00000000000000000000000000000000", "/no-such-page")
DEPLOYMENT_ADMIN = "pingtai"  # the deployment administrator (平台管理员) added beside the demo district
USERS = ("duchashi", "qingchuan", "sifaju", "quzhang", "fuquzhang", "jiwei", "admin",
         DEPLOYMENT_ADMIN)  # every role


def shape(url: str) -> str:
    """The route a URL is an instance of: ids and numbers become {}, query values are dropped."""
    parts = urlsplit(url)
    segments = ["{}" if re.fullmatch(r"[0-9a-fA-F-]{8,}|\d+|\d{4}-\d{2}(-\d{2})?|\d{4}-Q\d|\d{4}-H\d", s) else s
                for s in parts.path.split("/")]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


@dataclass(frozen=True)
class ServedDemo:
    """``duban demo --serve`` running (what the README's first command, ``python3 dev.py demo``,
    runs): the demo year built up to :data:`TODAY` and served, with the deployment administrator
    added beside the demo district."""

    port: int
    output: Path  # what it printed: the address, the demo logins and each one's work waiting today

    @property
    def base(self) -> str:
        """The address it serves."""
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def demo_served(tmp_path_factory) -> ServedDemo:
    """The demo district served once per test session, for the crawls and the README's demo test."""
    from duban.demo.seeds import SeedsNotFound, load_seed_district
    from duban.demo.users import DEMO_PASSWORD

    try:
        load_seed_district()
    except SeedsNotFound as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires ../shared/seeds: {error}", pytrace=False)
        pytest.skip(f"SKIPPING — shared/seeds not found: {error}")
    folder = tmp_path_factory.mktemp("crawl")
    db, output = folder / "demo.sqlite3", folder / "printed.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB")}
    env.update(DUBAN_SECRET="c" * 32, PYTHONUNBUFFERED="1")  # what it prints is in the file as it prints it
    served = ServedDemo(free_port(), output)
    with output.open("w") as printing:
        server = subprocess.Popen([DUBAN, "demo", "--serve", "--port", str(served.port), "--today", TODAY.isoformat(),
                                   "--db", str(db), "--log-file", str(folder / "demo.jsonl")],
                                  env=env, stdout=printing, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(served.base + "/healthz", server, 300, output=output)
        # the deployment administrator, added by an operator while the demo serves (its worker reads it in)
        platform = subprocess.run([DUBAN, "--db", str(db), "setup", "--deployment-admin", DEPLOYMENT_ADMIN,
                                   "--deployment-admin-name", "平台运维", "--password", DEMO_PASSWORD],
                                  env=env, capture_output=True, text=True, timeout=120)
        assert platform.returncode == 0, platform.stdout[-2000:] + platform.stderr[-2000:]
        logged_in(served.base, DEPLOYMENT_ADMIN, DEMO_PASSWORD).close()
        yield served
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def demo_server(demo_served) -> str:
    """The address of the served demo (:func:`demo_served`), for the crawls."""
    return demo_served.base


def log_in(chromium, base: str, username: str, *, viewport: tuple[int, int] = (1280, 900)):
    """A page of a fresh browser context (``viewport``: width, height) logged in as the demo user
    ``username`` through the login page; the caller closes ``page.context``."""
    from duban.demo.users import DEMO_PASSWORD

    width, height = viewport
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(base + "/login", wait_until="load")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="登录", exact=True).click()
    assert "/login" not in page.url, f"login as {username} failed"
    return page


Check = Callable[[object, str], list[str]]  # (page, url) → the problems found there


def crawl(page, base: str, check: Check, *, download: Check | None = None,
          per_shape: int = PER_SHAPE) -> tuple[dict[str, list[str]], list[str]]:
    """Visit what the logged-in user can reach from the page it is on, at most ``per_shape`` pages of
    each route shape, and the :data:`REFUSED_PAGES`: ``check(page, url)`` on every HTML page once
    loaded (a refusal's page too), ``download(page, url)`` on every link that answers with a download.
    (url → problems found, the urls visited but those that answered with a refusal.)"""
    from playwright.sync_api import Error

    seen_shapes: dict[str, int] = defaultdict(int)
    start_size = dict(page.viewport_size)
    queue = [page.url, *(base + path for path in FORM_PAGES + REFUSED_PAGES)]
    queued, visited = set(queue), []
    problems: dict[str, list[str]] = {}
    while queue and len(visited) < PER_USER:
        url = queue.pop(0)
        if page.viewport_size != start_size:  # each page loads at the size the crawl started with
            page.set_viewport_size(start_size)
        try:
            response = page.goto(url, wait_until="load")
        except Error as error:  # a download, not a page
            if "Download is starting" not in str(error):
                raise
            visited.append(url)
            found = download(page, url) if download else []
            if found:
                problems[url] = sorted(set(found))
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status != 200:
            if response.status in (403, 404):  # a refusal as the user meets it: checked, not followed
                found = check(page, url)
                if found:
                    problems[url] = sorted(set(found))
            continue
        visited.append(url)
        found = check(page, url)
        if found:
            problems[url] = sorted(set(found))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if not target.startswith(base) or parts.path.startswith(SKIP_PATHS) or target in queued:
                continue
            key = shape(target)
            if seen_shapes[key] >= per_shape:
                continue
            seen_shapes[key] += 1
            queued.add(target)
            queue.append(target)
    return problems, visited


# -- one crawl per user for every check -----------------------------------------------------------------
CRAWL_VIEWPORT = (360, 740)  # each page is loaded at the narrowest phone's size; a check may resize
CheckFor = Callable[[str], tuple[Check, "Check | None"]]  # username → (page check, download check)
CHECKS: dict[str, CheckFor] = {}  # check name → its maker, registered by the modules that crawl


def register_check(name: str, checks_for: CheckFor) -> None:
    """Have ``name``'s checks run on every page of the shared crawl (:func:`crawled`): a module that
    looks at every page registers its checks when imported, and reads its findings by name."""
    CHECKS[name] = checks_for


class Crawled:
    """What one user's crawl found: the pages visited, and by check name the problems on each page."""

    def __init__(self, visited: list[str], problems: dict[str, dict[str, list[str]]]) -> None:
        self.visited, self.problems = visited, problems


_CRAWLED: dict[tuple[str, str], "Crawled | str"] = {}


def crawled(chromium, base: str, username: str) -> Crawled:
    """The crawl of ``username``'s pages, once per session for every registered check (the words test
    and the phone test read the same pages: one demo server, one visit of each page, both checks on
    it).  Each page is loaded at :data:`CRAWL_VIEWPORT`; the checks run in the order of their names,
    each at the size the one before left (a check sets the size it needs)."""
    key = (base, username)
    if key not in _CRAWLED:
        makers = {name: checks_for(username) for name, checks_for in CHECKS.items()}
        problems: dict[str, dict[str, list[str]]] = {name: {} for name in makers}

        def each(kind: int):
            def run(page, url: str) -> list[str]:
                for name, checks in sorted(makers.items()):  # by name: the phone's, then the words' (at the
                    if checks[kind] is None:                  # desktop's size the phone's check ends at)
                        continue
                    found = checks[kind](page, url)
                    if found:
                        problems[name][url] = sorted(set(found))
                return []
            return run

        page = log_in(chromium, base, username, viewport=CRAWL_VIEWPORT)
        try:
            _, visited = crawl(page, base, each(0), download=each(1))
            _CRAWLED[key] = Crawled(visited, problems)
        except Exception as error:  # the second check's test fails with the first's reason, not a second crawl
            _CRAWLED[key] = f"the crawl of {username}'s pages failed: {type(error).__name__}: {error}"
            raise
        finally:
            page.context.close()
    found = _CRAWLED[key]
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    return found


__all__ = ["CHECKS", "CRAWL_VIEWPORT", "Crawled", "DEPLOYMENT_ADMIN", "FORM_PAGES", "PER_SHAPE", "REFUSED_PAGES", "TODAY", "USERS",
           "ServedDemo", "crawl", "crawled", "demo_served", "demo_server", "log_in", "register_check", "shape"]
