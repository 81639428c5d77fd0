"""Setting up a real district (issue 13, point 1): who opens districts and gives accounts, units with
their short names, leaders with their holders' names, codes given by the system, the division of work
changed from a date, and each record's history in people's words.

The domain rules first (no store), then the application on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher
from builders import DistrictBuilder, events_recorded

from domain.actor import DEPLOYMENT, Actor, Role, deployment_actor
from domain.errors import InputProblems, InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.leadership import Leader, LeaderTitle
from domain.organisation import District, Unit, UnitKind
from domain.users import UserAccount

D = "420111"
DAY = date(2026, 3, 2)
PLATFORM = deployment_actor("pingtai")
HS_ADMIN = Actor("hs-admin", Role.ADMIN, D)
PASSWORD = "long-enough-1"


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch):
    import duban.application.users as users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _register(actor: Actor, role: Role, district: str, *, username: str = "new-user", unit=None, leader=None):
    return UserAccount.register(username=username, display_name="", role=role, district=district, unit=unit,
                                leader=leader, password_hash="h", on=DAY, actor=actor)


# ---- the domain, store-free ----------------------------------------------------------------------------
def test_a_deployment_administrator_belongs_to_no_district():
    # given the deployment administrator's actor
    # then its district is the deployment's, which no district code can be
    assert PLATFORM.role is Role.DEPLOYMENT_ADMIN and PLATFORM.district == DEPLOYMENT
    assert Role.DEPLOYMENT_ADMIN.value == "deployment" and Role.DEPLOYMENT_ADMIN.label == "平台管理员"
    with pytest.raises(InvalidInput):
        District.open(DEPLOYMENT, "平台", DAY, PLATFORM)


def test_a_deployment_administrator_gives_district_administrators_and_its_peers_only():
    # when a deployment administrator adds a district's administrator or another deployment administrator
    assert _register(PLATFORM, Role.ADMIN, D).district == D
    assert _register(PLATFORM, Role.DEPLOYMENT_ADMIN, DEPLOYMENT).role is Role.DEPLOYMENT_ADMIN
    # then any other role, or a deployment administrator inside a district, is refused
    for role, district in ((Role.OFFICE, D), (Role.UNIT, D), (Role.DEPLOYMENT_ADMIN, D), (Role.ADMIN, DEPLOYMENT)):
        with pytest.raises(InvalidInput):
            _register(PLATFORM, role, district)


def test_a_district_administrator_gives_accounts_of_its_own_district_only():
    # given the administrator of 420111
    assert _register(HS_ADMIN, Role.OFFICE, D).district == D
    # when it names another district, that district answers as one that does not exist
    with pytest.raises(NotFound) as other:
        _register(HS_ADMIN, Role.OFFICE, "420105")
    assert other.value.rule == "district.not_found"
    # and it never gives a deployment administrator (nor a system account)
    for role in (Role.DEPLOYMENT_ADMIN, Role.SYSTEM):
        with pytest.raises(InvalidInput):
            _register(HS_ADMIN, role, D)
    # nobody else gives accounts
    with pytest.raises(NotAllowed):
        _register(Actor("office", Role.OFFICE, D), Role.UNIT, D)


def test_every_problem_with_a_new_account_is_reported_at_once():
    # when the name is malformed and a unit user has no unit
    with pytest.raises(InputProblems) as caught:
        _register(HS_ADMIN, Role.UNIT, D, username="x")
    # then both are reported, each naming its field
    assert [(p.field, p.rule) for p in caught.value.problems] == [
        ("username", "user.bad_username"), ("unit", "user.unit_required")]


def test_an_administrator_disables_or_resets_only_its_own_districts_accounts():
    account = _register(HS_ADMIN, Role.OFFICE, D)
    elsewhere = Actor("other-admin", Role.ADMIN, "420105")
    with pytest.raises(NotFound):
        account.disable(DAY, elsewhere)
    with pytest.raises(NotFound):
        account.reset_password("h2", DAY, elsewhere)
    with pytest.raises(RuleViolation):  # nor its own account, which would lock it out
        _register(HS_ADMIN, Role.ADMIN, D, username="hs-admin").disable(DAY, HS_ADMIN)
    account.disable(DAY, HS_ADMIN)
    assert not account.active


def test_a_unit_keeps_its_short_name_until_a_rename_gives_a_new_one():
    # given a unit registered with a short name
    unit = Unit.register("U001", "区城市管理执法局", UnitKind.DEPARTMENT, DAY, HS_ADMIN, short_name="城管局")
    assert unit.short_name == "城管局"
    # when it is renamed without a short name, the short name stays; with one, it changes
    unit.rename("区城市管理局", date(2026, 3, 3), HS_ADMIN)
    assert (unit.name, unit.short_name) == ("区城市管理局", "城管局")
    unit.rename("区城市管理委员会", date(2026, 3, 4), HS_ADMIN, short_name="城管委")
    assert (unit.name, unit.short_name) == ("区城市管理委员会", "城管委")
    # and the name on a day before the rename is the former one
    assert unit.name_on(date(2026, 3, 3)) == "区城市管理局"
    with pytest.raises(InvalidInput):
        Unit.register("U002", "某单位", UnitKind.DEPARTMENT, DAY, HS_ADMIN, short_name="长" * 21)


def test_a_leader_post_names_its_holder_and_is_labelled_by_title_and_name():
    leader = Leader.register("L001", LeaderTitle.VICE_HEAD, "", DAY, HS_ADMIN, holder="张三")
    assert (leader.holder, leader.portfolio_label) == ("张三", "副区长张三")
    assert Leader.register("L002", LeaderTitle.DISTRICT_HEAD, "", DAY, HS_ADMIN).portfolio_label == "区长"


def test_a_district_is_refused_with_every_problem_of_its_code_and_name():
    with pytest.raises(InputProblems) as caught:
        District.open("4201", " ", DAY, PLATFORM)
    assert {p.field for p in caught.value.problems} == {"code", "name"}


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
