"""The record in people's words (issue 13, point 5): no page or document that any role can reach shows
an account, a unit or leader code, a rule id, an enum value or a raw UTC timestamp.

`duban demo` builds the demo year into a file of this test's own and `duban serve` serves it. Chromium
logs in as every demo user and follows every link of the pages it reaches (GET, same site), a few
pages of each route shape, reads each page's text, and downloads the Word and Excel documents the pages
offer and reads their text too.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pytest
from browser import require_browser
from processes import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
DUBAN = os.path.join(os.path.dirname(sys.executable), "duban")
TODAY = date(2026, 11, 24)
PER_SHAPE = 2  # pages visited per route shape and user
PER_USER = 150  # pages visited at most per user
ACCOUNT_PAGES = ("/admin/users",)  # the accounts page names logins: that is what it manages
SKIP_PATHS = ("/logout", "/static/", "/schema", "/api/", "/healthz")
# lower-case words that may stand in a Chinese page: file types, units of measure
ALLOWED_WORDS = {"docx", "xlsx", "pdf", "doc", "xls", "wps", "et", "dps", "jpg", "jpeg", "png", "kb", "mb",
                 "sha", "px"}
HASH = re.compile(r"\b[0-9a-f]{16,}\b")
WORD = re.compile(r"(?<![A-Za-z0-9_./-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*(?![A-Za-z0-9_])")
RULE_ID = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b")
UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]00:?00)")


# -- what must not be shown ------------------------------------------------------------------------------
def forbidden_codes() -> dict[str, str]:
    """Account names, unit and leader codes of the demo district → what they are."""
    from duban.demo.seeds import load_seed_district

    seed = load_seed_district()
    codes = {u.code: "单位代码" for u in seed.units}
    codes.update({leader.code: "领导代码" for leader in seed.leaders})
    codes.update({name: "账号" for name in ("admin", "duchashi", "qingchuan", "sifaju", "quzhang", "fuquzhang",
                                            "jiwei", "system")})
    return codes


def problems_in(text: str, codes: dict[str, str], *, accounts: bool = True) -> list[str]:
    """Every account/code, rule id, enum value or raw timestamp in ``text``, described.  ``accounts``:
    whether login names count (not on the administrator's page of accounts, where the login name is
    what is managed)."""
    found = []
    plain = HASH.sub(" ", text)
    for code, what in codes.items():
        if what == "账号" and not accounts:
            continue
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", plain):
            found.append(f"{what} {code}")
    for rule in RULE_ID.findall(plain):
        found.append(f"规则编号 {rule}")
    for word in WORD.findall(RULE_ID.sub(" ", plain)):
        if word not in ALLOWED_WORDS and word not in codes:
            found.append(f"英文取值 {word}")
    for stamp in UTC_STAMP.findall(text):
        found.append(f"UTC时间 {stamp}")
    return found


def test_the_checker_finds_what_it_looks_for():
    codes = {"U01": "单位代码", "duchashi": "账号"}
    assert problems_in("承办单位：U01，操作人 duchashi", codes) == ["单位代码 U01", "账号 duchashi"]
    assert problems_in("拒绝原因 notice.urged_or_long_overdue", codes) == ["规则编号 notice.urged_or_long_overdue"]
    assert problems_in("测评：unsatisfied", codes) == ["英文取值 unsatisfied"]
    assert problems_in("2026-03-02T01:02:03Z", codes) == ["UTC时间 2026-03-02T01:02:03Z"]
    clean = "晴川街（张三） 2026-03-02 09:02 下载 Word（.docx） 校验码 3f9a0c1d2e4b5a6978695a4b3c2d1e0f 附件 120 KB"
    assert problems_in(clean, codes) == []


# -- the crawl -------------------------------------------------------------------------------------------
def shape(url: str) -> str:
    """The route a URL is an instance of: ids and numbers become {}, query values are dropped."""
    parts = urlsplit(url)
    segments = ["{}" if re.fullmatch(r"[0-9a-fA-F-]{8,}|\d+|\d{4}-\d{2}(-\d{2})?|\d{4}-Q\d|\d{4}-H\d", s) else s
                for s in parts.path.split("/")]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    require_browser()
    from duban.demo.seeds import SeedsNotFound, load_seed_district

    try:
        load_seed_district()
    except SeedsNotFound as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires ../shared/seeds: {error}", pytrace=False)
        pytest.skip(f"SKIPPING — shared/seeds not found: {error}")
    folder = tmp_path_factory.mktemp("crawl")
    db = folder / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB")}
    env.update(DUBAN_SECRET="c" * 32)
    built = subprocess.run([DUBAN, "demo", "--db", str(db), "--log-file", str(folder / "demo.jsonl"),
                            "--today", TODAY.isoformat()], env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    port = free_port()
    server = subprocess.Popen([DUBAN, "--db", str(db), "serve", "--port", str(port), "--today", TODAY.isoformat()],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"duban serve did not start: {server.stdout.read()[-2000:]}")
        time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def document_text(content: bytes, suffix: str) -> str:
    if suffix == ".docx":
        from docx import Document

        document = Document(io.BytesIO(content))
        texts = [p.text for p in document.paragraphs]
        for table in document.tables:
            texts += [cell.text for row in table.rows for cell in row.cells]
        for section in document.sections:
            texts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
        return "\n".join(texts)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(value) for sheet in workbook.worksheets
                     for row in sheet.iter_rows(values_only=True) for value in row if value is not None)


WORD_TYPE = "wordprocessingml"
EXCEL_TYPE = "spreadsheetml"


def check_document(page, url: str, codes: dict[str, str]) -> list[str]:
    """The problems in the Word or Excel file at ``url`` (fetched with the page's login)."""
    answer = page.request.get(url)
    kind = answer.headers.get("content-type", "")
    if answer.status != 200 or (WORD_TYPE not in kind and EXCEL_TYPE not in kind):
        return []
    return problems_in(document_text(answer.body(), ".docx" if WORD_TYPE in kind else ".xlsx"), codes)


def crawl(page, base: str, codes: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Visit what the logged-in user can reach; (url → problems, visited urls)."""
    from playwright.sync_api import Error

    seen_shapes: dict[str, int] = defaultdict(int)
    queue, queued, visited = [page.url], {page.url}, []
    problems: dict[str, list[str]] = {}
    while queue and len(visited) < PER_USER:
        url = queue.pop(0)
        visited.append(url)
        try:
            response = page.goto(url, wait_until="load")
        except Error as error:  # a download, not a page
            if "Download is starting" not in str(error):
                raise
            found = check_document(page, url, codes)
            if found:
                problems[url] = sorted(set(found))
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        found = problems_in(page.inner_text("body") + "\n" + page.title(), codes,
                            accounts=not urlsplit(url).path.startswith(ACCOUNT_PAGES))
        if found:
            problems[url] = sorted(set(found))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if not target.startswith(base) or parts.path.startswith(SKIP_PATHS) or target in queued:
                continue
            key = shape(target)
            if seen_shapes[key] >= PER_SHAPE:
                continue
            seen_shapes[key] += 1
            queued.add(target)
            queue.append(target)
    return problems, visited


REFUSED_PROBES = ("/office", "/office/ledger", "/unit", "/leader", "/discipline", "/admin/users",
                  "/office/items/00000000000000000000000000000000")
USERS = ("duchashi", "qingchuan", "sifaju", "quzhang", "fuquzhang", "jiwei", "admin")


@pytest.mark.parametrize("username", USERS)
def test_no_page_or_document_of_any_role_shows_codes_rule_ids_or_enum_values(demo_server, chromium, username):
    from duban.demo.users import DEMO_PASSWORD

    codes = forbidden_codes()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        page.goto(demo_server + "/login", wait_until="load")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="登录", exact=True).click()
        assert "/login" not in page.url, f"login as {username} failed"
        problems, visited = crawl(page, demo_server, codes)
        for path in REFUSED_PROBES:  # the refusals a user meets: another role's pages, a missing record
            response = page.goto(demo_server + path, wait_until="load")
            if response is not None and response.status in (403, 404) and "text/html" in response.headers.get(
                    "content-type", ""):
                found = problems_in(page.inner_text("body"), codes)
                if found:
                    problems[path] = sorted(set(found))
    finally:
        context.close()
    assert len(visited) >= 5, f"{username} reached only {visited}"
    report = "\n".join(f"{url}: {'；'.join(found)}" for url, found in sorted(problems.items()))
    assert not problems, f"{username} saw codes, rule ids or enum values on {len(problems)} of {len(visited)} pages:\n{report}"
