"""Web requests never catch the read models up; after a command the page that follows waits for
the worker (bounded) and so shows the user's own change, or says the figures are being updated.

The web app here runs without a worker of its own, as a web process beside ``duban worker`` does.
"""

from __future__ import annotations

import time

import pytest
from web_world import build_web_world

from duban.application import Duban
from duban.clock import FixedClock
from duban.worker import Worker
from web.freshness import SEEN_COOKIE

pytestmark = pytest.mark.storage
REGISTER = dict(source="executive_meeting", reference="区政府第3次常务会议", decision_date="2026-02-27",
                title="整治背街小巷", description="完成20条背街小巷改造", deadline="", working_days="")
UPDATING = "数据正在更新"


@pytest.fixture
def web_alone(app, clock):
    """The web app with no worker in its process."""
    from web_world import TODAY

    clock.set(TODAY)
    built = build_web_world(app, worker=False)
    yield built
    built.close()


def register(web, client, title: str):
    answer = client.post("/office/items", data=web.form(client, **{**REGISTER, "title": title}), follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    assert int(client.cookies.get(SEEN_COOKIE)) > 0  # the position the command was recorded at
    return answer


def test_the_page_after_a_command_waits_for_the_worker_and_shows_the_change(web_alone, store_env):
    web = web_alone
    # the worker runs in "another process": its own service, so this process's saves don't wake it
    elsewhere = Duban(env=store_env, clock=FixedClock(web.app.clock.today()))
    worker = Worker(elsewhere, watch=False, poll_seconds=0.5).start()
    try:
        assert worker.wait_until_acting()
        office = web.client("duchashi")
        register(web, office, "第一件：等待后可见")
        started = time.monotonic()
        ledger = office.get("/office/ledger")
        assert ledger.status_code == 200 and "第一件：等待后可见" in ledger.text and UPDATING not in ledger.text
        assert time.monotonic() - started < 2.5
        api = office.get("/api/ledger")
        assert "x-duban-updating" not in api.headers
        assert [r["title"] for r in api.json()["rows"]] == ["第一件：等待后可见"]
    finally:
        worker.stop()
        elsewhere.close()


def test_with_the_worker_behind_the_page_says_its_figures_are_being_updated(web_alone):
    web = web_alone
    office = web.client("duchashi")
    register(web, office, "无人更新台账")
    started = time.monotonic()
    ledger = office.get("/office/ledger")
    waited = time.monotonic() - started
    assert ledger.status_code == 200 and UPDATING in ledger.text  # served, not failed, after a bounded wait
    assert "无人更新台账" not in ledger.text
    assert 1.5 < waited < 5
    assert office.get("/api/ledger").headers.get("x-duban-updating") == "1"
    fresh = web.client("fuquzhang")  # someone who changed nothing does not wait
    started = time.monotonic()
    assert fresh.get("/leader/").status_code == 200 and time.monotonic() - started < 1.5
