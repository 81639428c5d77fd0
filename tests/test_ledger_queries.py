"""Ledger queries (台账筛选) and the three-colour warning (三色预警), on both stores.

Every expectation below is worked out by hand from the scenario (March 2026 has no holidays or
adjusted working weekends, so working days are Monday to Friday):

* 2026-03-13 (Fri) -> 2026-03-20 (Fri): 5 working days; 03-18 -> 03-20: 2;
* 2026-03-02 (Mon) -> 03-20: 14 working days, -> 03-25: 17, -> 03-31: 21;
* 2026-03-20 -> 03-24: 2, -> 03-25: 3, -> 03-31: 7.
"""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder
from evidence_samples import PDF, Upload  # real files: a report cites only files it stored

from domain.rectification import ProblemSource, Severity
from domain.sources import SourceKind
from projections.ledger import ALL_KINDS, LedgerQueries
from projections.read_side import ReadSide
from projections.warnings import Colour, WarningQueries, WarningRules

MAR02, MAR09, MAR13, MAR16, MAR18 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 13), date(2026, 3, 16), date(2026, 3, 18)
MAR20, MAR23, MAR24, MAR25, MAR31 = date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25), date(2026, 3, 31)
APR30 = date(2026, 4, 30)
EVIDENCE = [Upload("整改前后对比照片.pdf", PDF)]

I1, I2, I3, I4 = "督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号", "督〔2026〕4号"
S1 = "督〔2026〕1号-S1"
R1, R2 = "整改〔2026〕1号", "整改〔2026〕2号"


def numbers(rows) -> list[str]:
    return [r.number for r in rows]


def rectify(app, world, unit: str, problem: str, source: ProblemSource, deadline: date):
    return app.record_rectification(unit=world.unit_ids[unit], source=source, problem=problem,
                                    severity=Severity.GENERAL, deadline=deadline, actor=world.office, source_ref="来源")


def sign_off_rectification(app, world, unit: str, task_id) -> None:
    clerk = world.unit(unit)
    app.submit_rectification_plan(task_id, "整改方案", clerk)
    app.report_rectified(task_id, "已整改", EVIDENCE, clerk)
    app.verify_rectification(task_id, True, world.office)
    app.sign_off_rectification(task_id, world.office)


# -- the ledger scenario ------------------------------------------------------------------------------
@pytest.fixture
def ledger(app, clock):
    """Units A 区住建局 and B 晴川街 under V1, C 区城管执法局 under V2; on 2026-03-20:

    | number | kind | lead (co) | source | opened | deadline | status | overdue |
    | 督1号 | item | A (B) | executive_meeting | 03-02 | 03-13 | in_progress | 5 |
    | 督1号-S1 | subtask | B | executive_meeting | 03-02 | 03-13 | in_progress | 5 |
    | 督2号 | item | B | leader_instruction | 03-02 | 04-30 | in_progress | 0 |
    | 督3号 | item | C | superior_assignment | 03-09 | 04-30 | assigned | 0 |
    | 督4号 | item | A | hotline | 03-09 | 03-31 | signed_off 03-09 | 0 |
    | 整改1号 | rectification | C | audit | 03-09 | 03-18 | recorded | 2 |
    | 整改2号 | rectification | A | media | 03-09 | 04-30 | signed_off 03-09 | 0 |
    """
    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管执法局")
             .leaders(V1="vice_head", V2="vice_head").place(A="V1", B="V1", C="V2").build())
    i1 = world.item(lead="A", co=["B"], sign=True, source=SourceKind.EXECUTIVE_MEETING, title="老旧小区改造",
                    deadline=MAR13)
    app.split_item(i1, [{"unit": world.unit_ids["B"], "title": "晴川街片区改造", "deadline": MAR13}], world.office)
    world.item(lead="B", sign=True, source=SourceKind.LEADER_INSTRUCTION, title="背街小巷整治", deadline=APR30)
    clock.set(MAR09)
    world.item(lead="C", source=SourceKind.SUPERIOR_ASSIGNMENT, title="违法建设整治", deadline=APR30)
    i4 = world.item(lead="A", sign=True, source=SourceKind.HOTLINE, title="热线诉求办理", deadline=MAR31)
    app.report_completion(i4, "已办结", world.unit("A"))
    app.sign_off_item(i4, world.office)
    rectify(app, world, "C", "专项资金拨付滞后", ProblemSource.AUDIT, MAR18)
    r2 = rectify(app, world, "A", "工地扬尘", ProblemSource.MEDIA, APR30)
    sign_off_rectification(app, world, "A", r2.id)
    clock.set(MAR20)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    world.read_side = read_side
    world.r2 = r2.id
    return world, LedgerQueries(read_side.read_models, app.calendar())


