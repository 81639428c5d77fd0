"""The organisation's own rules, given–when–then on the aggregates (``domain_harness``: no store, no
service): the district (区) and its automatic urging, the number registers (编号登记簿), units (承办单位:
codes, names and short names, renaming from a date, retiring), leader posts (领导岗位) and the division
of work over time (领导分工: portfolios from an effective date, AB角 cover during a recorded absence).

What the service adds — who may register units and leaders, codes and active names unique across the
district's records, codes given by the system, a retired unit refused where it is assigned or placed,
districts kept apart, business dates, a fresh service reading the records back — stays in
tests/test_organisation.py and tests/test_district_setup.py.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.actor import DEPLOYMENT, Actor, Role, deployment_actor
from domain.errors import InputProblems, InvalidInput, NotAllowed, RuleViolation
from domain.leadership import Leader, LeaderTitle, Roster, parse_leader_title, post_words
from domain.organisation import District, NumberRegister, Unit, UnitKind, parse_unit_kind
from domain_harness import creating, event, given, when

D = "420105"
JAN5, MAR2, MAR3 = date(2026, 1, 5), date(2026, 3, 2), date(2026, 3, 3)
ADMIN = Actor("admin", Role.ADMIN, D)
OFFICE = Actor("duchashi", Role.OFFICE, D)
PLATFORM = deployment_actor("pingtai")
U01, U02, L1, L2, L3 = (uuid.uuid5(uuid.NAMESPACE_URL, f"duban-test-{code}") for code in ("U01", "U02", "L1", "L2", "L3"))


# ---- the district ----------------------------------------------------------------------------------------
def test_a_district_opens_with_a_six_digit_code_and_a_name_every_problem_at_once():
    district = creating(lambda: District.open(D, " 汉阳区 ", JAN5, PLATFORM)).then(
        event("Opened", district=D, name="汉阳区", on=JAN5))
    assert (district.id, district.auto_urging) == (District.id_for(D), None)
    problems = creating(lambda: District.open("4201", " ", JAN5, PLATFORM)).refused("district.bad_code", InputProblems)
    assert [(p.field, p.rule) for p in problems.problems] == [("code", "district.bad_code"),
                                                               ("name", "district.name_required")]
    # the deployment's own "district" is no district's code
    creating(lambda: District.open(DEPLOYMENT, "平台", JAN5, PLATFORM)).refused("district.bad_code", field="code")


def switch(enabled: bool, rules: str = "2026-v1", actor: Actor = OFFICE):
    return lambda district: district.switch_auto_urging(enabled, rules, MAR2, actor)


def test_the_office_switches_automatic_urging_on_under_a_rules_version_and_off_again():
    district = given(District.open(D, "汉阳区", JAN5, PLATFORM))
    when(district, switch(True, actor=ADMIN)).refused("role.not_allowed", NotAllowed)
    when(district, switch(False)).refused("auto_urging.unchanged", RuleViolation)
    on = when(district, switch(True)).then("AutoUrgingSwitched", enabled=True, rules="2026-v1")
    assert on.auto_urging == "2026-v1"
    when(on, switch(True)).refused("auto_urging.unchanged", RuleViolation)
    assert when(on, switch(True, "2027-v1")).then("AutoUrgingSwitched", rules="2027-v1").auto_urging == "2027-v1"
    off = when(on, switch(False)).then("AutoUrgingSwitched", enabled=False, rules="")
    assert off.auto_urging is None


# ---- number registers ------------------------------------------------------------------------------------
def test_a_keyed_register_gives_each_key_once():
    register = given(NumberRegister.start(D, "unit", None, JAN5))
    assert not register.numbered
    claimed = when(register, lambda r: r.claim("U01", U01, MAR2, "单位代码")).then("Claimed", key="U01", record_id=U01)
    assert claimed.entries == {"U01": U01}
    error = when(claimed, lambda r: r.claim("U01", U02, MAR2, "单位代码")).refused("number.taken", field="number")
    assert "U01" in error.message
    # a claim dated before the register's last fact is recorded on that fact's day
    when(claimed, lambda r: r.claim("U02", U02, JAN5, "单位代码")).then("Claimed", on=MAR2)


def test_a_numbered_register_keeps_the_highest_number_and_refuses_taken_or_far_numbers():
    register = given(NumberRegister.start(D, "item", 2026, JAN5), lambda r: r.claim_number(1, U01, MAR2, "督办编号", taken=False))
    assert (register.numbered, register.highest, register.next_number()) == (True, 1, 2)
    when(register, lambda r: r.claim_number(1, U02, MAR2, "督办编号", taken=True)).refused("number.taken", field="number")
    assert register.highest_allowed() == 52  # the highest given plus fifty skipped
    error = when(register, lambda r: r.claim_number(53, U02, MAR2, "督办编号", taken=False)).refused(
        "number.too_far_ahead", field="number")
    assert "52" in error.message
    far = when(register, lambda r: r.claim_number(52, U02, MAR2, "督办编号", taken=False)).then("NumberClaimed", number=52)
    assert far.highest == 52
    back = when(far, lambda r: r.claim_number(7, U02, MAR2, "督办编号", taken=False)).then("NumberClaimed", number=7)
    assert back.highest == 52  # a number left free earlier is used, the highest stays


# ---- units -----------------------------------------------------------------------------------------------
def register_unit(code="U01", name="晴川街道办事处", short_name=""):
    return lambda: Unit.register(code, name, UnitKind.SUBDISTRICT, JAN5, ADMIN, short_name=short_name)


def unit() -> Unit:
    """U01 晴川街道办事处 (简称 晴川街), registered on 5 January."""
    return given(register_unit(short_name=" 晴川街 ")())


def rename(name: str, on: date = MAR2, short_name: str | None = None):
    return lambda u: u.rename(name, on, ADMIN, short_name=short_name)


def test_a_unit_is_registered_with_a_code_a_name_and_perhaps_a_short_name():
    registered = creating(register_unit(short_name=" 晴川街 ")).then(
        event("Registered", code="U01", name="晴川街道办事处", kind="subdistrict", short_name="晴川街"))
    assert (registered.id, registered.kind, registered.active) == (Unit.id_for(D, "U01"), UnitKind.SUBDISTRICT, True)
    for code in ("U 01", "单位1", "", "U" * 33):
        creating(register_unit(code=code)).refused("unit.bad_code", InvalidInput, field="code")
    creating(register_unit(name=" ")).refused("unit.name_required", InvalidInput, field="name")
    creating(register_unit(short_name="长" * 21)).refused("unit.short_name_too_long", InvalidInput, field="short_name")
    creating(register_unit(short_name="长" * 20)).then("Registered")


def test_unit_kinds_are_read_by_value_or_chinese_label():
    assert parse_unit_kind("街道") is UnitKind.SUBDISTRICT and parse_unit_kind("department") is UnitKind.DEPARTMENT
    creating(lambda: parse_unit_kind("乡镇")).refused("unit.unknown_kind", InvalidInput, field="kind")


def test_a_rename_keeps_the_former_name_and_the_short_name_unless_a_new_one_is_given():
    renamed = when(unit(), rename(" 晴川街道 ")).then("Renamed", name="晴川街道", short_name=None, on=MAR2)
    assert (renamed.name, renamed.short_name, renamed.former_names) == ("晴川街道", "晴川街", ["晴川街道办事处"])
    again = when(renamed, rename("晴川新区街道", MAR3, short_name="新区街")).then("Renamed", short_name="新区街")
    assert (again.short_name, again.former_names) == ("新区街", ["晴川街道办事处", "晴川街道"])
    # a record names the unit as it was on its day
    assert [again.name_on(day) for day in (JAN5, MAR2, MAR3)] == ["晴川街道办事处", "晴川街道", "晴川新区街道"]


def test_bad_renames_are_refused():
    when(unit(), rename(" ")).refused("unit.name_required", InvalidInput, field="name")
    when(unit(), rename("晴川街道办事处")).refused("unit.same_name", RuleViolation, field="name")
    when(unit(), rename("晴川街道", short_name="长" * 21)).refused("unit.short_name_too_long", InvalidInput)


def test_a_unit_is_retired_with_a_reason_once_and_then_never_renamed():
    when(unit(), lambda u: u.retire("  ", MAR2, ADMIN)).refused("unit.retire_reason_required", InvalidInput,
                                                                field="reason")
    retired = when(unit(), lambda u: u.retire(" 区划调整 ", MAR2, ADMIN)).then("Retired", reason="区划调整", on=MAR2)
    assert (retired.active, retired.retired_on) == (False, MAR2)
    when(retired, lambda u: u.retire("再次撤销", MAR3, ADMIN)).refused("unit.retired", RuleViolation)
    when(retired, rename("晴川街道")).refused("unit.retired", RuleViolation)


# ---- leader posts ----------------------------------------------------------------------------------------
def register_leader(code="L1", title=LeaderTitle.VICE_HEAD, label="", holder=""):
    return lambda: Leader.register(code, title, label, JAN5, ADMIN, holder=holder)


def test_a_leader_post_is_labelled_by_its_title_and_holder_unless_a_portfolio_label_is_given():
    zhang = creating(register_leader(holder=" 张三 ")).then(
        event("Registered", code="L1", title="vice_head", holder="张三", portfolio_label="副区长张三"))
    assert (zhang.id, zhang.title, zhang.active) == (Leader.id_for(D, "L1"), LeaderTitle.VICE_HEAD, True)
    assert creating(register_leader(title=LeaderTitle.DISTRICT_HEAD)).then("Registered").portfolio_label == "区长"
    assert creating(register_leader(label="城建交通")).then("Registered").portfolio_label == "城建交通"
    creating(register_leader(code="L 1")).refused("leader.bad_code", InvalidInput, field="code")
    creating(register_leader(holder="长" * 21)).refused("leader.holder_too_long", InvalidInput, field="holder")


@pytest.mark.parametrize("title, holder, label, words", [
    (LeaderTitle.VICE_HEAD, "张三", "副区长（公安、城建）", "副区长 张三"),
    (LeaderTitle.VICE_HEAD, "", "副区长（公安、城建）", "副区长（公安等）"),
    (LeaderTitle.VICE_HEAD, "", "副区长（文教）", "副区长（文教）"),
    (LeaderTitle.VICE_HEAD, "", "副区长", "副区长"),
    (LeaderTitle.DISTRICT_HEAD, "", "区长（全面）", "区长"),
    (LeaderTitle.EXECUTIVE_VICE_HEAD, "", "常务副区长（财政）", "常务副区长"),
])
def test_pages_name_a_post_by_title_and_holder_or_its_first_field(title, holder, label, words):
    assert post_words(title, holder, label) == words


def test_leader_titles_are_read_by_value_or_chinese_label():
    assert parse_leader_title("常务副区长") is LeaderTitle.EXECUTIVE_VICE_HEAD
    creating(lambda: parse_leader_title("书记")).refused("leader.unknown_title", InvalidInput, field="title")


def test_a_post_ends_once():
    post = given(register_leader()())
    ended = when(post, lambda p: p.leave(MAR2, ADMIN)).then("Left", on=MAR2)
    assert (ended.active, ended.left_on) == (False, MAR2)
    when(ended, lambda p: p.leave(MAR3, ADMIN)).refused("leader.left", RuleViolation)


# ---- the division of work (领导分工) -----------------------------------------------------------------------
def place(unit_id, leader, effective):
    return lambda roster: roster.place_unit(unit_id, leader, effective, MAR2, OFFICE)


def cover(leader, covered_by, effective=date(2026, 1, 1)):
    return lambda roster: roster.set_cover(leader, covered_by, effective, MAR2, OFFICE)


def absence(leader, first, last):
    return lambda roster: roster.record_absence(leader, first, last, MAR2, OFFICE)


def roster() -> Roster:
    """U01 and U02 under L1 from 1 January; U01 moves to L2 from 1 July (announced in June)."""
    return given(Roster.start(D, JAN5), place(U01, L1, date(2026, 1, 1)), place(U02, L1, date(2026, 1, 1)),
                 place(U01, L2, date(2026, 7, 1)))


def test_who_is_in_charge_follows_the_effective_date_of_each_placement():
    plan = roster()
    assert plan.leader_in_charge(U01, date(2025, 12, 31)) is None
    assert (plan.leader_in_charge(U01, date(2026, 6, 30)), plan.leader_in_charge(U01, date(2026, 7, 1))) == (L1, L2)
    assert plan.leader_in_charge(U02, date(2026, 7, 1)) == L1
    assert (plan.units_of(L1, date(2026, 6, 30)), plan.units_of(L1, date(2026, 7, 1))) == ([U01, U02], [U02])
    assert (plan.units_of(L2, date(2026, 6, 30)), plan.units_of(L2, date(2026, 7, 1))) == ([], [U01])
    assert plan.in_charge_on(date(2026, 7, 1)) == {U01: L2, U02: L1}


def test_a_unit_is_not_placed_again_under_the_leader_already_in_charge_on_that_day():
    when(roster(), place(U01, L2, date(2026, 8, 1))).refused("roster.already_in_charge", RuleViolation)
    back = when(roster(), place(U01, L1, date(2026, 9, 1))).then(
        event("UnitPlaced", unit=U01, leader=L1, effective=date(2026, 9, 1), on=MAR2))
    assert back.leader_in_charge(U01, date(2026, 8, 31)) == L2 and back.leader_in_charge(U01, date(2026, 9, 1)) == L1
    # the same effective date again: the later placement wins
    same_day = when(roster(), place(U01, L3, date(2026, 7, 1))).then("UnitPlaced")
    assert same_day.leader_in_charge(U01, date(2026, 7, 1)) == L3


def test_the_b_role_acts_for_the_leader_in_charge_only_during_a_recorded_absence():
    covered = when(roster(), cover(L1, L3)).then(event("CoverSet", leader=L1, covered_by=L3, effective=date(2026, 1, 1)))
    away = when(covered, absence(L1, date(2026, 3, 10), date(2026, 3, 12))).then(
        event("AbsenceRecorded", leader=L1, first=date(2026, 3, 10), last=date(2026, 3, 12)))
    assert [away.acting_leader(U01, date(2026, 3, day)) for day in (9, 10, 12, 13)] == [
        (L1, False), (L3, True), (L3, True), (L1, False)]
    assert away.leader_in_charge(U01, date(2026, 3, 11)) == L1  # cover does not change the portfolio
    assert away.units_acted_for(L3, date(2026, 3, 11)) == [U01, U02]
    assert away.units_acted_for(L1, date(2026, 3, 11)) == [] and away.units_acted_for(L1, date(2026, 3, 13)) == [U01, U02]


def test_an_absence_needs_a_b_role_and_an_end_not_before_its_start_and_nobody_covers_themselves():
    when(roster(), cover(L2, L2)).refused("roster.cover_self", RuleViolation)
    when(roster(), absence(L2, date(2026, 3, 10), date(2026, 3, 12))).refused("roster.no_cover", RuleViolation)
    covered = given(roster(), cover(L2, L3, effective=date(2026, 4, 1)))
    when(covered, absence(L2, date(2026, 3, 10), date(2026, 3, 12))).refused("roster.no_cover", RuleViolation)  # not yet
    when(covered, absence(L2, date(2026, 4, 10), date(2026, 4, 9))).refused("roster.bad_absence", InvalidInput,
                                                                             field="last")
    when(covered, absence(L2, date(2026, 4, 10), date(2026, 4, 10))).then("AbsenceRecorded")
