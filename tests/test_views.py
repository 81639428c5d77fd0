"""A unit's inbox, a leader's view of their portfolio on a date, and one item as of a date."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder

from domain.item import ItemStatus
from projections.inbox import InboxQueries
from projections.leader_view import LeaderViews
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from projections.read_side import ReadSide


@pytest.fixture
def district(app, clock):
    """A (lead) and B (co); V1 in charge of A, V2 of B; X due 03-06 and only A signed for it;
    Y led by A due 04-30; a notice to A about X.  From 04-01 A moves to V2's portfolio."""
    clock.set(date(2026, 3, 2))
    world = (DistrictBuilder(app).units(A="区住建局", B="区城管局").leaders(HEAD="district_head", V1="vice_head",
                                                                          V2="vice_head")
             .place(A="V1", B="V2").build())
    x = world.item(lead="A", co=["B"], sign=["A"], deadline=date(2026, 3, 6), title="X")
    y = world.item(lead="A", sign=True, deadline=date(2026, 4, 30), title="Y")
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=x, title="关于X的督办通知",
                              tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 13)}],
                              actor=world.office)
    world.place("A", "V2", effective=date(2026, 4, 1))
    read_side = ReadSide(app.store)
    read_side.catch_up()
    ledger = LedgerQueries(read_side.read_models, app.calendar())
    return world, x, y, notice, read_side, ledger


def test_each_unit_sees_its_own_work_in_its_inbox(app, district):
    world, x, y, notice, read_side, ledger = district
    inboxes = InboxQueries(ledger, read_side.read_models, app.calendar())
    a = inboxes.inbox(world.district, world.unit_ids["A"].hex, date(2026, 3, 2))
    b = inboxes.inbox(world.district, world.unit_ids["B"].hex, date(2026, 3, 2))
    assert [r.title for r in a.to_sign_for] == [] and [r.title for r in b.to_sign_for] == ["X"]
    assert [r.title for r in a.notices_to_answer] == ["关于X的督办通知"] and b.notices_to_answer == []
    assert [r.title for r in a.deadlines_near] == ["X"]  # 03-06 is within 5 working days; Y is not
    assert b.deadlines_near == []  # B is only a co-unit of X
    assert a.reports_due == []  # the March report is due 03-31, beyond the horizon
    late_march = inboxes.inbox(world.district, world.unit_ids["A"].hex, date(2026, 3, 25))
    assert [(r.title, due) for r, due in late_march.reports_due] == [("X", date(2026, 3, 31)), ("Y", date(2026, 3, 31))]
    assert [r.title for r in late_march.deadlines_near] == ["X"]  # overdue still shows


def test_a_leader_sees_the_portfolio_of_the_day_and_the_head_sees_all(app, district):
    world, x, y, notice, read_side, ledger = district
    views = LeaderViews(ledger, RankingQueries(read_side.read_models), read_side.read_models)
    v1 = views.view(world.district, world.leader_ids["V1"].hex, date(2026, 3, 25), period="2026-03", scheme="2026-v1")
    assert v1.units == ["区住建局"]
    assert [r.title for r in v1.open_items] == ["X", "Y"] and [r.title for r in v1.overdue_items] == ["X"]
    assert [s.unit_name for s in v1.rankings] == ["区住建局"]
    v2 = views.view(world.district, world.leader_ids["V2"].hex, date(2026, 3, 25), period="2026-03", scheme="2026-v1")
    assert v2.units == ["区城管局"] and v2.open_items == []
    after = views.view(world.district, world.leader_ids["V1"].hex, date(2026, 4, 2), period="2026-Q2", scheme="2026-v1")
    assert after.units == [] and after.open_items == []
    head = views.view(world.district, world.leader_ids["HEAD"].hex, date(2026, 3, 25), period="2026-03",
                      scheme="2026-v1")
    assert head.units == ["区住建局", "区城管局"] and len(head.open_items) == 2


def test_one_item_as_it_stood_on_a_date(app, clock, district):
    world, x, y, notice, read_side, ledger = district
    clock.set(date(2026, 3, 10))
    app.report_completion(x, "完成", world.unit("A"))
    assert app.item_as_of(x, date(2026, 3, 1), world.office) is None
    then = app.item_as_of(x, date(2026, 3, 9), world.office)
    assert then.status is ItemStatus.IN_PROGRESS and then.signed_for.keys() == {world.unit_ids["A"].hex}
    assert app.item_as_of(x, date(2026, 3, 10), world.office).status is ItemStatus.COMPLETION_REPORTED


def test_a_leader_view_as_of_a_past_day_lists_the_items_open_that_day_with_their_state_then(app, clock, district):
    """Given X (due 03-06) reported complete and signed off after the day asked about, and Z
    registered after it; when leader V1 looks at 03-09; then X is listed as it stood on 03-09
    (办理中, overdue, red) and Z is not, though today X is closed and Z open."""
    world, x, y, notice, read_side, ledger = district
    clock.set(date(2026, 3, 16))
    app.report_completion(x, "完成", world.unit("A"))
    app.sign_off_item(x, world.office)
    world.item(lead="A", sign=True, deadline=date(2026, 5, 29), title="Z")
    read_side.catch_up()
    views = LeaderViews(ledger, RankingQueries(read_side.read_models), read_side.read_models)
    then = views.view(world.district, world.leader_ids["V1"].hex, date(2026, 3, 9), period="2026-03",
                      scheme="2026-v1")
    assert [(r.title, r.status_label) for r in then.open_items] == [("X", "办理中"), ("Y", "办理中")]
    assert [r.title for r in then.overdue_items] == ["X"] and then.overdue_items[0].working_days_overdue == 1
    assert then.overdue_items[0].warning.colour.value == "red"
    now = views.view(world.district, world.leader_ids["V1"].hex, date(2026, 3, 16), period="2026-03",
                     scheme="2026-v1")
    assert [r.title for r in now.open_items] == ["Y", "Z"]
