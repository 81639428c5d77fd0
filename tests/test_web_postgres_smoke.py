"""The web app on PostgreSQL, end to end once: the web tests run on SQLite (``web`` in
tests/conftest.py), since pages and the API are the same code on either store; this keeps the web
app itself — login and its session row, a form's command, the in-process worker's catch-up woken
by NOTIFY, the ledger page read from PostgreSQL's read models, the JSON API — exercised on it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from web_world import web  # noqa: F401  (the fixture)

from domain.item import ItemStatus
from checks import stored_items


@pytest.mark.stores("postgres")  # the web world of the web tests, on PostgreSQL (they run on SQLite)
def test_an_item_registered_signed_for_and_reported_through_the_pages_on_postgresql(web):  # noqa: F811
    office, unit = web.client("duchashi"), web.client("zhujianju")
    registered = office.post("/office/items", data=web.form(
        office, source="executive_meeting", reference="区政府第3次常务会议", decision_date="2026-02-27",
        title="整治背街小巷", description="完成20条背街小巷改造", deadline="", working_days=""), follow_redirects=False)
    assert registered.status_code == 303, registered.text[:500]
    assert "已登记督办事项督〔2026〕1号" in parse_qs(urlparse(registered.headers["location"]).query)["done"][0]
    [item] = stored_items(web.app, web.world.district)

    assigned = office.post(f"/office/items/{item.id.hex}/assign",
                           data=web.form(office, lead_unit=web.world.unit_ids["A"].hex), follow_redirects=False)
    assert assigned.status_code == 303, assigned.text[:500]
    assert "整治背街小巷" in unit.get("/unit").text  # the unit's inbox, from the read models
    signed = unit.post(f"/unit/items/{item.id.hex}/sign-for", data=web.form(unit), follow_redirects=False)
    assert signed.status_code == 303, signed.text[:500]
    assert web.app.readable_item(item.id, web.world.office).status is ItemStatus.IN_PROGRESS

    ledger = office.get("/office/ledger")  # waits for the worker to pass the command (duban_seen)
    assert ledger.status_code == 200 and "督〔2026〕1号" in ledger.text and "办理中" in ledger.text
    answer = office.get(f"/api/items/{item.id.hex}")
    assert answer.status_code == 200 and answer.json()["status"]["value"] == "in_progress"


def test_the_other_web_tests_run_on_sqlite(web, request):
    """A test using ``web`` gets one store, SQLite (tests/conftest.py), and is a storage test."""
    assert web.app.env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert request.node.callspec.params["store_env"] == "sqlite"
    assert request.node.get_closest_marker("storage") is not None
