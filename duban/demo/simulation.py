"""The demo district: units, leaders and plans from the seeds, then a deterministic year of work.

The seed plans date from 2022; the demo moves them into the year that ends at "today", so
the ledger is live (open items, items due soon, overdue items) whenever it is run.  The same
``today`` always gives the same events: the randomness is seeded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable
from uuid import UUID

import structlog

from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.inspection import InspectionKind
from domain.item import ItemStatus, Satisfaction, SupervisedItem
from domain.leadership import LeaderTitle, parse_leader_title
from domain.notice import NoticeStatus, TaskState
from domain.organisation import UnitKind
from domain.rectification import ProblemSource, RectificationStatus, Severity
from domain.sources import SourceKind
from duban.application import Duban
from duban.clock import FixedClock
from duban.demo.evidence import completion_files, progress_files, rectification_files, reply_files
from duban.demo.seeds import SeedDistrict

log = structlog.get_logger("duban.demo")
SEED_YEAR = 2022


def plan_year(today: date) -> int:
    """The seed plans start in spring; move them to the year whose spring lies about 8–20 months back."""
    return (today - timedelta(days=300)).year


def shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class DemoSummary:
    today: date
    items: int = 0
    notices: int = 0
    rectifications: int = 0
    inspections: int = 0
    refused: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


class DemoWorld:
    """Drives the application through a year as the office, the units and the leaders would."""

    def __init__(self, app: Duban, clock: FixedClock, seed: SeedDistrict, today: date) -> None:
        self.app, self.clock, self.seed, self.today = app, clock, seed, today
        self.code = seed.code
        self.year = plan_year(today)
        self.years = self.year - SEED_YEAR
        self.rng = random.Random(f"duban-demo-{self.code}-{today.isoformat()}")
        self.admin = Actor("admin", Role.ADMIN, self.code)
        self.office = Actor("duchashi", Role.OFFICE, self.code)
        self.units: dict[str, UUID] = {}
        self.leaders: dict[str, UUID] = {}
        self.district_head: Actor | None = None
        self.leader_actor: dict[UUID, Actor] = {}
        self.leader_post: dict[UUID, str] = {}  # the post as the record names it (分管领导)
        self.unit_style: dict[UUID, str] = {}  # diligent | late | silent
        self.pending: list[tuple[date, int, Callable[[], object]]] = []
        self._order = 0
        self.refused = 0
        self.force_unsatisfied: UUID | None = None
        self.notices: list = []
        self.item_ids: list[UUID] = []  # every item registered, in order: the simulation's own list (no replay of the store)

    # -- scheduling -------------------------------------------------------------------------
    def at(self, day: date, action: Callable[[], object]) -> None:
        self._order += 1
        self.pending.append((day, self._order, action))

    def unit_actor(self, unit: UUID) -> Actor:
        return Actor(f"unit-{unit.hex[:6]}", Role.UNIT, self.code, unit=unit)

    def attempt(self, action: Callable[[], object]) -> object | None:
        """Run one simulated action; a refusal is logged like any user's and the year goes on."""
        try:
            return action()
        except DomainError as error:
            self.refused += 1
            log.info("demo.refused", rule=error.rule)
            return None

    # -- the organisation -------------------------------------------------------------------
    def build_organisation(self) -> None:
        start = date(self.year, 1, 4)
        self.clock.set(start)
        self.app.open_district(self.code, self.seed.name, self.admin, on=start)
        for unit in self.seed.units:
            made = self.app.register_unit(unit.code, unit.name, UnitKind(unit.kind), self.admin, on=start)
            self.units[unit.code] = made.id
            self.unit_style[made.id] = self.rng.choices(["diligent", "late", "silent"], [6, 3, 1])[0]
        for leader in self.seed.leaders:
            made = self.app.register_leader(leader.code, parse_leader_title(leader.title), leader.portfolio_label,
                                            self.admin, on=start)
            self.leaders[leader.code] = made.id
            actor = Actor(f"leader-{leader.code}", Role.LEADER, self.code, leader=made.id)
            self.leader_actor[made.id] = actor
            self.leader_post[made.id] = made.portfolio_label
            if made.title is LeaderTitle.DISTRICT_HEAD:
                self.district_head = actor
            for unit_code in leader.unit_codes:
                self.app.place_unit(self.units[unit_code], made.id, date(self.year, 1, 1), self.admin, on=start)
        vice = [self.leaders[l.code] for l in self.seed.leaders if l.title == "副区长"]
        for a, b in zip(vice[0::2], vice[1::2]):  # AB角 between vice-heads, both ways
            self.app.set_cover(a, b, date(self.year, 1, 1), self.admin, on=start)
            self.app.set_cover(b, a, date(self.year, 1, 1), self.admin, on=start)
        if len(vice) >= 2:  # a mid-year change of portfolio, announced "另行通知"
            moved = self.seed.leaders[-1].unit_codes[0]
            self.at(date(self.year, 7, 1), lambda: self.app.place_unit(
                self.units[moved], vice[0], date(self.year, 7, 1), self.office, on=self.clock.today()))
            self.at(date(self.year, 8, 10), lambda: self.app.record_absence(
                vice[0], date(self.year, 8, 10), date(self.year, 8, 21), self.office, on=self.clock.today()))

    # -- items ----------------------------------------------------------------------------------
    def register_plans(self) -> None:
        for plan in self.seed.plans:
            decided = shift(plan.decision_date, self.years)
            for task in plan.tasks:
                units = [self.units[c] for c in (*task.lead_unit_codes, *task.responsible_unit_codes)]
                if not units:
                    continue
                deadline = shift(task.deadline, self.years) if task.deadline else None
                self.at(decided + timedelta(days=3), self._register_task(
                    SourceKind(plan.source_kind), f"{plan.reference} 第{task.key}项", decided, task.title,
                    plan.title, deadline, units[0], list(dict.fromkeys(units[1:]))))
        # one item from each remaining kind of source, so every path appears
        extra = [
            (SourceKind.EXECUTIVE_MEETING, "区政府第8次常务会议", date(self.year, 5, 12), "推进老旧小区改造年度任务", None),
            (SourceKind.PLENARY_MEETING, "区政府第2次全体会议", date(self.year, 3, 9), "落实政府工作报告重点任务分工", None),
            (SourceKind.HEADS_MEETING, "区长碰头会议（第15次）", date(self.year, 6, 2), "汛期排水防涝隐患排查", None),
            (SourceKind.TOPIC_MEETING, "城区改造更新专题会议", date(self.year, 4, 20), "盘活闲置低效用地", None),
            (SourceKind.LEADER_INSTRUCTION, "区长批示件第23号", date(self.year, 5, 6), "解决学校周边交通拥堵", date(self.year, 7, 31)),
            (SourceKind.SUPERIOR_ASSIGNMENT, "市督查室交办〔%d〕12号" % self.year, date(self.year, 4, 8), "营商环境问题整改", date(self.year, 8, 31)),
            (SourceKind.WORK_REPORT, "政府工作报告第3条", date(self.year, 2, 20), "新增普惠托育托位", date(self.year, 12, 20)),
            (SourceKind.NPC_SUGGESTION, "区人大代表建议第45号", date(self.year, 3, 15), "增设社区养老服务站", None),
            (SourceKind.AUDIT_FINDING, "区审计局审计报告〔%d〕6号" % self.year, date(self.year, 6, 15), "专项资金未及时拨付整改", date(self.year, 9, 30)),
            (SourceKind.HOTLINE, "12345工单 2024%05d" % 812, date(self.year, 7, 3), "小区二次供水水压不足", date(self.year, 8, 15)),
        ]
        codes = list(self.units.values())
        showcase = {0: "split", 4: "cannot_accepted", 7: "unsatisfied_first"}
        for i, (source, ref, decided, title, deadline) in enumerate(extra):
            lead = codes[(i * 7) % len(codes)]
            co = [codes[(i * 7 + 3) % len(codes)]]
            self.unit_style[lead] = "diligent" if i in showcase else self.unit_style[lead]
            self.at(decided + timedelta(days=1), self._register_task(
                source, ref, decided, title, "", deadline, lead, co, fate=showcase.get(i)))
        # the newest work, still at its first steps on the last day
        last = self.today - timedelta(days=2)
        self.at(last, self._register_task(SourceKind.LEADER_INSTRUCTION, "区长批示件第61号", last, "冬季供暖保障检查",
                                          "", last + timedelta(days=30), codes[1], [], fate="unassigned"))
        self.at(last, self._register_task(SourceKind.EXECUTIVE_MEETING, "区政府第19次常务会议", last, "岁末年初安全生产大检查",
                                          "", None, codes[2], [codes[3]], fate="unsigned"))
        self.at(self.today - timedelta(days=20), self._register_task(
            SourceKind.SUPERIOR_ASSIGNMENT, "市督查室交办〔%d〕31号" % self.year, self.today - timedelta(days=25),
            "农贸市场改造提升", "", self.today + timedelta(days=40), codes[4], [], fate="cannot_pending"))

    def _register_task(self, source, reference, decided, title, description, deadline, lead, co, fate=None):
        def register() -> None:
            day = self.clock.today()
            if decided > day:
                return
            due = deadline if deadline is None or deadline > decided else decided + timedelta(days=30)
            item = self.app.register_item(source=source, reference=reference, decision_date=decided, title=title,
                                          description=description, deadline=due, actor=self.office, on=day)
            self.item_ids.append(item.id)
            if fate == "unassigned":
                return
            self.app.assign_item(item.id, lead, co, self.office, on=day)
            if fate != "unsigned":
                self._script_item(item.id, lead, co, day, fate)
        return register

    def _script_item(self, item_id: UUID, lead: UUID, co: list[UUID], assigned: date, showcase: str | None) -> None:
        style = self.unit_style[lead]
        rng = self.rng
        sign_delay = {"diligent": 1, "late": 6, "silent": 25}[style] + rng.randint(0, 2)
        for unit in [lead, *co]:
            unit_delay = sign_delay if unit == lead else rng.randint(1, 10)
            self.at(assigned + timedelta(days=unit_delay), lambda u=unit: self.app.sign_for_item(
                item_id, self.unit_actor(u), on=self.clock.today()))
        item = self.app.item(item_id, self.office)
        # monthly reports by the lead unit (late units skip some months, silent ones most)
        month = date(assigned.year, assigned.month, 1)
        percent = 0
        while month < item.deadline + timedelta(days=120):
            month = (month + timedelta(days=32)).replace(day=1)
            skip = {"diligent": 0.05, "late": 0.35, "silent": 0.8}[style]
            if rng.random() >= skip:
                percent = min(95, percent + rng.randint(10, 30))
                self.at(month + timedelta(days=rng.randint(8, 20)), lambda p=percent: self._report(item_id, lead, p))
        # how it ends
        span = (item.deadline - assigned).days
        fate = rng.choices(
            ["on_time", "late", "extension", "cannot", "sent_back", "open"],
            {"diligent": [60, 8, 10, 3, 12, 7], "late": [20, 35, 15, 3, 10, 17], "silent": [5, 25, 5, 2, 5, 58]}[style],
        )[0]
        finish = assigned + timedelta(days=max(3, int(span * rng.uniform(0.5, 0.95))))
        if showcase == "split":
            units = [lead, *co]
            self.at(assigned + timedelta(days=sign_delay + 1), lambda: self.app.split_item(item_id, [
                {"unit": u, "title": f"分项任务{n + 1}", "deadline": item.deadline} for n, u in enumerate(units)],
                self.office, on=self.clock.today()))
            for n, u in enumerate(units):
                self.at(assigned + timedelta(days=15 + n), lambda u=u, k=f"S{n + 1}": self.app.report_item_progress(
                    item_id, 50, "分项任务过半。", self.unit_actor(u), subtask=k, on=self.clock.today()))
            fate = "on_time"
        elif showcase in ("cannot_accepted", "cannot_pending"):
            fate = "cannot"
            finish = assigned + timedelta(days=10 if showcase == "cannot_pending" else span // 2)
        elif showcase == "unsatisfied_first":
            fate = "on_time"
            self.force_unsatisfied = item_id
        if fate in ("late", "sent_back") and rng.random() < 0.6:
            finish = item.deadline + timedelta(days=rng.randint(10, 60))
        if fate == "extension":
            self.at(item.deadline - timedelta(days=rng.randint(3, 10)), lambda: self._ask_extension(item_id, lead))
            finish = item.deadline + timedelta(days=rng.randint(20, 40))
        if fate == "cannot":
            self.at(finish, lambda: self.app.report_cannot_implement(
                item_id, "涉及上级审批权限调整，区级层面暂不具备实施条件。", self.unit_actor(lead), on=self.clock.today()))
            if showcase == "cannot_pending":
                return
            accept = showcase == "cannot_accepted" or rng.random() < 0.5
            self.at(finish + timedelta(days=5), lambda: self.app.decide_cannot_implement(
                item_id, accept, "经核实情况属实，同意终止办理。" if accept else "理由不充分，请继续办理。", self.office,
                on=self.clock.today()))
            return
        if fate == "open":
            return
        self.at(finish, lambda: self._complete(item_id, lead))
        verify = finish + timedelta(days=rng.randint(3, 8))
        if fate == "sent_back":
            self.at(verify, lambda: self.app.send_back_item(
                item_id, "佐证材料不全，部分点位尚未整改到位。", self.office, on=self.clock.today()))
            self.at(verify + timedelta(days=rng.randint(10, 30)), lambda: self._complete(item_id, lead))
            verify += timedelta(days=40)
        self.at(verify, lambda: self._sign_off(item_id))

    def _report(self, item_id: UUID, unit: UUID, percent: int) -> None:
        item = self.app.item(item_id, self.office)
        if item.status not in (ItemStatus.IN_PROGRESS, ItemStatus.ASSIGNED) or unit.hex not in item.signed_for:
            return
        self.app.report_item_progress(
            item_id, max(percent, item.progress_percent), f"本月按计划推进，累计完成约{percent}%。", self.unit_actor(unit),
            attachments=progress_files(f"{self.clock.today():%Y%m}"),
            on=self.clock.today())

    def _ask_extension(self, item_id: UUID, lead: UUID) -> None:
        item = self.app.item(item_id, self.office)
        self.app.request_extension(item_id, item.deadline + timedelta(days=45), "受施工许可办理周期影响，需顺延。",
                                   self.unit_actor(lead), on=self.clock.today())
        grant = self.rng.random() < 0.7
        decider = self._leader_for(lead) if self.rng.random() < 0.5 else self.office
        self.at(self.clock.today() + timedelta(days=2), lambda: self.app.decide_extension(
            item_id, grant, "同意延期。" if grant else "时限不能调整，请加快推进。", decider, on=self.clock.today()))

    def _leader_for(self, unit: UUID) -> Actor:
        leader, _ = self.app.roster(self.code).acting_leader(unit, self.clock.today())
        return self.leader_actor.get(leader) or self.district_head or self.office

    def _complete(self, item_id: UUID, lead: UUID) -> None:
        item = self.app.item(item_id, self.office)
        if item.status is not ItemStatus.IN_PROGRESS:
            return
        actor = self.unit_actor(lead)
        day = self.clock.today()
        for key, sub in item.subtasks.items():
            if sub["completed_on"] is None:
                self.app.complete_subtask(item_id, key, "子任务已完成。", self.unit_actor(sub["unit"]), on=day)
        if item.source.needs_formal_reply and (
                item.formal_reply is None or item.formal_reply["satisfaction"] == Satisfaction.UNSATISFIED.value):
            self.app.record_formal_reply(item_id, "已当面答复并书面函复。", actor, on=day)
        if item.source.needs_formal_reply and self.app.item(item_id, self.office).formal_reply["satisfaction"] is None:
            rating = self.rng.choices(list(Satisfaction), [6, 3, 1])[0]
            if self.force_unsatisfied == item_id:
                rating, self.force_unsatisfied = Satisfaction.UNSATISFIED, None
            self.app.record_satisfaction(item_id, rating, self.office, comment="代表委员测评意见", on=day)
            if rating is Satisfaction.UNSATISFIED:
                self.at(day + timedelta(days=20), lambda: self._complete(item_id, lead))
                return
        self.app.report_completion(item_id, "各项任务已按要求完成，现申请办结。", actor,
                                   attachments=completion_files(), on=day)

    def _sign_off(self, item_id: UUID) -> None:
        item = self.app.item(item_id, self.office)
        if item.status is ItemStatus.COMPLETION_REPORTED:
            self.app.sign_off_item(item_id, self.office, note="经检查复核，同意办结销号。", on=self.clock.today())

    # -- the office's weekly round: urge, notices, criticism, interviews ----------------------------
    def weekly_round(self) -> None:
        day = self.clock.today()
        self.app.tick(day)
        for item in self._items():
            if not item.overdue_on(day) or item.lead_unit is None:
                continue
            overdue_days = (day - item.deadline).days
            if overdue_days >= 2 and item.urges < 2 and self.rng.random() < 0.8:
                self.attempt(lambda: self.app.urge_item(item.id, "已超过办理时限，请抓紧办理并报送进展。", self.office, on=day))
            elif item.urges >= 2 and not self._has_notice(item.id):
                self.attempt(lambda: self._issue_notice(item, day))
            elif item.criticisms == 0 and self._notice_overdue(item.id):
                self.attempt(lambda: self.app.criticise_item(
                    item.id, "督办通知逾期未回复，予以通报批评。", self.office, document=f"督通报〔{day.year}〕{day.month}号", on=day))
            elif item.criticisms and item.interviews == 0 and overdue_days > 45:
                leader = self._leader_for(item.lead_unit)
                self.attempt(lambda: self.app.record_interview(
                    item.id, self.leader_post.get(leader.leader, "督查室主任"), "单位主要负责人", self.office,
                    note="约谈单位主要负责人，要求限期整改。", leader=leader.leader, on=day))
            elif item.interviews and item.referral is None and overdue_days > 90:
                self.attempt(lambda: self.app.propose_referral(
                    item.id, "长期不反馈办理情况，经约谈仍未整改，问题严重。", self.office, on=day))
                self.at(day + timedelta(days=3), lambda i=item.id, u=item.lead_unit: self.app.decide_referral(
                    i, True, "同意移交区纪委监委。", self.district_head or self.office, on=self.clock.today()))

    def _items(self) -> list[SupervisedItem]:
        """The items registered so far, each as it stands now."""
        return [self.app.item(i, self.office) for i in self.item_ids]

    def _has_notice(self, item_id: UUID) -> bool:
        return any(n.subject_id == item_id for n in self.notices)

    def _notice_overdue(self, item_id: UUID) -> bool:
        return any(self.app.notice(n.id, self.office).reply_overdue_recorded for n in self.notices if n.subject_id == item_id)

    def _issue_notice(self, item: SupervisedItem, day: date) -> None:
        assert item.lead_unit is not None
        notice = self.app.issue_notice(
            unit=item.lead_unit, subject_kind="item", subject_id=item.id, title=f"关于加快办理“{item.title}”的督办通知",
            tasks=[
                {"task": "说明逾期原因并制定整改措施", "responsible": "单位主要负责人", "deadline": day + timedelta(days=10)},
                {"task": "报送完成时间表", "responsible": "分管负责人", "deadline": day + timedelta(days=14)},
            ],
            actor=self.office, on=day)
        self.notices.append(notice)
        if self.unit_style[item.lead_unit] == "silent":
            return  # no reply: the watcher records it overdue, criticism follows
        unit = self.unit_actor(item.lead_unit)
        self.at(day + timedelta(days=1), lambda: self.app.acknowledge_notice(notice.id, unit, on=self.clock.today()))
        for i, key in enumerate(("T1", "T2")):
            self.at(day + timedelta(days=3 + i), lambda k=key: self.app.reply_notice(
                notice.id, k, "已按要求落实，详见附件。", unit, attachments=reply_files(),
                on=self.clock.today()))
        self.at(day + timedelta(days=6), lambda: self._review_notice(notice.id))

    def _review_notice(self, notice_id: UUID) -> None:
        day = self.clock.today()
        notice = self.app.notice(notice_id, self.office)
        for key, task in notice.tasks.items():
            if task["state"] == TaskState.REPLIED.value:
                accept = key == "T1" or self.rng.random() < 0.6
                self.app.review_notice_reply(notice_id, key, accept, self.office,
                                             note="" if accept else "措施不具体，请补充。", on=day)
                if not accept:
                    unit = self.unit_actor(notice.unit)
                    self.at(day + timedelta(days=2), lambda k=key: self.app.reply_notice(
                        notice_id, k, "已补充具体措施和时间节点。", unit, on=self.clock.today()))
                    self.at(day + timedelta(days=4), lambda: self._review_notice(notice_id))
        notice = self.app.notice(notice_id, self.office)
        if all(t["state"] == TaskState.ACCEPTED.value for t in notice.tasks.values()) and notice.status is not NoticeStatus.CLOSED:
            self.app.close_notice(notice_id, self.office, note="各项任务已落实。", on=day)

    # -- inspections and the rectification ledger ---------------------------------------------------
    def plan_inspections(self) -> None:
        streets = [u for c, u in self.units.items() if self._kind(c) == UnitKind.SUBDISTRICT]
        departments = [u for c, u in self.units.items() if self._kind(c) == UnitKind.DEPARTMENT]
        spring, autumn = date(self.year, 5, 18), date(self.year, 9, 14)
        self.at(spring - timedelta(days=30), lambda: self._inspection(InspectionKind.SPECIAL, "安全生产专项督查",
                                                                      streets[:6], spring))
        self.at(autumn - timedelta(days=20), lambda: self._inspection(InspectionKind.UNANNOUNCED, "城市精细化管理暗访督查",
                                                                      streets[5:], autumn))
        proposer = departments[0] if departments else streets[0]
        self.at(date(self.year, 6, 8), lambda: self._department_inspection(proposer, departments[1:4] or streets[:2], True))
        self.at(date(self.year, 6, 9), lambda: self._department_inspection(proposer, streets[:3], False))
        audit_unit = departments[2] if len(departments) > 2 else streets[0]
        self.at(date(self.year, 7, 20), lambda: self._ledger_problem(
            audit_unit, ProblemSource.AUDIT, "区审计局审计报告", "政府采购项目验收资料不完整", Severity.SERIOUS))
        self.at(date(self.year, 8, 5), lambda: self._ledger_problem(
            streets[1], ProblemSource.MEDIA, "汉阳融媒报道", "背街小巷垃圾清运不及时", Severity.GENERAL))
        self.at(date(self.year, 8, 25), lambda: self._ledger_problem(
            streets[2], ProblemSource.PUBLIC_REPORT, "群众来信", "老旧小区消防通道被占用", Severity.SEVERE))

    def _kind(self, code: str) -> UnitKind:
        return next(UnitKind(u.kind) for u in self.seed.units if u.code == code)

    def _inspection(self, kind: InspectionKind, title: str, targets: list[UUID], when: date) -> None:
        planned = self.app.plan_inspection(kind=kind, title=title, target_units=targets,
                                           planned_month=f"{when:%Y-%m}", actor=self.office, on=self.clock.today())
        self.at(when, lambda: self._conduct(planned.id, self.office, targets))

    def _department_inspection(self, proposer: UUID, targets: list[UUID], approve: bool) -> None:
        actor = self.unit_actor(proposer)
        proposed = self.app.propose_inspection(
            kind=InspectionKind.SPECIAL, title="行业领域安全隐患专项检查" if approve else "覆盖各街道的检查", target_units=targets,
            planned_month=f"{self.clock.today() + timedelta(days=30):%Y-%m}", reasons="落实上级部署，需开展实地检查。",
            actor=actor, on=self.clock.today())
        self.at(self.clock.today() + timedelta(days=3), lambda: self.app.decide_inspection(
            proposed.id, approve, self.office, note="同意。" if approve else "不得向各街道下发检查通知，请合并至区统一督查。",
            on=self.clock.today()))
        if approve:
            self.at(self.clock.today() + timedelta(days=20), lambda: self._conduct(proposed.id, actor, targets))

    def _conduct(self, inspection_id: UUID, actor: Actor, targets: list[UUID]) -> None:
        day = self.clock.today()
        self.app.conduct_inspection(inspection_id, actor, on=day)
        results = []
        for unit in targets:
            problems = self.rng.randint(0, 3) if self.unit_style[unit] == "diligent" else self.rng.randint(1, 5)
            results.append({"unit": unit, "score": round(100 - problems * self.rng.uniform(3, 6), 1), "problems": problems})
            for p in range(min(problems, 2)):
                task = self.app.record_inspection_finding(
                    inspection_id, unit=unit, problem=f"督查发现问题{p + 1}：台账资料不规范、隐患整改不闭环",
                    severity=self.rng.choice(list(Severity)), deadline=day + timedelta(days=self.rng.randint(20, 45)),
                    actor=actor, on=day)
                self._script_rectification(task.id, unit, day)
        self.app.record_inspection_results(inspection_id, results, actor, on=day)
        self.at(day + timedelta(days=10), lambda: self.app.close_inspection(inspection_id, actor, on=self.clock.today()))

    def _ledger_problem(self, unit: UUID, source: ProblemSource, ref: str, problem: str, severity: Severity) -> None:
        day = self.clock.today()
        task = self.app.record_rectification(unit=unit, source=source, problem=problem, severity=severity,
                                             deadline=day + timedelta(days=30), actor=self.office, source_ref=ref, on=day)
        self._script_rectification(task.id, unit, day)

    def _script_rectification(self, task_id: UUID, unit: UUID, day: date) -> None:
        actor = self.unit_actor(unit)
        style = self.unit_style[unit]
        rng = self.rng
        if style == "silent" and rng.random() < 0.6:
            return  # never answers: the deadline passes, the watcher records it
        self.at(day + timedelta(days=rng.randint(2, 6)), lambda: self.app.submit_rectification_plan(
            task_id, "明确责任人和时间节点，逐项整改。", actor, on=self.clock.today()))
        self.at(day + timedelta(days=rng.randint(8, 12)), lambda: self.app.report_rectification_progress(
            task_id, 60, "已完成大部分整改。", actor, on=self.clock.today()))
        done = day + timedelta(days=rng.randint(15, 40 if style == "late" else 25))
        self.at(done, lambda: self.app.report_rectified(
            task_id, "整改完成。", rectification_files("整改前后对比照片"), actor, on=self.clock.today()))
        fails = rng.random() < 0.25
        self.at(done + timedelta(days=4), lambda: self.app.verify_rectification(
            task_id, not fails, self.office, note="现场复核仍有遗留问题。" if fails else "现场复核通过。", on=self.clock.today()))
        if fails:
            self.at(done + timedelta(days=12), lambda: self.app.report_rectified(
                task_id, "遗留问题已整改。", rectification_files("补充材料"), actor, on=self.clock.today()))
            self.at(done + timedelta(days=16), lambda: self.app.verify_rectification(
                task_id, True, self.office, note="复核通过。", on=self.clock.today()))
            done += timedelta(days=12)
        self.at(done + timedelta(days=6), lambda: self._sign_off_rectification(task_id))
        if rng.random() < 0.2:  # 回头看 finds it back
            self.at(done + timedelta(days=50), lambda: self._review(task_id))

    def _sign_off_rectification(self, task_id: UUID) -> None:
        task = self.app.rectification(task_id, self.office)
        if task.status is RectificationStatus.VERIFIED:
            self.app.sign_off_rectification(task_id, self.office, note="同意销号。", on=self.clock.today())

    def _review(self, task_id: UUID) -> None:
        day = self.clock.today()
        task = self.app.rectification(task_id, self.office)
        if task.status is RectificationStatus.SIGNED_OFF:
            self.app.reopen_rectification(task_id, "回头看发现问题反弹。", day + timedelta(days=20), self.office, on=day)

    def commend_best(self) -> None:
        day = self.clock.today()
        signed = [i for i in self._items()
                  if i.status is ItemStatus.SIGNED_OFF and not i.missed_deadlines and i.lead_unit]
        for item in [i for i in signed if i.commendations == 0][:3]:
            self.attempt(lambda: self.app.commend_item(item.id, "按时高质量完成，予以通报激励。", self.office, on=day))

    # -- the year -------------------------------------------------------------------------------------
    def run(self, on_week: Callable[[date], None] | None = None) -> DemoSummary:
        self.build_organisation()
        self.register_plans()
        self.plan_inspections()
        day = date(self.year, 1, 4)
        while day <= self.today:
            self.clock.set(day)
            due = sorted((p for p in self.pending if p[0] <= day), key=lambda p: (p[0], p[1]))
            self.pending = [p for p in self.pending if p[0] > day]
            for _, _, action in due:
                self.attempt(action)
            if day.weekday() == 0:
                self.weekly_round()
                if on_week:
                    on_week(day)
            if day.day == 28 and day.month in (6, 12) or day == self.today:
                self.commend_best()  # half-year and year-end commendations (通报激励)
            day += timedelta(days=1)
        self.clock.set(self.today)
        self.app.tick(self.today)
        for back in range(28, 0, -1):  # the last four weeks' reports, drafted as the worker drafts them (报告草稿)
            ended = self.today - timedelta(days=back)
            self.app.draft_due_reports(self.code, ended, ended + timedelta(days=1))
        items = self._items()
        statuses: dict[str, int] = {}
        for item in items:
            statuses[item.status.label] = statuses.get(item.status.label, 0) + 1
        reads = self.app.caught_up_queries()  # the counts as the ledger and the inspections list show them
        return DemoSummary(
            today=self.today, items=len(items), notices=reads.ledger.count(self.code, self.today, kinds=("notice",)),
            rectifications=reads.ledger.count(self.code, self.today, kinds=("rectification",)),
            inspections=len(reads.inspections.rows(self.code)), refused=self.refused, statuses=statuses,
        )


def build_demo(app: Duban, clock: FixedClock, seed: SeedDistrict, today: date,
               on_week: Callable[[date], None] | None = None) -> DemoSummary:
    """Build the demo district; ``on_week`` is called after each Monday's round (e.g. to catch up)."""
    return DemoWorld(app, clock, seed, today).run(on_week)
