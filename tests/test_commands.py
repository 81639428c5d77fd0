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
from domain.actor import Role
from domain.errors import InvalidInput
from duban.commands import accounts, inspections, items, notices, organisation, rectifications, reports, schemes
from duban.commands.base import Command, decode, field_label

UNIT = UUID("6c6d0d8e-9b8b-4c3c-8a53-0d1e8e4f0a11")
MODULES = (items, notices, rectifications, inspections, organisation, accounts, schemes, reports)


def command_classes() -> list[type[Command]]:
    return [c for m in MODULES for c in vars(m).values()
            if isinstance(c, type) and issubclass(c, Command) and c.handler]


def problems(cls, data, *, form=False, checks=None) -> list[tuple[str | None, str, str]]:
    with pytest.raises(InputProblems) as refused:
        decode(cls, data, form=form, checks=checks)
    return [(p.field, p.rule, p.message) for p in refused.value.problems]


@pytest.mark.parametrize("cls", command_classes(), ids=lambda c: c.__name__)
def test_every_command_has_one_handler_that_takes_all_its_fields(cls):
    handler = getattr(Duban, cls.handler)
    accepted = set(inspect.signature(handler).parameters)
    assert set(cls.__struct_fields__) <= accepted, f"{cls.__name__} → {cls.handler}"
    assert "actor" in accepted


@pytest.mark.parametrize("cls", [c for c in command_classes() if c.checks], ids=lambda c: c.__name__)
def test_what_the_application_checks_in_a_command_it_checks_in_its_fields(cls):
    check = getattr(Duban, cls.checks)
    named = set(inspect.signature(check).parameters) - {"self", "actor"}
    assert named and named <= set(cls.__struct_fields__), f"{cls.__name__} → {cls.checks}"


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


def name_taken(fields):
    """A stand-in for the application's checks: the fields it was given, and a name it knows taken."""
    seen.append(dict(fields))
    found = [InvalidInput("user.exists", "用户名“guanliyuan”已存在。", field="username")] \
        if fields.get("username") == "guanliyuan" else []
    return found + [InvalidInput("user.weak_password", "密码至少8位。", field="password")] \
        if len(fields.get("password", "")) < 8 else found


seen: list[dict] = []


def test_what_only_the_application_finds_comes_with_the_fields_problems_at_once():
    seen.clear()
    posted = {"username": "guanliyuan", "display_name": "", "role": "unit", "unit": "nobody", "password": "x" * 201}
    assert problems(accounts.AddUser, posted, form=True, checks=name_taken) == [
        ("display_name", "request.missing_field", "请填写姓名。"),
        ("unit", "request.bad_id", "所属单位无效，请重新选择。"),
        ("password", "request.too_long", "初始密码不能超过200字。"),  # blamed once: its reading's problem
        ("username", "user.exists", "用户名“guanliyuan”已存在。"),
    ]
    assert seen == [{"username": "guanliyuan", "role": Role.UNIT}]  # only the fields read well
    json = {"username": "guanliyuan", "display_name": "王五", "role": "office", "password": "short"}
    assert problems(accounts.AddUser, json, checks=name_taken) == problems(
        accounts.AddUser, json, form=True, checks=name_taken) == [
        ("username", "user.exists", "用户名“guanliyuan”已存在。"), ("password", "user.weak_password", "密码至少8位。")]


def test_a_new_account_keeps_the_unit_or_post_its_role_takes():
    fields = {"username": "clerk", "display_name": "王五", "unit": UNIT.hex, "leader": UNIT.hex, "password": "p" * 8}
    assert decode(accounts.AddUser, {**fields, "role": "unit"}, form=True).unit == UNIT
    office = decode(accounts.AddUser, {**fields, "role": "office"}, form=True)
    assert (office.unit, office.leader) == (None, None)
    assert decode(accounts.AddUser, {**fields, "role": "leader"}, form=True).leader == UNIT


def test_a_district_is_opened_under_the_names_its_form_posts():
    opened = decode(accounts.OpenDistrict, {"code": "420111", "name": "洪山区", "username": "hs-admin",
                                            "display_name": "洪山区管理员", "password": "long-enough-1"})
    assert (opened.code, opened.admin) == ("420111", "hs-admin")
    assert problems(accounts.OpenDistrict, {"username": "x" * 41, "display_name": ""}, form=True) == [
        ("username", "request.too_long", "管理员用户名不能超过40字。"),
        ("display_name", "request.missing_field", "请填写管理员姓名。")]


def test_a_password_left_empty_is_asked_for_by_its_name():
    assert problems(accounts.ChangePassword, {"current": "", "password": "", "confirm": ""}, form=True) == [
        ("current", "request.missing_field", "请填写当前密码。"),
        ("password", "request.missing_field", "请填写新密码。"),
        ("confirm", "request.missing_field", "请填写确认新密码。")]
