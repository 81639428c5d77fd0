"""A record's history in plain Chinese (办理过程), read straight from its events.

Used for an item's timeline and for the referral dossier (移交材料) handed to the discipline
body: every fact with its business date, who did it, and what it said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable
from uuid import UUID

from domain.actor import Role
from domain.attachments import files_in

EVENT_LABELS = {
    "SupervisedItem.Registered": "登记督办事项",
    "SupervisedItem.Assigned": "分解交办",
    "SupervisedItem.Split": "分解子任务",
    "SupervisedItem.SignedFor": "签收",
    "SupervisedItem.ProgressReported": "报送进展",
    "SupervisedItem.SubtaskCompleted": "子任务完成",
    "SupervisedItem.ExtensionRequested": "申请延期",
    "SupervisedItem.ExtensionGranted": "同意延期",
    "SupervisedItem.ExtensionRefused": "不同意延期",
    "SupervisedItem.CannotImplementReported": "报告不能办理",
    "SupervisedItem.CannotImplementAccepted": "同意终止办理",
    "SupervisedItem.CannotImplementRejected": "不同意终止办理",
    "SupervisedItem.FormalReplyRecorded": "答复代表委员",
    "SupervisedItem.SatisfactionRecorded": "满意度测评",
    "SupervisedItem.CompletionReported": "报告办结",
    "SupervisedItem.SignedOff": "办结销号",
    "SupervisedItem.SentBack": "退回重办",
    "SupervisedItem.Urged": "催办",
    "SupervisedItem.Criticised": "通报批评",
    "SupervisedItem.Interviewed": "约谈",
    "SupervisedItem.ReferralProposed": "提出移交纪检监察",
    "SupervisedItem.ReferralApproved": "批准移交纪检监察",
    "SupervisedItem.ReferralDeclined": "不同意移交纪检监察",
    "SupervisedItem.Commended": "通报激励",
    "SupervisedItem.DeadlineMissed": "逾期未办结",
    "SupervisedItem.MonthlyReportMissed": "未按月报送进展",
    "SupervisedItem.DeadlineConfirmed": "确认办理时限（节假日安排载入后复核，时限不变）",
    "SupervisedItem.DeadlineCorrected": "更正办理时限（节假日安排载入后复核）",
    "SupervisedItem.DeadlineMissWithdrawn": "撤销逾期记录（按更正后的时限尚未逾期）",
    "RectificationTask.Recorded": "问题入账",
    "RectificationTask.PlanSubmitted": "报送整改方案",
    "RectificationTask.ProgressReported": "报送整改进展",
    "RectificationTask.RectificationReported": "报告整改完成",
    "RectificationTask.VerificationPassed": "核验通过",
    "RectificationTask.VerificationFailed": "核验未通过",
    "RectificationTask.SignedOff": "销号",
    "RectificationTask.Reopened": "回头看重新打开",
    "RectificationTask.DeadlineMissed": "整改逾期",
    "RectificationTask.Urged": "催办",
    "RectificationTask.Criticised": "通报批评",
    "RectificationTask.Interviewed": "约谈",
    "RectificationTask.ReferralProposed": "提出移交纪检监察",
    "RectificationTask.ReferralApproved": "批准移交纪检监察",
    "RectificationTask.ReferralDeclined": "不同意移交纪检监察",
    "SupervisionNotice.Issued": "下发督办通知",
    "SupervisionNotice.Acknowledged": "签收督办通知",
    "SupervisionNotice.Replied": "书面回复",
    "SupervisionNotice.ReplyAccepted": "回复审核通过",
    "SupervisionNotice.ReplyRejected": "回复退回",
    "SupervisionNotice.Closed": "督办通知办结",
    "SupervisionNotice.ReplyOverdue": "逾期未回复",
    "SupervisionNotice.TaskOverdue": "任务逾期",
    "SupervisionNotice.ReplyDeadlineConfirmed": "确认书面回复时限（节假日安排载入后复核，时限不变）",
    "SupervisionNotice.ReplyDeadlineCorrected": "更正书面回复时限（节假日安排载入后复核）",
    "SupervisionNotice.ReplyOverdueWithdrawn": "撤销逾期未回复记录（按更正后的时限尚未逾期）",
    "Inspection.Created": "列入督查计划",  # a department's proposal: see LABEL_VARIANTS
    "Inspection.Approved": "批准检查申请",
    "Inspection.Refused": "不批准检查申请",
    "Inspection.Conducted": "实施督查",
    "Inspection.FindingRecorded": "登记发现的问题",
    "Inspection.ResultsRecorded": "录入督查结果",
    "Inspection.Closed": "结束督查",
    # the organisation's records (so no history ever shows an English class name)
    "District.Opened": "开通本区",
    "District.AutoUrgingSwitched": "设置自动催办",
    "NumberRegister.Started": "启用编号登记簿",
    "NumberRegister.Claimed": "登记代码",
    "NumberRegister.NumberClaimed": "登记编号",
    "Unit.Registered": "登记单位",
    "Unit.Renamed": "单位更名",
    "Unit.Retired": "撤销单位",
    "Leader.Registered": "登记领导岗位",
    "Leader.Left": "撤销领导岗位",
    "Roster.Started": "建立领导分工",
    "Roster.UnitPlaced": "确定分管单位",
    "Roster.CoverSet": "设定AB角",
    "Roster.AbsenceRecorded": "登记领导外出",
    "HolidaySchedule.Started": "建立节假日安排",
    "HolidaySchedule.DaysLoaded": "载入节假日安排",
    "DailyWatch.Started": "建立每日巡查记录",
    "DailyWatch.DayWatched": "完成每日巡查",
    "UserAccount.Registered": "添加用户",
    "UserAccount.Disabled": "停用用户",
    "UserAccount.PasswordReset": "重置密码",
    "UserAccount.PasswordChanged": "修改密码",
    # 记录核验: the signed checkpoints of the district's event chain
    "ChainCheckpoints.Started": "建立核验检查点记录",
    "ChainCheckpoints.Signed": "签名检查点",
    # 消息推送
    "PushChannels.Started": "建立推送渠道登记",
    "PushChannels.ChannelConfigured": "配置推送渠道",
    "PushChannels.ChannelRemoved": "停用推送渠道",
    # 提醒
    "Reminder.Produced": "生成提醒",
    "Reminder.Delivered": "已送达",
    "Reminder.DeliveryFailed": "送达失败",
    "Reminder.Read": "已读",
    # 督查报告 (呈报区长)
    "ReportDocument.Drafted": "起草报告",
    "ReportDocument.Edited": "修改报告",
    "ReportDocument.Issued": "印发报告",
    # 评分与升级方案
    "SchemeBook.Started": "建立方案登记簿",
    "SchemeBook.Adopted": "采用方案",
}

# an event whose label depends on what it records: (event, attribute) -> {value: label}
LABEL_VARIANTS = {
    ("Inspection.Created", "status"): {"proposed": "申请开展检查"},  # 部门书面申请 (WR art. 63)
    ("SchemeBook.Adopted", "kind"): {"scoring": "采用评分方案", "escalation": "采用升级规则"},
}

# what of an event's data is worth a line: (attribute, Chinese name)
DETAILS = (
    ("title", "标题"), ("reference", "来源依据"), ("deadline", "时限"), ("old_deadline", "原时限"),
    ("new_deadline", "新时限"), ("happened_on", "发生日期"),
    ("percent", "进度%"), ("text", "内容"), ("summary", "情况"), ("reasons", "理由"), ("note", "意见"),
    ("held_by", "约谈人"), ("interviewee", "被约谈人"), ("satisfaction", "测评"), ("month", "月份"),
    ("task", "任务"), ("reply_deadline", "回复时限"), ("document", "文号"), ("problem", "问题"),
    ("planned_month", "计划月份"),
)


@dataclass(frozen=True)
class EntryFile:
    """A file an entry recorded (证明材料): ``sha256`` names the stored file; None for a record made
    before files were stored, which kept a typed name only."""

    name: str
    size: int
    content_type: str
    sha256: str | None

    @property
    def stored(self) -> bool:
        return self.sha256 is not None


def entry_files(event: Any) -> tuple[EntryFile, ...]:
    """The files an event recorded; one without a content type is from before files were stored
    (a typed name, perhaps with a hash the client made up): no stored file is named."""
    return tuple(EntryFile(str(f.get("name") or ""), int(f.get("size") or 0), str(f.get("content_type") or ""),
                           (f.get("sha256") or None) if f.get("content_type") else None) for f in files_in(event))


def latest_files(entries: Iterable["TimelineEntry"], event: str) -> tuple[EntryFile, ...]:
    """The files of the latest entry of ``event`` (the report the office is verifying, say)."""
    found = [e for e in entries if e.event == event]
    return found[-1].files if found else ()


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    recorded_at: str
    what: str
    actor: str  # the account (for the API and the dossier's code)
    role: str
    details: tuple[tuple[str, str], ...]
    record_id: UUID
    version: int
    who: str = ""  # the person in words: 张三（区住建局）, 系统（自动记录） — what pages and documents show
    files: tuple[EntryFile, ...] = ()  # the files this step recorded (a report's attachments …)
    event: str = ""  # the event's name, e.g. SupervisedItem.CompletionReported


SYSTEM_WORDS = "系统（自动记录）"


def role_words(actor: dict) -> str:
    """Who acted, when nothing more is known of the account: the system, or the role's label."""
    role = actor.get("role")
    if not role or role == Role.SYSTEM.value:
        return SYSTEM_WORDS
    return Role(role).label


