"""User accounts' own rules (用户), given–when–then on the aggregate (``domain_harness``: no store, no
service): who gives which account (a district's administrator its own district's roles, a deployment
administrator district administrators and its peers, nobody a system account), every problem with a
new account's name and role at once, and disabling, resetting and changing passwords.

What the application adds — a name already taken, the password's strength and hashing, the current
password checked, a leader account for an ended post, sessions ended, the accounts read model — stays in
tests/test_district_setup.py and the web tests (test_web_account.py, test_web_auth.py).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.actor import DEPLOYMENT, Actor, Role, deployment_actor
from domain.errors import InputProblems, InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.users import DISTRICT_ROLES, UserAccount
from domain_harness import creating, event, given, when

D, ELSEWHERE = "420111", "420105"
DAY, LATER = date(2026, 3, 2), date(2026, 3, 9)
UNIT, POST = uuid.uuid5(uuid.NAMESPACE_URL, "duban-test-unit"), uuid.uuid5(uuid.NAMESPACE_URL, "duban-test-post")
PLATFORM = deployment_actor("pingtai")
HS_ADMIN = Actor("hs-admin", Role.ADMIN, D)


def register(actor: Actor = HS_ADMIN, role: Role = Role.OFFICE, district: str = D, *, username: str = "new-user",
             display_name: str = "", unit=None, leader=None):
    return lambda: UserAccount.register(username=username, display_name=display_name, role=role, district=district,
                                        unit=unit, leader=leader, password_hash="h", on=DAY, actor=actor)


def account(username: str = "hy-office", role: Role = Role.OFFICE) -> UserAccount:
    """An office account of district 420111, added by its administrator on 2 March."""
    return given(register(username=username, role=role)())


def disable(actor: Actor = HS_ADMIN, on: date = LATER):
    return lambda user: user.disable(on, actor)


# ---- who gives which account -----------------------------------------------------------------------------
def test_a_deployment_administrator_belongs_to_no_district():
    assert (PLATFORM.role, PLATFORM.district) == (Role.DEPLOYMENT_ADMIN, DEPLOYMENT)
    assert (Role.DEPLOYMENT_ADMIN.value, Role.DEPLOYMENT_ADMIN.label) == ("deployment", "平台管理员")


@pytest.mark.parametrize("role", DISTRICT_ROLES)
def test_a_district_administrator_gives_its_own_districts_roles(role):
    added = creating(register(role=role, unit=UNIT, leader=POST)).then(
        event("Registered", username="new-user", role=role.value, district=D, password_hash="h"))
    assert added.id == UserAccount.id_for("new-user") and added.active


def test_a_district_administrator_gives_no_account_of_another_district_nor_of_the_deployment():
    # another district answers as one that does not exist
    creating(register(district=ELSEWHERE)).refused("district.not_found", NotFound)
    creating(register(role=Role.DEPLOYMENT_ADMIN)).refused("user.bad_role", InvalidInput, field="role")
    creating(register(role=Role.SYSTEM)).refused("user.bad_role", InvalidInput, field="role")


def test_a_deployment_administrator_gives_district_administrators_and_its_peers_only():
    creating(register(PLATFORM, Role.ADMIN, D)).then("Registered", district=D, role="admin")
    creating(register(PLATFORM, Role.DEPLOYMENT_ADMIN, DEPLOYMENT)).then("Registered", district=DEPLOYMENT)
    for role in (Role.OFFICE, Role.UNIT, Role.LEADER, Role.DISCIPLINE, Role.SYSTEM):
        creating(register(PLATFORM, role, D, unit=UNIT, leader=POST)).refused("user.bad_role", InvalidInput, field="role")
    creating(register(PLATFORM, Role.DEPLOYMENT_ADMIN, D)).refused("user.bad_district", InvalidInput, field="role")
    creating(register(PLATFORM, Role.ADMIN, DEPLOYMENT)).refused("user.bad_district", InvalidInput, field="role")


@pytest.mark.parametrize("role", [Role.OFFICE, Role.UNIT, Role.LEADER, Role.DISCIPLINE, Role.SYSTEM])
def test_nobody_else_gives_accounts(role):
    someone = Actor("someone", role, D, unit=UNIT if role is Role.UNIT else None)
    creating(register(someone)).refused("role.not_allowed", NotAllowed)


# ---- a new account's name and role -----------------------------------------------------------------------
@pytest.mark.parametrize("username", ["ab", "a" * 41, "张三", "has space", "a/b", ""])
def test_a_user_name_is_3_to_40_letters_digits_or_dots_dashes_underscores(username):
    creating(register(username=username)).refused("user.bad_username", InvalidInput, field="username")


def test_a_unit_user_names_its_unit_and_a_leader_user_its_post():
    creating(register(role=Role.UNIT)).refused("user.unit_required", InvalidInput, field="unit")
    creating(register(role=Role.LEADER)).refused("user.leader_required", InvalidInput, field="leader")
    clerk = creating(register(role=Role.UNIT, unit=UNIT, username="qing.chuan_01")).then("Registered", unit=UNIT)
    assert clerk.as_actor() == Actor("qing.chuan_01", Role.UNIT, D, unit=UNIT)
    head = creating(register(role=Role.LEADER, leader=POST, display_name=" 区长 ")).then(
        "Registered", leader=POST, display_name="区长")
    assert head.as_actor().leader == POST


def test_the_display_name_defaults_to_the_user_name():
    creating(register()).then("Registered", display_name="new-user")


def test_every_problem_with_a_new_account_is_reported_at_once():
    problems = creating(register(role=Role.UNIT, username="x")).refused("user.bad_username", InputProblems)
    assert [(p.field, p.rule) for p in problems.problems] == [
        ("username", "user.bad_username"), ("unit", "user.unit_required")]


# ---- disabling and passwords -----------------------------------------------------------------------------
def test_an_administrator_disables_an_account_of_its_district_once_but_never_its_own():
    disabled = when(account(), disable()).then("Disabled", on=LATER)
    assert (disabled.active, disabled.disabled_on) == (False, LATER)
    when(disabled, disable()).refused("user.disabled", RuleViolation)
    when(account("hs-admin", Role.ADMIN), disable()).refused("user.disable_self", RuleViolation)
    when(account(), disable(Actor("duchashi", Role.OFFICE, D))).refused("role.not_allowed", NotAllowed)
    # a date before the account's last fact is recorded on that fact's day
    when(account(), disable(on=date(2026, 3, 1))).then("Disabled", on=DAY)


def test_another_districts_accounts_answer_as_missing():
    for stranger in (Actor("other-admin", Role.ADMIN, ELSEWHERE), PLATFORM):
        when(account(), disable(stranger)).refused("useraccount.not_found", NotFound)
        when(account(), lambda user, s=stranger: user.reset_password("h2", LATER, s)).refused(
            "useraccount.not_found", NotFound)


def test_a_deployment_administrator_disables_its_peers():
    peer = given(register(PLATFORM, Role.DEPLOYMENT_ADMIN, DEPLOYMENT, username="pingtai-2")())
    when(peer, disable(PLATFORM)).then("Disabled")


def test_an_administrator_resets_a_password_and_a_user_changes_only_its_own():
    user = account()
    reset = when(user, lambda u: u.reset_password("h2", LATER, HS_ADMIN)).then("PasswordReset", password_hash="h2")
    assert reset.password_hash == "h2"
    when(user, lambda u: u.reset_password("h2", LATER, user.as_actor())).refused("role.not_allowed", NotAllowed)
    changed = when(user, lambda u: u.change_password("h3", LATER, u.as_actor())).then(
        "PasswordChanged", password_hash="h3")
    assert changed.password_hash == "h3"
    when(user, lambda u: u.change_password("h3", LATER, HS_ADMIN)).refused("user.not_own_account", NotAllowed)
    disabled = given(user, disable())
    when(disabled, lambda u: u.change_password("h3", LATER, u.as_actor())).refused("user.disabled", RuleViolation)
