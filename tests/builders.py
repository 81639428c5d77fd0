"""Test builders: a district with units, leaders and portfolios, and items registered in it.

Generic on purpose — any test that needs an organised district can use it::

    from builders import DistrictBuilder, refused

    world = DistrictBuilder(app).units(A="晴川街", B="区住建局").leaders(V1="vice_head").place(A="V1").build()
    item = world.item(lead="A", co=["B"], sign=True)
    with refused(world, DomainErrorSubclass, "rule.name", item=item):
        app.some_command(item, ..., world.unit("B"))

Everything goes through the :class:`Duban` service; nothing touches the store directly.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator
from uuid import UUID

import pytest

from domain.actor import Actor, Role
from domain.leadership import LeaderTitle, parse_leader_title
from domain.organisation import UnitKind
from domain.sources import SourceKind
from duban.application import Duban
from projections.ledger import LedgerRow

DEFAULT_DISTRICT = "420105"
DEFAULT_OPENED = date(2026, 1, 5)


@dataclass
class World:
    """An opened district: its actors and the ids of its units and leaders, by code."""

    app: Duban
    district: str
    admin: Actor
    office: Actor
    unit_ids: dict[str, UUID] = field(default_factory=dict)
    leader_ids: dict[str, UUID] = field(default_factory=dict)

    # -- actors ------------------------------------------------------------------------------
    def unit(self, code: str, user: str | None = None) -> Actor:
        """A user of unit ``code``."""
        return Actor(user=user or f"{code.lower()}-clerk", role=Role.UNIT, district=self.district,
                     unit=self.unit_ids[code])

    def leader(self, code: str, user: str | None = None) -> Actor:
        """The user holding leader post ``code``."""
        return Actor(user=user or f"{code.lower()}-leader", role=Role.LEADER, district=self.district,
                     leader=self.leader_ids[code])

    # -- growing the district -------------------------------------------------------------------
    def add_unit(self, code: str, name: str | None = None, kind: UnitKind = UnitKind.DEPARTMENT,
                 on: date | None = None) -> UUID:
        unit = self.app.register_unit(code, name or f"单位{code}", kind, self.office, on=on)
        self.unit_ids[code] = unit.id
        return unit.id

    def add_leader(self, code: str, title: LeaderTitle | str = LeaderTitle.VICE_HEAD, portfolio: str = "",
                   on: date | None = None) -> UUID:
        title = title if isinstance(title, LeaderTitle) else parse_leader_title(title)
        leader = self.app.register_leader(code, title, portfolio, self.office, on=on)
        self.leader_ids[code] = leader.id
        return leader.id

    def place(self, unit: str, leader: str, effective: date | None = None, on: date | None = None) -> None:
        """Put unit ``unit`` in leader ``leader``'s portfolio from ``effective`` (default: opening day)."""
        self.app.place_unit(self.unit_ids[unit], self.leader_ids[leader], effective or DEFAULT_OPENED,
                            self.office, on=on)

    # -- items -----------------------------------------------------------------------------------
    def item(self, *, lead: str | None = None, co: list[str] | tuple[str, ...] = (), sign: bool | list[str] = False,
             source: SourceKind = SourceKind.EXECUTIVE_MEETING, reference: str = "区政府第1次常务会议",
             decision_date: date | None = None, title: str = "推进老旧小区改造", deadline: date | None = None,
             on: date | None = None, **register) -> UUID:
        """Register an item (and assign it to ``lead``/``co``; ``sign=True`` has every assigned
        unit sign for it, a list names the units that sign).  Returns its id."""
        day = on or self.app.clock.today()
        item = self.app.register_item(
            source=source, reference=reference, decision_date=decision_date or day, title=title,
            deadline=deadline, actor=self.office, on=on, **register,
        )
        if lead is not None:
            self.app.assign_item(item.id, self.unit_ids[lead], [self.unit_ids[c] for c in co], self.office, on=on)
            signers = [lead, *co] if sign is True else list(sign or [])
            for code in signers:
                self.app.sign_for_item(item.id, self.unit(code), on=on)
        return item.id


