"""Commands on user accounts (用户账号): an administrator adds an account of their district and
resets a password, everyone changes their own, and the deployment administrator (平台管理员) opens a
district with its first administrator.  A password typed is never drawn again."""

from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.actor import Role
from duban.commands.base import Command

Password = Annotated[str, Meta(max_length=200)]
"""A password as typed (checked for strength by the application: ``user.weak_password``)."""
Required = Meta(min_length=1)


class AddUser(Command, kw_only=True, forbid_unknown_fields=True):
    """添加用户 of the administrator's own district: a unit's account names its unit, a leader's its
    post (the other is dropped: the form posts both).  The user name's form, a name already taken and
    a weak password are the application's to find (``checks``), with the fields' own problems."""

    handler = "add_user"
    checks = "account_problems"

    username: Annotated[str, Meta(title="用户名", max_length=40)] = ""
    display_name: Annotated[str, Meta(title="姓名", min_length=1, max_length=40)]
    role: Annotated[Role, Meta(title="角色")]
    unit: Annotated[UUID | None, Meta(title="所属单位")] = None
    leader: Annotated[UUID | None, Meta(title="领导岗位")] = None
    password: Annotated[Password, Meta(title="初始密码")] = ""

    def __post_init__(self) -> None:
        self.unit = self.unit if self.role is Role.UNIT else None
        self.leader = self.leader if self.role is Role.LEADER else None


class ResetPassword(Command, kw_only=True, forbid_unknown_fields=True):
    """重置密码 (the administrator, an account of their district): its sessions end, a lock is lifted."""

    handler = "reset_password"

    password: Annotated[Password, Required, Meta(title="新密码")]


class ChangePassword(Command, kw_only=True, forbid_unknown_fields=True):
    """修改密码: one's own, knowing the current one, the new one typed twice."""

    handler = "change_password"

    current: Annotated[Password, Required, Meta(title="当前密码")]
    password: Annotated[Password, Required, Meta(title="新密码")]
    confirm: Annotated[Password, Required, Meta(title="确认新密码")]


class OpenDistrict(Command, kw_only=True, forbid_unknown_fields=True):
    """开设区并添加其首位管理员 (平台管理员): both recorded or neither.  The code's and name's form, the
    administrator's user name and password are the application's to check (``checks``)."""

    handler = "set_up_district"
    checks = "district_setup_problems"

    code: Annotated[str, Meta(title="区划代码", max_length=6)] = ""
    name: Annotated[str, Meta(title="区名称", max_length=40)] = ""
    admin: Annotated[str, Meta(title="管理员用户名", max_length=40)] = msgspec.field(default="", name="username")
    display_name: Annotated[str, Meta(title="管理员姓名", min_length=1, max_length=40)]
    password: Annotated[Password, Meta(title="初始密码")] = ""