def test_the_unfiltered_ledger_is_in_number_order(ledger):
    world, q = ledger
    assert numbers(q.rows(world.district, MAR20)) == [I1, I2, I3, I4, R1, R2]
    assert numbers(q.rows(world.district, MAR20, kinds=ALL_KINDS)) == [I1, S1, I2, I3, I4, R1, R2]


def test_unit_filter_matches_lead_co_and_subtask_units(ledger):
    world, q = ledger
    d, ids = world.district, world.unit_ids
    assert numbers(q.rows(d, MAR20, unit=ids["A"])) == [I1, I4, R2]
    assert numbers(q.rows(d, MAR20, unit=ids["B"])) == [I1, I2]  # co-unit of 1号, lead of 2号
    assert numbers(q.rows(d, MAR20, unit=ids["B"], kinds=ALL_KINDS)) == [I1, S1, I2]  # and the sub-task's unit
    assert numbers(q.rows(d, MAR20, unit=ids["C"].hex)) == [I3, R1]  # a hex id works as well as a UUID
    assert numbers(q.rows(d, MAR20, unit=ids["A"], open_only=True)) == [I1]


def test_leader_filter_uses_the_portfolio_of_the_query_day(ledger, app, clock):
    world, q = ledger
    d, v1, v2 = world.district, world.leader_ids["V1"], world.leader_ids["V2"]
    assert numbers(q.rows(d, MAR20, leader=v1)) == [I1, I2, I4, R2]
    assert numbers(q.rows(d, MAR20, leader=v2)) == [I3, R1]
    clock.set(MAR23)
    world.place("C", "V1", effective=MAR23)  # 分工调整: C moves to V1 from 03-23
    world.read_side.catch_up()
    assert numbers(q.rows(d, MAR20, leader=v2)) == [I3, R1]  # on 03-20 C was still V2's
    assert numbers(q.rows(d, MAR23, leader=v2)) == []
    assert numbers(q.rows(d, MAR23, leader=v1)) == [I1, I2, I3, I4, R1, R2]
    assert numbers(q.rows(d, MAR23, as_of=MAR20, leader=v2)) == [I3, R1]


def test_status_source_and_period_filters(ledger):
    world, q = ledger
    d = world.district
    assert numbers(q.rows(d, MAR20, status="in_progress")) == [I1, I2]
    assert numbers(q.rows(d, MAR20, status="in_progress", kinds=ALL_KINDS)) == [I1, S1, I2]
    assert numbers(q.rows(d, MAR20, status=("in_progress", "recorded"))) == [I1, I2, R1]
    assert numbers(q.rows(d, MAR20, status=["signed_off"])) == [I4, R2]
    assert numbers(q.rows(d, MAR20, source="audit")) == [R1]
    assert numbers(q.rows(d, MAR20, source=[SourceKind.EXECUTIVE_MEETING, ProblemSource.MEDIA])) == [I1, R2]
    assert numbers(q.rows(d, MAR20, source="executive_meeting", kinds=ALL_KINDS)) == [I1, S1]
    assert numbers(q.rows(d, MAR20, opened_from=MAR02, opened_to=MAR02)) == [I1, I2]
    assert numbers(q.rows(d, MAR20, opened_from=MAR09)) == [I3, I4, R1, R2]
    assert numbers(q.rows(d, MAR20, opened_to=date(2026, 3, 8))) == [I1, I2]
    assert numbers(q.rows(d, MAR20, opened_from=MAR09, opened_to=MAR09, unit=world.unit_ids["C"])) == [I3, R1]


