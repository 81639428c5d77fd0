"""The record in people's words (issue 13, point 5): no page or document that any role can reach shows
an account, a unit or leader code, a rule id, an enum value or a raw UTC timestamp.

The demo year served by `duban serve` (tests/crawl.py: `demo_server`, shared with the phone test).
Chromium logs in as every demo user and follows every link of the pages it reaches (GET, same site),
one page of each route shape (tests/crawl.py: `crawled`, the same visit of each page as the phone test's),
reads each page's text at the desktop's size, and downloads the Word and Excel documents the pages offer
and reads their text too.  The refusals each user meets (another role's pages, a record that is not
there, an address that is no page: tests/crawl.py `REFUSED_PAGES`) are read as well.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from crawl import DEPLOYMENT_ADMIN, USERS, crawled, register_check

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACCOUNT_PAGES = ("/admin/users",)  # the accounts page names logins: that is what it manages
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
                                            "jiwei", "system", DEPLOYMENT_ADMIN)})
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


# -- the crawl (tests/crawl.py) ---------------------------------------------------------------------
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


def page_problems(codes: dict[str, str]):
    """The check of a crawled page: the codes, rule ids, enum values and timestamps its text shows."""
    def check(page, url: str) -> list[str]:
        return problems_in(page.inner_text("body") + "\n" + page.title(), codes,
                           accounts=not urlsplit(url).path.startswith(ACCOUNT_PAGES))
    return check


DESKTOP = (1280, 900)  # the words are read as a desktop shows them (a phone may hide a column)


def word_checks(username: str):
    """The checks of the shared crawl (tests/crawl.py: ``crawled``, the phone test's pages too): each
    page's text at the desktop's size, and the documents its links download."""
    codes = forbidden_codes()
    check = page_problems(codes)

    def at_desktop(page, url: str) -> list[str]:
        if page.viewport_size != {"width": DESKTOP[0], "height": DESKTOP[1]}:
            page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
        return check(page, url)

    return at_desktop, lambda page, url: check_document(page, url, codes)


register_check("words", word_checks)


@pytest.mark.parametrize("username", USERS)
def test_no_page_or_document_of_any_role_shows_codes_rule_ids_or_enum_values(demo_server, chromium, username):
    pages = crawled(chromium, demo_server, username)  # the refusals it meets too (crawl.REFUSED_PAGES)
    problems, visited = pages.problems["words"], pages.visited
    assert len(visited) >= (3 if username == DEPLOYMENT_ADMIN else 5), f"{username} reached only {visited}"
    report = "\n".join(f"{url}: {'；'.join(found)}" for url, found in sorted(problems.items()))
    assert not problems, f"{username} saw codes, rule ids or enum values on {len(problems)} of {len(visited)} pages:\n{report}"
