"""Organisation through the service: units (code and active name unique, who registers, rename read
back, retired units refused where they are used), leaders' codes, the roster over time read back, and
district isolation.  The aggregates' own rules (names, retiring, AB角 cover): tests/test_organisation_rules.py."""
from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound, RuleViolation
from domain.leadership import LeaderTitle, Roster
from domain.organisation import NumberRegister, Unit, UnitKind
from domain.sources import SourceKind
from duban.application import Duban
from checks import refused

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

D = "420105"
JAN5 = date(2026, 1, 5)


@pytest.fixture
def district(app, admin, office):
    app.open_district(D, "汉阳区", admin, on=JAN5)
    return {
        "U01": app.register_unit("U01", "晴川街", UnitKind.SUBDISTRICT, office, on=JAN5),
        "U02": app.register_unit("U02", "建桥街", UnitKind.SUBDISTRICT, office, on=JAN5),
    }


UNIT_REGISTER = NumberRegister.id_for(D, "unit", None)


# ---- units --------------------------------------------------------------------------------------
def test_registered_units_are_listed_and_found_by_code(app, district):
    assert [(u.code, u.name, u.kind) for u in app.units(D)] == [
        ("U01", "晴川街", UnitKind.SUBDISTRICT), ("U02", "建桥街", UnitKind.SUBDISTRICT)]
    assert app.unit_by_code(D, "U02").id == district["U02"].id


def test_unit_code_is_unique(app, district, office):
    refused(app, RuleViolation, "unit.code_taken",
            lambda: app.register_unit("U01", "鹦鹉街", UnitKind.SUBDISTRICT, office), UNIT_REGISTER, district["U01"].id)
    assert app.unit_by_code(D, "U01").name == "晴川街"
    assert len(app.units(D)) == 2


def test_active_unit_name_is_unique_but_a_retired_units_name_is_free(app, district, office):
    refused(app, RuleViolation, "unit.name_taken",
            lambda: app.register_unit("U03", "晴川街", UnitKind.SUBDISTRICT, office), UNIT_REGISTER)
    with pytest.raises(NotFound):
        app.unit_by_code(D, "U03")
    app.retire_unit(district["U01"].id, "区划调整", office)
    again = app.register_unit("U03", "晴川街", UnitKind.SUBDISTRICT, office)
    assert [u.name for u in app.units(D) if u.active] == ["建桥街", "晴川街"]
    assert again.code == "U03"


def test_only_admin_or_office_register_units(app, district):
    clerk = Actor(user="clerk", role=Role.UNIT, district=D, unit=district["U01"].id)
    refused(app, NotAllowed, "role.not_allowed",
            lambda: app.register_unit("U09", "鹦鹉街", UnitKind.SUBDISTRICT, clerk), UNIT_REGISTER)


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: a fresh service reads it back
def test_rename_keeps_the_former_name(app, store_env, clock, district, office):
    u01 = district["U01"].id
    app.rename_unit(u01, "晴川街道", office)
    app.rename_unit(u01, "晴川新区街道", office)
    fresh = Duban(env=store_env, clock=clock)
    try:
        unit = fresh.unit(u01, office)
        assert unit.name == "晴川新区街道"
        assert unit.former_names == ["晴川街", "晴川街道"]
    finally:
        fresh.close()


def test_a_rename_to_another_active_units_name_is_refused(app, district, office):
    # (a blank name, the same name, a retired unit: the unit's own rules, tests/test_organisation_rules.py)
    refused(app, RuleViolation, "unit.name_taken", lambda: app.rename_unit(district["U01"].id, "建桥街", office),
            district["U01"].id)
    assert app.unit(district["U01"].id, office).name == "晴川街"


def test_retired_unit_cannot_be_assigned_or_placed(app, district, office):
    # (nor renamed or retired again: the unit's own rules, tests/test_organisation_rules.py)
    u01 = district["U01"].id
    app.retire_unit(u01, "区划调整", office, on=date(2026, 2, 1))
    assert app.unit(u01, office).retired_on == date(2026, 2, 1)
    item = app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示〔2026〕1号",
                             decision_date=date(2026, 3, 1), title="老旧小区改造", deadline=date(2026, 6, 30),
                             actor=office)
    refused(app, RuleViolation, "unit.retired", lambda: app.assign_item(item.id, u01, [], office), item.id)
    refused(app, RuleViolation, "unit.retired",
            lambda: app.assign_item(item.id, district["U02"].id, [u01], office), item.id)
    leader = app.register_leader("L1", LeaderTitle.VICE_HEAD, "城建", office)
    refused(app, RuleViolation, "unit.retired",
            lambda: app.place_unit(u01, leader.id, date(2026, 3, 1), office), Roster.id_for(D))


# ---- leaders and the roster ----------------------------------------------------------------------
@pytest.fixture
def leaders(app, district, office):
    return {code: app.register_leader(code, title, label, office, on=JAN5) for code, title, label in [
        ("HEAD", LeaderTitle.DISTRICT_HEAD, ""),
        ("L1", LeaderTitle.VICE_HEAD, "城建交通"),
        ("L2", LeaderTitle.EXECUTIVE_VICE_HEAD, "常务"),
        ("L3", LeaderTitle.VICE_HEAD, "文教卫"),
    ]}