def test_overdue_only(ledger):
    world, q = ledger
    d = world.district
    overdue = q.rows(d, MAR20, overdue_only=True)
    assert [(r.number, r.working_days_overdue) for r in overdue] == [(I1, 5), (R1, 2)]
    assert numbers(q.rows(d, MAR20, overdue_only=True, kinds=ALL_KINDS)) == [I1, S1, R1]
    assert numbers(q.rows(d, MAR13, overdue_only=True)) == []  # on its deadline day nothing is late yet


def test_sorting(ledger):
    world, q = ledger
    d = world.district
    assert numbers(q.rows(d, MAR20, sort="number")) == [I1, I2, I3, I4, R1, R2]
    # deadlines 03-13, 03-18, 03-31, then three on 04-30 in number order
    assert numbers(q.rows(d, MAR20, sort="deadline")) == [I1, R1, I4, I2, I3, R2]
    assert numbers(q.rows(d, MAR20, sort="overdue")) == [I1, R1, I2, I3, I4, R2]
    # 区住建局 (U+4F4F 住) < 区城管执法局 (U+57CE 城) < 晴川街 (U+6674 晴)
    assert numbers(q.rows(d, MAR20, sort="unit")) == [I1, I4, R2, I3, R1, I2]
    # by colour: red, yellow, blue, then none, each in number order
    rank = {"red": 0, "yellow": 1, "blue": 2, "none": 3}
    by_colour = q.rows(d, MAR20, sort="colour")
    assert numbers(by_colour)[:2] == [I1, R1]  # the two overdue ones
    assert numbers(by_colour) == numbers(sorted(q.rows(d, MAR20), key=lambda r: rank[r.warning.colour.value]))
    with pytest.raises(ValueError):
        q.rows(d, MAR20, sort="no-such-order")


def test_the_closed_ledger_and_a_reopened_rectification(ledger, app, clock):
    world, q = ledger
    d = world.district
    assert numbers(q.rows(d, MAR20, closed_only=True)) == [I4, R2]
    assert numbers(q.rows(d, MAR20, closed_only=True, kinds=ALL_KINDS)) == [I4, R2]
    assert numbers(q.rows(d, MAR20, open_only=True)) == [I1, I2, I3, R1]
    with pytest.raises(ValueError):
        q.rows(d, MAR20, open_only=True, closed_only=True)

    clock.set(MAR23)
    app.reopen_rectification(world.r2, "回头看发现扬尘反弹", APR30, world.office)  # 回头看
    world.read_side.catch_up()
    assert numbers(q.rows(d, MAR23, closed_only=True)) == [I4]
    reopened = q.rows(d, MAR23, open_only=True)
    assert numbers(reopened) == [I1, I2, I3, R1, R2]
    assert (reopened[-1].status, reopened[-1].status_label, reopened[-1].deadline, reopened[-1].closed_on) == (
        "rectifying", "整改中", APR30, None)
    # the ledger as it stood on 03-20 still shows it signed off
    assert numbers(q.rows(d, MAR23, as_of=MAR20, closed_only=True)) == [I4, R2]


def test_counts_per_status_label(ledger):
    world, q = ledger
    d = world.district
    assert q.counts(d, MAR20) == {"办理中": 2, "待签收": 1, "已办结销号": 1, "已入账": 1, "已销号": 1}
    assert q.counts(d, MAR20, kinds=ALL_KINDS) == {"办理中": 3, "待签收": 1, "已办结销号": 1, "已入账": 1, "已销号": 1}
    assert q.counts(d, MAR20, unit=world.unit_ids["A"]) == {"办理中": 1, "已办结销号": 1, "已销号": 1}
    assert q.counts(d, MAR20, leader=world.leader_ids["V2"]) == {"待签收": 1, "已入账": 1}
    assert q.counts(d, MAR20, overdue_only=True, sort="deadline") == {"办理中": 1, "已入账": 1}
    assert q.counts(d, MAR20, closed_only=True) == {"已办结销号": 1, "已销号": 1}