class DistrictBuilder:
    """Open a district, register units and leaders, place units in portfolios."""

    def __init__(self, app: Duban, district: str = DEFAULT_DISTRICT, name: str = "汉阳区",
                 opened: date = DEFAULT_OPENED) -> None:
        self._app, self._district, self._name, self._opened = app, district, name, opened
        self._units: list[tuple[str, str, UnitKind]] = []
        self._leaders: list[tuple[str, LeaderTitle | str]] = []
        self._places: list[tuple[str, str]] = []
        self._covers: list[tuple[str, str]] = []

    def units(self, **names: str | tuple[str, UnitKind]) -> "DistrictBuilder":
        """``units(A="晴川街", B=("区住建局", UnitKind.DEPARTMENT))``."""
        for code, value in names.items():
            name, kind = value if isinstance(value, tuple) else (value, UnitKind.DEPARTMENT)
            self._units.append((code, name, kind))
        return self

    def leaders(self, **titles: LeaderTitle | str) -> "DistrictBuilder":
        """``leaders(HEAD="district_head", V1="vice_head")`` (values or Chinese labels)."""
        self._leaders.extend(titles.items())
        return self

    def place(self, **portfolio: str) -> "DistrictBuilder":
        """``place(A="V1", B="V2")``: unit A in V1's portfolio from the opening day."""
        self._places.extend(portfolio.items())
        return self

    def cover(self, **pairs: str) -> "DistrictBuilder":
        """``cover(V1="V2")``: V2 is V1's B role (AB角) from the opening day."""
        self._covers.extend(pairs.items())
        return self

    def build(self) -> World:
        admin = Actor(user="admin", role=Role.ADMIN, district=self._district)
        office = Actor(user=f"office-{self._district}", role=Role.OFFICE, district=self._district)
        self._app.open_district(self._district, self._name, admin, on=self._opened)
        world = World(self._app, self._district, admin, office)
        for code, name, kind in self._units:
            world.add_unit(code, name, kind, on=self._opened)
        for code, title in self._leaders:
            world.add_leader(code, title, on=self._opened)
        for unit, leader in self._places:
            world.place(unit, leader, on=self._opened)
        for leader, covered_by in self._covers:
            self._app.set_cover(world.leader_ids[leader], world.leader_ids[covered_by], self._opened, office,
                                on=self._opened)
        return world


# -- assertions ------------------------------------------------------------------------------------
def events_recorded(app: Duban) -> int:
    """How many events the store holds (all aggregates, all districts)."""
    return app.store.recorder.max_notification_id() or 0


def item_events(app: Duban, item_id: UUID) -> list:
    """The item's recorded events, oldest first."""
    return list(app.store.repository.event_store.get(item_id))


@contextmanager
def refused(world: World, error: type[Exception], rule: str, *, item: UUID | None = None) -> Iterator:
    """Expect the block to raise ``error`` with ``rule`` and to record nothing at all
    (the store's event count, and the item's version when ``item`` is given, are unchanged)."""
    app = world.app
    before = events_recorded(app)
    version = app.item(item, world.office).version if item is not None else None
    with pytest.raises(error) as info:
        yield info
    assert info.value.rule == rule, f"expected rule {rule!r}, got {info.value.rule!r}: {info.value}"
    assert events_recorded(app) == before, "a refused command recorded events"
    if item is not None:
        assert app.item(item, world.office).version == version


def ledger_row(**overrides) -> LedgerRow:
    """One ledger row as the read side answers it (an item in progress, 3 working days overdue),
    for the document writers' tests; ``overrides`` replace its fields."""
    values = dict(entry_id="e1", kind="item", number="督〔2026〕3号", source="区政府常务会议", reference="第3次常务会议",
                  title="改造月湖片区口袋公园", lead_unit="区住建局", co_units="晴川街", leader="副区长",
                  deadline=date(2026, 3, 27), deadline_estimated=False, status="in_progress", status_label="办理中",
                  progress=60, progress_text="正在施工", progress_on=date(2026, 3, 10), working_days_overdue=3,
                  urges=1, notices=0, criticisms=0, closed_on=None, decision_date=date(2026, 2, 27),
                  description="6月底前完工")
    values.update(overrides)
    return LedgerRow(**values)
