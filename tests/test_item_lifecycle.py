"""Supervised items (督办事项) through their life: registration, default deadlines, assignment,
sign-for, progress, sub-tasks, cannot-implement, completion and verification, formal replies to
deputies and members, and the escalation ladder — all through the ``Duban`` service, on both stores."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from builders import DistrictBuilder, item_events, refused
from evidence_samples import JPEG, PDF, Upload, xlsx
from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.item import ItemStatus, Satisfaction
from domain.organisation import UnitKind
from domain.sources import SourceKind
from checks import stored_items

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

XLSX = xlsx()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TODAY = date(2026, 3, 2)  # the conftest clock


@pytest.fixture
def world(app):
    """Units A (lead), B (co), C (not on the items); V1 in charge of A, V2 of B and C; V2 covers V1."""
    return (
        DistrictBuilder(app)
        .units(A=("晴川街", UnitKind.SUBDISTRICT), B="区住建局", C="区城管局")
        .leaders(HEAD="district_head", V1="vice_head", V2="vice_head")
        .place(A="V1", B="V2", C="V2")
        .cover(V1="V2")
        .build()
    )


# ---------------------------------------------------------------------------------------- registration
@pytest.mark.parametrize("source", list(SourceKind))
def test_every_source_registers_with_its_reference_and_decision_date(app, world, source):
    item = app.register_item(source=source, reference=f"  {source.label}第7号 ", decision_date=date(2026, 2, 10),
                             title="整治背街小巷", deadline=date(2026, 6, 30), actor=world.office)
    again = app.item(item.id, world.office)
    assert (again.source, again.reference, again.decision_date) == (source, f"{source.label}第7号", date(2026, 2, 10))
    assert (again.deadline, again.deadline_basis) == (date(2026, 6, 30), "explicit")
    assert again.status is ItemStatus.REGISTERED
    assert again.number_label == "督〔2026〕1号"


def test_item_numbers_count_up_per_district_and_year(app, world, clock):
    labels = [app.item(world.item(title=f"事项{i}"), world.office).number_label for i in range(3)]
    assert labels == ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"]

    # an explicit number is taken as given, and the count continues after it
    assert app.item(world.item(number=10), world.office).number == 10
    assert app.item(world.item(), world.office).number == 11

    # a taken number is refused and nothing is recorded; number 2 keeps its item
    with refused(world, RuleViolation, "number.taken"):
        world.item(number=2, title="重复编号的事项")
    assert [i.title for i in stored_items(app, world.district) if i.number == 2] == ["事项1"]
    assert len(stored_items(app, world.district)) == 5

    # another district has its own numbers
    other = DistrictBuilder(app, district="420106", name="洪山区").build()
    assert app.item(other.item(number=2), other.office).number_label == "督〔2026〕2号"
    assert app.item(other.item(), other.office).number == 3

    # a new year starts again at 1; last year's items keep theirs
    clock.set(date(2027, 1, 4))
    first = app.item(world.item(deadline=date(2027, 3, 31)), world.office)
    assert first.number_label == "督〔2027〕1号"
    assert app.item(world.item(deadline=date(2027, 3, 31)), world.office).number_label == "督〔2027〕2号"
    assert sorted(i.number for i in stored_items(app, world.district, [2026])) == [1, 2, 3, 10, 11]


def test_an_explicit_number_may_skip_at_most_fifty_numbers(app, world):
    """督〔2026〕2026001号 would make the next item 2026002 and every walk over the numbers long."""
    world.item(number=3)
    with refused(world, RuleViolation, "number.too_far_ahead") as info:
        world.item(number=2026001)
    assert "本年度已编到3号，指定编号最大为54号" in info.value.message
    with refused(world, RuleViolation, "number.too_far_ahead"):
        world.item(number=55)
    assert app.item(world.item(number=54), world.office).number == 54
    assert app.item(world.item(), world.office).number_label == "督〔2026〕55号"


def test_registration_refusals_record_nothing(app, world):
    unit = world.unit("A")
    with refused(world, NotAllowed, "role.not_allowed"):
        app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="常务会", decision_date=TODAY,
                          title="事项", actor=unit)
    with refused(world, InvalidInput, "item.title_required"):
        world.item(title="  ")
    with refused(world, InvalidInput, "item.reference_required"):
        world.item(reference="")
    with refused(world, InvalidInput, "item.deadline_before_decision"):
        world.item(decision_date=date(2026, 2, 1), deadline=date(2026, 2, 1))
    assert stored_items(app, world.district) == []


# ---------------------------------------------------------------------------------------- default deadlines
@pytest.mark.parametrize(
    "source, decided, working_days, expected, basis",
    [
        # one month after the meeting: 2026-02-28 is a Saturday but a working day (春节调休)
        (SourceKind.EXECUTIVE_MEETING, date(2026, 1, 31), None, date(2026, 2, 28), "meeting_one_month"),
        # 2026-02-17 falls in the Spring Festival holiday (02-15..02-23) -> Tuesday 02-24
        (SourceKind.EXECUTIVE_MEETING, date(2026, 1, 17), None, date(2026, 2, 24), "meeting_one_month"),
        # an ordinary weekend: Saturday 2026-02-07 -> Monday 02-09
        (SourceKind.TOPIC_MEETING, date(2026, 1, 7), None, date(2026, 2, 9), "meeting_one_month"),
        # a proposal (政协提案) is due three months later
        (SourceKind.CPPCC_PROPOSAL, date(2026, 1, 20), None, date(2026, 4, 20), "proposal_three_months"),
        # 5 working days after Thursday 02-12: Fri 13, Sat 14 (调休), the holiday, then Tue 24, Wed 25, Thu 26
        (SourceKind.LEADER_INSTRUCTION, date(2026, 2, 12), 5, date(2026, 2, 26), "working_days:5"),
    ],
)
def test_default_deadline(app, world, source, decided, working_days, expected, basis):
    item = app.item(world.item(source=source, decision_date=decided, working_days=working_days), world.office)
    assert (item.deadline, item.deadline_basis, item.deadline_estimated) == (expected, basis, False)


def test_working_days_count_the_adjusted_saturday_after_national_day(app, world, clock):
    clock.set(date(2026, 10, 9))
    # Oct 1-7 are holidays; Thu 8 and Fri 9 count, Saturday 10 is a 调休 working day
    item = app.item(world.item(source=SourceKind.SUPERIOR_ASSIGNMENT, decision_date=date(2026, 9, 30),
                               working_days=3), world.office)
    assert item.deadline == date(2026, 10, 10)
    assert not item.deadline_estimated


def test_a_leader_instruction_must_state_its_deadline(app, world):
    with refused(world, InvalidInput, "deadline.required") as info:
        world.item(source=SourceKind.LEADER_INSTRUCTION, reference="批示第3号")
    assert info.value.field == "deadline"
    assert stored_items(app, world.district) == []


def test_a_deadline_in_a_year_without_calendar_data_is_estimated_not_an_error(app, world, clock):
    clock.set(date(2026, 12, 21))
    meeting = app.item(world.item(decision_date=date(2026, 12, 18)), world.office)
    assert (meeting.deadline, meeting.deadline_estimated) == (date(2027, 1, 18), True)
    counted = app.item(world.item(source=SourceKind.HOTLINE, decision_date=date(2026, 12, 21), working_days=10),
                       world.office)
    assert counted.deadline.year == 2027 and counted.deadline_estimated
    inside = app.item(world.item(decision_date=date(2026, 11, 2)), world.office)
    assert (inside.deadline, inside.deadline_estimated) == (date(2026, 12, 2), False)


# ---------------------------------------------------------------------------------------- assignment and sign-for
def test_assignment_and_sign_for(app, world):
    item_id = world.item()
    item = app.assign_item(item_id, world.unit_ids["A"], [world.unit_ids["B"]], world.office)
    assert (item.status, item.lead_unit, item.co_units) == (ItemStatus.ASSIGNED, world.unit_ids["A"],
                                                            [world.unit_ids["B"]])

    # the co-unit's sign-for does not start the work; the lead unit's does
    assert app.sign_for_item(item_id, world.unit("B")).status is ItemStatus.ASSIGNED
    item = app.sign_for_item(item_id, world.unit("A"))
    assert item.status is ItemStatus.IN_PROGRESS
    assert item.signed_for == {world.unit_ids["A"].hex: TODAY, world.unit_ids["B"].hex: TODAY}

    with refused(world, RuleViolation, "item.already_signed_for", item=item_id):
        app.sign_for_item(item_id, world.unit("A"))
    with refused(world, NotAllowed, "item.unit_not_assigned", item=item_id):
        app.sign_for_item(item_id, world.unit("C"))


def test_sign_for_an_item_not_yet_assigned_is_refused(app, world):
    item_id = world.item()
    with refused(world, NotAllowed, "item.unit_not_assigned", item=item_id):
        app.sign_for_item(item_id, world.unit("A"))


# ---------------------------------------------------------------------------------------- progress
# Who reports progress, after signing for, the report's checks and the percent's bounds: the item's own
# rules, tests/test_item_rules.py.  Here: the files a report cites, stored beside the events.
@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_a_progress_report_cites_its_uploaded_files(app, world):
    item_id = world.item(lead="A", sign=True)
    files = [Upload("现场照片.jpg", JPEG), Upload(" 台账.xlsx ", XLSX)]
    app.report_item_progress(item_id, 40, "  完成摸底排查 ", world.unit("A"), attachments=files)
    assert [(r["percent"], r["text"]) for r in app.item(item_id, world.office).reports] == [(40, "完成摸底排查")]
    reported = [e for e in item_events(app, item_id) if type(e).__name__ == "ProgressReported"]
    assert reported[0].attachments == [
        {"name": "现场照片.jpg", "size": len(JPEG), "content_type": "image/jpeg", "sha256": hashlib.sha256(JPEG).hexdigest()},
        {"name": "台账.xlsx", "size": len(XLSX), "content_type": XLSX_TYPE, "sha256": hashlib.sha256(XLSX).hexdigest()}]
    assert reported[0].actor["user"] == "a-clerk"


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_a_progress_report_refuses_a_file_of_a_type_not_accepted(app, world):
    item_id = world.item(lead="A", sign=True)
    with refused(world, InvalidInput, "evidence.type_not_accepted", item=item_id):
        app.report_item_progress(item_id, 50, "进展", world.unit("A"), attachments=[Upload("a.pdf", b"MZ\x90\x00")])


# ---------------------------------------------------------------------------------------- sub-tasks
def test_subtasks_roll_up_and_hold_completion(app, world):
    item_id = world.item(lead="A", co=["B"], sign=True, deadline=date(2026, 6, 30))
    with refused(world, InvalidInput, "subtask.deadline_after_item", item=item_id):
        app.split_item(item_id, [{"unit": world.unit_ids["A"], "title": "拆违", "deadline": date(2026, 7, 1)}],
                       world.office)
    with refused(world, InvalidInput, "subtask.unit_not_assigned", item=item_id):
        app.split_item(item_id, [{"unit": world.unit_ids["C"], "title": "拆违", "deadline": date(2026, 5, 1)}],
                       world.office)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.split_item(item_id, [{"unit": world.unit_ids["A"], "title": "拆违", "deadline": date(2026, 5, 1)}],
                       world.unit("A"))

    item = app.split_item(item_id, [
        {"unit": world.unit_ids["A"], "title": "拆除违建", "deadline": date(2026, 5, 31)},
        {"unit": world.unit_ids["B"], "title": "管网改造", "deadline": date(2026, 6, 30)},
    ], world.office)
    assert [(k, s["title"]) for k, s in item.subtasks.items()] == [("S1", "拆除违建"), ("S2", "管网改造")]

    app.report_item_progress(item_id, 40, "已拆除一半", world.unit("A"), subtask="S1")
    item = app.report_item_progress(item_id, 80, "管网基本完成", world.unit("B"), subtask="S2")
    assert app.item(item_id, world.office).progress_percent == 60
    with refused(world, RuleViolation, "subtask.other_unit", item=item_id):
        app.report_item_progress(item_id, 50, "代报", world.unit("A"), subtask="S2")

    app.complete_subtask(item_id, "S1", "违建全部拆除", world.unit("A"))
    assert app.item(item_id, world.office).progress_percent == 90
    with refused(world, RuleViolation, "item.subtasks_open", item=item_id):
        app.report_completion(item_id, "全部完成", world.unit("A"))

    app.complete_subtask(item_id, "S2", "管网改造完成", world.unit("B"))
    with refused(world, RuleViolation, "subtask.already_completed", item=item_id):
        app.complete_subtask(item_id, "S2", "再报一次", world.unit("B"))
    item = app.report_completion(item_id, "全部完成", world.unit("A"))
    assert (item.status, item.progress_percent) == (ItemStatus.COMPLETION_REPORTED, 100)


# ---------------------------------------------------------------------------------------- cannot implement
@pytest.mark.parametrize("accept, status", [(True, ItemStatus.TERMINATED), (False, ItemStatus.IN_PROGRESS)])
def test_cannot_implement_report_and_office_decision(app, world, accept, status):
    item_id = world.item(lead="A", co=["B"], sign=True)
    with refused(world, NotAllowed, "item.lead_unit_only", item=item_id):
        app.report_cannot_implement(item_id, "规划调整", world.unit("B"))
    with refused(world, InvalidInput, "cannot_implement.reasons_required", item=item_id):
        app.report_cannot_implement(item_id, " ", world.unit("A"))
    with refused(world, RuleViolation, "cannot_implement.none_pending", item=item_id):
        app.decide_cannot_implement(item_id, True, "同意", world.office)

    item = app.report_cannot_implement(item_id, "地块规划调整，项目暂缓", world.unit("A"))
    assert item.status is ItemStatus.CANNOT_IMPLEMENT_REPORTED
    assert item.cannot_implement["reasons"] == "地块规划调整，项目暂缓"
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.decide_cannot_implement(item_id, True, "同意", world.unit("A"))
    with refused(world, InvalidInput, "cannot_implement.note_required", item=item_id):
        app.decide_cannot_implement(item_id, accept, "", world.office)

    item = app.decide_cannot_implement(item_id, accept, "经核实", world.office)
    assert app.item(item_id, world.office).status is status
    if accept:
        assert item.status.is_closed and item.closed_on == TODAY
        with refused(world, RuleViolation, "item.closed", item=item_id):
            app.report_item_progress(item_id, 10, "继续办理", world.unit("A"))
    else:
        assert item.cannot_implement is None and item.closed_on is None
        assert app.report_item_progress(item_id, 50, "继续办理", world.unit("A")).progress_percent == 50


# ---------------------------------------------------------------------------------------- completion, verification
# Who reports completion, sending back and signing off: the item's own rules, tests/test_item_rules.py.
# Here: the file a completion report cites, stored beside the events.
@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_a_completion_report_cites_its_uploaded_file_and_the_office_signs_off(app, world):
    item_id = world.item(lead="A", sign=True)
    app.report_completion(item_id, "已完成", world.unit("A"), attachments=[Upload("办结报告.pdf", PDF)])
    reported = [e for e in item_events(app, item_id) if type(e).__name__ == "CompletionReported"]
    assert reported[0].attachments == [{"name": "办结报告.pdf", "size": len(PDF), "content_type": "application/pdf",
                                        "sha256": hashlib.sha256(PDF).hexdigest()}]
    app.sign_off_item(item_id, world.office, note="核验通过")
    item = app.item(item_id, world.office)
    assert (item.status, item.closed_on) == (ItemStatus.SIGNED_OFF, TODAY)


@pytest.mark.parametrize("command", ["progress", "extension", "completion", "cannot_implement", "urge", "split",
                                     "sign_for", "reply", "criticise"])
def test_a_closed_item_cannot_be_acted_on(app, world, command):
    item_id = world.item(lead="A", co=["B"], sign=["A"])
    app.report_completion(item_id, "已完成", world.unit("A"))
    app.sign_off_item(item_id, world.office)
    A, B, office = world.unit("A"), world.unit("B"), world.office
    calls = {
        "progress": lambda: app.report_item_progress(item_id, 100, "补报", A),
        "extension": lambda: app.request_extension(item_id, date(2026, 12, 31), "再延期", A),
        "completion": lambda: app.report_completion(item_id, "再报", A),
        "cannot_implement": lambda: app.report_cannot_implement(item_id, "无法办理", A),
        "urge": lambda: app.urge_item(item_id, "请加快", office),
        "split": lambda: app.split_item(item_id, [{"unit": A.unit, "title": "x", "deadline": TODAY}], office),
        "sign_for": lambda: app.sign_for_item(item_id, B),
        "reply": lambda: app.record_formal_reply(item_id, "答复", A),
        "criticise": lambda: app.criticise_item(item_id, "拖延", office),
    }
    with refused(world, RuleViolation, "item.closed", item=item_id):
        calls[command]()


# ---------------------------------------------------------------------------------------- NPC / CPPCC replies
@pytest.mark.parametrize("source", [SourceKind.NPC_SUGGESTION, SourceKind.CPPCC_PROPOSAL])
def test_formal_reply_and_satisfaction_gate_completion(app, world, source):
    item_id = world.item(source=source, reference="第45号", lead="A", co=["B"], sign=True)
    A = world.unit("A")
    with refused(world, RuleViolation, "reply.not_satisfied", item=item_id):
        app.report_completion(item_id, "已办理", A)
    with refused(world, NotAllowed, "item.lead_unit_only", item=item_id):
        app.record_formal_reply(item_id, "答复", world.unit("B"))
    with refused(world, RuleViolation, "reply.none_to_rate", item=item_id):
        app.record_satisfaction(item_id, Satisfaction.SATISFIED, world.office)

    app.record_formal_reply(item_id, "已增设公交线路", A)
    with refused(world, RuleViolation, "reply.not_satisfied", item=item_id):
        app.report_completion(item_id, "已办理", A)  # not yet rated
    with refused(world, RuleViolation, "reply.already_recorded", item=item_id):
        app.record_formal_reply(item_id, "再答复", A)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.record_satisfaction(item_id, Satisfaction.SATISFIED, A)

    # 不满意: back to handling, a new reply is needed before completion
    item = app.record_satisfaction(item_id, Satisfaction.UNSATISFIED, world.office, comment="线路太少")
    assert item.status is ItemStatus.IN_PROGRESS and item.formal_reply["satisfaction"] == "unsatisfied"
    with refused(world, RuleViolation, "reply.not_satisfied", item=item_id):
        app.report_completion(item_id, "已办理", A)

    app.record_formal_reply(item_id, "再增两条线路", A)
    item = app.record_satisfaction(item_id, Satisfaction.BASICALLY_SATISFIED, world.office)
    assert item.formal_reply == {"text": "再增两条线路", "on": TODAY, "satisfaction": "basically_satisfied"}
    assert app.report_completion(item_id, "已办理", A).status is ItemStatus.COMPLETION_REPORTED


def test_formal_reply_only_for_deputies_and_members(app, world):
    item_id = world.item(source=SourceKind.EXECUTIVE_MEETING, lead="A", sign=True)
    with refused(world, RuleViolation, "reply.not_applicable", item=item_id):
        app.record_formal_reply(item_id, "答复", world.unit("A"))
    assert app.report_completion(item_id, "已完成", world.unit("A")).status is ItemStatus.COMPLETION_REPORTED


# ---------------------------------------------------------------------------------------- escalation ladder
def test_urge_criticise_and_interview(app, world):
    item_id = world.item(lead="A", co=["B"], sign=True)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.urge_item(item_id, "请加快", world.unit("B"))
    with refused(world, InvalidInput, "item.unit_not_assigned", item=item_id):
        app.urge_item(item_id, "请加快", world.office, unit=world.unit_ids["C"])
    app.urge_item(item_id, "请加快", world.office)
    app.urge_item(item_id, "协办进度滞后", world.office, unit=world.unit_ids["B"])

    with refused(world, InvalidInput, "criticism.note_required", item=item_id):
        app.criticise_item(item_id, "  ", world.office)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.criticise_item(item_id, "拖延", world.leader("V1"))
    app.criticise_item(item_id, "长期不反馈办理情况", world.office, document="阳督通〔2026〕3号")

    with refused(world, InvalidInput, "interview.interviewee_required", item=item_id):
        app.record_interview(item_id, "区政府办公室主任", "", world.office)
    with refused(world, InvalidInput, "interview.held_by_required", item=item_id):
        app.record_interview(item_id, "", "晴川街主要负责人", world.office)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.record_interview(item_id, "自己", "自己", world.unit("A"))
    app.record_interview(item_id, "分管副区长", "晴川街主要负责人", world.leader("V1"), note="限期整改",
                         leader=world.leader_ids["V1"])

    item = app.item(item_id, world.office)
    assert (item.urges, item.criticisms, item.interviews) == (2, 1, 1)
    events = {type(e).__name__: e for e in item_events(app, item_id)}
    assert (events["Interviewed"].held_by, events["Interviewed"].interviewee) == ("分管副区长", "晴川街主要负责人")
    assert events["Interviewed"].leader == world.leader_ids["V1"]
    assert events["Interviewed"].unit == world.unit_ids["A"]
    assert (events["Criticised"].note, events["Criticised"].document) == ("长期不反馈办理情况", "阳督通〔2026〕3号")
    assert [e.unit for e in item_events(app, item_id) if type(e).__name__ == "Urged"] == [
        world.unit_ids["A"], world.unit_ids["B"]]


def test_referral_proposed_by_office_decided_by_a_leader(app, world):
    item_id = world.item(lead="A", sign=True)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.propose_referral(item_id, "问题严重", world.unit("A"))
    with refused(world, RuleViolation, "referral.none_pending", item=item_id):
        app.decide_referral(item_id, True, "同意", world.leader("V1"))
    with refused(world, InvalidInput, "referral.reasons_required", item=item_id):
        app.propose_referral(item_id, " ", world.office)

    assert app.propose_referral(item_id, "问题严重、影响恶劣", world.office).referral == "proposed"
    with refused(world, RuleViolation, "referral.already", item=item_id):
        app.propose_referral(item_id, "再提一次", world.office)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.decide_referral(item_id, True, "同意", world.office)
    with refused(world, NotAllowed, "leader.not_in_charge", item=item_id):
        app.decide_referral(item_id, True, "同意", world.leader("V2"))
    with refused(world, InvalidInput, "referral.decline_reason_required", item=item_id):
        app.decide_referral(item_id, False, "", world.leader("V1"))

    assert app.decide_referral(item_id, False, "先约谈", world.leader("V1")).referral == "declined"
    app.propose_referral(item_id, "约谈后仍无进展", world.office)
    assert app.decide_referral(item_id, True, "同意移交", world.leader("HEAD")).referral == "approved"
    assert app.item(item_id, world.office).referral == "approved"


def test_commend_a_signed_off_item(app, world):
    item_id = world.item(lead="A", co=["B"], sign=["A"])
    app.report_completion(item_id, "提前完成", world.unit("A"))
    app.sign_off_item(item_id, world.office)
    with refused(world, InvalidInput, "commendation.note_required", item=item_id):
        app.commend_item(item_id, "", world.office)
    with refused(world, NotAllowed, "role.not_allowed", item=item_id):
        app.commend_item(item_id, "自夸", world.unit("A"))
    app.commend_item(item_id, "提前高质量完成", world.office)
    item = app.commend_item(item_id, "协办有力", world.office, unit=world.unit_ids["B"])
    assert (item.commendations, item.status) == (2, ItemStatus.SIGNED_OFF)
