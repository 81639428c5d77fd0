"""The deadline watcher (``duban tick``) and calendar loading.

The watcher records facts that the passing of time creates — a deadline missed, a monthly
report missed, a notice reply overdue — as events, exactly once per occurrence: each
aggregate remembers what it has recorded, so running the watcher again records nothing new.
Each fact carries the day it happened, whichever day's watch records it.

Loading a year's holiday schedule (``duban calendar load``, the deployment administrator's)
counts again every deadline that was counted on an estimate (时限复核): each is confirmed or
corrected on its record, and a miss the corrected deadline disproves is withdrawn.  The watch
does the same for the open records it looks at, before it judges them, so a deadline left
estimated (a load interrupted, new official calendar data installed) is settled the next day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable
from uuid import UUID

import structlog

from domain.actor import Actor, Role, system_actor
from domain.calendar import WorkingDayCalendar, YearSchedule
from domain.deadlines import counted_deadline
from domain.due import working_days_overdue
from domain.escalation import CaseFacts, EscalationRules, Step, next_step
from domain.organisation import District
from domain.errors import ConcurrentChange, require_input
from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from domain.rectification import RectificationTask
from domain.schedule import HolidaySchedule
from domain.watch import DailyWatch
from duban.application.base import Part

log = structlog.get_logger("duban.watcher")


@dataclass(frozen=True)
class WatchCandidates:
    """The records the daily watch looks at for a district and day: those still open (or closed
    that day or later), as the read side names them."""

    items: list[UUID]
    notices: list[UUID]
    rectifications: list[UUID]


Candidates = Callable[[str, date], WatchCandidates]


def watch_candidates(ledger) -> Candidates:
    """What the daily watch looks at in a district on a day: the records the ledger read model
    (``projections.ledger.LedgerQueries``) lists as open that day — never every record of the
    district replayed from the event store."""

    def candidates(district: str, day: date) -> WatchCandidates:
        ids = ledger.open_on(district, day)
        return WatchCandidates([UUID(i) for i in ids["item"]], [UUID(i) for i in ids["notice"]],
                               [UUID(i) for i in ids["rectification"]])

    return candidates


def estimated_candidates(deadline_changes) -> Callable[[str], WatchCandidates]:
    """What a deadline review looks at in a district: the items and notices whose deadline the read
    side (``projections.deadline_changes.DeadlineChangeQueries``) says is still counted on an estimate."""

    def candidates(district: str) -> WatchCandidates:
        ids = deadline_changes.estimated(district)
        return WatchCandidates([UUID(i) for i in ids["item"]], [UUID(i) for i in ids["notice"]], [])

    return candidates


@dataclass(frozen=True)
class DeadlineChange:
    """A deadline counted again on the loaded schedule that moved (时限调整): the record, its old and
    new day, and whether a recorded miss (逾期) was withdrawn with it."""

    kind: str  # item | notice
    record_id: UUID
    district: str
    number: str
    title: str
    old: date
    new: date
    estimated: bool  # still counted on an estimate (another year it counts has no data yet)
    withdrawn: bool


@dataclass
class DeadlineReview:
    """What a review of estimated deadlines (时限复核) recorded."""

    confirmed: int = 0  # the same day, no longer estimated
    corrected: list[DeadlineChange] = field(default_factory=list)
    conflicts: int = 0  # someone changed the record meanwhile: the next watch settles it

    @property
    def withdrawn(self) -> int:
        return sum(c.withdrawn for c in self.corrected)

    @property
    def settled(self) -> int:
        return self.confirmed + len(self.corrected)


@dataclass(frozen=True)
class CalendarLoaded:
    """A year's schedule loaded, and the review of the estimated deadlines that followed."""

    schedule: HolidaySchedule
    review: DeadlineReview


@dataclass
class TickReport:
    today: date
    deadlines_missed: int = 0
    monthly_reports_missed: int = 0
    notices_overdue: int = 0
    rectifications_overdue: int = 0
    automatic_urges: int = 0
    deadlines_settled: int = 0  # estimated deadlines confirmed or corrected before judging them
    conflicts: int = 0
    districts: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return (self.deadlines_missed + self.monthly_reports_missed + self.notices_overdue
                + self.rectifications_overdue + self.automatic_urges + self.deadlines_settled)


