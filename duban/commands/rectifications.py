"""Commands on rectification tasks (整改任务): a problem in the ledger (台账) until it is verified and
signed off (销号)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from domain.rectification import ProblemSource, Severity
from duban.commands.base import Attachment, Attachments, Command, VersionedCommand
from duban.commands.escalation import CriticismStep, InterviewStep, ReferralDecision, ReferralProposal, UrgeStep


class RecordRectification(Command, kw_only=True, forbid_unknown_fields=True):
    """问题入账 (office): a problem from audit, media or the public."""

    handler = "record_rectification"

    unit: Annotated[UUID, Meta(title="责任单位")]
    source: Annotated[ProblemSource, Meta(title="问题来源")]
    problem: Annotated[str, Meta(title="问题描述", min_length=1, max_length=4000)]
    severity: Annotated[Severity, Meta(title="严重程度")]
    deadline: Annotated[date, Meta(title="整改时限")]
    source_ref: Annotated[str, Meta(title="来源文号", max_length=200)] = ""
    attachments: Attachments = []  # the problem's evidence (问题材料)


class RectificationPlan(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改方案 (the unit)."""

    handler = "submit_rectification_plan"

    plan: Annotated[str, Meta(title="整改方案", min_length=1, max_length=4000)]


class ReportRectificationProgress(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改进展 (the unit)."""

    handler = "report_rectification_progress"

    percent: Annotated[int, Meta(title="完成进度", ge=0, le=100)]
    text: Annotated[str, Meta(title="进展情况", min_length=1, max_length=4000)]
    attachments: Attachments = []


class Rectified(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """整改完成 (the unit), with evidence (佐证材料)."""

    handler = "report_rectified"

    summary: Annotated[str, Meta(title="整改情况", min_length=1, max_length=4000)]
    evidence: Annotated[list[Attachment], Meta(title="佐证材料")] = []  # at least one: the rules refuse none


class VerifyRectification(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """核验 (office), with its files of the check (核验材料), if any."""

    handler = "verify_rectification"

    passed: Annotated[bool, Meta(title="核验结论")]
    note: Annotated[str, Meta(title="核验意见", max_length=4000)] = ""
    attachments: Attachments = []


class SignOffRectification(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """销号 (office)."""

    handler = "sign_off_rectification"

    note: Annotated[str, Meta(title="销号意见", max_length=4000)] = ""


class Reopen(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """回头看重新打开 (office)."""

    handler = "reopen_rectification"

    finding: Annotated[str, Meta(title="回头看发现的问题", min_length=1, max_length=4000)]
    new_deadline: Annotated[date, Meta(title="新的整改时限")]


class UrgeRectification(UrgeStep, kw_only=True, forbid_unknown_fields=True):
    """催办 (office)."""

    handler = "urge_rectification"


class CriticiseRectification(CriticismStep, kw_only=True, forbid_unknown_fields=True):
    """通报批评 (office)."""

    handler = "criticise_rectification"


class RectificationInterview(InterviewStep, kw_only=True, forbid_unknown_fields=True):
    """约谈 (office, or the leader in charge of the unit)."""

    handler = "record_rectification_interview"


class ProposeRectificationReferral(ReferralProposal, kw_only=True, forbid_unknown_fields=True):
    """提出移交纪检监察 (office)."""

    handler = "propose_rectification_referral"


class DecideRectificationReferral(ReferralDecision, kw_only=True, forbid_unknown_fields=True):
    """审批移交纪检监察 (the leader in charge of the unit, or the district head)."""

    handler = "decide_rectification_referral"
