"""Commands on the district, its units, leaders and the division of work."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound, RuleViolation, require, require_input
from domain.leadership import Leader, LeaderTitle, Roster
from domain.organisation import District, NumberRegister, Unit, UnitKind
from duban.application.base import Part

DEPLOYMENT = "*"
UNIT_CODE, LEADER_CODE = "U", "L"  # the prefixes of the codes given when none is (U001, L001)


def next_code(register: NumberRegister, prefix: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The first code ``prefix`` + three digits that neither the keyed ``register`` nor ``taken``
    (codes given earlier in the same command) holds."""
    number = len(register.entries) + len(taken) + 1
    while True:
        code = f"{prefix}{number:03d}"
        if code not in register.entries and code not in taken:
            return code
        number += 1


class OrganisationCommands(Part):
    def _new_record_day(self, on: date | None) -> date:
        """The business date of a new record: never in the future (as for items, notices, tasks)."""
        day = self._on(on)
        return day

    @staticmethod
    def _may_open(code: str, actor: Actor) -> None:
        """开设区: a deployment administrator (平台管理员) opens any district; a district's administrator
        only their own, which is how a deployment's first district is set up (``duban setup``)."""
        actor.must_be(Role.ADMIN, Role.DEPLOYMENT_ADMIN, doing="开设区")
        if actor.role is Role.ADMIN and actor.district != code:
            raise NotAllowed("district.not_own", "区管理员不能开设其他区，请由平台管理员开设。")

    def open_district(self, code: str, name: str, actor: Actor, on: date | None = None) -> District:
        self._may_open(code, actor)
        day = self._new_record_day(on)

        return self._run("open_district", actor, District.id_for(code), lambda: self._opening(code, name, day, actor))[1]

    def _opening(self, code: str, name: str, day: date, actor: Actor) -> list:
        """What opening a district saves: the deployment's register of districts, the district, its roster."""
        district = District.open(code, name, day, actor)
        require(self._find(District, district.id) is None, "district.exists", f"区划代码{code}已开设。")
        register = self._register(DEPLOYMENT, "district", None, day)
        register.claim(code, district.id, day, "区划代码")
        return [register, district, Roster.start(code, day)]

    def district(self, code: str) -> District:
        found = self._find(District, District.id_for(code))
        if found is None:
            raise NotFound("district.not_found", f"没有区划代码为{code}的区。")
        return found

    def districts(self) -> list[District]:
        return [self._get(District, i) for i in self._registered_ids(DEPLOYMENT, "district")]

    # -- units --------------------------------------------------------------------------------
    def register_unit(self, code: str | None, name: str, kind: UnitKind, actor: Actor, on: date | None = None,
                      short_name: str = "") -> Unit:
        """登记单位; without a ``code`` the next free one is given (U001, U002 …): pages never show it."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="登记单位")
        day = self._new_record_day(on)

        def work():
            self.district(actor.district)
            register = self._register(actor.district, "unit", None, day)
            given = code or next_code(register, UNIT_CODE)
            unit = Unit.register(given, name, kind, day, actor, short_name=short_name)
            require(self._find(Unit, unit.id) is None, "unit.code_taken", f"单位代码“{given}”已被使用。")
            same_name = [u for u in self.units(actor.district) if u.active and u.name == unit.name]
            require(not same_name, "unit.name_taken", f"已有名为“{unit.name}”的单位。", field="name")
            register.claim(given, unit.id, day, "单位代码")
            return [register, unit]

        return self._run("register_unit", actor, Unit.id_for(actor.district, code) if code else None, work)[1]

    def rename_unit(self, unit: UUID, name: str, actor: Actor, on: date | None = None,
                    short_name: str | None = None) -> Unit:
        """单位更名 from ``on``; ``short_name`` the new 简称 (None: kept)."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="单位更名")
        clash = [u for u in self.units(actor.district) if u.active and u.name == name.strip() and u.id != unit]
        require(not clash, "unit.name_taken", f"已有名为“{name.strip()}”的单位。", field="name")
        return self._change("rename_unit", Unit, unit, actor, on, lambda u, d: u.rename(name, d, actor, short_name))

    def retire_unit(self, unit: UUID, reason: str, actor: Actor, on: date | None = None) -> Unit:
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="撤销单位")
        return self._change("retire_unit", Unit, unit, actor, on, lambda u, d: u.retire(reason, d, actor))

    def units(self, district: str) -> list[Unit]:
        return [self._get(Unit, i) for i in self._registered_ids(district, "unit")]

    def unit_names(self, district: str) -> dict[UUID, str]:
        """Every unit of the district (retired ones too) by id, for showing names."""
        return {u.id: u.name for u in self.units(district)}

    def unit(self, unit_id: UUID, actor: Actor) -> Unit:
        return self._get(Unit, unit_id, actor)

    def unit_by_code(self, district: str, code: str) -> Unit:
        found = self._find(Unit, Unit.id_for(district, code))
        if found is None:
            raise NotFound("unit.not_found", f"没有代码为“{code}”的单位。")
        return found

    def _active_unit(self, unit_id: UUID, actor: Actor, field: str = "unit") -> Unit:
        unit = self._find(Unit, unit_id)
        if unit is None or unit.district != actor.district:
            raise NotFound("unit.not_found", "没有这个单位。", field=field)
        if not unit.active:
            raise RuleViolation("unit.retired", f"单位“{unit.name}”已撤销，不能再交办。", field=field)
        return unit

    # -- leaders and the division of work -------------------------------------------------------
    def register_leader(self, code: str | None, title: LeaderTitle, portfolio_label: str, actor: Actor,
                        on: date | None = None, holder: str = "") -> Leader:
        """登记领导岗位 held by ``holder`` (姓名); without a ``code`` the next free one is given (L001 …)."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="登记领导岗位")
        day = self._new_record_day(on)

        def work():
            self.district(actor.district)
            register = self._register(actor.district, "leader", None, day)
            given = code or next_code(register, LEADER_CODE)
            leader = Leader.register(given, title, portfolio_label, day, actor, holder=holder)
            require(self._find(Leader, leader.id) is None, "leader.code_taken", f"领导代码“{given}”已被使用。")
            register.claim(given, leader.id, day, "领导代码")
            return [register, leader]

        return self._run("register_leader", actor, Leader.id_for(actor.district, code) if code else None, work)[1]

    def end_leader_post(self, leader: UUID, actor: Actor, on: date | None = None) -> Leader:
        """The post ends (离任); its holder can no longer approve anything."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="撤销领导岗位")
        return self._change("end_leader_post", Leader, leader, actor, on, lambda l, d: l.leave(d, actor))

    def leaders(self, district: str) -> list[Leader]:
        return [self._get(Leader, i) for i in self._registered_ids(district, "leader")]

    def leader_by_code(self, district: str, code: str) -> Leader:
        found = self._find(Leader, Leader.id_for(district, code))
        if found is None:
            raise NotFound("leader.not_found", f"没有代码为“{code}”的领导。")
        return found

    def _leader(self, leader_id: UUID, actor: Actor) -> Leader:
        return self._get(Leader, leader_id, actor)

    def roster(self, district: str) -> Roster:
        """The district's division of work, to read (commands change it through ``_change``)."""
        return self._get(Roster, Roster.id_for(district), readonly=True)

    def place_unit(self, unit: UUID, leader: UUID, effective: date, actor: Actor, on: date | None = None) -> Roster:
        """分工调整: ``leader`` is in charge of ``unit`` from ``effective``."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="调整领导分工")
        self._active_unit(unit, actor)
        require(self._leader(leader, actor).active, "leader.left", "该领导岗位已撤销。")
        return self._change("place_unit", Roster, Roster.id_for(actor.district), actor, on,
                            lambda r, d: r.place_unit(unit, leader, effective, d, actor))

    def place_units(self, units: list[UUID], leader: UUID, effective: date, actor: Actor,
                    on: date | None = None) -> Roster:
        """分工调整 for several units at once (one save): each is in ``leader``'s charge from
        ``effective``; a unit already in their charge that day is left as it is."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="调整领导分工")
        require_input(units, "roster.units_required", "请选择分管单位。", field="units")
        for unit in units:
            self._active_unit(unit, actor, "units")
        require(self._leader(leader, actor).active, "leader.left", "该领导岗位已撤销。")

        def change(roster: Roster, day: date) -> None:
            for unit in dict.fromkeys(units):
                if roster.leader_in_charge(unit, effective) != leader:
                    roster.place_unit(unit, leader, effective, day, actor)

        return self._change("place_units", Roster, Roster.id_for(actor.district), actor, on, change)

    def leader_post(self, leader_id: UUID, actor: Actor) -> Leader:
        """A leader post of the actor's district (another district's answers as none)."""
        return self._get(Leader, leader_id, actor)

    def set_cover(self, leader: UUID, covered_by: UUID, effective: date, actor: Actor, on: date | None = None) -> Roster:
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="设定AB角")
        self._leader(leader, actor)
        require(self._leader(covered_by, actor).active, "leader.left", "担任B角的领导岗位已撤销。", field="covered_by")
        return self._change("set_cover", Roster, Roster.id_for(actor.district), actor, on,
                            lambda r, d: r.set_cover(leader, covered_by, effective, d, actor))

    def record_absence(self, leader: UUID, first: date, last: date, actor: Actor, on: date | None = None) -> Roster:
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="登记领导外出")
        self._leader(leader, actor)
        return self._change("record_absence", Roster, Roster.id_for(actor.district), actor, on,
                            lambda r, d: r.record_absence(leader, first, last, d, actor))

    def leader_in_charge(self, district: str, unit: UUID, day: date) -> Leader | None:
        leader_id = self.roster(district).leader_in_charge(unit, day)
        return self._find(Leader, leader_id) if leader_id else None
