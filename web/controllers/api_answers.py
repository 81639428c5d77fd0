"""What the JSON API answers (应答结构): typed shapes, so the OpenAPI schema shows them, and the
conversions from the application's records and the projections' rows."""

from __future__ import annotations

from datetime import date
from typing import Iterable
from uuid import UUID

from msgspec import Struct

from domain.inspection import Inspection
from domain.item import ItemStatus, Satisfaction, SupervisedItem
from domain.labels import Labelled
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from domain.rectification import RectificationStatus, RectificationTask, Severity
from projections.inspections import InspectionRow
from projections.ledger import LedgerRow
from domain.evidence import EvidenceFile
from projections.timeline import EntryFile, TimelineEntry


class Choice(Struct):
    """A coded value and the Chinese label users read, e.g. ``{"value": "in_progress", "label": "办理中"}``."""

    value: str
    label: str


def choice(member: Labelled) -> Choice:
    return Choice(member.value, member.label)


class Problem(Struct):
    """One problem of a request: the field to blame (or null), the rule, a Chinese message."""

    field: str | None
    rule: str
    message: str


class ErrorDetail(Struct):
    field: str | None
    rule: str
    message: str
    problems: list[Problem]  # every problem found, the first one repeated above


class ApiError(Struct):
    """Every refusal under /api: ``{"error": {"field", "rule", "message", "problems"}}``: a bad
    request lists every problem of its fields at once, as the HTML form does."""

    error: ErrorDetail


class CommandResult(Struct):
    """What a command answers: the record it changed (or created) as it now stands."""

    id: UUID
    kind: str  # item | notice | rectification | inspection
    number: str  # e.g. 督〔2026〕3号
    status: Choice
    version: int  # send it back as ``expected_version`` to refuse a stale change (409)


KINDS = {SupervisedItem: "item", SupervisionNotice: "notice", RectificationTask: "rectification",
         Inspection: "inspection"}


def command_result(record: SupervisedItem | SupervisionNotice | RectificationTask | Inspection) -> CommandResult:
    return CommandResult(record.id, KINDS[type(record)], record.number_label, choice(record.status), record.version)


class FindingResult(CommandResult):
    """A finding recorded (登记发现的问题): the rectification task it entered in the ledger, and the
    inspection's new version (send it as ``expected_version`` with the next inspection command)."""

    inspection: UUID
    inspection_version: int


def finding_result(task: RectificationTask, inspection: Inspection) -> FindingResult:
    return FindingResult(task.id, "rectification", task.number_label, choice(task.status), task.version,
                         inspection.id, inspection.version)


class Me(Struct):
    user: str
    display_name: str
    role: str  # office | unit | leader | discipline | admin
    role_label: str
    district: str
    unit: UUID | None
    leader: UUID | None


class UnitRef(Struct):
    id: UUID
    name: str


def unit_ref(unit: UUID | None, names: dict[UUID, str]) -> UnitRef | None:
    return None if unit is None else UnitRef(unit, names.get(unit, ""))


class DefaultDeadlineOut(Struct):
    """The deadline the working-day rules give a new item (办理时限) and why."""

    deadline: date
    basis: str  # explicit | meeting_one_month | proposal_three_months | working_days:N
    basis_label: str
    estimated: bool  # a day counted had no official calendar data (Monday–Friday assumed)


class UnitOut(Struct):
    id: UUID
    code: str
    name: str
    kind: Choice
    active: bool
    leader_in_charge: UUID | None  # today


# -- supervised items ----------------------------------------------------------------------------------
class StatusChange(Struct):
    on: date
    status: Choice


class Signature(Struct):
    unit: UnitRef
    on: date


class SubtaskOut(Struct):
    key: str
    unit: UnitRef
    title: str
    deadline: date
    completed_on: date | None
    percent: int


class ProgressOut(Struct):
    unit: UnitRef | None
    percent: int
    text: str
    on: date
    subtask: str | None = None


class ExtensionOut(Struct):
    new_deadline: date
    reasons: str
    on: date


class DatedText(Struct):
    text: str
    on: date


class FormalReplyOut(Struct):
    text: str
    on: date
    satisfaction: Choice | None


