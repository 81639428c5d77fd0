"""Behaviour analytics (办理行为分析): the read side's figures for a unit of the demo year agree with a
hand count from its events (both stores), and a last-minute progress jump planted through the
service is found — with the rise and the window configurable."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from builders import DistrictBuilder
from web_world import web_app

from projections.behaviour import BehaviourQueries
from projections.events import decode_all
from projections.ranking import Period
from projections.read_side import ReadSide

UNIT = "区司法局"  # the demo's pilot plan's lead unit: every kind of behaviour happens to it


def _events(app) -> list:
    recorder, found, start = app.store.recorder, [], 1
    while batch := decode_all(recorder.select_notifications(start=start, limit=2000)):
        found += batch
        start = batch[-1].notification_id + 1
    return found


def test_a_units_figures_match_a_hand_count_from_its_events(demo_read):
    app, read_side = demo_read.app, demo_read.read_side
    district = app.districts()[0].district
    unit = next(u for u in app.units(district) if u.name == UNIT).id.hex
    period = Period.parse("2026")
    shown = next(u for u in BehaviourQueries(read_side.read_models).units(district, period) if u.unit_id == unit)

    # the hand count: walk every event of the year, keep each item's assignment and lead unit
    calendar = app.calendar()
    assigned_on: dict[tuple[str, str], date] = {}
    lead: dict[str, str] = {}
    sign_days, extensions, send_backs, reports, replies = [], 0, 0, 0, []
    notice_unit, notice_day = {}, {}
    for e in _events(app):
        d = e.data
        on = date.fromisoformat(d["on"]) if d.get("on") else None
        if e.name == "SupervisedItem.Assigned":
            lead[e.record] = d["lead_unit"]
            for u in [d["lead_unit"], *(d.get("co_units") or [])]:
                assigned_on[(e.record, u)] = on
        elif e.name == "SupervisionNotice.Issued":
            notice_unit[e.record], notice_day[e.record] = d["unit"], on
        if on is None or not period.first <= on <= period.last:
            continue
        if e.name == "SupervisedItem.SignedFor" and d["unit"] == unit:
            sign_days.append(calendar.working_days_between(assigned_on[(e.record, unit)], on))
        elif e.name == "SupervisedItem.ExtensionRequested" and (d.get("unit") or lead.get(e.record)) == unit:
            extensions += 1
        elif e.name == "SupervisedItem.SentBack" and lead.get(e.record) == unit:
            send_backs += 1
        elif (e.name == "SupervisedItem.ProgressReported" and d["unit"] == unit and d.get("subtask") is None
              and lead.get(e.record) == unit):
            reports += 1
        elif e.name == "SupervisionNotice.Replied" and notice_unit.get(e.record) == unit:
            replies.append(calendar.working_days_between(notice_day[e.record], on))

    assert sign_days and extensions and send_backs and reports and replies, "the demo unit shows every behaviour"
    assert shown.sign_fors == len(sign_days)
    assert shown.sign_for_days == round(sum(sign_days) / len(sign_days), 1)
    assert (shown.extensions, shown.send_backs, shown.reports) == (extensions, send_backs, reports)
    assert shown.notice_replies == len(replies)
    assert shown.notice_reply_days == round(sum(replies) / len(replies), 1)
    # each figure opens the records behind it: the sign-fors listed are the ones counted
    listed = BehaviourQueries(read_side.read_models).records(district, period, unit, "sign_for")
    assert sorted(r.working_days for r in listed) == sorted(sign_days)
    assert all(r.number and r.title and r.unit == UNIT for r in listed)


def test_a_last_minute_progress_jump_is_found(app, clock):
    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局", B="区城管局").leaders(HEAD="district_head").build()
    jumped = world.item(lead="A", sign=True, deadline=date(2026, 3, 27), title="突击完成的事项")
    steady = world.item(lead="B", sign=True, deadline=date(2026, 3, 27), title="平稳推进的事项")
    clock.set(date(2026, 3, 10))
    app.report_item_progress(jumped, 20, "方案已定", world.unit("A"))
    app.report_item_progress(steady, 40, "过半准备", world.unit("B"))
    clock.set(date(2026, 3, 16))  # nine working days before the deadline: outside the window of five
    app.report_item_progress(steady, 95, "基本完成", world.unit("B"))
    clock.set(date(2026, 3, 24))  # four working days before the deadline
    app.report_item_progress(jumped, 100, "全部完成", world.unit("A"))
    read_side = ReadSide(app.store)
    read_side.catch_up()
    queries = BehaviourQueries(read_side.read_models)
    district, a, b = world.district, world.unit_ids["A"].hex, world.unit_ids["B"].hex

    by_unit = {u.unit_id: u for u in queries.units(district, "2026-03")}
    assert (by_unit[a].jumps, by_unit[b].jumps) == (1, 0)
    [jump] = queries.records(district, "2026-03", a, "jump")
    assert (jump.entry_id, jump.previous, jump.amount, jump.happened_on, jump.deadline) == (
        jumped.hex, 20, 100, date(2026, 3, 24), date(2026, 3, 27))
    # configurable: a rise of 90 points is not reached; a window of ten working days catches B's 55 points
    assert {u.unit_id: u.jumps for u in queries.units(district, "2026-03", rise=90)}[a] == 0
    wider = {u.unit_id: u.jumps for u in queries.units(district, "2026-03", rise=50, days=10)}
    assert (wider[a], wider[b]) == (1, 1)
    # a leader's portfolio: only the units asked for
    assert [u.unit_id for u in queries.units(district, "2026-03", units=frozenset({b}))] == [b]
    # another district sees none of it
    assert queries.units("420199", "2026-03") == []


# -- the pages and the API, on a copy of the demo year (web tests: SQLite) ---------------------------------
@pytest.mark.stores("sqlite")
def test_the_office_and_a_leader_see_the_analytics_with_charts_and_the_records_behind_them(demo, seed):
    import re

    from litestar.testing import TestClient
    from web_helpers import login

    from domain.actor import Actor, Role
    from duban.demo.users import vice_head_code

    app, read_side = demo
    district = seed.code
    admin = Actor("admin", Role.ADMIN, district)
    leader = app.leader_by_code(district, vice_head_code(seed))
    app.add_user(username="duchashi", password="correct-horse-1", role=Role.OFFICE, district=district, actor=admin)
    app.add_user(username="fuquzhang", password="correct-horse-1", role=Role.LEADER, district=district, actor=admin,
                 leader=leader.id)
    read_side.catch_up()
    asgi = web_app(app, worker=False)
    office, vice = TestClient(app=asgi), TestClient(app=asgi)
    assert login(office, "duchashi").status_code in (302, 303) and login(vice, "fuquzhang").status_code in (302, 303)
    justice = next(u for u in app.units(district) if u.name == UNIT).id.hex

    page = office.get("/office/behaviour", params={"period": "2026"})
    assert page.status_code == 200 and UNIT in page.text and page.text.count("<svg") >= 2
    link = re.search(rf'href="(/office/behaviour/{justice}\?[^"]*measure=sign_for)"', page.text)
    assert link, "each figure opens the records behind it"
    records = office.get(link[1].replace("&amp;", "&"))
    assert records.status_code == 200 and "/office/items/" in records.text and "交办后签收" in records.text
    answer = office.get("/api/behaviour", params={"period": "2026"}).json()
    shown = next(u for u in answer["units"] if u["unit_id"] == justice)
    assert shown["sign_fors"] > 0 and shown["notice_replies"] > 0
    listed = office.get(f"/api/behaviour/{justice}", params={"period": "2026", "measure": "sign_for"}).json()
    assert len(listed) == shown["sign_fors"]
    assert office.get("/office/behaviour", params={"rise": "0"}).status_code == 422
    # the bulletin's short section, on its page and in its Word document
    bulletin = office.get("/office/bulletin", params={"period": "2026"})
    assert bulletin.status_code == 200 and "办理行为" in bulletin.text and "临期突击" in bulletin.text
    import io
    import zipfile

    docx = office.get("/office/bulletin.docx", params={"period": "2026"})
    text = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
    assert "办理行为：本期签收事项" in text

    # the vice head: their portfolio's units only
    mine = {u.hex for u in app.visible_units(Actor("fuquzhang", Role.LEADER, district, leader=leader.id))}
    theirs = {u["unit_id"] for u in vice.get("/api/behaviour", params={"period": "2026"}).json()["units"]}
    assert theirs and theirs <= mine
    outside = next(u.id.hex for u in app.units(district) if u.id.hex not in mine)
    assert vice.get(f"/leader/behaviour/{outside}").status_code == 403
    assert vice.get("/leader/behaviour", params={"period": "2026"}).status_code == 200
