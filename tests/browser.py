"""Browser tests: the real app under uvicorn, driven by Chromium through Playwright.

Use it from a test module with ``from browser import live, pages, ...`` (the fixtures are imported
there so pytest sees them) — but not ``chromium``: conftest.py imports that one, so one Chromium
serves the whole run (a second Playwright started while the first lives refuses to run)::

    def test_something(live, pages):
        page = pages.login("duchashi")
        page.goto(live.url("/office"))
        shot(page, "dashboard")

* :func:`live` — a small district (builders) with one user per role, the app served by uvicorn
  in a background thread on a free 127.0.0.1 port, over a SQLite store of its own.
* :func:`pages` — opens a fresh browser context per user and logs in through the login page;
  every request the browser makes is recorded.
* :func:`shot` — a full-page screenshot in ``test-output/screenshots/<test>-<name>.png``, taken when
  ``DUBAN_SCREENSHOTS=all`` (to look the pages over); whatever the setting, a browser test that fails
  leaves a screenshot of every page it had open (:func:`screenshot_open_pages`, called by conftest.py).

Playwright cannot download browsers here, so Debian's Chromium (``/usr/bin/chromium``) is
launched.  When it or the ``playwright`` package is missing the tests skip with a loud reason;
under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator
from uuid import UUID

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() == "true"
# every page a browser test visits screenshotted (full page, slow), not only those of a failed test
SCREENSHOT_EVERY_PAGE = os.environ.get("DUBAN_SCREENSHOTS", "").lower() == "all"
TODAY = date(2026, 3, 2)
PASSWORD = "correct-horse-1"
TIMEOUT_MS = 15_000

# username → (role, unit code, leader code, display name)
USERS = {
    "duchashi": ("office", None, None, "督查室"),
    "zhujianju": ("unit", "A", None, "区住建局"),
    "qingchuan": ("unit", "B", None, "晴川街"),
    "quzhang": ("leader", None, "HEAD", "区长"),
    "jiwei": ("discipline", None, None, "区纪委监委"),
}


# -- availability ------------------------------------------------------------------------------------
def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing (install Debian's chromium: "
                "apt-get install -y chromium; Playwright cannot download browsers here)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"the playwright package is missing ({error}); install with pip install -e '.[test]'"
    return None


def require_browser() -> None:
    problem = browser_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true requires the browser tests to run: {problem}", pytrace=False)
        pytest.skip(f"SKIPPING BROWSER TESTS — {problem}")


# -- the live app --------------------------------------------------------------------------------------
@dataclass
class LiveApp:
    base_url: str
    duban: object  # duban.application.Duban
    world: object  # builders.World
    users: dict[str, dict] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def item(self, title: str, *, lead: str | None = "A", sign: bool = False, **kwargs) -> UUID:
        """An item registered (and assigned to ``lead``) through the service, for a test's set-up."""
        return self.world.item(lead=lead, sign=sign, title=title, reference="区政府第3次常务会议",
                               decision_date=date(2026, 2, 27), **kwargs)


def _serve(asgi_app) -> tuple[object, threading.Thread, int]:
    import uvicorn

    from web.asgi import UVICORN_OPTIONS

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(asgi_app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                            access_log=False, **UVICORN_OPTIONS)  # as duban serve runs it
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn-live-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn stopped before serving the app (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    return server, thread, port


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[LiveApp]:
    """The app served over a small district: units A 区住建局 and B 晴川街 under the district head."""
    require_browser()
    from builders import DistrictBuilder
    from web_world import web_app

    from domain.actor import Role
    from duban.application import Duban
    from duban.clock import FixedClock

    folder = tmp_path_factory.mktemp("live-app")
    clock = FixedClock(TODAY)
    duban = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": str(folder / "events.sqlite3")}, clock=clock)
    world = (DistrictBuilder(duban)
             .units(A="区住建局", B="晴川街", C="区城管局")
             .leaders(HEAD="district_head", V1="vice_head")
             .place(A="V1", B="V1", C="V1")
             .build())
    users = {}
    for username, (role, unit, leader, name) in USERS.items():
        duban.add_user(username=username, password=PASSWORD, role=Role(role), district=world.district,
                       actor=world.admin, display_name=name,
                       unit=world.unit_ids[unit] if unit else None,
                       leader=world.leader_ids[leader] if leader else None)
        users[username] = {"role": role, "unit": unit, "leader": leader, "name": name}
    # something in the ledger besides what the tests add
    world.item(lead="C", sign=True, title="整治背街小巷环境卫生", reference="区政府第1次常务会议",
               decision_date=date(2026, 1, 12), on=date(2026, 1, 12))
    world.item(lead="B", sign=True, title="推进老旧小区改造", reference="区政府第2次常务会议",
               decision_date=date(2026, 2, 2), on=date(2026, 2, 2))

    server, thread, port = _serve(web_app(duban, slot="live"))
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", duban, world, users)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        duban.close()


# -- the browser -----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Pages:
    """Browser contexts for one test: one per user, each recording every request it makes."""

    def __init__(self, browser, live: LiveApp) -> None:
        self.browser, self.live = browser, live
        self.contexts: list = []
        self.requests: list[str] = []

    def new(self):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        return context.new_page()

    def login(self, username: str, password: str = PASSWORD):
        """A fresh page logged in as ``username`` through the login form."""
        page = self.new()
        login(page, self.live, username, password)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium, live) -> Iterator[Pages]:
    opened = Pages(chromium, live)
    try:
        yield opened
    finally:
        opened.close()


