"""The district's roster (花名册): importing its units and leaders' portfolios in one go, and the
history of a unit or a leader post in people's words.

``import_roster`` records every row of a ``RosterPlan`` (read by ``documents.roster_import``) in ONE
save — the unit and leader registers, every new unit and post, the division of work — or nothing,
with every problem listed (:class:`RosterRefused`).  It is idempotent: a unit the district already
has under that name (active) is kept, a post with the same title and holder (active) is kept, a unit
already in that leader's charge on the effective date is not placed again; so importing the same
roster twice records nothing the second time.  Codes are given when the file leaves them out.

The histories read the record's own events and the district's division of work (the roster's
events that name the record): a district has dozens of units and posts, and the roster changes a
few times a year, so this is one record's history, read as any record's is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable
from uuid import UUID

from documents.item_import import ImportProblem
from documents.roster_import import LEADERS_SHEET, UNITS_SHEET, RosterPlan
from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotFound
from domain.leadership import Leader, LeaderTitle, Roster
from domain.organisation import Unit, UnitKind
from duban.application.base import Part
from duban.application.organisation import LEADER_CODE, UNIT_CODE, next_code


class RosterRefused(InvalidInput):
    """The roster was refused whole; ``problems`` lists every problem found (sheet, row, column)."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("roster.refused", f"花名册有{len(problems)}处错误，全部未导入，请改正后重新导入。")
        self.problems = problems

    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass
class RosterResult:
    """What an import recorded (or, with ``dry_run``, would record)."""

    units_added: list[str] = field(default_factory=list)
    units_kept: list[str] = field(default_factory=list)
    leaders_added: list[str] = field(default_factory=list)
    leaders_kept: list[str] = field(default_factory=list)
    placed: list[tuple[str, str]] = field(default_factory=list)  # (unit, leader) in people's words
    unchanged: int = 0  # units already in that leader's charge

    @property
    def message(self) -> str:
        return (f"新增单位{len(self.units_added)}个（已有{len(self.units_kept)}个），"
                f"新增领导{len(self.leaders_added)}位（已有{len(self.leaders_kept)}位），"
                f"确定分管单位{len(self.placed)}项（已是该分工的{self.unchanged}项）")


@dataclass(frozen=True)
class HistoryLine:
    """One fact of a unit's or a post's history: when it took effect (``on``), when it was
    recorded (``recorded_at``, UTC ISO text: pages show it in Beijing time), who did it in
    people's words, what, and the particulars."""

    on: date
    recorded_at: str
    who: str
    what: str
    details: str


def leader_words(leader: Leader) -> str:
    """A post in people's words: 副区长张三, or the post's label when it names nobody."""
    return f"{leader.title.label}{leader.holder}" if getattr(leader, "holder", "") else leader.portfolio_label


