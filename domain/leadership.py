"""Leaders (区长, 常务副区长, 副区长) and their portfolios (分管) over time, with AB-role cover (AB角)."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor
from domain.base import DistrictAggregate, stable_id
from domain.errors import require, require_input


class LeaderTitle(Labelled):
    DISTRICT_HEAD = "district_head", "区长"
    EXECUTIVE_VICE_HEAD = "executive_vice_head", "常务副区长"
    VICE_HEAD = "vice_head", "副区长"


def post_words(title: LeaderTitle | str, holder: str = "", portfolio_label: str = "") -> str:
    """How pages name a post in a list (分管领导): by its title (职务) and holder, 副区长 张三, rather than
    the whole portfolio string.  A post naming nobody: 区长 and 常务副区长 by title alone, a 副区长
    by title and the first field of the portfolio, 副区长（公安等）, so that several stay apart."""
    title = LeaderTitle(title)
    if holder:
        return f"{title.label} {holder}"
    if title is not LeaderTitle.VICE_HEAD or "（" not in portfolio_label:
        return title.label
    fields = portfolio_label.split("（", 1)[1].rstrip("）").replace("，", "、").split("、")
    first = fields[0].strip()
    if not first:
        return title.label
    return f"{title.label}（{first}{'等' if len(fields) > 1 else ''}）"


def parse_leader_title(value: str) -> LeaderTitle:
    return LeaderTitle.parse(value, rule="leader.unknown_title", what="领导职务", field="title")  # type: ignore[return-value]


class Leader(DistrictAggregate):
    """A leadership post (领导岗位).  Demo data names posts, never persons."""

    label = "领导"

    @staticmethod
    def id_for(district: str, code: str) -> UUID:
        return stable_id(district, "leader", code)

    HOLDER_MAX = 20

    @classmethod
    def register(cls, code: str, title: LeaderTitle, portfolio_label: str, on: date, actor: Actor,
                 holder: str = "") -> "Leader":
        """登记领导岗位; ``holder`` (姓名) is the person holding the post, when known (the demo names
        posts only); the label the ledger shows (分管领导) is ``portfolio_label``, by default the
        title and the holder's name (副区长张三) or the title alone."""
        require_input(re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code or ""), "leader.bad_code", "领导代码只能由字母、数字、-、_组成。", field="code")
        holder = (holder or "").strip()
        require_input(len(holder) <= cls.HOLDER_MAX, "leader.holder_too_long", f"姓名不能超过{cls.HOLDER_MAX}字。",
                      field="holder")
        return cls(
            id=cls.id_for(actor.district, code), district=actor.district, code=code, title=title.value,
            portfolio_label=(portfolio_label or f"{title.label}{holder}").strip(), on=on, actor=actor.as_record(),
            holder=holder,
        )

    @event("Registered")
    def __init__(self, id: UUID, district: str, code: str, title: str, portfolio_label: str, on: date, actor: dict,
                 holder: str = "") -> None:
        self.district = district
        self.code = code
        self.title = LeaderTitle(title)
        self.portfolio_label = portfolio_label
        self.holder = holder  # (posts registered before 姓名 existed name nobody)
        self.left_on: date | None = None

    @property
    def active(self) -> bool:
        return self.left_on is None

    def leave(self, on: date, actor: Actor) -> None:
        require(self.active, "leader.left", "该领导岗位已撤销。")
        self._left(on=on, actor=actor.as_record())

    @event("Left")
    def _left(self, on: date, actor: dict) -> None:
        self.left_on = on


