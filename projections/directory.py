"""The district's organisation as the pages read it (单位、领导、分工): from the read models, never
by loading the Unit and Leader records one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

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
            found = sql.execute("SELECT unit_id, code, name, kind, retired_on FROM rm_units WHERE district = ?"
                                " ORDER BY code", (district,)).rows()
        return [UnitEntry(UUID(r["unit_id"]), r["code"], r["name"], UnitKind(r["kind"]), _day(r["retired_on"]))
                for r in found]

    def unit_names(self, district: str) -> dict[UUID, str]:
        """Every unit of the district (retired ones too) by id, for showing names."""
        return {u.id: u.name for u in self.units(district)}

    def leaders(self, district: str) -> list[LeaderEntry]:
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT leader_id, code, title, label, left_on FROM rm_leaders WHERE district = ?"
                                " ORDER BY code", (district,)).rows()
        return [_leader(r) for r in found]

    def leader(self, district: str, leader_id: UUID | None) -> LeaderEntry | None:
        if leader_id is None:
            return None
        with self.read_models.reading() as sql:
            found = sql.execute("SELECT leader_id, code, title, label, left_on FROM rm_leaders"
                                " WHERE district = ? AND leader_id = ?", (district, leader_id.hex)).row()
        return _leader(found) if found else None

    def in_charge(self, district: str, day: date) -> dict[UUID, UUID]:
        """The leader in charge (分管领导) of each unit on ``day``."""
        with self.read_models.reading() as sql:
            found = sql.execute(IN_CHARGE, (district, day.isoformat(), day.isoformat())).rows()
        return {UUID(r["unit_id"]): UUID(r["leader_id"]) for r in found}


def _leader(r: dict) -> LeaderEntry:
    return LeaderEntry(UUID(r["leader_id"]), r["code"], LeaderTitle(r["title"]), r["label"], _day(r["left_on"]))


__all__ = ["Directory", "UnitEntry", "LeaderEntry"]
