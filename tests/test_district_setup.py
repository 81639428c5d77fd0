"""Setting up a real district (issue 13, point 1): who opens districts and gives accounts, units with
their short names, leaders with their holders' names, codes given by the system, the division of work
changed from a date, and each record's history in people's words.

The application on both stores; the domain's own rules are tested without a store in
tests/test_user_rules.py and tests/test_organisation_rules.py."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder, events_recorded

from domain.actor import Actor, Role, deployment_actor
from domain.errors import InputProblems, NotAllowed, NotFound, RuleViolation
from domain.leadership import LeaderTitle
from domain.organisation import UnitKind

D = "420111"
PLATFORM = deployment_actor("pingtai")
PASSWORD = "long-enough-1"


# The domain's rules (who gives which account, a new account's problems, disabling, units' short names,
# leaders' holders, a district's code and name): tests/test_user_rules.py and
# tests/test_organisation_rules.py, without a store.


# ---- the application, on both stores -------------------------------------------------------------------
def test_the_deployment_administrator_opens_districts_with_their_first_administrator(app):
    app.add_deployment_admin(username="pingtai", password=PASSWORD, actor=PLATFORM, display_name="平台管理员甲")
    account = app.set_up_district(code=D, name="洪山区", admin="hs-admin", password=PASSWORD, actor=PLATFORM,
                                  display_name="洪山区管理员")
    assert (account.role, account.district) == (Role.ADMIN, D)
    assert [d.name for d in app.districts()] == ["洪山区"]
    # the deployment administrator sees no district's units, and no district page's data
    assert app.visible_units(PLATFORM) == frozenset()
    # a district's administrator opens no other district
    before = events_recorded(app)
    with pytest.raises(NotAllowed) as caught:
        app.set_up_district(code="420112", name="青山区", admin="qs-admin", password=PASSWORD,
                            actor=account.as_actor())
    assert caught.value.rule == "district.not_own" and events_recorded(app) == before
    # a refused set-up records neither half, and says every problem at once
    with pytest.raises(InputProblems) as problems:
        app.set_up_district(code="42", name="", admin="x", password="short", actor=PLATFORM)
    assert {p.field for p in problems.value.problems} == {"code", "name", "username", "password"}
    assert events_recorded(app) == before


def test_an_administrator_manages_accounts_of_its_own_district_only(app):
    world = DistrictBuilder(app).units(A="区住建局").build()
    other = DistrictBuilder(app, district=D, name="洪山区").units(X="洪山区住建局").build()
    app.add_user(username="office-x", password=PASSWORD, role=Role.OFFICE, district=D, actor=other.admin)
    before = events_recorded(app)
    with pytest.raises(NotFound):  # adding into another district: as for a district that does not exist
        app.add_user(username="intruder", password=PASSWORD, role=Role.OFFICE, district=D, actor=world.admin)
    with pytest.raises(NotFound):
        app.disable_user("office-x", world.admin)
    with pytest.raises(NotFound):
        app.reset_password("office-x", "another-pass-1", world.admin)
    assert events_recorded(app) == before
    assert app.user("office-x").active and app.user("intruder") is None
    # every problem with a new account at once, a taken name among them
    with pytest.raises(InputProblems) as caught:
        app.add_user(username="office-x", password="short", role=Role.UNIT, district=world.district,
                     actor=world.admin)
    assert [(p.field, p.rule) for p in caught.value.problems] == [
        ("unit", "user.unit_required"), ("username", "user.exists"), ("password", "user.weak_password")]
    assert events_recorded(app) == before


def test_codes_are_given_when_none_is_and_several_units_move_in_one_save(app):
    world = DistrictBuilder(app).units(A="区住建局").leaders(V1="vice_head").place(A="V1").build()
    admin = world.admin
    first = app.register_unit(None, "晴川街道办事处", UnitKind.SUBDISTRICT, admin, short_name="晴川街")
    second = app.register_unit(None, "鹦鹉街道办事处", UnitKind.SUBDISTRICT, admin)
    assert (first.code, second.code) == ("U002", "U003") and first.short_name == "晴川街"
    zhang = app.register_leader(None, LeaderTitle.VICE_HEAD, "", admin, holder="张三")
    assert (zhang.code, zhang.holder) == ("L002", "张三")
    before = events_recorded(app)
    app.place_units([world.unit_ids["A"], first.id, second.id], zhang.id, date(2026, 3, 1), admin)
    roster = app.roster(world.district)
    assert roster.units_of(zhang.id, date(2026, 3, 1)) == [world.unit_ids["A"], first.id, second.id]
    assert roster.leader_in_charge(world.unit_ids["A"], date(2026, 2, 28)) == world.leader_ids["V1"]
    assert events_recorded(app) == before + 3
    # a retired unit among them refuses the whole change
    app.retire_unit(second.id, "区划调整", admin)
    before = events_recorded(app)
    with pytest.raises(RuleViolation):
        app.place_units([first.id, second.id], world.leader_ids["V1"], date(2026, 3, 2), admin)
    assert events_recorded(app) == before


def test_a_unit_and_a_post_tell_their_history_in_peoples_words(app):
    world = DistrictBuilder(app).build()
    app.add_user(username="hy-admin", password=PASSWORD, role=Role.ADMIN, district=world.district,
                 actor=world.admin, display_name="李管理")
    admin = app.user("hy-admin").as_actor()
    unit = app.register_unit(None, "晴川街道办事处", UnitKind.SUBDISTRICT, admin, short_name="晴川街")
    zhang = app.register_leader(None, LeaderTitle.VICE_HEAD, "", admin, holder="张三")
    li = app.register_leader(None, LeaderTitle.VICE_HEAD, "", admin, holder="李四")
    app.place_units([unit.id], zhang.id, date(2026, 3, 1), admin)
    app.set_cover(zhang.id, li.id, date(2026, 3, 1), admin)
    app.rename_unit(unit.id, "晴川街道", admin)
    app.place_units([unit.id], li.id, date(2026, 3, 2), admin)
    lines = [(h.who, h.what, h.details) for h in app.unit_history(unit.id, admin)]
    assert lines == [
        ("李管理（管理员）", "登记单位", "名称：晴川街道办事处；类别：街道；简称：晴川街"),
        ("李管理（管理员）", "确定分管领导", "由副区长张三分管，自2026-03-01起"),
        ("李管理（管理员）", "单位更名", "新名称：晴川街道，自2026-03-02起"),
        ("李管理（管理员）", "确定分管领导", "由副区长李四分管，自2026-03-02起"),
    ]
    zhangs = [(h.what, h.details) for h in app.leader_history(zhang.id, admin)]
    assert zhangs == [("登记领导岗位", "职务：副区长；姓名：张三"), ("确定分管单位", "分管晴川街道，自2026-03-01起"),
                      ("设定AB角", "副区长李四为其B角，自2026-03-01起"),
                      ("调整分管单位", "晴川街道改由副区长李四分管，自2026-03-02起")]
    assert all(h.recorded_at for h in app.unit_history(unit.id, admin))
    # another district's administrator finds no such unit
    other = Actor("admin", Role.ADMIN, D)
    with pytest.raises(NotFound):
        app.unit_history(unit.id, other)


def test_the_read_models_list_short_names_and_holders(app):
    from projections.read_side import ReadSide

    world = DistrictBuilder(app).build()
    app.register_unit(None, "晴川街道办事处", UnitKind.SUBDISTRICT, world.admin, short_name="晴川街")
    app.register_leader(None, LeaderTitle.VICE_HEAD, "", world.admin, holder="张三")
    read_side = ReadSide(app.store)
    read_side.catch_up()
    from projections.directory import Accounts, Directory

    directory = Directory(read_side.read_models)
    assert [(u.name, u.short_name) for u in directory.units(world.district)] == [("晴川街道办事处", "晴川街")]
    assert [(l.title, l.holder, l.portfolio_label) for l in directory.leaders(world.district)] == [
        (LeaderTitle.VICE_HEAD, "张三", "副区长张三")]
    # the accounts: a district's own, its administrators for the deployment's list; never a password
    app.add_user(username="hy-admin", password=PASSWORD, role=Role.ADMIN, district=world.district, actor=world.admin,
                 display_name="李管理")
    app.add_user(username="hy-office", password=PASSWORD, role=Role.OFFICE, district=world.district,
                 actor=world.admin, display_name="督查室")
    app.disable_user("hy-office", world.admin)
    other = DistrictBuilder(app, district=D, name="洪山区").build()
    app.add_user(username="hs-admin", password=PASSWORD, role=Role.ADMIN, district=D, actor=other.admin)
    read_side.catch_up()
    accounts = Accounts(read_side.read_models)
    assert [(a.username, a.role, a.active) for a in accounts.of_district(world.district)] == [
        ("hy-admin", Role.ADMIN, True), ("hy-office", Role.OFFICE, False)]
    assert accounts.administrators() == {world.district: ["李管理"], D: ["hs-admin"]}
    assert not any(PASSWORD in str(row) or "argon2" in str(row) for row in read_side.dump()["rm_accounts"])
    dumped = read_side.dump()
    read_side.rebuild()
    assert read_side.dump() == dumped
