"""Finding things in a real browser (Chromium), at a desktop and a phone's width: the header's
search box leads to the results, a warning tile to the ledger of its colour, an unknown URL to a
page in Chinese, and the API documentation under /schema runs from the app's own files only,
under the Content-Security-Policy."""

from __future__ import annotations

import pytest
from browser import live, pages, shot  # noqa: F401  (fixtures)

WIDTHS = {"desktop": (1280, 900), "phone": (360, 780)}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", WIDTHS)
def test_the_header_search_box_finds_an_item_by_title_and_by_number(live, pages, size):
    page = pages.login("duchashi")
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[size])))
    page.goto(live.url("/office"), wait_until="load")
    box = page.locator("header form.search input[name=q]")
    box.fill("老旧 改造")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    shot(page, f"search-title-{size}")
    assert "/office/search" in page.url and fits(page)
    results = page.locator("table.search-results tbody tr")
    assert results.count() == 1 and "推进老旧小区改造" in results.first.inner_text()
    page.locator("header form.search input[name=q]").fill("督[2026]1号")
    with page.expect_navigation(wait_until="load"):
        page.locator("header form.search button").click()
    assert "整治背街小巷环境卫生" in page.locator("table.search-results tbody").inner_text()
    with page.expect_navigation(wait_until="load"):
        page.locator("table.search-results tbody a").first.click()
    assert "/office/items/" in page.url


def test_a_warning_tile_opens_the_ledger_of_its_colour(live, pages):
    page = pages.login("duchashi")
    page.goto(live.url("/office"), wait_until="load")
    with page.expect_navigation(wait_until="load"):
        page.locator("a.tile.red").click()
    shot(page, "ledger-red")
    assert page.url.endswith("/office/ledger?colour=red")
    assert "红色预警" in page.locator("h1").inner_text()
    assert page.locator("select[name=colour]").input_value() == "red"


def test_an_unknown_url_shows_a_page_in_chinese_on_a_phone(live, pages):
    page = pages.login("duchashi")
    page.set_viewport_size({"width": 360, "height": 780})
    answer = page.goto(live.url("/office/no-such-page"), wait_until="load")
    shot(page, "not-found-phone")
    assert answer.status == 404 and page.locator("h1").inner_text() == "页面不存在" and fits(page)


def test_the_api_documentation_runs_offline_under_the_content_security_policy(live, pages):
    page = pages.new()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live.url("/schema"), wait_until="load")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()
    shot(page, "schema")
    assert "duban" in page.locator(".swagger-ui .info .title").inner_text()
    outside = [url for url in pages.requests if not url.startswith((live.base_url, "data:"))]
    assert not outside, outside
    assert not problems, problems
