"""Commands on the district's organisation (组织机构): its units and the leaders' posts, the
division of work among them (领导分工) and who stands in for whom (AB角)."""

from datetime import date
from typing import Annotated, ClassVar
from uuid import UUID

from msgspec import Meta

from domain.leadership import LeaderTitle
from domain.organisation import UnitKind
from duban.commands.base import Command


class RegisterUnit(Command, kw_only=True, forbid_unknown_fields=True):
    """登记单位: its code is given by the system unless one is named."""

    handler = "register_unit"

    code: Annotated[str | None, Meta(title="单位代码")] = None
    name: Annotated[str, Meta(title="单位名称", min_length=1, max_length=50)]
    kind: Annotated[UnitKind, Meta(title="单位类别")]
    short_name: Annotated[str, Meta(title="简称", max_length=20)] = ""


class RenameUnit(Command, kw_only=True, forbid_unknown_fields=True):
    """单位更名 from the day the new name takes effect; no new short name keeps the old one."""

    handler = "rename_unit"

    name: Annotated[str, Meta(title="新名称", min_length=1, max_length=50)]
    short_name: Annotated[str | None, Meta(title="新简称", max_length=20)] = None
    on: Annotated[date, Meta(title="生效日期")]


class RetireUnit(Command, kw_only=True, forbid_unknown_fields=True):
    """撤销单位: kept, never deleted, so its records keep naming it."""

    handler = "retire_unit"

    reason: Annotated[str, Meta(title="撤销原因", min_length=1, max_length=200)]
    on: Annotated[date, Meta(title="撤销日期")]


class RegisterLeader(Command, kw_only=True, forbid_unknown_fields=True):
    """登记领导岗位 and its holder; its code is given by the system unless one is named."""

    handler = "register_leader"

    code: Annotated[str | None, Meta(title="岗位代码")] = None
    title: Annotated[LeaderTitle, Meta(title="职务")]
    portfolio_label: Annotated[str, Meta(title="分管领域", max_length=100)] = ""
    holder: Annotated[str, Meta(title="姓名", min_length=1, max_length=20)]


class PlaceUnits(Command, kw_only=True, forbid_unknown_fields=True):
    """调整分管单位: the units chosen are in the leader's charge from the effective date (each unit's
    previous leader stops being in charge of it that day)."""

    handler = "place_units"
    target: ClassVar[str] = "leader"

    units: Annotated[list[UUID], Meta(title="分管单位", min_length=1)]
    effective: Annotated[date, Meta(title="生效日期")]


class SetCover(Command, kw_only=True, forbid_unknown_fields=True):
    """设定AB角: who acts for the leader when away, from a date."""

    handler = "set_cover"

    covered_by: Annotated[UUID, Meta(title="B角")]
    effective: Annotated[date, Meta(title="生效日期")]


class EndLeaderPost(Command, kw_only=True, forbid_unknown_fields=True):
    """撤销领导岗位 (离任) from a date: its holder can no longer approve anything."""

    handler = "end_leader_post"

    on: Annotated[date, Meta(title="离任日期")]
