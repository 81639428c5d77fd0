"""The deadline watcher (``duban tick``) and calendar loading.

The watcher records facts that the passing of time creates — a deadline missed, a monthly
report missed, a notice reply overdue — as events, exactly once per occurrence: each
aggregate remembers what it has recorded, so running the watcher again records nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable
from uuid import UUID

import structlog

from domain.actor import Actor, Role, system_actor
from domain.calendar import YearSchedule
from domain.escalation import CaseFacts, EscalationRules, Step, next_step
from domain.organisation import District
from domain.errors import ConcurrentChange, require_input
from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from domain.rectification import RectificationTask
from domain.schedule import HolidaySchedule
from domain.watch import DailyWatch
from duban.application.oversight import OversightCommands

log = structlog.get_logger("duban.watcher")


@dataclass(frozen=True)
class WatchCandidates:
    """The records the daily watch looks at for a district and day: those still open (or closed
    that day or later), as the read side names them."""

    items: list[UUID]
    notices: list[UUID]
    rectifications: list[UUID]


Candidates = Callable[[str, date], WatchCandidates]


@dataclass
class TickReport:
    today: date
    deadlines_missed: int = 0
    monthly_reports_missed: int = 0
    notices_overdue: int = 0
    rectifications_overdue: int = 0
    automatic_urges: int = 0
    conflicts: int = 0
    districts: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return (self.deadlines_missed + self.monthly_reports_missed + self.notices_overdue
                + self.rectifications_overdue + self.automatic_urges)


class WatcherCommands(OversightCommands):
    def load_calendar(self, schedule: YearSchedule, source: str, actor: Actor, on: date | None = None) -> HolidaySchedule:
        """载入节假日安排: next year's published schedule, or a correction of a known year."""
        actor.must_be(Role.OFFICE, Role.ADMIN, doing="载入节假日安排")
        day = self._on(on)

        def work():
            schedule_id = HolidaySchedule.id_for(schedule.year)
            existing = self._find(HolidaySchedule, schedule_id)
            saved = []
            if existing is None:
                existing = HolidaySchedule.load(schedule, source, day, actor)
                register = self._register(HolidaySchedule.DEPLOYMENT, "calendar", None, day)
                register.claim(str(schedule.year), schedule_id, day, "节假日安排年份")
                saved.append(register)
            existing.replace_days(schedule, source, day, actor)
            return [*saved, existing]

        result = self._run("load_calendar", actor, HolidaySchedule.id_for(schedule.year), work)[-1]
        self._calendar = None
        return result

    def tick(self, today: date | None = None, *, districts: list[str] | None = None,
             candidates: Candidates | None = None) -> TickReport:
        """Record every fact that time has created up to ``today`` (default: the clock's today),
        in every district or in ``districts``.  ``candidates(district, day)`` names the open records
        to look at (the read side's answer); without it every record of the district is loaded."""
        today = today or self._today()
        require_input(today <= self._today(), "date.in_future", "业务日期不能晚于今天。", field="today")
        report = TickReport(today)
        for district in self.districts():
            code = district.district
            if districts is not None and code not in districts:
                continue
            report.districts.append(code)
            actor = system_actor(code)
            items, notices, tasks = self._watched_records(code, today, candidates)
            for item in items:
                if item.status.is_closed:
                    continue
                missed = item.record_deadline_missed(today, actor)
                months = item.record_monthly_reports_missed(today, actor)
                if self._save_facts("record_item_facts", item, actor, report):
                    report.deadlines_missed += missed
                    report.monthly_reports_missed += months
            for notice in notices:
                count = notice.record_overdue(today, actor)
                if self._save_facts("record_notice_facts", notice, actor, report):
                    report.notices_overdue += count
            for task in tasks:
                missed = task.record_deadline_missed(today, actor)
                if self._save_facts("record_rectification_facts", task, actor, report):
                    report.rectifications_overdue += missed
            if district.auto_urging:
                self._urge_automatically(code, today, EscalationRules.load(district.auto_urging), actor, report,
                                         items, notices)
        log.info("tick", today=today.isoformat(), recorded=report.recorded, conflicts=report.conflicts)
        return report

    def _watched_records(self, code: str, today: date, candidates: Candidates | None) -> tuple[list, list, list]:
        if candidates is None:
            return self.items(code), self.notices(code), self.rectifications(code)
        found = candidates(code, today)
        return ([r for r in (self._find(SupervisedItem, i) for i in found.items) if r is not None],
                [r for r in (self._find(SupervisionNotice, i) for i in found.notices) if r is not None],
                [r for r in (self._find(RectificationTask, i) for i in found.rectifications) if r is not None])

    # -- the daily watch's record -----------------------------------------------------------------
    def last_watched(self, district: str, today: date) -> date | None:
        """The last business day the daily watch ran for ``district`` (this year's or last year's record)."""
        for year in (today.year, today.year - 1):
            watch = self._find(DailyWatch, DailyWatch.id_for(district, year))
            if watch is not None and watch.last_day is not None:
                return watch.last_day
        return None

    def days_to_watch(self, district: str, today: date) -> list[date]:
        """Every business day from the one after the last watched up to ``today``; just ``today``
        for a district never watched."""
        last = self.last_watched(district, today)
        if last is None:
            return [today]
        return [last + timedelta(days=n) for n in range(1, (today - last).days + 1)]

    def record_watched_day(self, district: str, day: date, recorded: int) -> DailyWatch:
        """The watch of ``day`` is done for ``district`` (每日巡查已完成)."""
        actor = system_actor(district)
        watch_id = DailyWatch.id_for(district, day.year)

        def work():
            watch = self._find(DailyWatch, watch_id) or DailyWatch.start(district, day.year, day)
            watch.record_day(day, recorded, actor)
            return [watch]

        return self._run("record_watched_day", actor, watch_id, work)[0]

    def switch_auto_urging(self, enabled: bool, actor: Actor, rules: str = "2026-v1", on: date | None = None):
        """Turn automatic urging (自动催办) on under a rules version, or off."""
        def change(district, day: date) -> None:
            if enabled:
                EscalationRules.load(rules)  # an unknown version is refused here
            district.switch_auto_urging(enabled, rules, day, actor)
        return self._change("switch_auto_urging", District, District.id_for(actor.district), actor, on, change)

    def _urge_automatically(self, code: str, today: date, rules: EscalationRules, actor: Actor,
                            report: TickReport, items: list, notices: list) -> None:
        """Record the urges the escalation policy calls for, at most one per item per
        ``urge_after_working_days``; every other step is left to the office."""
        calendar = self.calendar()
        for item in items:
            if item.status.is_closed or not item.overdue_on(today):
                continue
            if item.last_urged_on and calendar.working_days_between(item.last_urged_on, today) < rules.urge_after_working_days:
                continue
            about = [n for n in notices if n.subject_id == item.id]
            advice = next_step(CaseFacts(
                kind="item", working_days_overdue=calendar.working_days_between(item.deadline, today),
                urges=item.urges, notices=len(about),
                notice_reply_overdue=any(n.reply_overdue_recorded and n.closed_on is None for n in about),
                criticisms=item.criticisms, interviews=item.interviews, referral=item.referral), rules)
            if advice is None or advice.step is not Step.URGE:
                continue
            item.urge(f"系统自动催办（{rules.version} {advice.rule}）：{advice.evidence}", max(today, item.last_on), actor)
            if self._save_facts("urge_item", item, actor, report):
                report.automatic_urges += 1

    def _save_facts(self, command: str, aggregate, actor: Actor, report: TickReport) -> bool:
        """Save facts already applied to ``aggregate`` (loaded and changed outside ``_run``), so a
        conflict is not retried: saving the same stale aggregate again would only conflict again."""
        if not aggregate.pending_events:
            return False
        try:
            self._run(command, actor, aggregate.id, lambda: [aggregate], retry=False)
        except ConcurrentChange:
            report.conflicts += 1  # someone acted meanwhile: the next run records it
            return False
        return True
