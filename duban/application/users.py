"""User accounts: add, disable, reset passwords, authenticate (argon2 hashes)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actor import Actor, Role
from domain.errors import require, require_input
from domain.leadership import Leader
from domain.users import UserAccount
from duban.application.watcher import WatcherCommands

DEPLOYMENT = "*"
MIN_PASSWORD = 8
_hasher = PasswordHasher()


def _check_password(password: str) -> None:
    require_input(isinstance(password, str) and len(password) >= MIN_PASSWORD, "user.weak_password",
                  f"密码至少{MIN_PASSWORD}位。", field="password")


class UserCommands(WatcherCommands):
    def add_user(self, *, username: str, password: str, role: Role, district: str, actor: Actor,
                 display_name: str = "", unit: UUID | None = None, leader: UUID | None = None,
                 on: date | None = None) -> UserAccount:
        day = self._on(on)

        def work():
            _check_password(password)
            self.district(district)
            if unit is not None:
                self._active_unit(unit, Actor(actor.user, actor.role, district), "unit")
            if leader is not None:
                self._get(Leader, leader, Actor(actor.user, actor.role, district))
            account = UserAccount.register(username=username, display_name=display_name, role=role,
                                           district=district, unit=unit, leader=leader,
                                           password_hash=_hasher.hash(password), on=day, actor=actor)
            require(self._find(UserAccount, account.id) is None, "user.exists", f"用户名“{username}”已存在。")
            register = self._register(DEPLOYMENT, "user", None, day)
            register.claim(username, account.id, day, "用户名")
            return [register, account]

        return self._run("add_user", actor, UserAccount.id_for(username or "-"), work)[1]

    def user(self, username: str) -> UserAccount | None:
        return self._find(UserAccount, UserAccount.id_for(username), readonly=True)

    def users(self) -> list[UserAccount]:
        return [self._get(UserAccount, i) for i in self._registered_ids(DEPLOYMENT, "user", [None])]

    def disable_user(self, username: str, actor: Actor, on: date | None = None) -> UserAccount:
        return self._account_change("disable_user", username, actor, on, lambda u, d: u.disable(d, actor))

    def reset_password(self, username: str, password: str, actor: Actor, on: date | None = None) -> UserAccount:
        def change(account: UserAccount, day: date) -> None:
            _check_password(password)
            account.reset_password(_hasher.hash(password), day, actor)
        return self._account_change("reset_password", username, actor, on, change)

    def _account_change(self, command: str, username: str, actor: Actor, on, change) -> UserAccount:
        day = self._on(on)

        def work():
            account = self._get(UserAccount, UserAccount.id_for(username))
            change(account, day)
            return [account]

        return self._run(command, actor, UserAccount.id_for(username), work)[0]

    def authenticate(self, username: str, password: str) -> UserAccount | None:
        """The active account whose password matches, else None (same answer for every failure)."""
        account = self.user(username or "")
        if account is None or not account.active:
            _hasher.hash("timing-equaliser")  # answer as slowly as for a real account
            return None
        try:
            _hasher.verify(account.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return None
        return account