class RosterCommands(Part):
    # -- the import ---------------------------------------------------------------------------------
    def import_roster(self, plan: RosterPlan, actor: Actor, *, effective: date | None = None,
                      on: date | None = None, dry_run: bool = False) -> RosterResult:
        """Register the plan's units and posts and place each listed unit in its leader's charge from
        ``effective`` (default: the business day), all in one save or nothing."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="导入花名册")
        day = self._new_record_day(on)
        start = effective or day
        outcome: list[RosterResult] = []

        def work() -> list:
            result = RosterResult()  # run again after a conflicting save: the answer afresh
            outcome[:] = [result]
            if not plan.ok:
                raise RosterRefused(list(plan.errors))
            district = actor.district
            self.district(district)
            problems: list[ImportProblem] = []
            unit_register = self._register(district, "unit", None, day)
            leader_register = self._register(district, "leader", None, day)
            roster = self._get(Roster, Roster.id_for(district), actor)
            roster.check_business_date(day, self._today())
            present = {u.name: u for u in self.units(district) if u.active}
            units: dict[str, UUID] = {name: u.id for name, u in present.items()}
            new_units: list[Unit] = []
            codes: set[str] = set()
            refused: set[str] = set()
            for row in plan.units:
                if row.name in present:
                    result.units_kept.append(row.name)
                    continue
                if row.code and (row.code in unit_register.entries or row.code in codes):
                    problems.append(plan.problem(UNITS_SHEET, row.row, "单位代码", f"单位代码“{row.code}”已被使用"))
                    refused.add(row.name)  # its problem is told once, on its own row
                    continue
                code = row.code or next_code(unit_register, UNIT_CODE, codes)
                codes.add(code)
                unit = Unit.register(code, row.name, row.kind, day, actor, short_name=row.short_name)
                new_units.append(unit)
                units[row.name] = unit.id
                result.units_added.append(row.name)
            posts = {(l.title, getattr(l, "holder", "")): l for l in self.leaders(district) if l.active}
            new_leaders: list[Leader] = []
            leader_codes: set[str] = set()
            for row in plan.leaders:
                leader = posts.get((row.title, row.holder))
                if leader is None:
                    code = next_code(leader_register, LEADER_CODE, leader_codes)
                    leader_codes.add(code)
                    leader = Leader.register(code, row.title, "", day, actor, holder=row.holder)
                    new_leaders.append(leader)
                    posts[row.title, row.holder] = leader
                    result.leaders_added.append(leader_words(leader))
                else:
                    result.leaders_kept.append(leader_words(leader))
                for name in row.units:
                    unit_id = units.get(name)
                    if unit_id is None:  # the reader knew it as the district's, but it is not (any more)
                        if name not in refused:
                            problems.append(plan.problem(LEADERS_SHEET, row.row, "分管单位", f"没有名为“{name}”的单位"))
                    elif roster.leader_in_charge(unit_id, start) == leader.id:
                        result.unchanged += 1
                    else:
                        roster.place_unit(unit_id, leader.id, start, day, actor)
                        result.placed.append((name, leader_words(leader)))
            if problems:
                raise RosterRefused(problems)
            for unit in new_units:
                unit_register.claim(unit.code, unit.id, day, "单位代码")
            for leader in new_leaders:
                leader_register.claim(leader.code, leader.id, day, "领导代码")
            changed = [a for a in (unit_register, *new_units, leader_register, *new_leaders, roster) if a.pending_events]
            return [] if dry_run else changed

        self._run("import_roster", actor, None, work)
        return outcome[0]

    # -- histories ----------------------------------------------------------------------------------
    def unit_history(self, unit_id: UUID, actor: Actor) -> list[HistoryLine]:
        """单位的变更记录: registered, renamed, retired, and each leader put in charge of it."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="查看单位变更记录")
        unit = self._get(Unit, unit_id, actor)
        names = self._organisation_words(actor.district)
        lines = self._lines(unit.id, {
            "Unit.Registered": lambda e: ("登记单位", "；".join(x for x in (
                f"名称：{e.name}", f"类别：{UnitKind(e.kind).label}", f"简称：{getattr(e, 'short_name', '')}"
                if getattr(e, "short_name", "") else "") if x)),
            "Unit.Renamed": lambda e: ("单位更名", f"新名称：{e.name}，自{e.on.isoformat()}起" + (
                f"；简称：{e.short_name}" if getattr(e, "short_name", None) else "")),
            "Unit.Retired": lambda e: ("撤销单位", f"原因：{e.reason}，自{e.on.isoformat()}起"),
        })
        lines += self._lines(Roster.id_for(actor.district), {
            "Roster.UnitPlaced": lambda e: ("确定分管领导", f"由{names(e.leader, e.on)}分管，自{e.effective.isoformat()}起")
            if e.unit == unit.id else None,
        })
        return sorted(lines, key=lambda line: (line.on, line.recorded_at))

    def leader_history(self, leader_id: UUID, actor: Actor) -> list[HistoryLine]:
        """领导岗位的变更记录: registered, units put in or out of the post's charge, AB角, absences, the end."""
        actor.must_be(Role.ADMIN, Role.OFFICE, doing="查看领导分工变更记录")
        leader = self._get(Leader, leader_id, actor)
        names = self._organisation_words(actor.district)
        lines = self._lines(leader.id, {
            "Leader.Registered": lambda e: ("登记领导岗位", f"职务：{LeaderTitle(e.title).label}" + (
                f"；姓名：{e.holder}" if getattr(e, "holder", "") else "")),
            "Leader.Left": lambda e: ("撤销领导岗位", f"自{e.on.isoformat()}起"),
        })
        in_charge: dict[UUID, UUID] = {}  # each unit's leader by the placements read so far

        def placed(e):
            before, in_charge[e.unit] = in_charge.get(e.unit), e.leader
            if e.leader == leader.id:
                return "确定分管单位", f"分管{names(e.unit, e.on)}，自{e.effective.isoformat()}起"
            if before == leader.id:
                return "调整分管单位", f"{names(e.unit, e.on)}改由{names(e.leader, e.on)}分管，自{e.effective.isoformat()}起"
            return None

        lines += self._lines(Roster.id_for(actor.district), {
            "Roster.UnitPlaced": placed,
            "Roster.CoverSet": lambda e: (
                ("设定AB角", f"{names(e.covered_by, e.on)}为其B角，自{e.effective.isoformat()}起") if e.leader == leader.id else
                ("设定AB角", f"担任{names(e.leader, e.on)}的B角，自{e.effective.isoformat()}起") if e.covered_by == leader.id
                else None),
            "Roster.AbsenceRecorded": lambda e: ("登记领导外出", f"{e.first.isoformat()}至{e.last.isoformat()}")
            if e.leader == leader.id else None,
        })
        return sorted(lines, key=lambda line: (line.on, line.recorded_at))

    def _organisation_words(self, district: str) -> Callable[[UUID, date], str]:
        """Names a unit (its name that day) or a post (副区长张三) of the district, by id."""
        units = {u.id: u for u in self.units(district)}
        posts = {l.id: leader_words(l) for l in self.leaders(district)}

        def words(record: UUID, day: date) -> str:
            return units[record].name_on(day) if record in units else posts.get(record, "")

        return words

    def account_history(self, username: str, actor: Actor) -> list[HistoryLine]:
        """账号的变更记录 (an account of the administrator's own district): opened, passwords reset by an
        administrator or changed by the holder, disabled.  Never the password itself."""
        actor.must_be(Role.ADMIN, doing="查看账号变更记录")
        account = self.user(username)
        if account is None or account.district != actor.district:
            raise NotFound("user.not_found", "没有这个用户。")
        return self._lines(account.id, {
            "UserAccount.Registered": lambda e: ("开设账号", f"角色：{Role(e.role).label}" + (
                f"；姓名：{e.display_name}" if e.display_name else "")),
            "UserAccount.PasswordReset": lambda e: ("管理员重置密码", "该账号已登录的会话全部退出"),
            "UserAccount.PasswordChanged": lambda e: ("本人修改密码", "该账号其他已登录的会话全部退出"),
            "UserAccount.Disabled": lambda e: ("停用账号", "该账号已登录的会话全部退出"),
        })

    def _lines(self, record_id: UUID, describe: dict[str, Callable]) -> list[HistoryLine]:
        who = self.person_words()
        lines = []
        for event in self.store.events.get(record_id):
            name = type(event).__qualname__
            if name not in describe:
                continue
            said = describe[name](event)
            if said is None:
                continue
            on = getattr(event, "on", event.timestamp.date())
            actor = getattr(event, "actor", None) or {}
            lines.append(HistoryLine(on=on, recorded_at=event.timestamp.isoformat(), who=who(actor, on),
                                     what=said[0], details=said[1]))
        return lines


__all__ = ["HistoryLine", "RosterCommands", "RosterRefused", "RosterResult", "leader_words"]
