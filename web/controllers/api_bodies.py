"""What the JSON API's commands take (请求结构): one typed body per command, its fields mapped 1:1
to the application's command.  Unknown fields are refused (400), so a misspelt field never goes
unnoticed; range and business checks stay with the domain (422, in Chinese).

Every command may name its business date ``on`` (default: today; never in the future, never before
the record's last fact).  Commands on an existing record (an item, a notice, a rectification task,
an inspection) may send ``expected_version`` (the ``version`` last read): if the record changed
since, nothing is recorded and the answer is 409.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from msgspec import Struct

from domain.inspection import InspectionKind
from domain.item import Satisfaction
from domain.rectification import ProblemSource, Severity
from domain.sources import SourceKind


class Command(Struct, kw_only=True, forbid_unknown_fields=True):
    on: date | None = None  # the business date (业务日期); default today


class VersionedCommand(Command, kw_only=True, forbid_unknown_fields=True):
    """A command on an existing record."""

    expected_version: int | None = None  # refuse with 409 if the record's version differs


class ItemCommand(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """A command on a supervised item."""


class Attachment(Struct, forbid_unknown_fields=True):
    """A file (附件, 证明材料) uploaded first (``POST /api/files``), cited by its SHA-256 under the name
    to record.  The file is judged again as stored; ``size`` and ``content_type`` may be echoed from
    the upload's answer but the stored file's own are recorded.  A file not uploaded is refused
    (422 ``attachment.not_stored``)."""

    name: str
    sha256: str
    size: int | None = None
    content_type: str | None = None


def attachments(found: list[Attachment]) -> list[dict]:
    return [{"name": a.name, "sha256": a.sha256} for a in found]


# -- supervised items --------------------------------------------------------------------------------
class RegisterItem(Command, kw_only=True, forbid_unknown_fields=True):
    """登记督办事项 (office)."""

    source: SourceKind
    reference: str
    decision_date: date
    title: str
    description: str = ""
    deadline: date | None = None  # default: by the rules of the source
    working_days: int | None = None
    number: int | None = None  # an explicit number in the year's register


class AssignItem(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """分解交办 (office): one lead unit, any co-units."""

    lead_unit: UUID
    co_units: list[UUID] = []


class SubtaskIn(Struct, forbid_unknown_fields=True):
    unit: UUID
    title: str
    deadline: date


class SplitItem(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """分解子任务 (office)."""

    subtasks: list[SubtaskIn]


class ReportProgress(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """报送进展 (an assigned unit that signed for the item)."""

    percent: int
    text: str
    attachments: list[Attachment] = []
    subtask: str | None = None


class CompleteSubtask(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """子任务完成 (the sub-task's unit)."""

    subtask: str
    summary: str


class RequestExtension(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """申请延期 (the lead unit, before the deadline)."""

    new_deadline: date
    reasons: str


class DecideExtension(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """审批延期 (office, or the leader in charge)."""

    grant: bool
    note: str = ""
    new_deadline: date | None = None  # default: the date asked for


class ReportCannotImplement(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """报告不能办理 (the lead unit)."""

    reasons: str


class Decision(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """审核不能办理的报告 (office): accept terminates the item."""

    accept: bool
    note: str


class FormalReply(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """答复代表委员 (the lead unit; NPC suggestions and CPPCC proposals)."""

    text: str


class RecordSatisfaction(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """满意度测评 (office)."""

    satisfaction: Satisfaction
    comment: str = ""


class ReportCompletion(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """报告办结 (the lead unit)."""

    summary: str
    attachments: list[Attachment] = []


class SignOffItem(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """办结销号 (office), with its files of the check (核验材料), if any."""

    note: str = ""
    attachments: list[Attachment] = []


class SendBack(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """退回重办 (office)."""

    reasons: str
    attachments: list[Attachment] = []


class Urge(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """催办 (office); ``unit`` defaults to the lead unit."""

    note: str = ""
    unit: UUID | None = None


class Criticise(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """通报批评 (office)."""

    note: str
    document: str = ""
    unit: UUID | None = None


class Interview(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """约谈 (office, or the leader in charge)."""

    held_by: str
    interviewee: str
    note: str = ""
    leader: UUID | None = None
    unit: UUID | None = None


class ProposeReferral(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """提出移交纪检监察 (office)."""

    reasons: str


class DecideReferral(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """审批移交纪检监察 (the leader in charge, or the district head)."""

    approve: bool
    note: str = ""


class Commend(ItemCommand, kw_only=True, forbid_unknown_fields=True):
    """通报激励 (office)."""

    note: str
    unit: UUID | None = None


# -- supervision notices -----------------------------------------------------------------------------
class NoticeTaskIn(Struct, forbid_unknown_fields=True):
    task: str  # 任务清单
    responsible: str  # 责任清单
    deadline: date  # 时限清单


class IssueNotice(Command, kw_only=True, forbid_unknown_fields=True):
    """下发督办通知 (office) to one unit about an open item or rectification task."""

    unit: UUID
    subject_kind: Literal["item", "rectification"]
    subject_id: UUID
    title: str
    tasks: list[NoticeTaskIn]
    reply_deadline: date | None = None  # default: 7 working days


class NoticeReply(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """书面回复 (the unit), one task at a time."""

    task: str
    text: str
    attachments: list[Attachment] = []


class ReviewReply(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审核回复 (office)."""

    task: str
    accept: bool
    note: str = ""


class Note(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    note: str = ""


# -- rectification tasks -----------------------------------------------------------------------------
class RecordRectification(Command, kw_only=True, forbid_unknown_fields=True):
    """问题入账 (office): a problem from audit, media or the public."""

    unit: UUID
    source: ProblemSource
    problem: str
    severity: Severity
    deadline: date
    source_ref: str = ""
    attachments: list[Attachment] = []  # the problem's evidence (问题材料)


class RectificationPlan(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改方案 (the unit)."""

    plan: str


class ReportRectificationProgress(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改进展 (the unit)."""

    percent: int
    text: str
    attachments: list[Attachment] = []


class Rectified(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改完成 (the unit), with evidence (佐证材料)."""

    summary: str
    evidence: list[Attachment]


class Verify(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """核验 (office), with its files of the check (核验材料), if any."""

    passed: bool
    note: str = ""
    attachments: list[Attachment] = []


class Reopen(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """回头看重新打开 (office)."""

    finding: str
    new_deadline: date


class RectificationCriticise(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    note: str
    document: str = ""


class RectificationInterview(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    held_by: str
    interviewee: str
    note: str = ""
    leader: UUID | None = None


class Reasons(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    reasons: str


class RectificationReferralDecision(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    approve: bool
    note: str = ""


# -- inspections ---------------------------------------------------------------------------------------
class PlanInspection(Command, kw_only=True, forbid_unknown_fields=True):
    """列入年度督查计划 (office)."""

    kind: InspectionKind  # special 专项督查 | unannounced 暗访督查
    title: str
    target_units: list[UUID]
    planned_month: str  # YYYY-MM


class ProposeInspection(PlanInspection, kw_only=True, forbid_unknown_fields=True):
    """申请开展实地检查 (a department, WR art. 63): waits for the office's written approval."""

    reasons: str  # 书面报告


class DecideInspection(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审批部门检查申请 (office); refusing needs a ``note``."""

    approve: bool
    note: str = ""


class InspectionFinding(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """登记发现的问题 (the organiser): enters the ledger as a rectification task of ``unit``."""

    unit: UUID
    problem: str
    severity: Severity
    deadline: date  # 整改时限
    attachments: list[Attachment] = []  # photos of what was found, handed on with the task


class InspectionResultIn(Struct, forbid_unknown_fields=True):
    unit: UUID
    score: float | None = None  # 0–100
    problems: int = 0


class InspectionResults(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """登记督查结果 (the organiser): per target unit a score and/or a problem count, for the ranking."""

    results: list[InspectionResultIn]


def result_rows(found: list[InspectionResultIn]) -> list[dict]:
    """As the application takes them; a whole score stays an integer (92, not 92.0)."""
    return [{"unit": r.unit, "score": int(r.score) if r.score is not None and r.score.is_integer() else r.score,
             "problems": r.problems} for r in found]