# -- the three-colour warning -------------------------------------------------------------------------
@pytest.fixture
def warned(app, clock):
    """Open entries on 2026-03-20 and the colour each must get (A, B under V1; C under V2)."""
    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管执法局")
             .leaders(V1="vice_head", V2="vice_head").place(A="V1", B="V1", C="V2").build())
    office, jan20 = world.office, date(2026, 1, 20)
    # assigned in January, no report in February: the March tick records one missed monthly report
    world.item(lead="A", sign=True, title="逾期且缺报", deadline=MAR13, on=jan20)  # overdue too: red wins
    missed = world.item(lead="B", sign=True, title="缺报月报", deadline=MAR31, on=jan20)
    app.report_item_progress(missed, 80, "已完成八成", world.unit("B"))  # a March report does not cover February
    back = world.item(lead="C", sign=True, title="办结被退回", deadline=MAR25)  # 3 working days left: yellow beats blue
    behind = world.item(lead="A", sign=True, title="进度滞后", deadline=MAR31)
    steady = world.item(lead="B", sign=True, title="进度正常", deadline=MAR31)
    split = world.item(lead="A", co=["B"], sign=True, title="分解事项", deadline=MAR31)
    app.split_item(split, [{"unit": world.unit_ids["B"], "title": "晴川街段", "deadline": MAR13}], office)
    done = world.item(lead="C", sign=True, source=SourceKind.HOTLINE, title="已办结事项", deadline=MAR31)
    soon = rectify(app, world, "C", "即将到期问题", ProblemSource.AUDIT, MAR25)
    failed = rectify(app, world, "A", "核验未通过问题", ProblemSource.MEDIA, MAR31)
    app.submit_rectification_plan(soon.id, "整改方案", world.unit("C"))
    app.submit_rectification_plan(failed.id, "整改方案", world.unit("A"))
    clock.set(MAR09)
    app.report_item_progress(back, 90, "基本完成", world.unit("C"))
    app.report_completion(back, "已完成", world.unit("C"))
    app.report_item_progress(behind, 30, "推进中", world.unit("A"))
    app.report_item_progress(steady, 40, "推进中", world.unit("B"))
    app.report_item_progress(split, 80, "晴川街段推进中", world.unit("B"), subtask="S1")  # the item rolls up to 80
    app.report_completion(done, "已办结", world.unit("C"))
    app.sign_off_item(done, office)
    app.report_rectification_progress(soon.id, 80, "大部分已整改", world.unit("C"))
    app.report_rectified(failed.id, "已整改", EVIDENCE, world.unit("A"))
    clock.set(MAR16)
    app.send_back_item(back, "佐证材料不全", office)
    app.verify_rectification(failed.id, False, office, note="现场仍有问题")
    app.issue_notice(unit=world.unit_ids["C"], subject_kind="rectification", subject_id=soon.id, title="整改督办通知",
                     tasks=[{"task": "报送整改进展", "responsible": "责任人", "deadline": MAR24}], actor=office,
                     reply_deadline=MAR24)
    clock.set(MAR20)
    app.tick(MAR20)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    return world, WarningQueries(LedgerQueries(read_side.read_models, app.calendar()))


def colours(warned_rows) -> dict[str, tuple]:
    return {w.row.title: (w.warning.colour, w.warning.rule, w.warning.reason) for w in warned_rows}


