"""Inspection (督查检查): special (专项督查) or unannounced (暗访督查).

On-site inspections are planned in the annual plan; a department that wants one must propose
it and get the office's written approval, and may not inspect outside the approved scope
(WR art. 63).  Findings become rectification tasks; per-unit results feed the ranking (WR art. 62).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import NotAllowed, require, require_input
from domain.rectification import ProblemSource


class InspectionKind(Labelled):
    SPECIAL = "special", "专项督查"
    UNANNOUNCED = "unannounced", "暗访督查"

    @property
    def problem_source(self) -> ProblemSource:
        return ProblemSource.SPECIAL_INSPECTION if self is InspectionKind.SPECIAL else ProblemSource.UNANNOUNCED_INSPECTION


def parse_inspection_kind(value: str) -> InspectionKind:
    return InspectionKind.parse(value, rule="inspection.unknown_kind", what="督查类型", field="kind")  # type: ignore[return-value]


class InspectionStatus(Labelled):
    PROPOSED = "proposed", "待审批"  # 部门申请待批
    REFUSED = "refused", "未批准"
    PLANNED = "planned", "已计划"  # 已列入计划/已批准
    CONDUCTED = "conducted", "已实施"
    CLOSED = "closed", "已完成"


def inspection_number_label(year: int, number: int) -> str:
    return f"督查〔{year}〕{number}号"


class Inspection(DistrictAggregate):
    """督查检查."""

    label = "督查检查"

    @staticmethod
    def id_for(district: str, year: int, number: int) -> UUID:
        return stable_id(district, "inspection", year, number)

    @classmethod
    def plan(cls, *, year: int, number: int, kind: InspectionKind, title: str, target_units: list[UUID],
             planned_month: str, on: date, actor: Actor) -> "Inspection":
        """The office puts an inspection in the annual plan (年度督查计划)."""
        actor.must_be(Role.OFFICE, doing="制订督查计划")
        return cls._new(year, number, kind, title, target_units, planned_month, None, "planned", on, actor)

    @classmethod
    def propose(cls, *, year: int, number: int, kind: InspectionKind, title: str, target_units: list[UUID],
                planned_month: str, reasons: str, on: date, actor: Actor) -> "Inspection":
        """A department asks in writing to run an inspection (WR art. 63); it waits for approval."""
        actor.must_be(Role.UNIT, doing="申请开展实地检查")
        require_input(reasons and reasons.strip(), "inspection.reasons_required", "请说明开展检查的理由（书面报告）。", field="reasons")
        return cls._new(year, number, kind, title, target_units, planned_month, actor.unit, "proposed", on, actor,
                        reasons=reasons.strip())

    @classmethod
    def _new(cls, year, number, kind, title, target_units, planned_month, organiser, status, on, actor, reasons=""):
        require_input(title and title.strip(), "inspection.title_required", "请填写督查名称。", field="title")
        require_input(target_units, "inspection.targets_required", "请选择被督查单位。", field="target_units")
        require_input(len(set(target_units)) == len(target_units), "inspection.duplicate_target", "被督查单位有重复。", field="target_units")
        require_input(len(planned_month or "") == 7 and planned_month[4] == "-", "inspection.bad_month",
                      "计划月份格式应为YYYY-MM。", field="planned_month")
        return cls(
            id=cls.id_for(actor.district, year, number), district=actor.district, year=year, number=number,
            kind=kind.value, title=title.strip(), target_units=list(target_units), planned_month=planned_month,
            organiser=organiser, status=status, on=on, actor=actor.as_record(), reasons=reasons,
        )

    @event("Created")
    def __init__(self, id: UUID, district: str, year: int, number: int, kind: str, title: str,
                 target_units: list[UUID], planned_month: str, organiser: UUID | None, status: str, on: date,
                 actor: dict, reasons: str = "") -> None:
        self.district = district
        self.reasons = reasons  # a department's written reasons for proposing it (WR art. 63); "" when planned
        self.year = year
        self.number = number
        self.kind = InspectionKind(kind)
        self.title = title
        self.target_units = list(target_units)
        self.planned_month = planned_month
        self.organiser = organiser  # None: the office; else the proposing department
        self.status = InspectionStatus(status)
        self.conducted_on: date | None = None
        self.findings: list[dict] = []  # {unit, rectification}
        self.results: dict[str, dict] = {}  # unit hex -> {score, problems}

    @property
    def number_label(self) -> str:
        return inspection_number_label(self.year, self.number)

    def decide_proposal(self, approve: bool, note: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.OFFICE, doing="审批部门检查申请")
        require(self.status is InspectionStatus.PROPOSED, "inspection.not_proposed", "没有待审批的检查申请。")
        if approve:
            self._approved(note=note or "", on=on, actor=actor.as_record())
        else:
            require_input(note and note.strip(), "inspection.refusal_reason_required", "不批准时请说明理由。", field="note")
            self._refused(note=note.strip(), on=on, actor=actor.as_record())

    @event("Approved")
    def _approved(self, note: str, on: date, actor: dict) -> None:
        self.status = InspectionStatus.PLANNED

    @event("Refused")
    def _refused(self, note: str, on: date, actor: dict) -> None:
        self.status = InspectionStatus.REFUSED

    def _require_organiser(self, actor: Actor, doing: str) -> None:
        if self.organiser is None:
            actor.must_be(Role.OFFICE, doing=doing)
        elif not (actor.role is Role.OFFICE or (actor.role is Role.UNIT and actor.unit == self.organiser)):
            raise NotAllowed("inspection.not_organiser", f"只有组织检查的单位或督查室可以{doing}。")

    def conduct(self, on: date, actor: Actor) -> None:
        self._require_organiser(actor, "登记实施督查")
        require(self.status is not InspectionStatus.PROPOSED, "inspection.not_approved",
                "部门检查未经区政府办公室书面批准，不得开展（WR第63条）。")
        require(self.status is not InspectionStatus.REFUSED, "inspection.refused", "该检查申请未获批准，不得开展。")
        require(self.status is InspectionStatus.PLANNED, "inspection.already_conducted", "该督查已实施。")
        self._conducted(on=on, actor=actor.as_record())

    @event("Conducted")
    def _conducted(self, on: date, actor: dict) -> None:
        self.status = InspectionStatus.CONDUCTED
        self.conducted_on = on

    def _require_in_scope(self, unit: UUID) -> None:
        require(unit in self.target_units, "inspection.out_of_scope",
                "该单位不在批准的检查范围内，不得跨范围检查（WR第63条）。")

    def record_finding(self, unit: UUID, rectification: UUID, problem: str, on: date, actor: Actor) -> None:
        """A finding (发现问题) that the application enters as a rectification task in the same save."""
        self._require_organiser(actor, "登记督查发现的问题")
        require(self.status is InspectionStatus.CONDUCTED, "inspection.not_conducted", "督查尚未实施或已完成，不能登记问题。")
        self._require_in_scope(unit)
        self._finding_recorded(unit=unit, rectification=rectification, problem=problem, on=on, actor=actor.as_record())

    @event("FindingRecorded")
    def _finding_recorded(self, unit: UUID, rectification: UUID, problem: str, on: date, actor: dict) -> None:
        self.findings.append({"unit": unit, "rectification": rectification})

    def record_results(self, results: list[dict], on: date, actor: Actor) -> None:
        """Per-unit results for the composite ranking (综合排名): a score and/or a problem count."""
        self._require_organiser(actor, "登记督查结果")
        require(self.status is InspectionStatus.CONDUCTED, "inspection.not_conducted", "督查尚未实施或已完成，不能登记结果。")
        require_input(results, "inspection.results_required", "请填写各单位的督查结果。", field="results")
        cleaned = []
        for i, row in enumerate(results, start=1):
            unit, score, problems = row.get("unit"), row.get("score"), row.get("problems", 0)
            self._require_in_scope(unit)
            require_input(score is None or (isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 100),
                          "inspection.bad_score", f"第{i}行得分应在0到100之间。", field="results")
            require_input(isinstance(problems, int) and not isinstance(problems, bool) and problems >= 0, "inspection.bad_problem_count",
                          f"第{i}行问题数应为非负整数。", field="results")
            cleaned.append({"unit": unit, "score": score, "problems": problems})
        self._results_recorded(results=cleaned, on=on, actor=actor.as_record())

    @event("ResultsRecorded")
    def _results_recorded(self, results: list[dict], on: date, actor: dict) -> None:
        for row in results:
            self.results[row["unit"].hex] = {"score": row["score"], "problems": row["problems"]}

    def close(self, on: date, actor: Actor) -> None:
        self._require_organiser(actor, "完成督查")
        require(self.status is InspectionStatus.CONDUCTED, "inspection.not_conducted", "督查尚未实施，不能完成。")
        self._closed(on=on, actor=actor.as_record())

    @event("Closed")
    def _closed(self, on: date, actor: dict) -> None:
        self.status = InspectionStatus.CLOSED
