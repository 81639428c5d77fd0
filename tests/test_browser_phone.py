"""Phone first (issue 14, point 4): every page of every role works on a phone from 360 px wide — nothing
scrolls sideways — and the desktop at 1280 px stays as it was.

The demo year served by `duban serve` (tests/crawl.py: `demo_server`, shared with the words crawl).
Chromium logs in as every demo user on a 360 × 740 screen (the narrowest phone the pages are made for:
what fits there fits a wider phone) and follows every link of the pages it reaches (tests/crawl.py:
`crawled`, one page of each route shape; the same visit serves the words test); each page is measured
there and at 1280 × 900: the page must be no wider than the window
(``document.documentElement.scrollWidth <= window.innerWidth``; a wide table may scroll inside its own
box), and on the phone no table may squeeze its text into a column one or two characters wide. A
failure names the widest element sticking out of the window, or the squeezed cells, and leaves a
screenshot of the page at the size it fails at in ``test-output/screenshots/``; with
``DUBAN_SCREENSHOTS=all`` every page is screenshot at 360 px and at 1280 px as well, to look them over.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser import SCREENSHOT_EVERY_PAGE, SCREENSHOTS
from crawl import CRAWL_VIEWPORT, DEPLOYMENT_ADMIN, USERS, crawled, register_check

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = CRAWL_VIEWPORT  # (360, 740): the shared crawl loads each page at the narrowest phone's size
DESKTOP = (1280, 900)
SCREENSHOT_SIZES = (PHONE, DESKTOP)

# The page's width against the window's, and the elements sticking out of the window on the right
# that are not inside a box of their own that scrolls or clips (overflow-x other than visible): the
# outermost of each, widest first.
MEASURE = """() => {
  const limit = window.innerWidth, page = document.documentElement.scrollWidth;
  if (page <= limit) return null;
  const clipped = element => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    return false;
  };
  const out = element => element.getBoundingClientRect().right > limit + 0.5 && !clipped(element);
  const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
    + [...element.classList].map(c => '.' + c).join('');
  const path = element => {
    const names = [];
    for (let at = element; at && at !== document.body; at = at.parentElement) names.unshift(name(at));
    return names.join(' > ');
  };
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || !out(element)) continue;
    const parent = element.parentElement;
    if (parent !== document.body && out(parent)) continue;  // its parent sticks out already
    found.push({path: path(element), width: Math.round(box.width), right: Math.round(box.right),
                text: (element.innerText || element.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 30)});
  }
  found.sort((a, b) => b.width - a.width);
  return {page, limit, found: found.slice(0, 3)};
}"""


# Table cells whose text stands in a column one or two characters wide (the ledger's titles were
# "增/设/社/区…", one character a line): the first few, with the column's width in characters.
SQUEEZED = """() => {
  const found = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const style = getComputedStyle(cell);
    if (style.display !== 'table-cell') continue;  // a cell shown as a card's line
    const size = parseFloat(style.fontSize), text = (cell.innerText || '').trim();
    const box = cell.getBoundingClientRect();
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (box.width === 0 || text.length < 4 || inner >= 2.6 * size || box.height < 3 * size) continue;
    found.push(`${cell.closest('table').className || 'table'}: «${text.replace(/\\s+/g, '').slice(0, 12)}» in a column `
               + `${Math.max(1, Math.floor(inner / size))} character(s) wide`);
  }
  return found.slice(0, 3);
}"""


def squeezed(page) -> str | None:
    """The table columns too narrow to read on the page, in words; None when there are none."""
    found = page.evaluate(SQUEEZED)
    return "text squeezed into a narrow column: " + "; ".join(found) if found else None


def too_wide(page) -> str | None:
    """What makes the page wider than the window, in words; None when it fits."""
    measured = page.evaluate(MEASURE)
    if measured is None:
        return None
    sticking = "; ".join(f"{e['path']} ({e['width']} px wide, right edge at {e['right']} px"
                         f"{', «' + e['text'] + '»' if e['text'] else ''})" for e in measured["found"])
    return (f"the page is {measured['page']} px wide in a {measured['limit']} px window; "
            f"widest sticking out: {sticking or 'nothing found (a pseudo-element or margin?)'}")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def shot(page, who: str, number: int, url: str, size: tuple[int, int]) -> None:
    """A full-page screenshot: test-output/screenshots/phone-<who>-<number>-<path>-<size>.jpg (JPEG: a
    third faster than PNG on these long pages)."""
    parts = urlsplit(url)
    path = re.sub(r"[0-9a-f]{16,}", lambda m: m.group(0)[:8], parts.path + ("-" + parts.query if parts.query else ""))
    name = re.sub(r"[^\w.-]+", "_", f"{number:02d}-{path.strip('/').replace('/', '_') or 'start'}")[:120]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{who}-{name}-{size[0]}x{size[1]}.jpg"), full_page=True,
                    type="jpeg", quality=80)


def fits(page, who: str, url: str, number: int) -> list[str]:
    """What does not fit at each size on the page ``page`` shows (loaded at the phone's size); the
    screenshots of it."""
    found = []
    for size in (PHONE, DESKTOP):
        if page.viewport_size != {"width": size[0], "height": size[1]}:
            page.set_viewport_size({"width": size[0], "height": size[1]})
        problems = [too_wide(page)] + ([squeezed(page)] if size != DESKTOP else [])
        problem = "; ".join(p for p in problems if p)
        if problem:
            found.append(f"at {size[0]} × {size[1]}: {problem}")
        if problem or (SCREENSHOT_EVERY_PAGE and size in SCREENSHOT_SIZES):
            shot(page, who, number, url, size)
    return found  # at the desktop's size (the crawl loads the next page at the phone's)


def test_the_measure_finds_what_sticks_out(chromium):
    """The checks themselves: a table wider than the phone is named; the same table inside a box that
    scrolls on its own is not a problem; a column a character wide is."""
    context = chromium.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
    try:
        page = context.new_page()
        page.set_content('<main><div class="card"><table class="ledger"><tr><td>'
                         '<div id="wide">督办事项</div></td></tr></table></div></main>')
        page.eval_on_selector("#wide", "e => e.style.width = '700px'")
        problem = too_wide(page)
        assert problem is not None and "widest sticking out: main > div.card > table.ledger (" in problem, problem
        assert "«督办事项»" in problem and "div#wide" not in problem, problem  # the outermost, not all within
        page.eval_on_selector("div.card", "e => e.style.overflowX = 'auto'")
        assert too_wide(page) is None and squeezed(page) is None
        page.eval_on_selector("#wide", "e => e.style.width = '20px'")  # a column a character wide
        assert squeezed(page) == "text squeezed into a narrow column: ledger: «督办事项» in a column 1 character(s) wide"
    finally:
        context.close()


def test_the_login_and_error_pages_fit_a_phone(demo_server, chromium):
    context = chromium.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, locale="zh-CN")
    try:
        page = context.new_page()
        problems = []
        for number, path in enumerate(("/login", "/no-such-page")):
            page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
            page.goto(demo_server + path, wait_until="load")
            problems += [f"{path} {problem}" for problem in fits(page, "anonymous", demo_server + path, number)]
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def fit_checks(username: str):
    """The check of the shared crawl (tests/crawl.py: ``crawled``, the words test's pages too)."""
    counter = iter(range(1000))
    return (lambda page, url: fits(page, username, url, next(counter))), None


register_check("phone", fit_checks)


@pytest.mark.parametrize("username", USERS)
def test_every_page_of_every_role_fits_a_phone(demo_server, chromium, username):
    pages = crawled(chromium, demo_server, username)
    problems, visited = pages.problems["phone"], pages.visited
    assert len(visited) >= (3 if username == DEPLOYMENT_ADMIN else 5), f"{username} reached only {visited}"
    report = "\n".join(f"{path_of(url)}\n  " + "\n  ".join(found) for url, found in sorted(problems.items()))
    assert not problems, (f"{username}: {len(problems)} of {len(visited)} pages do not fit a phone "
                          f"(screenshots in test-output/screenshots/):\n{report}")
