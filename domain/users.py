"""User accounts (用户): who may log in, with which role, for which district and unit.

Passwords are hashed by the application before they reach this aggregate; the domain only
keeps the hash.  An account is disabled, never deleted.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import DEPLOYMENT, Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import NotAllowed, NotFound, Problems, require, require_input

DISTRICT_ROLES = (Role.OFFICE, Role.UNIT, Role.LEADER, Role.DISCIPLINE, Role.ADMIN)
"""The roles a district's administrator gives its accounts (a deployment administrator and the
system are no district's)."""


class UserAccount(DistrictAggregate):
    label = "用户"

    @staticmethod
    def id_for(username: str) -> UUID:
        return stable_id("user", username)

    @classmethod
    def register(cls, *, username: str, display_name: str, role: Role, district: str, unit: UUID | None,
                 leader: UUID | None, password_hash: str, on: date, actor: Actor) -> "UserAccount":
        cls.may_give(actor, role, district)
        problems = Problems()
        problems.found.extend(cls.input_problems(username, role, unit, leader))
        problems.raise_any()
        return cls(id=cls.id_for(username), username=username, display_name=(display_name or username).strip(),
                   role=role.value, district=district, unit=unit, leader=leader, password_hash=password_hash,
                   on=on, actor=actor.as_record())

    @staticmethod
    def may_give(actor: Actor, role: Role, district: str) -> None:
        """Who gives which account (添加用户的权限): a district's administrator the district roles, in
        their own district only (another district answers as one that does not exist); a deployment
        administrator (平台管理员) a district's administrator — the first one, when a district is
        opened — or another deployment administrator; nobody an account of the system."""
        actor.must_be(Role.ADMIN, Role.DEPLOYMENT_ADMIN, doing="添加用户")
        require_input(role is not Role.SYSTEM, "user.bad_role", "不能添加系统角色的用户。", field="role")
        if actor.role is Role.ADMIN:
            if district != actor.district:  # as for a district that does not exist (Duban.district)
                raise NotFound("district.not_found", f"没有区划代码为{district}的区。")
            require_input(role in DISTRICT_ROLES, "user.bad_role", f"区管理员不能添加{role.label}。", field="role")
            return
        require_input(role in (Role.ADMIN, Role.DEPLOYMENT_ADMIN), "user.bad_role",
                      f"平台管理员只添加区管理员和平台管理员，不能添加{role.label}。", field="role")
        require_input((role is Role.DEPLOYMENT_ADMIN) == (district == DEPLOYMENT), "user.bad_district",
                      "平台管理员不属于任何区；区的用户须属于一个区。", field="role")

    @staticmethod
    def input_problems(username: str, role: Role | None, unit: UUID | None, leader: UUID | None) -> list:
        """Every problem with a new account's name and role (all at once, for a form)."""
        problems = Problems()
        problems.check(re.fullmatch(r"[A-Za-z0-9_.-]{3,40}", username or ""), "user.bad_username",
                       "用户名须为3到40位字母、数字或 _ . -。", field="username")
        problems.check(role is not Role.UNIT or unit is not None, "user.unit_required", "承办单位用户须指定所属单位。",
                       field="unit")
        problems.check(role is not Role.LEADER or leader is not None, "user.leader_required",
                       "领导用户须指定领导岗位。", field="leader")
        return problems.found

    @event("Registered")
    def __init__(self, id: UUID, username: str, display_name: str, role: str, district: str, unit: UUID | None,
                 leader: UUID | None, password_hash: str, on: date, actor: dict) -> None:
        self.district = district
        self.username = username
        self.display_name = display_name
        self.role = Role(role)
        self.unit = unit
        self.leader = leader
        self.password_hash = password_hash
        self.disabled_on: date | None = None

    @property
    def active(self) -> bool:
        return self.disabled_on is None

    def as_actor(self) -> Actor:
        return Actor(user=self.username, role=self.role, district=self.district, unit=self.unit, leader=self.leader)

    def disable(self, on: date, actor: Actor) -> None:
        actor.must_be(Role.ADMIN, Role.DEPLOYMENT_ADMIN, doing="停用用户")
        self.check_district(actor)  # an administrator's own district; a deployment administrator's peers
        require(self.username != actor.user, "user.disable_self", "不能停用自己的账号。")
        require(self.active, "user.disabled", "该用户已停用。")
        self._disabled(on=max(on, self.last_on), actor=actor.as_record())

    @event("Disabled")
    def _disabled(self, on: date, actor: dict) -> None:
        self.disabled_on = on

    def reset_password(self, password_hash: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.ADMIN, Role.DEPLOYMENT_ADMIN, doing="重置密码")
        self.check_district(actor)
        self._password_reset(password_hash=password_hash, on=max(on, self.last_on), actor=actor.as_record())

    @event("PasswordReset")
    def _password_reset(self, password_hash: str, on: date, actor: dict) -> None:
        self.password_hash = password_hash

    def change_password(self, password_hash: str, on: date, actor: Actor) -> None:
        """One's own password (修改密码), the current one checked by the service beforehand."""
        if actor.user != self.username:
            raise NotAllowed("user.not_own_account", "只能修改自己的密码。")
        require(self.active, "user.disabled", "该用户已停用。")
        self._password_changed(password_hash=password_hash, on=max(on, self.last_on), actor=actor.as_record())

    @event("PasswordChanged")
    def _password_changed(self, password_hash: str, on: date, actor: dict) -> None:
        self.password_hash = password_hash