def test_each_colour_rule_fires_and_precedence_holds(warned):
    world, wq = warned
    assert colours(wq.rows(world.district, MAR20)) == {
        "逾期且缺报": (Colour.RED, "red.overdue", "已逾期5个工作日"),
        "缺报月报": (Colour.YELLOW, "yellow.report_missed", "未按月报送办理进展1次"),
        "办结被退回": (Colour.YELLOW, "yellow.sent_back", "办结报告被退回1次"),
        "进度滞后": (Colour.YELLOW, "yellow.behind_schedule", "进度30%，时限已过67%"),  # 30 < 14/21*100 - 30
        "进度正常": (Colour.NONE, None, ""),  # 40 >= 36.7, and 7 working days left
        "分解事项": (Colour.NONE, None, ""),
        "晴川街段": (Colour.RED, "red.overdue", "已逾期5个工作日"),  # the sub-task, though at 80%
        "即将到期问题": (Colour.BLUE, "blue.due_soon", "距办理时限还有3个工作日"),  # 80 >= 14/17*100 - 30
        "核验未通过问题": (Colour.YELLOW, "yellow.sent_back", "整改核验未通过1次"),  # also behind: sent back first
        "整改督办通知": (Colour.BLUE, "blue.due_soon", "距办理时限还有2个工作日"),  # notices carry no progress
    }  # the signed-off 已办结事项 is not on the open ledger


def test_the_rules_are_configurable(warned):
    world, wq = warned
    strict = WarningQueries(wq.ledger, WarningRules(due_soon_days=7, behind_threshold=20))
    got = colours(strict.rows(world.district, MAR20))
    assert got["进度正常"] == (Colour.YELLOW, "yellow.behind_schedule", "进度40%，时限已过67%")  # 40 < 66.7 - 20
    assert got["分解事项"] == (Colour.BLUE, "blue.due_soon", "距办理时限还有7个工作日")
    assert got["进度滞后"][1] == "yellow.behind_schedule"


def test_behind_schedule_boundary_and_due_today(app, clock):
    """Opened 03-02, deadline 03-31: on 03-20, 14 of 21 working days are gone, 66.7% - 30 = 36.7."""
    world = DistrictBuilder(app).units(A="区住建局").build()
    items = {title: world.item(lead="A", sign=True, title=title, deadline=deadline)
             for title, deadline in (("三十六", MAR31), ("三十七", MAR31), ("今日到期", MAR20), ("待核验", MAR31))}
    clock.set(MAR09)
    for title, percent in (("三十六", 36), ("三十七", 37), ("今日到期", 100), ("待核验", 10)):
        app.report_item_progress(items[title], percent, "推进中", world.unit("A"))
    app.report_completion(items["待核验"], "已完成", world.unit("A"))
    clock.set(MAR20)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    got = colours(WarningQueries(LedgerQueries(read_side.read_models)).rows(world.district, MAR20))
    assert got == {
        "三十六": (Colour.YELLOW, "yellow.behind_schedule", "进度36%，时限已过67%"),
        "三十七": (Colour.NONE, None, ""),
        "今日到期": (Colour.BLUE, "blue.due_soon", "今日到期"),
        "待核验": (Colour.NONE, None, ""),  # waiting on the office's verification: not judged on pace
    }


def test_counts_by_colour_per_unit_and_per_leader(warned):
    world, wq = warned
    d, u, l = world.district, world.unit_ids, world.leader_ids
    by_unit = {k: (t.name, t.red, t.yellow, t.blue, t.none) for k, t in wq.by_unit(d, MAR20).items()}
    assert by_unit == {
        u["A"].hex: ("区住建局", 1, 2, 0, 1),  # 逾期且缺报 red; 进度滞后, 核验未通过问题 yellow; 分解事项
        u["B"].hex: ("晴川街", 1, 1, 0, 1),  # 晴川街段 red; 缺报月报 yellow; 进度正常
        u["C"].hex: ("区城管执法局", 0, 1, 2, 0),  # 办结被退回 yellow; 即将到期问题, 整改督办通知 blue
    }
    by_leader = {k: (t.red, t.yellow, t.blue, t.none, t.total) for k, t in wq.by_leader(d, MAR20).items()}
    assert by_leader == {l["V1"].hex: (2, 3, 0, 2, 7), l["V2"].hex: (0, 1, 2, 0, 3)}
    only_c = wq.by_unit(d, MAR20, unit=u["C"])
    assert list(only_c) == [u["C"].hex]