# -- helpers -----------------------------------------------------------------------------------------------
def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "test").split(" ")[0]
    name = current.split("::")[-1]
    return re.sub(r"[^\w.-]+", "_", name)


def shot(page, name: str, *, always: bool = False) -> Path | None:
    """A full-page screenshot, test-output/screenshots/<test>-<name>.png, when ``DUBAN_SCREENSHOTS=all``
    or ``always``; None when not taken."""
    if not (always or SCREENSHOT_EVERY_PAGE):
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clean = re.sub(r"[^\w.-]+", "_", name)
    path = SCREENSHOTS / f"{_test_name()}-{clean}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshot_open_pages(browser, why: str = "failed") -> list[Path]:
    """Every page still open in ``browser`` screenshotted (<test>-failed-N.png): what a failed test saw."""
    taken = []
    for context in browser.contexts:
        for page in context.pages:
            try:
                taken.append(shot(page, f"{why}-{len(taken) + 1}", always=True))
            except Exception:  # a page that crashed or closed meanwhile: the others still count
                continue
    return taken


def visit(page, live: LiveApp, path: str, name: str, *, status: int = 200):
    """Open ``path``, screenshot it as ``name`` and check the answer's status."""
    response = page.goto(live.url(path), wait_until="load")
    shot(page, name)
    assert response is not None, f"no response for {path}"
    assert response.status == status, (
        f"GET {path} answered {response.status}, expected {status}: {_text(page)[:400]}")
    return response


def login(page, live: LiveApp, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login page (screenshot ``login-<username>``)."""
    page.goto(live.url("/login"), wait_until="load")
    shot(page, f"login-{username}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="登录", exact=True).click()
    assert "/login" not in page.url, f"login as {username} failed: {_text(page)[:300]}"


def _text(page) -> str:
    try:
        return re.sub(r"\s+", " ", page.inner_text("body"))
    except Exception:  # noqa: BLE001 - only for messages
        return "<no body>"


def choose(select, wanted: str) -> None:
    """Select the option whose value is ``wanted`` or whose text contains it."""
    for option in select.locator("option").all():
        value = option.get_attribute("value")
        if value == wanted or wanted in option.inner_text():
            select.select_option(value=value if value is not None else option.inner_text())
            return
    options = [o.inner_text() for o in select.locator("option").all()]
    raise AssertionError(f"no option {wanted!r} among {options}")


def fill(form, name: str, value: str) -> None:
    """Fill the field ``name`` of ``form`` (input, textarea or select)."""
    field_ = form.locator(f"[name='{name}']")
    assert field_.count() >= 1, f"the form has no field named {name!r}"
    field_ = field_.first
    tag = field_.evaluate("element => element.tagName.toLowerCase()")
    if tag == "select":
        choose(field_, value)
    elif field_.get_attribute("type") == "checkbox":  # e.g. an irreversible step's confirmation
        field_.set_checked(value not in ("", "0", "off", "false"))
    else:
        field_.fill(value)


def open_action(page, button: str) -> None:
    """Open the action whose form holds the button labelled ``button`` when it is one of a page's
    actions shown as buttons (the ``details`` of _forms.html ``action``), as a person does: by
    pressing the action's own button (its summary).  Nothing to do when the button shows already."""
    if page.get_by_role("button", name=button, exact=True).count():
        return
    holder = page.locator("details.action-box").filter(
        has=page.get_by_role("button", name=button, exact=True, include_hidden=True))
    if holder.count():
        holder.first.locator("summary").click()


def attach(page, button: str, files: dict[str, bytes], field: str = "attachments") -> None:
    """Choose ``files`` (file name → content) in the file field ``field`` of the form holding the
    button labelled ``button`` — what a person does with the file picker (or a phone's camera), e.g.
    a completion report's evidence: ``attach(page, "报告办结", {"验收照片.png": png})``."""
    open_action(page, button)
    target = page.get_by_role("button", name=button, exact=True)
    assert target.count() >= 1, f"no button {button!r} on {page.url}: {_text(page)[:400]}"
    picker = page.locator("form").filter(has=target).first.locator(f"input[type=file][name='{field}']")
    assert picker.count() == 1, f"the form of {button!r} has no file field {field!r}"
    picker.set_input_files([{"name": name, "mimeType": "application/octet-stream", "buffer": content}
                            for name, content in files.items()])


def submit(page, button: str, name: str, *, expect_status: int | None = 200,
           files: dict[str, bytes] | None = None, **fields: str):
    """Fill the form holding the button labelled ``button`` (``files``: chosen in its file field, see
    :func:`attach`), click it, wait for the answer page and screenshot it as ``name``.  Returns the
    navigation's response.  A form behind an action's button is opened first (:func:`open_action`)."""
    open_action(page, button)
    target = page.get_by_role("button", name=button, exact=True)
    assert target.count() >= 1, f"no button {button!r} on {page.url}: {_text(page)[:400]}"
    form = page.locator("form").filter(has=target).first
    for key, value in fields.items():
        fill(form, key, value)
    if files:
        attach(page, button, files)
    with page.expect_navigation(wait_until="load") as navigation:
        form.get_by_role("button", name=button, exact=True).first.click()
    response = navigation.value
    shot(page, name)
    if expect_status is not None:
        assert response is not None and response.status == expect_status, (
            f"{button} answered {response.status if response else None} on {page.url}: {_text(page)[:400]}")
    return response


__all__ = ["LiveApp", "Pages", "PASSWORD", "TODAY", "attach", "browser_problem", "chromium", "choose", "fill", "live",
           "login", "open_action", "pages", "require_browser", "shot", "submit", "visit"]