def test_leaders_are_registered_with_unique_codes(app, leaders, office):
    assert [(l.code, l.title) for l in app.leaders(D)] == [
        ("HEAD", LeaderTitle.DISTRICT_HEAD), ("L1", LeaderTitle.VICE_HEAD),
        ("L2", LeaderTitle.EXECUTIVE_VICE_HEAD), ("L3", LeaderTitle.VICE_HEAD)]
    assert app.leader_by_code(D, "HEAD").portfolio_label == "区长"  # defaults to the title
    refused(app, RuleViolation, "leader.code_taken",
            lambda: app.register_leader("L1", LeaderTitle.VICE_HEAD, "农业", office),
            leaders["L1"].id, NumberRegister.id_for(D, "leader", None))
    assert app.leader_by_code(D, "L1").portfolio_label == "城建交通"


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: a fresh service reads it back
def test_who_was_in_charge_across_a_mid_year_portfolio_change(app, store_env, clock, district, leaders, office):
    u01, u02, l1, l2 = district["U01"].id, district["U02"].id, leaders["L1"].id, leaders["L2"].id
    app.place_unit(u01, l1, date(2026, 1, 1), office)
    app.place_unit(u02, l1, date(2026, 1, 1), office)
    clock.set(date(2026, 6, 20))  # 分工调整 announced in June, effective 1 July
    app.place_unit(u01, l2, date(2026, 7, 1), office)

    fresh = Duban(env=store_env, clock=clock)
    try:
        roster = fresh.roster(D)
        assert roster.leader_in_charge(u01, date(2025, 12, 31)) is None
        assert roster.leader_in_charge(u01, date(2026, 6, 30)) == l1
        assert roster.leader_in_charge(u01, date(2026, 7, 1)) == l2
        assert roster.leader_in_charge(u02, date(2026, 7, 1)) == l1
        assert fresh.leader_in_charge(D, u01, date(2026, 3, 1)).code == "L1"
        assert fresh.leader_in_charge(D, u01, date(2026, 8, 1)).code == "L2"
        assert roster.units_of(l1, date(2026, 6, 30)) == [u01, u02]
        assert roster.units_of(l1, date(2026, 7, 1)) == [u02]
        assert roster.units_of(l2, date(2026, 6, 30)) == []
        assert roster.units_of(l2, date(2026, 7, 1)) == [u01]
    finally:
        fresh.close()
    refused(app, RuleViolation, "roster.already_in_charge",
            lambda: app.place_unit(u01, l2, date(2026, 8, 1), office), Roster.id_for(D))


# AB角 cover during an absence, and its refusals: the roster's own rules, tests/test_organisation_rules.py.


# ---- districts are isolated ------------------------------------------------------------------------
def test_another_districts_units_are_invisible(app, district, admin, office):
    other_office = Actor(user="duchashi-2", role=Role.OFFICE, district="420106")
    assert app.units("420106") == []
    app.open_district("420106", "洪山区", Actor("admin-2", Role.ADMIN, "420106"), on=JAN5)  # its own administrator
    app.register_unit("U01", "洪山街", UnitKind.SUBDISTRICT, other_office, on=JAN5)  # same code, other district
    assert [u.name for u in app.units("420106")] == ["洪山街"]
    assert [u.name for u in app.units(D)] == ["晴川街", "建桥街"]

    u01 = district["U01"].id
    with pytest.raises(NotFound) as caught:
        app.unit(u01, other_office)
    assert caught.value.rule == "unit.not_found"
    refused(app, NotFound, "unit.not_found", lambda: app.rename_unit(u01, "改名", other_office), u01)
    refused(app, NotFound, "unit.not_found", lambda: app.retire_unit(u01, "撤销", other_office), u01)
    other_leader = app.register_leader("L1", LeaderTitle.VICE_HEAD, "城建", other_office)
    refused(app, NotFound, "unit.not_found",
            lambda: app.place_unit(u01, other_leader.id, date(2026, 3, 1), other_office), Roster.id_for("420106"))
    assert app.unit(u01, office).name == "晴川街"
    assert isinstance(app.unit_by_code("420106", "U01"), Unit)
    assert app.unit_by_code("420106", "U01").id != u01


def test_units_and_leaders_cannot_be_registered_with_a_future_date(app, district, office):
    tomorrow = date(2026, 3, 3)  # the clock stands at 2026-03-02
    refused(app, RuleViolation, "date.in_future",
            lambda: app.register_unit("U03", "鹦鹉街", UnitKind.SUBDISTRICT, office, on=tomorrow),
            UNIT_REGISTER, Unit.id_for(D, "U03"))
    refused(app, RuleViolation, "date.in_future",
            lambda: app.register_leader("L9", LeaderTitle.VICE_HEAD, "农业", office, on=tomorrow),
            NumberRegister.id_for(D, "leader", None))
    assert len(app.units(D)) == 2 and app.leaders(D) == []