class ItemOut(Struct):
    """A supervised item (督办事项) as the actor may read it, with the commands worth offering them."""

    id: UUID
    number: str
    year: int
    title: str
    description: str
    source: Choice
    reference: str
    decision_date: date
    deadline: date
    deadline_basis: str
    deadline_estimated: bool
    registered_on: date
    status: Choice
    status_history: list[StatusChange]
    lead_unit: UnitRef | None
    co_units: list[UnitRef]
    assigned_on: date | None
    signed_for: list[Signature]
    subtasks: list[SubtaskOut]
    reports: list[ProgressOut]
    progress_percent: int
    pending_extension: ExtensionOut | None
    extensions_granted: int
    completion: DatedText | None
    cannot_implement: DatedText | None
    times_sent_back: int
    formal_reply: FormalReplyOut | None
    urges: int
    last_urged_on: date | None
    criticisms: int
    interviews: int
    commendations: int
    referral: str | None  # proposed | approved | declined
    missed_deadlines: list[date]
    missed_months: list[str]
    closed_on: date | None
    version: int
    # a hint: the item commands worth offering the actor now, by the last segment of their route (``notice``:
    # POST /api/notices about this item); the server still checks every command
    actions: list[str]


def item_out(item: SupervisedItem, names: dict[UUID, str], actions: list[str]) -> ItemOut:
    def text(found: dict | None, key: str) -> DatedText | None:
        return None if not found else DatedText(found[key], found["on"])

    reply = item.formal_reply
    return ItemOut(
        id=item.id, number=item.number_label, year=item.year, title=item.title, description=item.description,
        source=choice(item.source), reference=item.reference, decision_date=item.decision_date,
        deadline=item.deadline, deadline_basis=item.deadline_basis, deadline_estimated=item.deadline_estimated,
        registered_on=item.registered_on, status=choice(item.status),
        status_history=[StatusChange(on, choice(ItemStatus(status))) for on, status in item.status_history],
        lead_unit=unit_ref(item.lead_unit, names), co_units=[UnitRef(u, names.get(u, "")) for u in item.co_units],
        assigned_on=item.assigned_on,
        signed_for=[Signature(UnitRef(UUID(key), names.get(UUID(key), "")), on) for key, on in item.signed_for.items()],
        subtasks=[SubtaskOut(s["key"], UnitRef(s["unit"], names.get(s["unit"], "")), s["title"], s["deadline"],
                             s["completed_on"], s["percent"]) for s in item.subtasks.values()],
        reports=[ProgressOut(unit_ref(r["unit"], names), r["percent"], r["text"], r["on"], r["subtask"])
                 for r in item.reports],
        progress_percent=item.progress_percent,
        pending_extension=None if item.pending_extension is None else ExtensionOut(**item.pending_extension),
        extensions_granted=item.extensions_granted, completion=text(item.completion, "summary"),
        cannot_implement=text(item.cannot_implement, "reasons"), times_sent_back=item.times_sent_back,
        formal_reply=None if reply is None else FormalReplyOut(
            reply["text"], reply["on"], choice(Satisfaction(reply["satisfaction"])) if reply["satisfaction"] else None),
        urges=item.urges, last_urged_on=item.last_urged_on, criticisms=item.criticisms, interviews=item.interviews,
        commendations=item.commendations, referral=item.referral, missed_deadlines=list(item.missed_deadlines),
        missed_months=list(item.missed_months), closed_on=item.closed_on, version=item.version, actions=actions,
    )


# -- supervision notices -------------------------------------------------------------------------------
class NoticeTaskOut(Struct):
    key: str
    task: str
    responsible: str
    deadline: date
    state: Choice
    reply: DatedText | None
    first_replied_on: date | None


class NoticeOut(Struct):
    """A supervision notice (督办通知) with its task, responsibility and deadline lists."""

    id: UUID
    number: str
    title: str
    unit: UnitRef
    subject_kind: str  # item | rectification
    subject_id: UUID
    tasks: list[NoticeTaskOut]
    reply_deadline: date
    reply_deadline_estimated: bool
    issued_on: date
    status: Choice
    acknowledged_on: date | None
    closed_on: date | None
    reply_overdue_recorded: bool
    overdue_tasks: list[str]
    version: int


def notice_out(notice: SupervisionNotice, names: dict[UUID, str]) -> NoticeOut:
    return NoticeOut(
        id=notice.id, number=notice.number_label, title=notice.title,
        unit=UnitRef(notice.unit, names.get(notice.unit, "")),
        subject_kind=notice.subject_kind, subject_id=notice.subject_id,
        tasks=[NoticeTaskOut(t["key"], t["task"], t["responsible"], t["deadline"], choice(TaskState(t["state"])),
                             DatedText(t["reply"]["text"], t["reply"]["on"]) if t["reply"] else None,
                             t["first_replied_on"]) for t in notice.tasks.values()],
        reply_deadline=notice.reply_deadline, reply_deadline_estimated=notice.reply_deadline_estimated,
        issued_on=notice.issued_on, status=choice(notice.status), acknowledged_on=notice.acknowledged_on,
        closed_on=notice.closed_on, reply_overdue_recorded=notice.reply_overdue_recorded,
        overdue_tasks=list(notice.overdue_tasks), version=notice.version,
    )


