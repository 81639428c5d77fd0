"""Who acts: every command carries an :class:`Actor` and the business date it takes effect."""

from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Any
from uuid import UUID

from domain.labels import Labelled
from domain.errors import InvalidInput, NotAllowed


class Role(Labelled):
    """The roles of the people who use duban."""

    OFFICE = "office", "督查室"  # 督查室 (区政府办公室)
    UNIT = "unit", "承办单位"  # 承办单位 user
    LEADER = "leader", "领导"  # 区长 / 副区长
    DISCIPLINE = "discipline", "纪检监察"  # 纪检监察机关
    ADMIN = "admin", "管理员"  # 系统管理员 (of one district)
    DEPLOYMENT_ADMIN = "deployment", "平台管理员"  # opens districts; sees no district's records
    SYSTEM = "system", "系统"  # the deadline watcher and automatic policies


DEPLOYMENT = "*"
"""The district value of what belongs to the whole deployment rather than to one district: the
registers of user names and district codes, and the deployment administrators (平台管理员), whose
actor carries it.  No district is ever coded ``*`` (codes are six digits), so every district's record
answers such an actor as missing, and the pages of the district roles refuse its role (403)."""


@dataclass(frozen=True)
class Actor:
    """A user acting in one district.  Unit users name their unit; leaders their leader record."""

    user: str
    role: Role
    district: str
    unit: UUID | None = None
    leader: UUID | None = None

    def __post_init__(self) -> None:
        if not self.user:
            raise InvalidInput("actor.user_required", "操作人不能为空。", field="user")
        if not self.district:
            raise InvalidInput("actor.district_required", "操作人所属区不能为空。", field="district")
        if self.role is Role.UNIT and self.unit is None:
            raise InvalidInput("actor.unit_required", "承办单位用户必须属于一个单位。", field="unit")

    def as_record(self) -> dict[str, Any]:
        """The actor as stored in events (plain JSON values)."""
        record = asdict(self)
        record["role"] = self.role.value
        record["unit"] = self.unit.hex if self.unit else None
        record["leader"] = self.leader.hex if self.leader else None
        return record

    def must_be(self, *roles: Role, doing: str) -> None:
        if self.role not in roles:
            allowed = "、".join(r.label for r in roles)
            raise NotAllowed(
                "role.not_allowed",
                f"只有{allowed}可以{doing}，{self.role.label}无权操作。",
            )


def deployment_actor(user: str) -> Actor:
    """A deployment administrator (平台管理员): opens districts, sees none of their records."""
    return Actor(user=user, role=Role.DEPLOYMENT_ADMIN, district=DEPLOYMENT)


def system_actor(district: str) -> Actor:
    """The deadline watcher and automatic policies act as the system."""
    return Actor(user="system", role=Role.SYSTEM, district=district)