def _describe(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def event_label(name: str, event: Any = None) -> str:
    """The Chinese name of event class ``name`` (e.g. ``SupervisedItem.Urged`` → 催办)."""
    what = EVENT_LABELS.get(name, name.split(".")[-1])
    for (event_name, attribute), variants in LABEL_VARIANTS.items():
        if event_name == name and event is not None:
            what = variants.get(getattr(event, attribute, None), what)
    return what


def timeline(store, record_ids: Iterable[UUID],
             who: Callable[[dict, date], str] | None = None) -> list[TimelineEntry]:
    """Every event of the given records (an item and its notices, say), in business-date order;
    ``who(actor, day)`` names the person who acted (default: the role only)."""
    person = who or (lambda actor, day: role_words(actor))
    entries = []
    for record_id in record_ids:
        for event in store.events.get(record_id):
            event_name = type(event).__qualname__
            actor = getattr(event, "actor", None) or {}
            details = tuple((label, _describe(getattr(event, attr))) for attr, label in DETAILS
                            if getattr(event, attr, None) not in (None, "", []))
            role = actor.get("role")
            on = getattr(event, "on", event.timestamp.date())
            entries.append(TimelineEntry(
                on=on, recorded_at=event.timestamp.isoformat(),
                what=event_label(event_name, event), actor=actor.get("user", ""),
                role=Role(role).label if role else "", details=details, record_id=record_id,
                version=event.originator_version, who=person(actor, on) if isinstance(actor, dict) else "",
                files=entry_files(event), event=event_name,
            ))
    entries.sort(key=lambda e: (e.on, e.recorded_at))
    return entries