class WatcherCommands(Part):
    def load_calendar(self, schedule: YearSchedule, source: str, actor: Actor, on: date | None = None, *,
                      candidates: Callable[[str], WatchCandidates] | None = None) -> CalendarLoaded:
        """载入节假日安排: next year's published schedule, or a correction of a known year — by the
        deployment administrator (平台管理员) alone, the schedule being national.  Then every deadline
        counted on an estimate is counted again (:meth:`review_deadlines`; ``candidates`` as there)."""
        actor.must_be(Role.DEPLOYMENT_ADMIN, doing="载入国家节假日安排")
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
        return CalendarLoaded(result, self.review_deadlines(day, candidates=candidates))

    # -- deadlines counted on an estimate (时限复核) -------------------------------------------------
    def review_deadlines(self, on: date | None = None, *, districts: list[str] | None = None,
                         candidates: Callable[[str], WatchCandidates] | None = None) -> DeadlineReview:
        """Count again, on the calendar as it is now, every deadline counted on an estimate (items'
        deadlines, notices' reply deadlines; rectification tasks' are always given, never counted),
        in every district or in ``districts``: each is confirmed or corrected on its record by the
        system, and a miss the new day disproves is withdrawn.  ``candidates(district)`` names the
        records to look at (the read side's entries with an estimated deadline); without it they are
        asked of the read side, caught up here (:meth:`caught_up_queries`).  Safe to repeat: a
        settled deadline is no longer estimated."""
        day = self._on(on)
        calendar = self.calendar()
        review = DeadlineReview()
        if candidates is None:
            candidates = estimated_candidates(self.caught_up_queries().deadline_changes)
        for district in self.districts():
            code = district.district
            if districts is not None and code not in districts:
                continue
            actor = system_actor(code)
            found = candidates(code)
            ids = [(SupervisedItem, i) for i in found.items] + [(SupervisionNotice, n) for n in found.notices]
            for cls, record_id in ids:
                self._settle_one(cls, record_id, calendar, day, actor, review)
        log.info("deadlines_reviewed", confirmed=review.confirmed, corrected=len(review.corrected),
                 withdrawn=review.withdrawn, conflicts=review.conflicts)
        return review

    def _settle_one(self, cls: type, record_id: UUID, calendar: WorkingDayCalendar, day: date, actor: Actor,
                    review: DeadlineReview) -> None:
        first = self._find(cls, record_id)  # a copy: nothing to settle records nothing, not even a log line
        if first is None or first.district != actor.district or settle_estimated(first, calendar, day, actor) is None:
            return
        outcome: list = []

        def work():  # loaded again on each attempt, as _run asks
            outcome.clear()
            record = self._get(cls, record_id)
            settled = settle_estimated(record, calendar, day, actor)
            if settled is not None:
                outcome.append(settled)
            return [record]

        try:
            self._run("settle_deadline", actor, record_id, work)
        except ConcurrentChange:
            review.conflicts += 1
            return
        if outcome:
            _count(review, outcome[0])

    def tick(self, today: date | None = None, *, districts: list[str] | None = None,
             candidates: Candidates | None = None) -> TickReport:
        """Record every fact that time has created up to ``today`` (default: the clock's today),
        in every district or in ``districts``.  ``candidates(district, day)`` names the open records
        to look at (the read side's answer: the worker passes its own, caught up before each day);
        without it they are asked of the read side, caught up here (:meth:`caught_up_queries`:
        ``duban tick``, the demo, tests)."""
        today = today or self._today()
        require_input(today <= self._today(), "date.in_future", "业务日期不能晚于今天。", field="today")
        if candidates is None:
            candidates = watch_candidates(self.caught_up_queries().ledger)
        report = TickReport(today)
        calendar = self.calendar()
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
                settled = settle_estimated(item, calendar, today, actor) is not None  # judged on the true day
                missed = item.record_deadline_missed(today, actor)
                months = item.record_monthly_reports_missed(today, actor)
                if self._save_facts("record_item_facts", item, actor, report):
                    report.deadlines_missed += missed
                    report.monthly_reports_missed += months
                    report.deadlines_settled += settled
            for notice in notices:
                settled = settle_estimated(notice, calendar, today, actor) is not None
                count = notice.record_overdue(today, actor)
                if self._save_facts("record_notice_facts", notice, actor, report):
                    report.notices_overdue += count
                    report.deadlines_settled += settled
            for task in tasks:
                missed = task.record_deadline_missed(today, actor)
                if self._save_facts("record_rectification_facts", task, actor, report):
                    report.rectifications_overdue += missed
            if district.auto_urging:
                self._urge_automatically(code, today, EscalationRules.load(district.auto_urging), actor, report,
                                         items, notices)
        log.info("tick", today=today.isoformat(), recorded=report.recorded, conflicts=report.conflicts)
        return report

    def _watched_records(self, code: str, today: date, candidates: Candidates) -> tuple[list, list, list]:
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
        if not calendar.is_workday(today):  # the office urges on working days: Monday's watch catches up
            return
        for item in items:
            if item.status.is_closed or not item.overdue_on(today):
                continue
            if item.last_urged_on and calendar.working_days_between(item.last_urged_on, today) < rules.urge_after_working_days:
                continue
            about = [n for n in notices if n.subject_id == item.id]
            advice = next_step(CaseFacts(
                kind="item", working_days_overdue=working_days_overdue(True, calendar.working_days_between(item.deadline, today)),
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


def settle_estimated(record, calendar: WorkingDayCalendar, day: date, actor: Actor) -> DeadlineChange | str | None:
    """Count an item's deadline or a notice's reply deadline again by its rule on ``calendar``, if it
    was counted on an estimate, and apply the outcome to ``record`` (not saved): "confirmed", the
    :class:`DeadlineChange` of a correction, or None (nothing to settle: not estimated, or the
    calendar still knows no better)."""
    if isinstance(record, SupervisedItem):
        if not record.deadline_estimated:
            return None
        due = counted_deadline(calendar, record.deadline_basis, record.decision_date)
        old, settle, kind = record.deadline, record.settle_deadline, "item"
    elif isinstance(record, SupervisionNotice):
        basis = record.reply_deadline_basis
        if basis is None:
            return None
        due = counted_deadline(calendar, basis, record.issued_on)
        old, settle, kind = record.reply_deadline, record.settle_reply_deadline, "notice"
    else:
        return None
    if due is None:
        return None
    outcome = settle(due, day, actor)
    if outcome != "corrected":
        return outcome
    withdrawn = any(type(e).__name__.endswith("Withdrawn") for e in record.pending_events)
    return DeadlineChange(kind, record.id, record.district, record.number_label, record.title, old, due.day,
                          due.estimated, withdrawn)


def _count(review: DeadlineReview, outcome: DeadlineChange | str) -> None:
    if isinstance(outcome, DeadlineChange):
        review.corrected.append(outcome)
    elif outcome == "confirmed":
        review.confirmed += 1