class NoticeSummary(Struct):
    id: UUID
    number: str
    title: str
    unit: UnitRef
    subject_kind: str
    subject_id: UUID
    reply_deadline: date
    issued_on: date
    status: Choice


def notice_row_summary(row: LedgerRow) -> NoticeSummary:
    """A notice's summary from its ledger row (lists read no notice records)."""
    return NoticeSummary(UUID(row.entry_id), row.number, row.title, UnitRef(UUID(row.lead_unit_id), row.lead_unit),
                         row.subject_kind or "", UUID(row.parent_id), row.deadline, row.opened_on,
                         choice(NoticeStatus(row.status)))


def notice_summary(notice: SupervisionNotice, names: dict[UUID, str]) -> NoticeSummary:
    return NoticeSummary(notice.id, notice.number_label, notice.title, UnitRef(notice.unit, names.get(notice.unit, "")),
                         notice.subject_kind, notice.subject_id, notice.reply_deadline, notice.issued_on,
                         choice(notice.status))


# -- rectification tasks -------------------------------------------------------------------------------
class RectificationReport(Struct):
    percent: int
    text: str
    on: date


class RectificationOut(Struct):
    """A rectification task (整改任务) in the ledger."""

    id: UUID
    number: str
    unit: UnitRef
    source: Choice
    source_ref: str
    problem: str
    severity: Choice
    deadline: date
    inspection: UUID | None
    recorded_on: date
    status: Choice
    plan: DatedText | None
    reports: list[RectificationReport]
    verification_failures: int
    reopen_count: int
    signed_off_on: date | None
    missed_deadlines: list[date]
    urges: int
    last_urged_on: date | None
    criticisms: int
    interviews: int
    referral: str | None
    version: int


def rectification_out(task: RectificationTask, names: dict[UUID, str]) -> RectificationOut:
    return RectificationOut(
        id=task.id, number=task.number_label, unit=UnitRef(task.unit, names.get(task.unit, "")),
        source=choice(task.source), source_ref=task.source_ref, problem=task.problem, severity=choice(task.severity),
        deadline=task.deadline, inspection=task.inspection, recorded_on=task.recorded_on, status=choice(task.status),
        plan=DatedText(task.plan["text"], task.plan["on"]) if task.plan else None,
        reports=[RectificationReport(r["percent"], r["text"], r["on"]) for r in task.reports],
        verification_failures=task.verification_failures, reopen_count=task.reopen_count,
        signed_off_on=task.signed_off_on, missed_deadlines=list(task.missed_deadlines), urges=task.urges,
        last_urged_on=task.last_urged_on, criticisms=task.criticisms, interviews=task.interviews,
        referral=task.referral, version=task.version,
    )


class RectificationSummary(Struct):
    id: UUID
    number: str
    unit: UnitRef
    problem: str
    severity: Choice
    deadline: date
    status: Choice
    referral: str | None


def rectification_row_summary(row: LedgerRow) -> RectificationSummary:
    """A rectification task's summary from its ledger row."""
    return RectificationSummary(UUID(row.entry_id), row.number, UnitRef(UUID(row.lead_unit_id), row.lead_unit),
                                row.title, choice(Severity(row.severity)), row.deadline,
                                choice(RectificationStatus(row.status)), row.referral)


def rectification_summary(task: RectificationTask, names: dict[UUID, str]) -> RectificationSummary:
    return RectificationSummary(task.id, task.number_label, UnitRef(task.unit, names.get(task.unit, "")), task.problem,
                                choice(task.severity), task.deadline, choice(task.status), task.referral)


# -- inspections ---------------------------------------------------------------------------------------
class FindingOut(Struct):
    unit: UnitRef
    rectification: UUID  # the task it entered in the ledger (GET /api/rectifications/{id})


class InspectionResultOut(Struct):
    unit: UnitRef
    score: float | None
    problems: int


