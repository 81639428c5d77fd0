"""The district (区), its units (承办单位) and its number registers (编号登记簿)."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import Problems, RuleViolation, require, require_input


class District(DistrictAggregate):
    """A district government (区政府), the tenant every other record belongs to."""

    label = "区"

    @staticmethod
    def id_for(code: str) -> UUID:
        return stable_id("district", code)

    @classmethod
    def open(cls, code: str, name: str, on: date, actor: Actor) -> "District":
        problems = Problems()  # both reported at once (a form shows each beside its field)
        problems.check(re.fullmatch(r"\d{6}", code or ""), "district.bad_code", "区划代码应为6位数字，如420105。", field="code")
        problems.check(name and name.strip(), "district.name_required", "区名称不能为空。", field="name")
        problems.raise_any()
        return cls(id=cls.id_for(code), district=code, name=name.strip(), on=on, actor=actor.as_record())

    @event("Opened")
    def __init__(self, id: UUID, district: str, name: str, on: date, actor: dict) -> None:
        self.district = district
        self.name = name
        self.opened_on = on
        self.auto_urging: str | None = None  # the escalation rules version, when switched on

    def switch_auto_urging(self, enabled: bool, rules: str, on: date, actor: Actor) -> None:
        """自动催办: the office lets the system record urges itself under a rules version."""
        actor.must_be(Role.OFFICE, doing="设置自动催办")
        require((self.auto_urging is not None) != enabled or (enabled and rules != self.auto_urging),
                "auto_urging.unchanged", "自动催办已是该设置。")
        self._auto_urging_switched(enabled=enabled, rules=rules if enabled else "", on=on, actor=actor.as_record())

    @event("AutoUrgingSwitched")
    def _auto_urging_switched(self, enabled: bool, rules: str, on: date, actor: dict) -> None:
        self.auto_urging = rules if enabled else None


class NumberRegister(DistrictAggregate):
    """Keys of one kind for one district (and year), each claimed once.

    Two sorts.  A *keyed* register (district codes, unit and leader codes, calendar years) keeps
    every key with its record: it is also the index of those few records.  A *numbered* register
    (items 督〔2026〕15号, notices, rectification tasks, inspections) keeps only the highest
    number: the records' ids derive from district, year and number, so they are found, and a
    number proved taken, without the register growing with every record of the year.
    """

    label = "编号登记簿"
    NUMBERED = frozenset({"item", "notice", "rectification", "inspection", "report", "bulletin"})
    MAX_SKIP = 50
    """How many numbers an explicit number may leave unused after the highest one given out: room
    for numbers kept outside (a paper register, another system), but not 督〔2026〕2026001号."""

    @staticmethod
    def id_for(district: str, kind: str, year: int | None) -> UUID:
        return stable_id(district, "register", kind, year or "-")

    @classmethod
    def start(cls, district: str, kind: str, year: int | None, on: date) -> "NumberRegister":
        return cls(id=cls.id_for(district, kind, year), district=district, kind=kind, year=year, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, kind: str, year: int | None, on: date) -> None:
        self.district = district
        self.kind = kind
        self.year = year
        self.entries: dict[str, UUID] = {}  # keyed registers only
        self.highest = 0  # numbered registers only

    @property
    def numbered(self) -> bool:
        return self.kind in self.NUMBERED

    def next_number(self) -> int:
        return self.highest + 1

    def highest_allowed(self, highest: int | None = None) -> int:
        """The largest explicit number that may be claimed after ``highest`` (default: the register's)."""
        return (self.highest if highest is None else highest) + self.MAX_SKIP + 1

    def claim(self, key: str, record_id: UUID, on: date, what: str) -> None:
        """A keyed register's key."""
        assert not self.numbered, "numbered registers use claim_number"
        if key in self.entries:
            raise RuleViolation("number.taken", f"{what}“{key}”已被使用，不能重复。", field="number")
        self._claimed(key=key, record_id=record_id, on=max(on, self.last_on))

    @event("Claimed")
    def _claimed(self, key: str, record_id: UUID, on: date) -> None:
        self.entries[key] = record_id

    def claim_number(self, number: int, record_id: UUID, on: date, what: str, *, taken: bool) -> None:
        """A numbered register's number; ``taken`` says whether its record already exists."""
        assert self.numbered, "keyed registers use claim"
        if taken:
            raise RuleViolation("number.taken", f"{what}“{number}”已被使用，同一区同一年度内编号不能重复。",
                                field="number")
        if number > self.highest_allowed():
            raise RuleViolation(
                "number.too_far_ahead",
                f"{what}“{number}”超出范围：本年度已编到{self.highest}号，指定编号最大为{self.highest_allowed()}号。",
                field="number")
        self._number_claimed(number=number, record_id=record_id, on=max(on, self.last_on))

    @event("NumberClaimed")
    def _number_claimed(self, number: int, record_id: UUID, on: date) -> None:
        self.highest = max(self.highest, number)


class UnitKind(Labelled):
    SUBDISTRICT = "subdistrict", "街道"
    DEPARTMENT = "department", "区直部门"
    INSTITUTION = "institution", "直属机构"


def parse_unit_kind(value: str) -> UnitKind:
    return UnitKind.parse(value, rule="unit.unknown_kind", what="单位类别", field="kind")  # type: ignore[return-value]


class Unit(DistrictAggregate):
    """A responsible unit (承办单位): a subdistrict, a district department or an affiliated body."""

    label = "单位"

    @staticmethod
    def id_for(district: str, code: str) -> UUID:
        return stable_id(district, "unit", code)

    SHORT_NAME_MAX = 20

    @classmethod
    def register(cls, code: str, name: str, kind: UnitKind, on: date, actor: Actor, short_name: str = "") -> "Unit":
        """登记单位; ``short_name`` (简称, e.g. 城管局 for 区城市管理执法局) may be left empty."""
        require_input(re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code or ""), "unit.bad_code", "单位代码只能由字母、数字、-、_组成。", field="code")
        require_input(name and name.strip(), "unit.name_required", "单位名称不能为空。", field="name")
        _check_short_name(short_name)
        return cls(
            id=cls.id_for(actor.district, code), district=actor.district, code=code,
            name=name.strip(), kind=kind.value, on=on, actor=actor.as_record(), short_name=(short_name or "").strip(),
        )

    @event("Registered")
    def __init__(self, id: UUID, district: str, code: str, name: str, kind: str, on: date, actor: dict,
                 short_name: str = "") -> None:
        self.district = district
        self.code = code
        self.name = name
        self.kind = UnitKind(kind)
        self.short_name = short_name  # (units registered before 简称 existed have none)
        self.former_names: list[str] = []
        self.retired_on: date | None = None

    @property
    def active(self) -> bool:
        return self.retired_on is None

    def rename(self, name: str, on: date, actor: Actor, short_name: str | None = None) -> None:
        """单位更名 from ``on`` (the business date is the day the new name takes effect);
        ``short_name``: the new 简称, or None to keep the one it has."""
        require_input(name and name.strip(), "unit.name_required", "单位名称不能为空。", field="name")
        require(self.active, "unit.retired", f"单位“{self.name}”已撤销，不能更名。")
        require(name.strip() != self.name, "unit.same_name", "新名称与原名称相同。", field="name")
        if short_name is not None:
            _check_short_name(short_name)
            short_name = short_name.strip()
        self._renamed(name=name.strip(), on=on, actor=actor.as_record(), short_name=short_name)

    @event("Renamed")
    def _renamed(self, name: str, on: date, actor: dict, short_name: str | None = None) -> None:
        self.former_names.append(self.name)
        # (the day a name ended, the name): set here, not when registered, so every history replays
        self.names_until = [*getattr(self, "names_until", []), [on, self.name]]
        self.name = name
        if short_name is not None:
            self.short_name = short_name

    def name_on(self, day: date) -> str:
        """The unit's name on ``day`` (a record names the unit as it was then)."""
        for until, name in getattr(self, "names_until", []):
            if day < until:
                return name
        return self.name

    def retire(self, reason: str, on: date, actor: Actor) -> None:
        require(self.active, "unit.retired", f"单位“{self.name}”已撤销。")
        require_input(reason and reason.strip(), "unit.retire_reason_required", "请说明撤销原因（如机构改革文件）。", field="reason")
        self._retired(reason=reason.strip(), on=on, actor=actor.as_record())

    @event("Retired")
    def _retired(self, reason: str, on: date, actor: dict) -> None:
        self.retired_on = on


def _check_short_name(short_name: str | None) -> None:
    require_input(len((short_name or "").strip()) <= Unit.SHORT_NAME_MAX, "unit.short_name_too_long",
                  f"单位简称不能超过{Unit.SHORT_NAME_MAX}字。", field="short_name")
