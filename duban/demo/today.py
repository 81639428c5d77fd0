"""Today's work in the demo district (今日待办): after the simulated year, leave each demo user
something to do on the day they log in — an item to sign for, a report due, a notice to answer,
an extension and a referral to decide, a completion to verify.

Everything goes through the service, like the simulated year; the titles are the demo's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from domain.actor import Actor, Role
from domain.sources import SourceKind
from duban.application import Duban
from duban.demo.seeds import SeedDistrict
from duban.demo.users import pilot_unit_code, vice_head_code


@dataclass(frozen=True)
class StagedWork:
    user: str
    what: str


class TodaysWork:
    def __init__(self, app: Duban, seed: SeedDistrict, today: date, pilot_unit_code: str,
                 vice_leader_code: str) -> None:
        self.app, self.seed, self.today = app, seed, today
        self.office = Actor("duchashi", Role.OFFICE, seed.code)
        self.pilot_unit_code = pilot_unit_code
        self.vice_leader_code = vice_leader_code
        self.staged: list[StagedWork] = []

    def _unit(self, code: str) -> tuple[UUID, Actor]:
        unit = self.app.unit_by_code(self.seed.code, code)
        return unit.id, Actor(f"{code.lower()}-clerk", Role.UNIT, self.seed.code, unit=unit.id)

    def _item(self, title: str, lead: UUID, co: list[UUID], *, days_ago: int, description: str = "",
              source: SourceKind = SourceKind.EXECUTIVE_MEETING, deadline: date | None = None) -> UUID:
        decided = self.today - timedelta(days=days_ago)
        item = self.app.register_item(
            source=source, reference="区政府常务会议（演示）", decision_date=decided, title=title,
            description=description, deadline=deadline, actor=self.office)
        self.app.assign_item(item.id, lead, co, self.office)
        return item.id

    def stage(self) -> list[StagedWork]:
        qingchuan, qingchuan_clerk = self._unit("U01")
        pilot, pilot_clerk = self._unit(self.pilot_unit_code)
        calendar = self.app.calendar()

        # 晴川街: one item to sign for, one signed with a notice to answer
        self._item("冬季道路结冰路段巡查与应急处置", qingchuan, [pilot], days_ago=1,
                   description="对辖区内桥梁、坡道等易结冰路段开展巡查，制定应急处置预案。")
        self.staged.append(StagedWork("qingchuan", "待签收：冬季道路结冰路段巡查与应急处置"))
        signed = self._item("老旧小区加装电梯意见征集", qingchuan, [], days_ago=20,
                            description="完成试点小区居民意见征集并形成报告。")
        self.app.sign_for_item(signed, qingchuan_clerk)
        self.app.report_item_progress(signed, 30, "已完成两个小区的入户征集。", qingchuan_clerk)
        deadline = calendar.add_working_days(self.today, 5).day
        self.app.issue_notice(
            unit=qingchuan, subject_kind="item", subject_id=signed, title="关于加快老旧小区加装电梯意见征集的督办通知",
            tasks=[{"task": "完成其余试点小区的入户征集", "responsible": "分管副主任", "deadline": deadline}],
            actor=self.office)
        self.staged.append(StagedWork("qingchuan", "待回复督办通知；报送进展：老旧小区加装电梯意见征集"))

        # the pilot plan's lead unit (sifaju): an item to sign for and one to report on
        self._item("社区矫正对象冬季走访排查", pilot, [], days_ago=2)
        self.staged.append(StagedWork("sifaju", "待签收：社区矫正对象冬季走访排查"))

        # the vice head's portfolio: an extension request waiting for the leader
        vice = self.app.leader_by_code(self.seed.code, self.vice_leader_code)
        units = self.app.roster(self.seed.code).units_of(vice.id, self.today)
        if units:
            unit_id = units[0]
            clerk = Actor("demo-clerk", Role.UNIT, self.seed.code, unit=unit_id)
            asked = self._item("背街小巷路灯修复", unit_id, [], days_ago=10,
                               deadline=calendar.add_working_days(self.today, 3).day)
            self.app.sign_for_item(asked, clerk)
            self.app.request_extension(asked, calendar.add_working_days(self.today, 15).day,
                                       "灯杆更换需电力部门配合停电，原时限内无法完成。", clerk)
            self.staged.append(StagedWork("fuquzhang", "待审批延期：背街小巷路灯修复"))

            # a referral proposal for the district head to decide
            stalled = self._item("违规占道经营整治", unit_id, [], days_ago=40,
                                 deadline=calendar.add_working_days(self.today, 1).day)
            self.app.sign_for_item(stalled, clerk)
            self.app.urge_item(stalled, "请于三日内报送整治进展。", self.office)
            self.app.propose_referral(stalled, "多次催办仍长期不反馈，敷衍应付，建议移交纪检监察机关。", self.office)
            self.staged.append(StagedWork("quzhang", "待审批移交：违规占道经营整治"))

        # the office: a completion to verify
        done = self._item("防汛物资仓库清点补充", pilot, [], days_ago=15)
        self.app.sign_for_item(done, pilot_clerk)
        self.app.report_completion(done, "已清点并补充沙袋、救生衣等物资，附清单。", pilot_clerk)
        self.staged.append(StagedWork("duchashi", "待核验销号：防汛物资仓库清点补充"))
        return self.staged


def stage_todays_work(app: Duban, seed: SeedDistrict, today: date) -> list[StagedWork]:
    """Leave each demo user something to do today (after ``build_demo`` and the demo users)."""
    return TodaysWork(app, seed, today, pilot_unit_code(seed), vice_head_code(seed)).stage()
