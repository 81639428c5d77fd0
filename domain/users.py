"""User accounts (用户): who may log in, with which role, for which district and unit.

Passwords are hashed by the application before they reach this aggregate; the domain only
keeps the hash.  An account is disabled, never deleted.
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import NotAllowed, require, require_input


class UserAccount(DistrictAggregate):
    label = "用户"

    @staticmethod
    def id_for(username: str) -> UUID:
        return stable_id("user", username)

    @classmethod
    def register(cls, *, username: str, display_name: str, role: Role, district: str, unit: UUID | None,
                 leader: UUID | None, password_hash: str, on: date, actor: Actor) -> "UserAccount":
        actor.must_be(Role.ADMIN, doing="添加用户")
        require_input(re.fullmatch(r"[A-Za-z0-9_.-]{3,40}", username or ""), "user.bad_username",
                      "用户名须为3到40位字母、数字或 _ . -。", field="username")
        require_input(role is not Role.SYSTEM, "user.bad_role", "不能添加系统角色的用户。", field="role")
        require_input(role is not Role.UNIT or unit is not None, "user.unit_required", "承办单位用户须指定所属单位。",
                      field="unit")
        require_input(role is not Role.LEADER or leader is not None, "user.leader_required",
                      "领导用户须指定领导岗位。", field="leader")
        return cls(id=cls.id_for(username), username=username, display_name=(display_name or username).strip(),
                   role=role.value, district=district, unit=unit, leader=leader, password_hash=password_hash,
                   on=on, actor=actor.as_record())

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
        actor.must_be(Role.ADMIN, doing="停用用户")
        require(self.active, "user.disabled", "该用户已停用。")
        self._disabled(on=max(on, self.last_on), actor=actor.as_record())

    @event("Disabled")
    def _disabled(self, on: date, actor: dict) -> None:
        self.disabled_on = on

    def reset_password(self, password_hash: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.ADMIN, doing="重置密码")
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
