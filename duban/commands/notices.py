"""Commands on supervision notices (督办通知): a task list the office sends one unit, answered task by
task."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

from duban.commands.base import Attachments, Command, VersionedCommand


class NoticeTask(Struct, forbid_unknown_fields=True):
    """One line of the notice: the task (任务清单), who answers for it (责任清单), by when (时限清单)."""

    task: Annotated[str, Meta(title="任务内容", min_length=1, max_length=4000)]
    responsible: Annotated[str, Meta(title="责任人", min_length=1, max_length=200)]
    deadline: Annotated[date, Meta(title="任务时限")]


class IssueNotice(Command, kw_only=True, forbid_unknown_fields=True):
    """下发督办通知 (office) to one unit about an open item or rectification task."""

    handler = "issue_notice"

    unit: Annotated[UUID, Meta(title="接收单位")]
    subject_kind: Annotated[Literal["item", "rectification"], Meta(title="督办对象类别")]
    subject_id: Annotated[UUID, Meta(title="督办对象")]
    title: Annotated[str, Meta(title="通知标题", min_length=1, max_length=200)]
    tasks: Annotated[list[NoticeTask], Meta(title="任务", min_length=1)]
    reply_deadline: Annotated[date | None, Meta(title="书面回复时限")] = None  # default: 7 working days


class AcknowledgeNotice(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """签收督办通知 (the unit)."""

    handler = "acknowledge_notice"


class ReplyNotice(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """书面回复 (the unit), one task at a time."""

    handler = "reply_notice"

    task: Annotated[str, Meta(title="任务", min_length=1, max_length=4000)]
    text: Annotated[str, Meta(title="回复内容", min_length=1, max_length=4000)]
    attachments: Attachments = []


class ReviewReply(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审核回复 (office): a task's reply accepted, or sent back with a reason."""

    handler = "review_notice_reply"

    task: Annotated[str, Meta(title="任务", min_length=1, max_length=4000)]
    accept: Annotated[bool, Meta(title="审核结论")]
    note: Annotated[str, Meta(title="审核意见", max_length=4000)] = ""


class CloseNotice(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """办结督办通知 (office)."""

    handler = "close_notice"

    note: Annotated[str, Meta(title="办结意见", max_length=4000)] = ""
