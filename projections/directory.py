"""The district's organisation as the pages read it (单位、领导、分工): from the read models, never
by loading the Unit and Leader records one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.actor import Role
from domain.leadership import LeaderTitle
from domain.organisation import UnitKind
from projections.ledger import IN_CHARGE


@dataclass(frozen=True)
class UnitEntry:
    """One unit (承办单位) of the district."""

    id: UUID
    code: str
    name: str
    kind: UnitKind
    retired_on: date | None
    short_name: str = ""  # 简称

    @property
    def active(self) -> bool:
        return self.retired_on is None


@dataclass(frozen=True)
class LeaderEntry:
    """One leader post (区长, 副区长 …)."""

    id: UUID
    code: str
    title: LeaderTitle
    portfolio_label: str
    left_on: date | None
    holder: str = ""  # 姓名 of the person holding the post, when known

    @property
    def active(self) -> bool:
        return self.left_on is None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Directory:
    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def units(self, district: str) -> list[UnitEntry]:
        """Every unit of the district, retired ones too, in the district's order (by code)."""
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT unit_id, code, name, kind, retired_on, short_name FROM rm_units"
                                " WHERE district = ? ORDER BY code", (district,)).rows()
        return [UnitEntry(UUID(r["unit_id"]), r["code"], r["name"], UnitKind(r["kind"]), _day(r["retired_on"]),
                          r["short_name"]) for r in found]

    def unit(self, district: str, unit_id: UUID) -> UnitEntry | None:
        """One unit of the district (None: none such, or another district's)."""
        with self.read_models.reading() as sql:
            r = sql.execute("SELECT unit_id, code, name, kind, retired_on, short_name FROM rm_units"
                            " WHERE district = ? AND unit_id = ?", (district, unit_id.hex)).row()
        return UnitEntry(UUID(r["unit_id"]), r["code"], r["name"], UnitKind(r["kind"]), _day(r["retired_on"]),
                         r["short_name"]) if r else None

    def unit_names(self, district: str) -> dict[UUID, str]:
        """Every unit of the district (retired ones too) by id, for showing names."""
        return {u.id: u.name for u in self.units(district)}

    def leaders(self, district: str) -> list[LeaderEntry]:
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT leader_id, code, title, label, left_on, holder FROM rm_leaders"
                                " WHERE district = ? ORDER BY code", (district,)).rows()
        return [_leader(r) for r in found]

    def leader(self, district: str, leader_id: UUID | None) -> LeaderEntry | None:
        if leader_id is None:
            return None
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT leader_id, code, title, label, left_on, holder FROM rm_leaders"
                                " WHERE district = ? AND leader_id = ?", (district, leader_id.hex)).row()
        return _leader(found) if found else None

    def in_charge(self, district: str, day: date) -> dict[UUID, UUID]:
        """The leader in charge (分管领导) of each unit on ``day``."""
        with self.read_models.reading() as sql:
            found = sql.execute(IN_CHARGE, (district, day.isoformat(), day.isoformat())).rows()
        return {UUID(r["unit_id"]): UUID(r["leader_id"]) for r in found}


@dataclass(frozen=True)
class AccountEntry:
    """One account (用户) as lists show it: never its password."""

    username: str
    district: str
    display_name: str
    role: Role
    unit: UUID | None
    leader: UUID | None
    disabled_on: date | None

    @property
    def active(self) -> bool:
        return self.disabled_on is None


class Accounts:
    """The accounts read model (rm_accounts): a district's accounts, the districts' administrators."""

    COLUMNS = "username, district, display_name, role, unit_id, leader_id, disabled_on"

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def of_district(self, district: str) -> list[AccountEntry]:
        """Every account of the district, disabled ones too, by user name."""
        with self.read_models.reading() as sql:
            found = sql.execute(f"SELECT {self.COLUMNS} FROM rm_accounts WHERE district = ?"
                                " ORDER BY username{C}", (district,)).rows()
        return [_account(r) for r in found]

    def administrators(self) -> dict[str, list[str]]:
        """Each district's active administrators' display names (for the deployment's list of districts)."""
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT district, display_name FROM rm_accounts WHERE role = ? AND disabled_on IS NULL"
                                " ORDER BY district, username{C}", (Role.ADMIN.value,)).rows()
        named: dict[str, list[str]] = {}
        for r in found:
            named.setdefault(r["district"], []).append(r["display_name"])
        return named


def _account(r: dict) -> AccountEntry:
    return AccountEntry(r["username"], r["district"], r["display_name"], Role(r["role"]),
                        UUID(r["unit_id"]) if r["unit_id"] else None, UUID(r["leader_id"]) if r["leader_id"] else None,
                        _day(r["disabled_on"]))


def _leader(r: dict) -> LeaderEntry:
    return LeaderEntry(UUID(r["leader_id"]), r["code"], LeaderTitle(r["title"]), r["label"], _day(r["left_on"]),
                       r["holder"])


__all__ = ["AccountEntry", "Accounts", "Directory", "UnitEntry", "LeaderEntry"]
