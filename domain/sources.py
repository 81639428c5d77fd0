"""Where a supervised item comes from (事项来源, WR art. 60) and what reference it carries."""

from __future__ import annotations

from domain.labels import Labelled


class SourceKind(Labelled):
    PLENARY_MEETING = "plenary_meeting", "区政府全体会议"
    EXECUTIVE_MEETING = "executive_meeting", "区政府常务会议"
    HEADS_MEETING = "heads_meeting", "区长碰头会议"
    TOPIC_MEETING = "topic_meeting", "专题会议"
    LEADER_INSTRUCTION = "leader_instruction", "领导批示"
    SUPERIOR_ASSIGNMENT = "superior_assignment", "上级交办"
    WORK_REPORT = "work_report", "政府工作报告"
    NPC_SUGGESTION = "npc_suggestion", "人大代表建议"  # 人大代表建议 / 议案
    CPPCC_PROPOSAL = "cppcc_proposal", "政协提案"  # 政协委员提案 / 建议案
    AUDIT_FINDING = "audit_finding", "审计整改"
    HOTLINE = "hotline", "热线及网络平台"  # 市民服务热线、互联网+督查、城市留言板
    IMPORTANT_DOCUMENT = "important_document", "重要文件"

    @property
    def is_meeting(self) -> bool:
        return self in MEETING_SOURCES

    @property
    def needs_formal_reply(self) -> bool:
        """Deputies' suggestions and members' proposals are answered formally and rated (满意度)."""
        return self in (SourceKind.NPC_SUGGESTION, SourceKind.CPPCC_PROPOSAL)


MEETING_SOURCES = frozenset(
    {
        SourceKind.PLENARY_MEETING,
        SourceKind.EXECUTIVE_MEETING,
        SourceKind.HEADS_MEETING,
        SourceKind.TOPIC_MEETING,
    }
)

# What the reference must name for each kind of source (来源依据).
REFERENCE_HINTS = {
    **{k: "会议名称及届次，如“区政府第12次常务会议”" for k in MEETING_SOURCES},
    SourceKind.LEADER_INSTRUCTION: "批示件编号或批示领导职务及日期",
    SourceKind.SUPERIOR_ASSIGNMENT: "交办文件文号",
    SourceKind.WORK_REPORT: "工作报告年度及条目",
    SourceKind.NPC_SUGGESTION: "建议编号，如“第45号”",
    SourceKind.CPPCC_PROPOSAL: "提案编号，如“第3号建议案”",
    SourceKind.AUDIT_FINDING: "审计报告文号",
    SourceKind.HOTLINE: "工单编号",
    SourceKind.IMPORTANT_DOCUMENT: "文件文号",
}


def parse_source_kind(value: str) -> SourceKind:
    return SourceKind.parse(value, rule="item.unknown_source", what="事项来源", field="source")  # type: ignore[return-value]