class InspectionOut(Struct):
    """An inspection (督查检查): planned by the office, or proposed by a department and approved."""

    id: UUID
    number: str  # 督查〔2026〕1号
    year: int
    title: str
    kind: Choice  # special 专项督查 | unannounced 暗访督查
    status: Choice
    organiser: UnitRef | None  # the proposing department; null: the office
    reasons: str  # the department's written reasons for proposing it; "" when the office planned it
    planned_month: str
    target_units: list[UnitRef]
    conducted_on: date | None
    findings: list[FindingOut]  # those about units the reader may see
    results: list[InspectionResultOut]  # likewise
    version: int
    actions: list[str]  # the command routes worth offering the reader now (a hint: each is still checked)


def inspection_out(inspection: Inspection, names: dict[UUID, str], seen: frozenset[UUID] | None,
                   actions: list[str]) -> InspectionOut:
    """``seen``: the units whose findings and results the reader may see (None: all)."""
    def ref(unit: UUID) -> UnitRef:
        return UnitRef(unit, names.get(unit, ""))

    return InspectionOut(
        id=inspection.id, number=inspection.number_label, year=inspection.year, title=inspection.title,
        kind=choice(inspection.kind), status=choice(inspection.status), organiser=unit_ref(inspection.organiser, names),
        reasons=inspection.reasons, planned_month=inspection.planned_month,
        target_units=[ref(u) for u in inspection.target_units],
        conducted_on=inspection.conducted_on,
        findings=[FindingOut(ref(f["unit"]), f["rectification"]) for f in inspection.findings
                  if seen is None or f["unit"] in seen],
        results=[InspectionResultOut(ref(u), inspection.results[u.hex]["score"], inspection.results[u.hex]["problems"])
                 for u in inspection.target_units if u.hex in inspection.results and (seen is None or u in seen)],
        version=inspection.version, actions=actions,
    )


class InspectionSummary(Struct):
    id: UUID
    number: str
    title: str
    kind: Choice
    status: Choice
    organiser: UnitRef | None
    planned_month: str
    target_units: list[UnitRef]
    conducted_on: date | None


def inspection_summary(inspection: "Inspection | InspectionRow", names: dict[UUID, str]) -> InspectionSummary:
    return InspectionSummary(inspection.id, inspection.number_label, inspection.title, choice(inspection.kind),
                             choice(inspection.status), unit_ref(inspection.organiser, names),
                             inspection.planned_month, [UnitRef(u, names.get(u, "")) for u in inspection.target_units],
                             inspection.conducted_on)


# -- histories -----------------------------------------------------------------------------------------
class Detail(Struct):
    label: str
    value: str


class FileOut(Struct, omit_defaults=True):
    """A file (证明材料): its name, size in bytes, the content type its content showed and its SHA-256;
    ``href`` downloads it (to those who may read its record).  A record made before files were stored
    names a file it never kept: ``sha256`` and ``href`` null."""

    name: str
    size: int
    content_type: str
    sha256: str | None
    href: str | None = None


def file_out(found: "EntryFile | EvidenceFile", record_id: UUID | None = None) -> FileOut:
    href = f"/api/files/{record_id}/{found.sha256}" if record_id is not None and found.sha256 else None
    return FileOut(found.name, found.size, found.content_type, found.sha256, href)


class TimelineEntryOut(Struct):
    """One fact of a record's history (办理过程)."""

    on: date
    recorded_at: str
    what: str
    actor: str
    role: str
    details: list[Detail]
    record_id: UUID
    record: str  # the number of the record it belongs to (the item or one of its notices)
    version: int
    files: list[FileOut] = []  # the files this step recorded


def timeline_out(entries: Iterable[TimelineEntry], numbers: dict[UUID, str]) -> list[TimelineEntryOut]:
    return [TimelineEntryOut(e.on, e.recorded_at, e.what, e.actor, e.role, [Detail(k, v) for k, v in e.details],
                             e.record_id, numbers.get(e.record_id, ""), e.version,
                             [file_out(f, e.record_id) for f in e.files]) for e in entries]


class DossierOut(Struct):
    """The referral dossier (移交材料) handed to the discipline body."""

    item_id: UUID
    number: str
    title: str
    source: str
    reference: str
    deadline: str
    status: str
    notices: list[str]
    actors: list[str]
    entries: list[TimelineEntryOut]
    code: str = ""  # the verification code (校验码), grouped: 3F2A-9C1D-...
    digest: str = ""  # its full SHA-256
    events_covered: int = 0
    last_recorded_at: str = ""
    files: list[FileOut] = []  # every file of the case (证明材料), in the history's order


class ReferredCase(Struct):
    id: UUID
    kind: str  # item | rectification
    number: str
    title: str
    status: Choice

