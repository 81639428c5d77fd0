"""Commands as data (duban.commands): one class per command, read alike from JSON and from a form,
every problem reported at once in Chinese, and each class handled by exactly one method of the
application that takes its fields."""

import inspect
from datetime import date
from uuid import UUID

import msgspec
import pytest

from domain.errors import InputProblems
from duban.application import Duban
from duban.commands import inspections, items, notices, organisation, rectifications
from duban.commands.base import Command, decode, field_label

UNIT = UUID("6c6d0d8e-9b8b-4c3c-8a53-0d1e8e4f0a11")
MODULES = (items, notices, rectifications, inspections, organisation)


def command_classes() -> list[type[Command]]:
    return [c for m in MODULES for c in vars(m).values()
            if isinstance(c, type) and issubclass(c, Command) and c.handler]


def problems(cls, data, *, form=False) -> list[tuple[str | None, str, str]]:
    with pytest.raises(InputProblems) as refused:
        decode(cls, data, form=form)
    return [(p.field, p.rule, p.message) for p in refused.value.problems]


@pytest.mark.parametrize("cls", command_classes(), ids=lambda c: c.__name__)
def test_every_command_has_one_handler_that_takes_all_its_fields(cls):
    handler = getattr(Duban, cls.handler)
    accepted = set(inspect.signature(handler).parameters)
    assert set(cls.__struct_fields__) <= accepted, f"{cls.__name__} → {cls.handler}"
    assert "actor" in accepted


def test_no_two_commands_share_a_handler():
    handlers = [c.handler for c in command_classes()]
    assert len(handlers) == len(set(handlers))


@pytest.mark.parametrize("cls", command_classes(), ids=lambda c: c.__name__)
def test_every_field_has_a_chinese_name(cls):
    for name in cls.__struct_fields__:
        label = field_label(cls, name)
        assert label != name and any("\u4e00" <= ch <= "\u9fff" for ch in label), f"{cls.__name__}.{name}"


def test_a_form_is_read_leniently_into_the_same_command_as_json():
    posted = {"percent": " 30 ", "text": "已完成方案", "subtask": "", "version": "ignored", "_csrf_token": "x"}
    from_form = decode(items.ReportProgress, {k: v for k, v in posted.items() if k != "version"}, form=True)
    from_json = decode(items.ReportProgress, {"percent": 30, "text": "已完成方案"})
    assert from_form == from_json == items.ReportProgress(percent=30, text="已完成方案")


def test_every_problem_of_a_form_is_reported_at_once_naming_its_field():
    found = problems(items.Criticise, {"note": "", "unit": "nobody", "expected_version": "two"}, form=True)
    assert found == [
        ("expected_version", "request.bad_type", "页面版本应为整数。"),
        ("unit", "request.bad_id", "通报单位无效，请重新选择。"),
    ]
    found = problems(items.RequestExtension, {"new_deadline": "2026-02-30", "reasons": ""}, form=True)
    assert found == [("new_deadline", "request.bad_date", "申请的新时限应为日期，格式如 2026-03-02。"),
                     ("reasons", "request.missing_field", "请填写延期理由。")]


def test_json_and_form_refuse_the_same_bad_values_alike():
    bad = {"percent": "half", "text": "x" * 4001}
    assert problems(items.ReportProgress, bad, form=True) == [
        ("percent", "request.bad_type", "完成进度应为整数。"), ("text", "request.too_long", "进展情况不能超过4000字。")]
    assert problems(items.ReportProgress, {"percent": 130, "text": "x"}) == problems(
        items.ReportProgress, {"percent": "130", "text": "x"}, form=True) == [
        ("percent", "request.out_of_range", "完成进度应在0–100之间。")]


def test_json_refuses_unknown_fields_and_text_where_a_number_belongs():
    assert problems(items.Urge, {"note": 3, "nope": 1}) == [
        ("note", "request.bad_type", "催办意见应为文本。"), ("nope", "request.unknown_field", "未知的字段“nope”。")]
    assert problems(items.ReportProgress, {"percent": "30", "text": "x"}) == [
        ("percent", "request.bad_type", "完成进度应为整数。")]


def test_a_choice_left_empty_asks_to_choose():
    assert problems(items.AssignItem, {"lead_unit": ""}, form=True) == [
        ("lead_unit", "request.missing_field", "请选择牵头单位。")]
    assert problems(items.DecideExtension, {"grant": ""}, form=True) == [
        ("grant", "request.missing_field", "请选择审批结论。")]
    assert problems(items.RecordSatisfaction, {"satisfaction": "thrilled"}, form=True) == [
        ("satisfaction", "request.bad_choice", "测评结果的取值无效，请重新选择。")]


def test_yes_and_no_from_a_form():
    assert decode(items.DecideExtension, {"grant": "true"}, form=True).grant is True
    assert decode(items.DecideExtension, {"grant": "false", "note": "理由不足"}, form=True).grant is False
    assert decode(items.DecideReferral, {"approve": "on"}, form=True).approve is True


def test_a_list_of_rows_from_a_form_drops_blank_rows_and_names_the_bad_cell():
    posted = {
        "unit": UNIT.hex, "subject_kind": "item", "subject_id": UNIT.hex, "title": "督办通知",
        "tasks[0].task": "报送方案", "tasks[0].responsible": "局长", "tasks[0].deadline": "2026-03-20",
        "tasks[1].task": "", "tasks[1].responsible": "", "tasks[1].deadline": "",
        "tasks[2].task": "建立机制", "tasks[2].responsible": "主任", "tasks[2].deadline": "2026-04-20",
    }
    notice = decode(notices.IssueNotice, posted, form=True)
    assert [t.task for t in notice.tasks] == ["报送方案", "建立机制"]
    assert notice.tasks[1].deadline == date(2026, 4, 20)
    found = problems(notices.IssueNotice, {**posted, "tasks[2].deadline": "soon"}, form=True)
    assert found == [("tasks[2].deadline", "request.bad_date", "任务时限应为日期，格式如 2026-03-02。")]
    nothing = {k: v for k, v in posted.items() if not k.startswith("tasks")}
    assert problems(notices.IssueNotice, nothing, form=True) == [("tasks", "request.missing_field", "请填写任务。")]
    assert problems(notices.IssueNotice, {**msgspec.to_builtins(notice), "tasks": []}) == [
        ("tasks", "request.missing_field", "请至少填写一项任务。")]


def test_a_month_in_the_wrong_shape_is_shown_with_an_example():
    found = problems(inspections.PlanInspection, {"kind": "special", "title": "专项督查", "target_units": [UNIT.hex],
                                                  "planned_month": "2026-13"})
    assert found == [("planned_month", "request.bad_format", "计划月份的格式不对，格式如 2026-04。")]


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(Exception) as refused:
        decode(items.Urge, ["note"])
    assert getattr(refused.value, "rule", "") == "request.body_required"