class Roster(DistrictAggregate):
    """The district's division of work (领导分工): who is in charge of which unit from which date,
    who covers for whom (AB角, WR art. 7), and when a leader is away.

    Changes are announced during the year ("另行通知"), so every entry has an effective date and
    :meth:`leader_in_charge` answers for any date.
    """

    label = "领导分工"

    @staticmethod
    def id_for(district: str) -> UUID:
        return stable_id(district, "roster")

    @classmethod
    def start(cls, district: str, on: date) -> "Roster":
        return cls(id=cls.id_for(district), district=district, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, on: date) -> None:
        self.district = district
        self.placements: list[dict] = []  # {unit, leader, effective}
        self.cover_pairs: list[dict] = []  # {leader, covered_by, effective}
        self.absences: list[dict] = []  # {leader, first, last}

    # -- commands ---------------------------------------------------------------------------
    def place_unit(self, unit: UUID, leader: UUID, effective: date, on: date, actor: Actor) -> None:
        """Put ``unit`` in ``leader``'s portfolio from ``effective`` (ends the previous leader's charge)."""
        require(
            self.leader_in_charge(unit, effective) != leader,
            "roster.already_in_charge", "该单位在生效日已由这位领导分管。",
        )
        self._unit_placed(unit=unit, leader=leader, effective=effective, on=on, actor=actor.as_record())

    @event("UnitPlaced")
    def _unit_placed(self, unit: UUID, leader: UUID, effective: date, on: date, actor: dict) -> None:
        self.placements.append({"unit": unit, "leader": leader, "effective": effective})

    def set_cover(self, leader: UUID, covered_by: UUID, effective: date, on: date, actor: Actor) -> None:
        """Record that ``covered_by`` is the B role who acts for ``leader`` when away (AB角)."""
        require(leader != covered_by, "roster.cover_self", "AB角不能是同一位领导。")
        self._cover_set(leader=leader, covered_by=covered_by, effective=effective, on=on, actor=actor.as_record())

    @event("CoverSet")
    def _cover_set(self, leader: UUID, covered_by: UUID, effective: date, on: date, actor: dict) -> None:
        self.cover_pairs.append({"leader": leader, "covered_by": covered_by, "effective": effective})

    def record_absence(self, leader: UUID, first: date, last: date, on: date, actor: Actor) -> None:
        require_input(first <= last, "roster.bad_absence", "外出结束日期不能早于开始日期。", field="last")
        require(self.cover_for(leader, first) is not None, "roster.no_cover", "该领导没有设定AB角，无法登记外出期间的替岗。")
        self._absence_recorded(leader=leader, first=first, last=last, on=on, actor=actor.as_record())

    @event("AbsenceRecorded")
    def _absence_recorded(self, leader: UUID, first: date, last: date, on: date, actor: dict) -> None:
        self.absences.append({"leader": leader, "first": first, "last": last})

    # -- queries ----------------------------------------------------------------------------
    @staticmethod
    def _latest(entries: list[dict], key: str, value: UUID, day: date) -> dict | None:
        found = None
        for entry in entries:  # recorded order breaks ties between equal effective dates
            if entry[key] == value and entry["effective"] <= day:
                if found is None or entry["effective"] >= found["effective"]:
                    found = entry
        return found

    def leader_in_charge(self, unit: UUID, day: date) -> UUID | None:
        """Who was in charge (分管领导) of ``unit`` on ``day``."""
        entry = self._latest(self.placements, "unit", unit, day)
        return entry["leader"] if entry else None

    def cover_for(self, leader: UUID, day: date) -> UUID | None:
        entry = self._latest(self.cover_pairs, "leader", leader, day)
        return entry["covered_by"] if entry else None

    def is_away(self, leader: UUID, day: date) -> bool:
        return any(a["leader"] == leader and a["first"] <= day <= a["last"] for a in self.absences)

    def acting_leader(self, unit: UUID, day: date) -> tuple[UUID | None, bool]:
        """The leader acting for ``unit`` on ``day`` and whether it is AB-role cover."""
        leader = self.leader_in_charge(unit, day)
        if leader is not None and self.is_away(leader, day):
            cover = self.cover_for(leader, day)
            if cover is not None:
                return cover, True
        return leader, False

    def in_charge_on(self, day: date) -> dict[UUID, UUID]:
        """Every placed unit's leader in charge on ``day`` (in placement order), in one pass: the
        same answer as :meth:`leader_in_charge` for each unit."""
        found: dict[UUID, dict] = {}
        for entry in self.placements:
            if entry["effective"] <= day:
                known = found.get(entry["unit"])
                if known is None or entry["effective"] >= known["effective"]:
                    found[entry["unit"]] = entry
        return {unit: entry["leader"] for unit, entry in found.items()}

    def units_of(self, leader: UUID, day: date) -> list[UUID]:
        """The units in ``leader``'s portfolio on ``day``."""
        return [u for u, in_charge in self.in_charge_on(day).items() if in_charge == leader]

    def units_acted_for(self, leader: UUID, day: date) -> list[UUID]:
        """The units ``leader`` acts for on ``day`` (:meth:`acting_leader`): their own, unless they
        are away and covered, and those of a leader they cover who is away."""
        acting = []
        for unit, in_charge in self.in_charge_on(day).items():
            if in_charge == leader and not (self.is_away(leader, day) and self.cover_for(leader, day) is not None):
                acting.append(unit)
            elif in_charge != leader and self.is_away(in_charge, day) and self.cover_for(in_charge, day) == leader:
                acting.append(unit)
        return acting
