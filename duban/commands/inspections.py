"""Commands on inspections (督查检查): planned by the office or proposed by a department, conducted,
their findings entering the ledger and their results feeding the ranking."""

from datetime import date
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.inspection import InspectionKind
from domain.rectification import Severity
from duban.commands.base import Attachments, Command, VersionedCommand


class PlanInspection(Command, kw_only=True, forbid_unknown_fields=True):
    """列入年度督查计划 (office)."""

    handler = "plan_inspection"

    kind: Annotated[InspectionKind, Meta(title="督查类别")]  # special 专项督查 | unannounced 暗访督查
    title: Annotated[str, Meta(title="督查名称", min_length=1, max_length=200)]
    target_units: Annotated[list[UUID], Meta(title="被督查单位", min_length=1)]
    planned_month: Annotated[str, Meta(title="计划月份", pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-04"])]  # YYYY-MM


class ProposeInspection(PlanInspection, kw_only=True, forbid_unknown_fields=True):
    """申请开展实地检查 (a department, WR art. 63): waits for the office's written approval."""

    handler = "propose_inspection"

    reasons: Annotated[str, Meta(title="申请理由", min_length=1, max_length=4000)]  # 书面报告


class DecideInspection(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """审批部门检查申请 (office); refusing needs a ``note``."""

    handler = "decide_inspection"

    approve: Annotated[bool, Meta(title="审批结论")]
    note: Annotated[str, Meta(title="审批意见", max_length=4000)] = ""


class ConductInspection(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """实施督查 (the organiser)."""

    handler = "conduct_inspection"


class RecordFinding(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """登记发现的问题 (the organiser): enters the ledger as a rectification task of ``unit``."""

    handler = "record_inspection_finding"

    unit: Annotated[UUID, Meta(title="责任单位")]
    problem: Annotated[str, Meta(title="发现的问题", min_length=1, max_length=4000)]
    severity: Annotated[Severity, Meta(title="严重程度")]
    deadline: Annotated[date, Meta(title="整改时限")]
    attachments: Attachments = []  # photos of what was found, handed on with the task


Score = Annotated[int, Meta(ge=0, le=100)]


class InspectionResult(Struct, forbid_unknown_fields=True):
    """One target unit's result: a score (0–100) and/or a count of problems found."""

    unit: Annotated[UUID, Meta(title="单位")]
    score: Annotated[Score | Annotated[float, Meta(ge=0, le=100)] | None, Meta(title="得分")] = None  # 0–100
    problems: Annotated[int, Meta(title="问题数", ge=0)] = 0


class RecordResults(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """登记督查结果 (the organiser): per target unit a score and/or a problem count, for the ranking."""

    handler = "record_inspection_results"

    results: Annotated[list[InspectionResult], Meta(title="督查结果")]


class CloseInspection(VersionedCommand, kw_only=True, forbid_unknown_fields=True):
    """结束督查 (the organiser)."""

    handler = "close_inspection"
