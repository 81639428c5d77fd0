"""User accounts: add, disable, reset passwords, authenticate (argon2 hashes), log in with failed
attempts counted and too many refused (``duban.logins``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.actor import DEPLOYMENT, Actor, Role
from domain.errors import NotFound, Problems, require, require_input
from domain.leadership import Leader
from domain.organisation import District
from domain.users import UserAccount
from duban.application.base import Part
from duban.logins import Lock, Logins

MIN_PASSWORD = 8
_hasher = PasswordHasher()
_opening_logins = threading.Lock()
log = structlog.get_logger("duban.logins")


@dataclass(frozen=True)
class SignIn:
    """The outcome of a login attempt: the account, or refused — ``lock`` set when attempts are
    refused for a while (too many failures), without the password having been checked."""

    account: UserAccount | None = None
    lock: Lock | None = None


def _check_password(password: str) -> None:
    require_input(isinstance(password, str) and len(password) >= MIN_PASSWORD, "user.weak_password",
                  f"密码至少{MIN_PASSWORD}位。", field="password")


class UserCommands(Part):
    def add_user(self, *, username: str, password: str, role: Role, actor: Actor, district: str | None = None,
                 display_name: str = "", unit: UUID | None = None, leader: UUID | None = None,
                 on: date | None = None) -> UserAccount:
        """添加用户: a district's administrator, in their own district (the default; ``district``
        another one answers as one that does not exist).  Every problem with the name, the role's unit
        or leader and the password is reported at once (``InputProblems``)."""
        day = self._on(on)
        district = actor.district if district is None else district

        def work():
            UserAccount.may_give(actor, role, district)
            self.district(district)
            problems = self.new_account_problems(username, password, role, unit, leader)
            if unit is not None:
                self._active_unit(unit, Actor(actor.user, actor.role, district), "unit")
            if leader is not None:
                post = self._get(Leader, leader, Actor(actor.user, actor.role, district))
                require(post.active, "leader.left", "该领导岗位已撤销，不能再添加其用户。", field="leader")
            problems.raise_any()
            return self._new_account(username, display_name, role, district, unit, leader, password, day, actor)

        return self._run("add_user", actor, UserAccount.id_for(username or "-"), work)[1]

    def new_account_problems(self, username: str, password: str, role: Role | None, unit: UUID | None = None,
                             leader: UUID | None = None) -> Problems:
        """Every problem with a new account's input (name taken, its format, the role's unit or
        leader, the password), to report at once."""
        problems = Problems()
        problems.found.extend(UserAccount.input_problems(username, role, unit, leader))
        if username and not any(p.field == "username" for p in problems.found) and self.user(username) is not None:
            problems.check(False, "user.exists", f"用户名“{username}”已存在。", field="username")
        problems.attempt(lambda: _check_password(password))
        return problems

    def account_problems(self, actor: Actor, username: str = "", password: str = "", role: Role | None = None,
                         unit: UUID | None = None, leader: UUID | None = None) -> Problems:
        """Every problem of an account the administrator adds to their own district (``AddUser``):
        those of :meth:`new_account_problems`, and a role no district's account takes."""
        problems = self.new_account_problems(username, password, role, unit, leader)
        if role is not None:
            problems.attempt(lambda: UserAccount.may_give(actor, role, actor.district))
        return problems

    def set_up_district(self, *, code: str, name: str, admin: str, password: str, actor: Actor,
                        display_name: str = "", on: date | None = None) -> UserAccount:
        """开设区并添加首位管理员: a new district's first step, by a deployment administrator (平台管理员)
        or, for a deployment's first district (``duban setup``), by that administrator themselves.
        One save, so a refused name, code or password leaves neither a district without an
        administrator nor an administrator without a district; every problem is reported at once."""
        self._may_open(code, actor)
        day = self._new_record_day(on)

        def work():
            self.district_setup_problems(code, name, admin, password, day).raise_any()
            opened = self._opening(code, name, day, actor)
            return [*opened, *self._new_account(admin, display_name, Role.ADMIN, code, None, None, password, day, actor)]

        return self._run("set_up_district", actor, UserAccount.id_for(admin or "-"), work)[-1]

    def district_setup_problems(self, code: str = "", name: str = "", admin: str = "", password: str = "",
                                on: date | None = None) -> Problems:
        """Every problem with a new district's code and name and its first administrator's name and
        password, to report at once: the code's and name's form and a code already opened, beside the
        administrator's (a code opened meanwhile is refused again when it is recorded)."""
        problems = self.new_account_problems(admin, password, Role.ADMIN)
        probe = Actor("probe", Role.DEPLOYMENT_ADMIN, DEPLOYMENT)
        district = problems.attempt(lambda: District.open(code, name, on or self._today(), probe))
        if district is not None:
            problems.attempt(lambda: require_input(self._find(District, district.id) is None, "district.exists",
                                                   f"区划代码{code}已开设。", field="code"))
        return problems

    def add_deployment_admin(self, *, username: str, password: str, actor: Actor, display_name: str = "",
                             on: date | None = None) -> UserAccount:
        """添加平台管理员: an account of the deployment, not of a district (``domain.actor.DEPLOYMENT``):
        it opens districts and reads none of their records.  ``duban setup --deployment-admin`` adds
        the first one, acting as itself."""
        actor.must_be(Role.DEPLOYMENT_ADMIN, doing="添加平台管理员")
        day = self._on(on)

        def work():
            self.new_account_problems(username, password, Role.DEPLOYMENT_ADMIN).raise_any()
            return self._new_account(username, display_name, Role.DEPLOYMENT_ADMIN, DEPLOYMENT, None, None, password,
                                     day, actor)

        return self._run("add_deployment_admin", actor, UserAccount.id_for(username or "-"), work)[-1]

    def _new_account(self, username: str, display_name: str, role: Role, district: str, unit: UUID | None,
                     leader: UUID | None, password: str, day: date, actor: Actor) -> list:
        """What adding an account saves: the deployment's register of user names, the account (last)."""
        account = UserAccount.register(username=username, display_name=display_name, role=role,
                                       district=district, unit=unit, leader=leader,
                                       password_hash=_hasher.hash(password), on=day, actor=actor)
        require(self._find(UserAccount, account.id) is None, "user.exists", f"用户名“{username}”已存在。")
        register = self._register(DEPLOYMENT, "user", None, day)
        register.claim(username, account.id, day, "用户名")
        return [register, account]

    def user(self, username: str) -> UserAccount | None:
        return self._find(UserAccount, UserAccount.id_for(username), readonly=True)

    def users(self) -> list[UserAccount]:
        return [self._get(UserAccount, i) for i in self._registered_ids(DEPLOYMENT, "user")]

    def disable_user(self, username: str, actor: Actor, on: date | None = None) -> UserAccount:
        """Disable the account and end every session of it."""
        account = self._account_change("disable_user", username, actor, on, lambda u, d: u.disable(d, actor))
        self._end_sessions(username, actor, "disable_user")
        return account

    def reset_password(self, username: str, password: str, actor: Actor, on: date | None = None) -> UserAccount:
        """A new password: every session of the account ends (whoever is logged in as it logs in
        again, with the new password) and a login lock is lifted."""
        def change(account: UserAccount, day: date) -> None:
            _check_password(password)
            account.reset_password(_hasher.hash(password), day, actor)
        account = self._account_change("reset_password", username, actor, on, change)
        self._end_sessions(username, actor, "reset_password")
        self.logins.unlock(username)
        return account

    def change_password(self, current: str, password: str, confirm: str, actor: Actor,
                        on: date | None = None) -> UserAccount:
        """修改密码: one's own, knowing the current one, the new one typed twice (``confirm``); every
        session of the account ends (the web page keeps the one it was changed from, under a new
        session id)."""
        def change(account: UserAccount, day: date) -> None:
            require_input(password == confirm, "user.passwords_differ", "两次输入的新密码不一致。", field="confirm")
            require_input(self.authenticate(actor.user, current) is not None, "user.wrong_password",
                          "当前密码不正确。", field="current")
            require_input(password != current, "user.same_password", "新密码不能与当前密码相同。", field="password")
            _check_password(password)
            account.change_password(_hasher.hash(password), day, actor)
        account = self._account_change("change_password", actor.user, actor, on, change)
        self._end_sessions(actor.user, actor, "change_password")
        return account

    def unlock_login(self, username: str, actor: Actor) -> bool:
        """The administrator lifts a login lock (too many wrong passwords); whether there was one."""
        actor.must_be(Role.ADMIN, doing="解除登录锁定")
        account = self.user(username)
        if account is None or account.district != actor.district:
            raise NotFound("user.not_found", "没有这个用户。")
        unlocked = self.logins.unlock(username)
        log.info("login_unlocked", username=username, by=actor.user, was_locked=unlocked)
        return unlocked

    def _end_sessions(self, username: str, actor: Actor, reason: str) -> None:
        ended = self.logins.end_sessions(username)
        log.info("sessions_ended", username=username, by=actor.user, reason=reason, sessions=ended)

    @property
    def logins(self) -> Logins:
        """Failed logins and web sessions on the store's database (opened on first use, closed with
        the application)."""
        logins = getattr(self, "_logins", None)
        if logins is None:
            with _opening_logins:
                logins = getattr(self, "_logins", None)
                if logins is None:
                    logins = self._logins = Logins(self.env)
                    self.on_close(logins.close)
        return logins

    def sign_in(self, username: str, password: str, address: str) -> SignIn:
        """A login attempt from ``address``: refused without checking the password while the account
        or the address is locked; a failure is counted (the one too many locks); a success clears
        the account's failures.  One log line each (login, login_failed, login_locked)."""
        logins = self.logins
        lock = logins.lock_on(username, address)
        if lock is not None:
            log.warning("login_locked", username=username, address=address, by=lock.by, until=lock.until_utc,
                        refused=True)
            return SignIn(lock=lock)
        account = self.authenticate(username, password)
        if account is None:
            lock = logins.failed(username, address)
            log.warning("login_failed", username=username, address=address)
            if lock is not None:
                log.warning("login_locked", username=username, address=address, by=lock.by, until=lock.until_utc,
                            refused=False)
            return SignIn()
        logins.succeeded(username)
        log.info("login", username=username, address=address)
        return SignIn(account=account)

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
