"""Supervised item (督办事项): a decision or instruction whose execution the office tracks.

Lifecycle (EM arts. 15-16, WR arts. 59-62): registered → assigned (分解交办) → each unit signs
for it (签收) → monthly progress reports → completion report (报办结) → the office verifies and
signs it off (办结销号) or sends it back.  Along the way: extension requests before the
deadline, cannot-implement reports, sub-tasks per unit, the escalation ladder (催办 → 通报批评 →
约谈 → 移交纪检监察) and commendation (通报激励).  Items from NPC deputies and CPPCC members
also carry the formal reply and the proposer's satisfaction (满意度).
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.attachments import clean_attachments
from domain.deadlines import Deadline, is_counted
from domain.due import item_progress, month_after, month_key, months_owed, overdue_on, still_due
from domain.errors import NotAllowed, require, require_input
from domain.ladder import EscalationLadder
from domain.sources import SourceKind


class ItemStatus(Labelled):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "待签收"
    IN_PROGRESS = "in_progress", "办理中"
    COMPLETION_REPORTED = "completion_reported", "待核验"
    CANNOT_IMPLEMENT_REPORTED = "cannot_implement_reported", "申请不能办理"
    SIGNED_OFF = "signed_off", "已办结销号"
    TERMINATED = "terminated", "终止办理"

    @property
    def is_closed(self) -> bool:
        return self in (ItemStatus.SIGNED_OFF, ItemStatus.TERMINATED)


class Satisfaction(Labelled):
    """The deputy's or member's rating of the formal reply (满意度测评)."""

    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"




def item_number_label(year: int, number: int) -> str:
    """The printed number of an item, e.g. 督〔2026〕15号."""
    return f"督〔{year}〕{number}号"


class SupervisedItem(EscalationLadder, DistrictAggregate):
    """督办事项."""

    label = "督办事项"

    @staticmethod
    def id_for(district: str, year: int, number: int) -> UUID:
        return stable_id(district, "item", year, number)

    # ------------------------------------------------------------------ registration
    @classmethod
    def register(
        cls, *, year: int, number: int, source: SourceKind, reference: str, decision_date: date,
        title: str, description: str, deadline: date, deadline_basis: str, deadline_estimated: bool,
        on: date, actor: Actor,
    ) -> "SupervisedItem":
        actor.must_be(Role.OFFICE, doing="登记督办事项")
        require_input(title and title.strip(), "item.title_required", "督办事项标题不能为空。", field="title")
        require_input(reference and reference.strip(), "item.reference_required",
                      f"请填写来源依据（{source.label}）。", field="reference")
        require_input(decision_date <= on, "item.decision_in_future", "决策日期不能晚于登记日期。", field="decision_date")
        require_input(deadline > decision_date, "item.deadline_before_decision", "办理时限必须晚于决策日期。", field="deadline")
        return cls(
            id=cls.id_for(actor.district, year, number), district=actor.district, year=year, number=number,
            source=source.value, reference=reference.strip(), decision_date=decision_date,
            title=title.strip(), description=(description or "").strip(), deadline=deadline,
            deadline_basis=deadline_basis, deadline_estimated=deadline_estimated, on=on, actor=actor.as_record(),
        )

    @event("Registered")
    def __init__(
        self, id: UUID, district: str, year: int, number: int, source: str, reference: str, decision_date: date,
        title: str, description: str, deadline: date, deadline_basis: str, deadline_estimated: bool,
        on: date, actor: dict,
    ) -> None:
        self.district = district
        self.year = year
        self.number = number
        self.source = SourceKind(source)
        self.reference = reference
        self.decision_date = decision_date
        self.title = title
        self.description = description
        self.deadline = deadline
        self.deadline_basis = deadline_basis
        self.deadline_estimated = deadline_estimated
        self.registered_on = on
        self.status = ItemStatus.REGISTERED
        self.status_history: list[list] = [[on, self.status.value]]
        self.lead_unit: UUID | None = None
        self.co_units: list[UUID] = []
        self.assigned_on: date | None = None
        self.signed_for: dict[str, date] = {}  # unit hex -> date
        self.subtasks: dict[str, dict] = {}  # key -> {unit, title, deadline, completed_on}
        self.reports: list[dict] = []  # {unit, percent, text, on, subtask}
        self.pending_extension: dict | None = None
        self.extensions_granted = 0
        self.completion: dict | None = None
        self.cannot_implement: dict | None = None
        self.times_sent_back = 0
        self.formal_reply: dict | None = None  # {text, on, satisfaction}
        self.urges = 0
        self.last_urged_on: date | None = None
        self.criticisms = 0
        self.interviews = 0
        self.commendations = 0
        self.referral: str | None = None  # proposed | approved | declined
        self.missed_deadlines: list[date] = []
        self.missed_on: dict[str, date] = {}  # missed deadline (ISO) -> the day it was missed (发生日期)
        self.missed_months: list[str] = []
        self.closed_on: date | None = None

    # ------------------------------------------------------------------ helpers
    @property
    def number_label(self) -> str:
        return item_number_label(self.year, self.number)

    @property
    def assigned_units(self) -> list[UUID]:
        return ([self.lead_unit] if self.lead_unit else []) + list(self.co_units)

    def _set_status(self, status: ItemStatus, on: date) -> None:
        self.status = status
        self.status_history.append([on, status.value])

    def status_on(self, day: date) -> ItemStatus | None:
        """The status at the end of ``day`` (None before registration)."""
        found = None
        for on, status in self.status_history:
            if on <= day:
                found = ItemStatus(status)
        return found

    def _require_open(self) -> None:
        require(not self.status.is_closed, "item.closed",
                f"督办事项{self.number_label}已{self.status.label}，不能再办理。")

    def _require_assigned(self) -> None:
        require(self.status is not ItemStatus.REGISTERED, "item.not_assigned", "督办事项尚未交办。")

    def _require_unit(self, actor: Actor, *, lead_only: bool = False, doing: str) -> UUID:
        actor.must_be(Role.UNIT, doing=doing)
        assert actor.unit is not None
        if actor.unit not in self.assigned_units:
            raise NotAllowed("item.unit_not_assigned", f"督办事项{self.number_label}未交办给贵单位，不能{doing}。")
        if lead_only and actor.unit != self.lead_unit:
            raise NotAllowed("item.lead_unit_only", f"只有牵头单位可以{doing}，协办单位请向牵头单位反馈。")
        return actor.unit

    def _require_signed(self, unit: UUID, doing: str) -> None:
        require(unit.hex in self.signed_for, "item.not_signed_for", f"贵单位尚未签收该事项，签收后才能{doing}。")

    def _require_office(self, actor: Actor, doing: str) -> None:
        actor.must_be(Role.OFFICE, doing=doing)

    # ------------------------------------------------------------------ assignment
    def assign(self, lead_unit: UUID, co_units: list[UUID], on: date, actor: Actor) -> None:
        """分解交办: one lead unit (牵头单位) answers for the whole; co-units (协办单位) help."""
        self._require_office(actor, "交办督办事项")
        require(self.status is ItemStatus.REGISTERED, "item.already_assigned", "督办事项已交办，不能重复交办。")
        require_input(lead_unit not in co_units, "item.lead_in_co_units", "牵头单位不能同时是协办单位。", field="co_units")
        require_input(len(set(co_units)) == len(co_units), "item.duplicate_co_unit", "协办单位有重复。", field="co_units")
        self._assigned(lead_unit=lead_unit, co_units=list(co_units), on=on, actor=actor.as_record())

    @event("Assigned")
    def _assigned(self, lead_unit: UUID, co_units: list[UUID], on: date, actor: dict) -> None:
        self.lead_unit = lead_unit
        self.co_units = list(co_units)
        self.assigned_on = on
        self._set_status(ItemStatus.ASSIGNED, on)

    def split(self, subtasks: list[dict], on: date, actor: Actor) -> None:
        """Split into sub-tasks per unit (子任务), each with a title and a deadline within the item's."""
        self._require_office(actor, "分解子任务")
        self._require_open()
        self._require_assigned()
        require_input(subtasks, "item.no_subtasks", "请至少填写一个子任务。", field="subtasks")
        added = []
        next_key = len(self.subtasks) + 1
        for i, sub in enumerate(subtasks):
            row = f"第{i + 1}个子任务"
            unit, title, deadline = sub.get("unit"), str(sub.get("title", "")).strip(), sub.get("deadline")
            require_input(title, "subtask.title_required", f"{row}缺少内容。", field="subtasks")
            require_input(unit in self.assigned_units, "subtask.unit_not_assigned",
                          f"{row}的承办单位不是本事项的牵头或协办单位。", field="subtasks")
            require_input(isinstance(deadline, date) and deadline <= self.deadline, "subtask.deadline_after_item",
                          f"{row}的时限不能晚于事项时限{self.deadline.isoformat()}。", field="subtasks")
            added.append({"key": f"S{next_key + i}", "unit": unit, "title": title, "deadline": deadline})
        self._split(subtasks=added, on=on, actor=actor.as_record())

    @event("Split")
    def _split(self, subtasks: list[dict], on: date, actor: dict) -> None:
        for sub in subtasks:
            self.subtasks[sub["key"]] = {**sub, "completed_on": None, "percent": 0}

    def sign_for(self, on: date, actor: Actor) -> None:
        """签收: each assigned unit acknowledges the item once."""
        unit = self._require_unit(actor, doing="签收")
        self._require_open()
        require(unit.hex not in self.signed_for, "item.already_signed_for", "贵单位已签收该事项。")
        self._signed_for(unit=unit, on=on, actor=actor.as_record())

    @event("SignedFor")
    def _signed_for(self, unit: UUID, on: date, actor: dict) -> None:
        self.signed_for[unit.hex] = on
        if unit == self.lead_unit and self.status is ItemStatus.ASSIGNED:
            self._set_status(ItemStatus.IN_PROGRESS, on)

    # ------------------------------------------------------------------ handling
    def report_progress(self, percent: int, text: str, attachments: list[dict] | None, on: date, actor: Actor,
                        subtask: str | None = None) -> None:
        """办理进展: assigned units report monthly (按月专报) with percent, text and their files (附件)."""
        unit = self._require_unit(actor, doing="报送进展")
        self._require_open()
        self._require_signed(unit, "报送进展")
        require(self.status in (ItemStatus.IN_PROGRESS, ItemStatus.ASSIGNED), "item.awaiting_office",
                f"事项当前状态为“{self.status.label}”，等待督查室处理，暂不能报送进展。")
        require_input(isinstance(percent, int) and 0 <= percent <= 100, "progress.bad_percent",
                      "完成进度应为0到100之间的整数。", field="percent")
        require_input(text and text.strip(), "progress.text_required", "请填写进展情况。", field="text")
        if subtask is not None:
            require_input(subtask in self.subtasks, "subtask.unknown", f"没有子任务“{subtask}”。", field="subtask")
            require(self.subtasks[subtask]["unit"] == unit, "subtask.other_unit", "该子任务不是贵单位承办的。")
        self._progress_reported(unit=unit, percent=percent, text=text.strip(), attachments=clean_attachments(attachments),
                                subtask=subtask, on=on, actor=actor.as_record())

    @event("ProgressReported")
    def _progress_reported(self, unit: UUID, percent: int, text: str, attachments: list[dict],
                           subtask: str | None, on: date, actor: dict) -> None:
        self.reports.append({"unit": unit, "percent": percent, "text": text, "on": on, "subtask": subtask})
        if subtask is not None:
            self.subtasks[subtask]["percent"] = percent

    def complete_subtask(self, subtask: str, summary: str, on: date, actor: Actor) -> None:
        unit = self._require_unit(actor, doing="报告子任务完成")
        self._require_open()
        self._require_signed(unit, "报告子任务完成")
        require_input(subtask in self.subtasks, "subtask.unknown", f"没有子任务“{subtask}”。", field="subtask")
        require(self.subtasks[subtask]["unit"] == unit, "subtask.other_unit", "该子任务不是贵单位承办的。")
        require(self.subtasks[subtask]["completed_on"] is None, "subtask.already_completed", "该子任务已报告完成。")
        self._subtask_completed(subtask=subtask, summary=summary, on=on, actor=actor.as_record())

    @event("SubtaskCompleted")
    def _subtask_completed(self, subtask: str, summary: str, on: date, actor: dict) -> None:
        self.subtasks[subtask]["completed_on"] = on
        self.subtasks[subtask]["percent"] = 100

    @property
    def progress_percent(self) -> int:
        """The lead unit's latest percent (it answers for the whole, WR art. 59); an item split
        into sub-tasks rolls up from them (average).  A signed-off item (办结销号) is done:
        ``DONE_PERCENT``, whatever was last reported (the reports keep that figure): ``domain.due``."""
        lead_reports = [r for r in self.reports if r["subtask"] is None and r["unit"] == self.lead_unit]
        return item_progress(self.status, [s["percent"] for s in self.subtasks.values()],
                             lead_reports[-1]["percent"] if lead_reports else None)

    # ------------------------------------------------------------------ extension
    def request_extension(self, new_deadline: date, reasons: str, on: date, actor: Actor) -> None:
        """申请延期: the lead unit only, on or before the deadline, with reasons (EM art. 15)."""
        self._require_unit(actor, lead_only=True, doing="申请延期")
        self._require_open()
        require(on <= self.deadline, "extension.after_deadline",
                f"办理时限{self.deadline.isoformat()}已过，不能再申请延期（须在到期前提出）。")
        require(self.pending_extension is None, "extension.already_pending", "已有一项延期申请等待审批。")
        require_input(reasons and reasons.strip(), "extension.reasons_required", "请说明延期理由。", field="reasons")
        require_input(new_deadline > self.deadline, "extension.not_later",
                      "申请的新时限必须晚于现有时限。", field="new_deadline")
        self._extension_requested(new_deadline=new_deadline, reasons=reasons.strip(), on=on, actor=actor.as_record())

    @event("ExtensionRequested")
    def _extension_requested(self, new_deadline: date, reasons: str, on: date, actor: dict) -> None:
        self.pending_extension = {"new_deadline": new_deadline, "reasons": reasons, "on": on}

    def decide_extension(self, grant: bool, note: str, on: date, actor: Actor,
                         new_deadline: date | None = None) -> None:
        """The office or a leader grants (with the new deadline) or refuses the request."""
        actor.must_be(Role.OFFICE, Role.LEADER, doing="审批延期申请")
        self._require_open()
        require(self.pending_extension is not None, "extension.none_pending", "没有待审批的延期申请。")
        assert self.pending_extension is not None
        if grant:
            granted = new_deadline or self.pending_extension["new_deadline"]
            require_input(granted > self.deadline, "extension.not_later", "批准的新时限必须晚于现有时限。", field="new_deadline")
            self._extension_granted(new_deadline=granted, note=note, on=on, actor=actor.as_record())
        else:
            require_input(note and note.strip(), "extension.refusal_reason_required", "不同意延期时请说明理由。", field="note")
            self._extension_refused(note=note.strip(), on=on, actor=actor.as_record())

    @event("ExtensionGranted")
    def _extension_granted(self, new_deadline: date, note: str, on: date, actor: dict) -> None:
        self.deadline = new_deadline
        self.deadline_basis = "extension"
        self.deadline_estimated = False
        self.pending_extension = None
        self.extensions_granted += 1

    @event("ExtensionRefused")
    def _extension_refused(self, note: str, on: date, actor: dict) -> None:
        self.pending_extension = None

    # ------------------------------------------------------------------ cannot implement
    def report_cannot_implement(self, reasons: str, on: date, actor: Actor) -> None:
        """因客观原因不能办理: the lead unit reports the reasons to the office (EM art. 16)."""
        unit = self._require_unit(actor, lead_only=True, doing="报告不能办理")
        self._require_open()
        self._require_signed(unit, "报告不能办理")
        require(self.status is ItemStatus.IN_PROGRESS, "item.awaiting_office",
                f"事项当前状态为“{self.status.label}”，不能报告不能办理。")
        require_input(reasons and reasons.strip(), "cannot_implement.reasons_required", "请说明不能办理的客观原因。", field="reasons")
        self._cannot_implement_reported(reasons=reasons.strip(), on=on, actor=actor.as_record())

    @event("CannotImplementReported")
    def _cannot_implement_reported(self, reasons: str, on: date, actor: dict) -> None:
        self.cannot_implement = {"reasons": reasons, "on": on}
        self._set_status(ItemStatus.CANNOT_IMPLEMENT_REPORTED, on)

    def decide_cannot_implement(self, accept: bool, note: str, on: date, actor: Actor) -> None:
        self._require_office(actor, "审核不能办理的报告")
        require(self.status is ItemStatus.CANNOT_IMPLEMENT_REPORTED, "cannot_implement.none_pending",
                "没有待审核的不能办理报告。")
        require_input(note and note.strip(), "cannot_implement.note_required", "请填写审核意见。", field="note")
        if accept:
            self._cannot_implement_accepted(note=note.strip(), on=on, actor=actor.as_record())
        else:
            self._cannot_implement_rejected(note=note.strip(), on=on, actor=actor.as_record())

    @event("CannotImplementAccepted")
    def _cannot_implement_accepted(self, note: str, on: date, actor: dict) -> None:
        self.closed_on = on
        self._set_status(ItemStatus.TERMINATED, on)

    @event("CannotImplementRejected")
    def _cannot_implement_rejected(self, note: str, on: date, actor: dict) -> None:
        self.cannot_implement = None
        self._set_status(ItemStatus.IN_PROGRESS, on)

    # ------------------------------------------------------------------ formal reply (建议提案)
    def record_formal_reply(self, text: str, on: date, actor: Actor) -> None:
        """The lead unit's formal reply to the NPC deputy or CPPCC member (答复)."""
        unit = self._require_unit(actor, lead_only=True, doing="登记对代表委员的答复")
        self._require_open()
        self._require_signed(unit, "登记答复")
        require(self.source.needs_formal_reply, "reply.not_applicable", "只有人大代表建议和政协提案需要正式答复。")
        require(self.status is ItemStatus.IN_PROGRESS, "item.awaiting_office",
                f"事项当前状态为“{self.status.label}”，不能登记答复。")
        require(self.formal_reply is None or self.formal_reply["satisfaction"] == Satisfaction.UNSATISFIED.value,
                "reply.already_recorded", "已登记答复，等待代表委员测评。")
        require_input(text and text.strip(), "reply.text_required", "请填写答复内容。", field="text")
        self._formal_reply_recorded(text=text.strip(), on=on, actor=actor.as_record())

    @event("FormalReplyRecorded")
    def _formal_reply_recorded(self, text: str, on: date, actor: dict) -> None:
        self.formal_reply = {"text": text, "on": on, "satisfaction": None}

    def record_satisfaction(self, satisfaction: Satisfaction, comment: str, on: date, actor: Actor) -> None:
        """The office records the proposer's rating; 不满意 sends the item back to handling."""
        self._require_office(actor, "登记满意度测评")
        self._require_open()
        require(self.formal_reply is not None and self.formal_reply["satisfaction"] is None,
                "reply.none_to_rate", "没有待测评的答复。")
        self._satisfaction_recorded(satisfaction=satisfaction.value, comment=comment or "", on=on, actor=actor.as_record())

    @event("SatisfactionRecorded")
    def _satisfaction_recorded(self, satisfaction: str, comment: str, on: date, actor: dict) -> None:
        assert self.formal_reply is not None
        self.formal_reply["satisfaction"] = satisfaction
        if satisfaction == Satisfaction.UNSATISFIED.value:
            self.completion = None
            self._set_status(ItemStatus.IN_PROGRESS, on)

    # ------------------------------------------------------------------ completion and verification
    def report_completion(self, summary: str, attachments: list[dict] | None, on: date, actor: Actor) -> None:
        """报办结: the lead unit reports the whole item done (WR art. 59)."""
        unit = self._require_unit(actor, lead_only=True, doing="报告办结")
        self._require_open()
        self._require_signed(unit, "报告办结")
        require(self.status is ItemStatus.IN_PROGRESS, "item.awaiting_office",
                f"事项当前状态为“{self.status.label}”，不能报告办结。")
        open_subtasks = [k for k, s in self.subtasks.items() if s["completed_on"] is None]
        require(not open_subtasks, "item.subtasks_open", f"子任务{'、'.join(open_subtasks)}尚未完成，不能报告办结。")
        if self.source.needs_formal_reply:
            rated = self.formal_reply and self.formal_reply["satisfaction"] in (
                Satisfaction.SATISFIED.value, Satisfaction.BASICALLY_SATISFIED.value)
            require(rated, "reply.not_satisfied", "建议提案须答复代表委员并获评满意或基本满意后才能报告办结。")
        require_input(summary and summary.strip(), "completion.summary_required", "请填写办结情况。", field="summary")
        self._completion_reported(summary=summary.strip(), attachments=clean_attachments(attachments), on=on,
                                  actor=actor.as_record())

    @event("CompletionReported")
    def _completion_reported(self, summary: str, attachments: list[dict], on: date, actor: dict) -> None:
        self.completion = {"summary": summary, "on": on}
        self._set_status(ItemStatus.COMPLETION_REPORTED, on)

    def sign_off(self, note: str, on: date, actor: Actor, attachments: list[dict] | None = None) -> None:
        """检查复核后办结销号 (WR art. 60), with the office's own evidence of the check (核验材料), if any."""
        self._require_office(actor, "核验销号")
        require(self.status is ItemStatus.COMPLETION_REPORTED, "item.not_reported_complete",
                "承办单位尚未报告办结，不能销号。")
        self._signed_off(note=note or "", on=on, actor=actor.as_record(), attachments=clean_attachments(attachments))

    @event("SignedOff")
    def _signed_off(self, note: str, on: date, actor: dict, attachments: list[dict] | None = None) -> None:
        self.closed_on = on
        self.pending_extension = None
        self._set_status(ItemStatus.SIGNED_OFF, on)

    def send_back(self, reasons: str, on: date, actor: Actor, attachments: list[dict] | None = None) -> None:
        """退回重办: verification found the work unfinished (with the office's evidence of it, if any)."""
        self._require_office(actor, "退回办结报告")
        require(self.status is ItemStatus.COMPLETION_REPORTED, "item.not_reported_complete", "没有待核验的办结报告。")
        require_input(reasons and reasons.strip(), "send_back.reasons_required", "请说明退回理由。", field="reasons")
        self._sent_back(reasons=reasons.strip(), on=on, actor=actor.as_record(),
                        attachments=clean_attachments(attachments))

    @event("SentBack")
    def _sent_back(self, reasons: str, on: date, actor: dict, attachments: list[dict] | None = None) -> None:
        self.completion = None
        self.times_sent_back += 1
        self._set_status(ItemStatus.IN_PROGRESS, on)

    # ------------------------------------------------------------------ escalation ladder
    def _escalation_target(self, unit: UUID | None) -> UUID:
        self._require_assigned()
        target = unit or self.lead_unit
        require_input(target in self.assigned_units, "item.unit_not_assigned", "该单位不是本事项的承办单位。", field="unit")
        assert target is not None
        return target

    class Urged(EscalationLadder.Urged):
        pass

    class Criticised(EscalationLadder.Criticised):
        pass

    class Interviewed(EscalationLadder.Interviewed):
        pass

    class ReferralProposed(EscalationLadder.ReferralProposed):
        pass

    class ReferralApproved(EscalationLadder.ReferralApproved):
        pass

    class ReferralDeclined(EscalationLadder.ReferralDeclined):
        pass

    def commend(self, note: str, on: date, actor: Actor, unit: UUID | None = None) -> None:
        """通报激励 (Hongshan rules art. 64): open or closed, the good work of a unit is commended."""
        self._require_office(actor, "通报激励")
        target = self._escalation_target(unit)
        require_input(note and note.strip(), "commendation.note_required", "请填写激励事由。", field="note")
        self._commended(unit=target, note=note.strip(), on=on, actor=actor.as_record())

    @event("Commended")
    def _commended(self, unit: UUID, note: str, on: date, actor: dict) -> None:
        self.commendations += 1

    # ------------------------------------------------------------------ facts the deadline watcher records
    # Each fact carries the day it happened (``happened_on``, 发生日期): the first day past the deadline
    # with the work still with the unit, the first day after the month whose report was owed.  The
    # read models count it by that day, so a fact recorded by a later watch (the worker was down,
    # days were caught up) counts in the period it belongs to.  ``on`` stays the business date of
    # the watch that recorded it, so the record's history keeps its order in business time.  A
    # fact recorded before ``happened_on`` existed has none: it happened on its ``on``.
    def overdue_on(self, day: date) -> bool:
        """Past its deadline on ``day`` with the work not reported done (or sent back): ``domain.due``."""
        return overdue_on("item", self.status, self.deadline, day)

    def first_overdue_day(self, until: date) -> date:
        """The day the deadline was missed (逾期发生日): the first day after it at whose end the work
        was still with the unit (待签收, 办理中 …, not waiting on the office), at the latest ``until``."""
        first = self.deadline + timedelta(days=1)
        if first >= until:
            return until
        if still_due("item", self.status_on(first)):
            return first
        for on, _ in self.status_history:
            if first < on < until and still_due("item", self.status_on(on)):
                return on
        return until

    def missed_day(self, deadline: date) -> date | None:
        """The day the recorded miss of ``deadline`` happened (None: no miss of it is recorded)."""
        if deadline not in self.missed_deadlines:
            return None
        known = getattr(self, "missed_on", {})  # a snapshot taken before missed_on existed has none
        return known.get(deadline.isoformat(), deadline + timedelta(days=1))

    def record_deadline_missed(self, today: date, actor: Actor) -> bool:
        """Record once per deadline that it was missed.  Returns whether anything was recorded."""
        if not self.overdue_on(today) or self.deadline in self.missed_deadlines:
            return False
        on = max(today, self.last_on)
        self._deadline_missed(deadline=self.deadline, unit=self.lead_unit, on=on, actor=actor.as_record(),
                              happened_on=self.first_overdue_day(on))
        return True

    @event("DeadlineMissed")
    def _deadline_missed(self, deadline: date, unit: UUID | None, on: date, actor: dict,
                         happened_on: date | None = None) -> None:
        self.missed_deadlines.append(deadline)
        self.__dict__.setdefault("missed_on", {})[deadline.isoformat()] = happened_on or on

    def months_owing_report(self, today: date) -> list[str]:
        """Whole months since assignment in which the lead unit owed a report (按月专报) and sent none.

        A month is owed when, at its end, the item was assigned or in progress (not waiting on
        the office, not closed), counting from the month after assignment up to last month.
        """
        reported = {month_key(r["on"]) for r in self.reports if r["unit"] == self.lead_unit}
        return months_owed(self.assigned_on, today, self.status_on, reported, self.missed_months)

    def record_monthly_reports_missed(self, today: date, actor: Actor) -> int:
        """Each month owed and not reported, once; it happened on the first day of the next month
        (the month's report was due by its last day)."""
        missed = self.months_owing_report(today)
        for key in missed:
            self._monthly_report_missed(month=key, unit=self.lead_unit, on=max(today, self.last_on),
                                        actor=actor.as_record(), happened_on=month_after(key))
        return len(missed)

    @event("MonthlyReportMissed")
    def _monthly_report_missed(self, month: str, unit: UUID | None, on: date, actor: dict,
                               happened_on: date | None = None) -> None:
        self.missed_months.append(month)

    # ------------------------------------------------------------------ deadlines counted on an estimate
    def settle_deadline(self, due: Deadline, on: date, actor: Actor) -> str | None:
        """时限复核: a deadline counted on an estimated calendar (a year without official holiday data,
        Monday–Friday assumed), counted again by its rule (``due``) once the year's schedule is known.

        The same day, no longer estimated: the deadline is confirmed (``DeadlineConfirmed``).  Another
        day: it is corrected (``DeadlineCorrected``, with the old and the new day); a miss the watcher
        recorded on a day the new deadline had not yet passed is withdrawn
        (``DeadlineMissWithdrawn``) — a miss on a later day stands, for the new deadline too.
        Explicit deadlines and those granted by an extension are never estimated and never touched.
        Returns "confirmed", "corrected" or None (nothing to settle yet)."""
        actor.must_be(Role.SYSTEM, doing="复核估算的办理时限")
        if not self.deadline_estimated or not is_counted(self.deadline_basis) or due.basis != self.deadline_basis:
            return None
        on = max(on, self.last_on)
        if due.day == self.deadline:
            if due.estimated:
                return None
            self._deadline_confirmed(deadline=self.deadline, basis=due.basis, on=on, actor=actor.as_record())
            return "confirmed"
        old = self.deadline
        missed = self.missed_day(old)
        stands = missed is not None and missed > due.day
        self._deadline_corrected(old_deadline=old, new_deadline=due.day, basis=due.basis, estimated=due.estimated,
                                 still_missed=stands, on=on, actor=actor.as_record())
        if missed is not None and not stands:
            self._deadline_miss_withdrawn(deadline=old, happened_on=missed, new_deadline=due.day, unit=self.lead_unit,
                                          on=on, actor=actor.as_record())
        return "corrected"

    @event("DeadlineConfirmed")
    def _deadline_confirmed(self, deadline: date, basis: str, on: date, actor: dict) -> None:
        self.deadline_estimated = False

    @event("DeadlineCorrected")
    def _deadline_corrected(self, old_deadline: date, new_deadline: date, basis: str, estimated: bool,
                            still_missed: bool, on: date, actor: dict) -> None:
        self.deadline = new_deadline
        self.deadline_estimated = estimated
        if still_missed:  # the recorded miss of the old day holds for the new one: not recorded again
            missed_on = self.__dict__.setdefault("missed_on", {})
            self.missed_deadlines.append(new_deadline)
            missed_on[new_deadline.isoformat()] = missed_on.get(old_deadline.isoformat(), on)

    @event("DeadlineMissWithdrawn")
    def _deadline_miss_withdrawn(self, deadline: date, happened_on: date, new_deadline: date, unit: UUID | None,
                                 on: date, actor: dict) -> None:
        self.missed_deadlines.remove(deadline)
        self.__dict__.setdefault("missed_on", {}).pop(deadline.isoformat(), None)
