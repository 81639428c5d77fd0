"""Commands on supervised items (督办事项): what each takes, in the office's, the units' and the
leaders' words.  The API, the HTML forms and the application read these same classes."""

from datetime import date
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.item import Satisfaction
from domain.sources import SourceKind
from duban.commands.base import Attachments, Command, VersionedCommand
from duban.commands.escalation import CriticismStep, InterviewStep, ReferralDecision, ReferralProposal, UrgeStep

ItemCommand = VersionedCommand
"""A command on a supervised item (its id is the target: the API's path, the form's page)."""


class RegisterItem(Command, kw_only=True, forbid_unknown_fields=True):
    """登记督办事项 (office): numbered in the year's register; the deadline defaults by the rules."""

    handler = "register_item"

    source: Annotated[SourceKind, Meta(title="事项来源")]
    reference: Annotated[str, Meta(title="来源依据", min_length=1, max_length=200)]
    decision_date: Annotated[date, Meta(title="决策日期")]
    title: Annotated[str, Meta(title="督办事项", min_length=1, max_length=200)]
    description: Annotated[str, Meta(title="事项内容", max_length=4000)] = ""
    deadline: Annotated[date | None, Meta(title="办理时限")] = None  # default: by the rules of the source
    working_days: Annotated[Annotated[int, Meta(ge=1, le=1000)] | None, Meta(title="办理工作日数")] = None
    number: Annotated[Annotated[int, Meta(ge=1)] | None, Meta(title="编号")] = None  # an explicit number in the year's register


class AssignItem(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """分解交办 (office): one lead unit, any co-units."""

    handler = "assign_item"

    lead_unit: Annotated[UUID, Meta(title="牵头单位")]
    co_units: Annotated[list[UUID], Meta(title="协办单位")] = []


class Subtask(Struct, forbid_unknown_fields=True):
    """子任务: a part of the item given to one of its units, with its own deadline."""

    unit: Annotated[UUID, Meta(title="承办单位")]
    title: Annotated[str, Meta(title="子任务内容", min_length=1, max_length=200)]
    deadline: Annotated[date, Meta(title="子任务时限")]


class SplitItem(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """分解子任务 (office)."""

    handler = "split_item"

    subtasks: Annotated[list[Subtask], Meta(title="子任务", min_length=1)]


class SignForItem(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """签收 (an assigned unit)."""

    handler = "sign_for_item"


class ReportProgress(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """报送进展 (an assigned unit that signed for the item)."""

    handler = "report_item_progress"

    percent: Annotated[int, Meta(title="完成进度", ge=0, le=100)]
    text: Annotated[str, Meta(title="进展情况", min_length=1, max_length=4000)]
    attachments: Attachments = []
    subtask: Annotated[str | None, Meta(title="子任务")] = None


class CompleteSubtask(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """子任务完成 (the sub-task's unit)."""

    handler = "complete_subtask"

    subtask: Annotated[str, Meta(title="子任务", min_length=1, max_length=4000)]
    summary: Annotated[str, Meta(title="完成情况", min_length=1, max_length=4000)]


class RequestExtension(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """申请延期 (the lead unit, before the deadline)."""

    handler = "request_extension"

    new_deadline: Annotated[date, Meta(title="申请的新时限")]
    reasons: Annotated[str, Meta(title="延期理由", min_length=1, max_length=4000)]


class DecideExtension(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审批延期 (office, or the leader in charge); refusing needs a reason."""

    handler = "decide_extension"

    grant: Annotated[bool, Meta(title="审批结论")]
    note: Annotated[str, Meta(title="审批意见", max_length=4000)] = ""
    new_deadline: Annotated[date | None, Meta(title="批准的新时限")] = None  # default: the date asked for


class ReportCannotImplement(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """报告不能办理 (the lead unit)."""

    handler = "report_cannot_implement"

    reasons: Annotated[str, Meta(title="不能办理的原因", min_length=1, max_length=4000)]


class DecideCannotImplement(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审核不能办理的报告 (office): accepting terminates the item."""

    handler = "decide_cannot_implement"

    accept: Annotated[bool, Meta(title="审核结论")]
    note: Annotated[str, Meta(title="审核意见", min_length=1, max_length=4000)]


class FormalReply(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """答复代表委员 (the lead unit; NPC suggestions and CPPCC proposals)."""

    handler = "record_formal_reply"

    text: Annotated[str, Meta(title="答复内容", min_length=1, max_length=4000)]


class RecordSatisfaction(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """满意度测评 (office)."""

    handler = "record_satisfaction"

    satisfaction: Annotated[Satisfaction, Meta(title="测评结果")]
    comment: Annotated[str, Meta(title="测评意见", max_length=4000)] = ""


class ReportCompletion(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """报告办结 (the lead unit), with its evidence files (证明材料)."""

    handler = "report_completion"

    summary: Annotated[str, Meta(title="办结情况", min_length=1, max_length=4000)]
    attachments: Attachments = []


class SignOffItem(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """办结销号 (office), with its files of the check (核验材料), if any."""

    handler = "sign_off_item"

    note: Annotated[str, Meta(title="核验意见", max_length=4000)] = ""
    attachments: Attachments = []


class SendBack(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """退回重办 (office)."""

    handler = "send_back_item"

    reasons: Annotated[str, Meta(title="退回理由", max_length=4000)]  # the rules refuse an empty one in their own words
    attachments: Attachments = []


class Urge(UrgeStep, kw_only=True, forbid_unknown_fields=True):
    """催办 (office); ``unit`` defaults to the lead unit."""

    handler = "urge_item"

    unit: Annotated[UUID | None, Meta(title="催办单位")] = None


class Criticise(CriticismStep, kw_only=True, forbid_unknown_fields=True):
    """通报批评 (office); ``unit`` defaults to the lead unit."""

    handler = "criticise_item"

    unit: Annotated[UUID | None, Meta(title="通报单位")] = None


class Interview(InterviewStep, kw_only=True, forbid_unknown_fields=True):
    """约谈 (office, or the leader in charge); ``unit`` defaults to the lead unit."""

    handler = "record_interview"

    unit: Annotated[UUID | None, Meta(title="约谈单位")] = None


class ProposeReferral(ReferralProposal, kw_only=True, forbid_unknown_fields=True):
    """提出移交纪检监察 (office)."""

    handler = "propose_referral"


class DecideReferral(ReferralDecision, kw_only=True, forbid_unknown_fields=True):
    """审批移交纪检监察 (the leader in charge, or the district head)."""

    handler = "decide_referral"


class Commend(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """通报激励 (office); ``unit`` defaults to the lead unit."""

    handler = "commend_item"

    note: Annotated[str, Meta(title="激励事由", min_length=1, max_length=4000)]
    unit: Annotated[UUID | None, Meta(title="激励单位")] = None
