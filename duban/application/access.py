"""Who may read what (查看权限): the one place the read rules live, for pages and API alike.

* the office (督查室) and the administrator see everything in their district;
* a unit user (承办单位) sees the items assigned to its unit (lead, co-unit or a sub-task),
  the notices sent to it and its own rectification tasks;
* a leader sees the units in their portfolio that day, as leader in charge or as AB-role
  cover; the district head (区长) sees all;
* the discipline body (纪检监察) sees only cases whose referral a leader approved, read-only;
* an inspection (督查检查) is read by the office and the administrator, by the units it targets and
  the department that organises it, and by the leaders of any of those units; an unannounced one
  (暗访督查) stays hidden from the units it targets until it has been conducted; the discipline
  body never reads inspections (the rectification tasks found are cases it may receive).

Another district's record answers exactly like a missing one (404), and so does a record of one's
own district that is not one's business: ids follow from the records' numbers, so any other answer
would tell a user which numbers exist.  Such a refusal is an :class:`Unreadable`: it names the rule
that refused (for the service's callers and the log), and its ``answer`` is the not-found error the
user is given, the very one a missing record raises.
"""

from __future__ import annotations

from dataclasses import replace

from datetime import date
from typing import Iterable, TypeVar
from uuid import UUID

from domain.actor import Actor, Role
from domain.attachments import files_in
from domain.base import DistrictAggregate, not_found
from domain.errors import NotAllowed, NotFound
from domain.evidence import is_sha256
from domain.inspection import Inspection, InspectionKind, InspectionStatus
from domain.item import SupervisedItem
from domain.leadership import Leader, LeaderTitle
from domain.notice import SupervisionNotice
from domain.rectification import RectificationTask
from duban.application.base import Part
from duban.application.histories import PersonWords, RecordHistories
from projections.dossier import Dossier, Verification
from projections.timeline import TimelineEntry

EVERYTHING = None  # visible_units() answer for "every unit of the district"
I = TypeVar("I")  # an inspection, or a list's row of one


class Unreadable(NotAllowed):
    """``actor`` may not read the record: ``rule`` and ``message`` say why (never its number or
    title); ``answer`` is what the user is told — exactly the error for a record that does not exist."""

    def __init__(self, kind: type, rule: str, message: str) -> None:
        super().__init__(rule, message)
        self.answer: NotFound = not_found(kind)


class ReadAccess(Part):
    # -- which units -------------------------------------------------------------------------------
    def visible_units(self, actor: Actor, day: date | None = None) -> frozenset[UUID] | None:
        """The units whose work ``actor`` may see on ``day``; None means every unit of the district."""
        day = day or self._today()
        if actor.role in (Role.OFFICE, Role.ADMIN, Role.SYSTEM):
            return EVERYTHING
        if actor.role is Role.UNIT:
            return frozenset({actor.unit}) if actor.unit else frozenset()
        if actor.role is Role.LEADER and actor.leader is not None:
            leader = self._find_leader(actor)
            if leader is None or not leader.active:  # a post that has ended sees nothing any more
                return frozenset()
            if leader.title is LeaderTitle.DISTRICT_HEAD:
                return EVERYTHING
            roster = self.roster(actor.district)
            return frozenset([*roster.units_of(actor.leader, day), *roster.units_acted_for(actor.leader, day)])
        return frozenset()

    def _find_leader(self, actor: Actor) -> Leader | None:
        leader = self._find(Leader, actor.leader, readonly=True)
        return leader if leader is not None and leader.district == actor.district else None

    # -- single records ---------------------------------------------------------------------------
    def readable_item(self, item_id: UUID, actor: Actor, *, readonly: bool = False) -> SupervisedItem:
        """The item, if ``actor`` may read it; else NotFound (other district, or none such) or
        Unreadable (answered to the user as the same NotFound).

        ``readonly`` (here and in the other ``readable_*``): the cached record itself, not a copy, for
        a check before a command, whose answer only says yes or no."""
        item = self._get(SupervisedItem, item_id, actor, readonly=readonly)
        if actor.role is Role.DISCIPLINE:
            if item.referral != "approved":
                raise Unreadable(SupervisedItem, "referral.not_referred", "该事项未移交纪检监察机关，无权查看。")
            return item
        units = self.visible_units(actor)
        if units is not EVERYTHING and not (set(item.assigned_units) & units):  # sub-tasks go to these too
            if actor.role is Role.UNIT:
                raise Unreadable(SupervisedItem, "item.unit_not_assigned", "该督办事项未交办给贵单位，无权查看。")
            raise Unreadable(SupervisedItem, "item.not_in_portfolio", "该督办事项不在您的分管范围内，无权查看。")
        return item

    def readable_notice(self, notice_id: UUID, actor: Actor, *, readonly: bool = False) -> SupervisionNotice:
        notice = self._get(SupervisionNotice, notice_id, actor, readonly=readonly)
        if actor.role is Role.DISCIPLINE:  # a notice belongs to the case file of its referred subject
            try:
                if notice.subject_kind == "item":
                    self.readable_item(notice.subject_id, actor, readonly=True)
                    return notice
                if notice.subject_kind == "rectification":
                    self.readable_rectification(notice.subject_id, actor, readonly=True)
                    return notice
            except Unreadable as refused:  # answered as a missing notice, not as its subject
                raise Unreadable(SupervisionNotice, refused.rule, "该通知所涉事项未移交纪检监察机关，无权查看。") from None
            raise Unreadable(SupervisionNotice, "referral.not_referred", "该通知所涉事项未移交纪检监察机关，无权查看。")
        units = self.visible_units(actor)
        if units is not EVERYTHING and notice.unit not in units:
            raise Unreadable(SupervisionNotice, "notice.not_yours", "该督办通知不是发给贵单位的，无权查看。"
                             if actor.role is Role.UNIT else "该督办通知不在您的分管范围内，无权查看。")
        return notice

    def readable_rectification(self, task_id: UUID, actor: Actor, *, readonly: bool = False) -> RectificationTask:
        task = self._get(RectificationTask, task_id, actor, readonly=readonly)
        if actor.role is Role.DISCIPLINE:
            if task.referral != "approved":
                raise Unreadable(RectificationTask, "referral.not_referred", "该整改任务未移交纪检监察机关，无权查看。")
            return task
        units = self.visible_units(actor)
        if units is not EVERYTHING and task.unit not in units:
            raise Unreadable(RectificationTask, "rectification.not_yours", "该整改任务不属于贵单位，无权查看。"
                             if actor.role is Role.UNIT else "该整改任务不在您的分管范围内，无权查看。")
        return task

    def readable_inspection(self, inspection_id: UUID, actor: Actor, *, readonly: bool = False) -> Inspection:
        """The inspection (督查检查), if ``actor`` may read it; else NotFound (another district's, as
        for a missing one) or Unreadable."""
        inspection = self._get(Inspection, inspection_id, actor, readonly=readonly)
        refusal = self._inspection_refusal(inspection, actor, self.visible_units(actor))
        if refusal is not None:
            raise refusal
        return inspection

    @staticmethod
    def _inspection_refusal(inspection: Inspection, actor: Actor,
                            units: frozenset[UUID] | None) -> Unreadable | None:
        """Why ``actor`` (who sees ``units``) may not read ``inspection`` (the record, or a list's row
        with the same attributes); None if they may."""
        if actor.role is Role.DISCIPLINE:
            return Unreadable(Inspection, "inspection.not_referred", "该督查检查不属于移交纪检监察的案件，无权查看。")
        if units is EVERYTHING:
            return None
        organiser = {inspection.organiser} if inspection.organiser is not None else set()
        if not (set(inspection.target_units) | organiser) & units:
            if actor.role is Role.UNIT:
                return Unreadable(Inspection, "inspection.not_yours", "该督查检查不涉及贵单位，无权查看。")
            return Unreadable(Inspection, "inspection.not_in_portfolio", "该督查检查不在您的分管范围内，无权查看。")
        if (actor.role is Role.UNIT and actor.unit != inspection.organiser
                and inspection.kind is InspectionKind.UNANNOUNCED
                and inspection.status not in (InspectionStatus.CONDUCTED, InspectionStatus.CLOSED)):
            return Unreadable(Inspection, "inspection.unannounced", "该督查检查为暗访督查，实施前不向被督查单位公开。")
        return None

    def evidence_file(self, record_id: UUID, sha256: str, actor: Actor) -> tuple[dict, bytes]:
        """A file of a record (证明材料) and its content, to one who may read the record: the file as
        the record names it (its first mention: name, size, content type, SHA-256).  A record one may
        not read, a missing record and a file the record does not name all answer alike (NotFound
        ``evidence.not_found``); the refusal of a record not one's business is logged as such."""
        missing = NotFound("evidence.not_found", "没有这份证明材料，或无权查看。")
        record = self._find(DistrictAggregate, record_id, readonly=True)
        readable = {SupervisedItem: self.readable_item, SupervisionNotice: self.readable_notice,
                    RectificationTask: self.readable_rectification, Inspection: self.readable_inspection}
        check = next((read for kind, read in readable.items() if isinstance(record, kind)), None)
        if check is None:
            raise missing
        try:
            check(record_id, actor, readonly=True)
        except Unreadable as refused:
            refused.answer = missing
            raise
        except NotFound:
            raise missing from None
        named = next((f for event in self.store.events.get(record_id) for f in files_in(event)
                      if f.get("sha256") == sha256), None) if is_sha256(sha256) else None
        content = self.files.read(sha256) if named is not None else None
        if content is None:
            raise missing
        return dict(named), content

    def case_file(self, item_id: UUID, actor: Actor,
                  notice_ids: Iterable[UUID]) -> tuple[SupervisedItem, list[SupervisionNotice]]:
        """An item ``actor`` may read, with the notices issued about it (for its timeline or a
        referral dossier).  ``notice_ids``: the notices the read side lists for the item, each
        loaded on its own and kept if it is about the item and ``actor`` may read it."""
        item = self.readable_item(item_id, actor)
        # only the notices the actor may read (readable_notice): a co-unit not those sent to the lead
        # unit; the discipline body every notice of a referred case
        units = EVERYTHING if actor.role is Role.DISCIPLINE else self.visible_units(actor)
        found = [n for n in (self._find(SupervisionNotice, i) for i in notice_ids) if n is not None]
        notices = [n for n in found if n.subject_id == item.id and n.district == actor.district
                   and (units is EVERYTHING or n.unit in units)]
        return item, notices

    # -- histories and the dossier: application queries with their own home ---------------------------
    @property
    def histories(self) -> RecordHistories:
        """The records' histories and the referral dossier (``duban.application.histories``)."""
        return RecordHistories(self.store, lambda kind, key: self._find(kind, key, readonly=True), self.user)

    def history(self, record_ids: Iterable[UUID]) -> list[TimelineEntry]:
        """The records' history in plain Chinese (办理过程), from their own events, in business-date
        order; read access to each record is the caller's check (``readable_*``)."""
        return self.histories.history(record_ids)

    def person_words(self) -> PersonWords:
        """Names the person an event's actor record stands for (``RecordHistories.person_words``)."""
        return self.histories.person_words()

    def referral_dossier(self, item: SupervisedItem, notices: list[SupervisionNotice]) -> Dossier:
        """The referral dossier (移交材料) of a case read through :meth:`case_file`, with the signed
        checkpoint of the hash chain that covers its events (``ChainCommands.checkpoint_covering``)."""
        dossier = self.histories.referral_dossier(item, notices)
        covering = getattr(self, "checkpoint_covering", None)
        if covering is None:
            return dossier
        return replace(dossier, checkpoint=covering(item.district, [(item.id, item.version),
                                                                    *((n.id, n.version) for n in notices)]))

    def rectification_dossier(self, task: RectificationTask) -> Dossier:
        """The referral dossier of a rectification task read through :meth:`readable_rectification`
        (移交材料: its facts, history, verification code and the checkpoint covering it)."""
        dossier = self.histories.rectification_dossier(task)
        covering = getattr(self, "checkpoint_covering", None)
        return dossier if covering is None else replace(dossier, checkpoint=covering(task.district,
                                                                                      [(task.id, task.version)]))

    def verify_rectification_dossier(self, task_id: UUID, code: str, actor: Actor) -> Verification:
        """Whether ``code`` is a referred rectification task's current verification code (校验码)."""
        task = self.readable_rectification(task_id, actor)
        if task.referral != "approved":
            raise NotFound("dossier.not_found", f"整改任务{task.number_label}尚未移交纪检监察，没有移交材料。")
        return self.histories.check_dossier(task, [], code)

    def verify_dossier(self, item_id: UUID, code: str, actor: Actor, notice_ids: Iterable[UUID]) -> Verification:
        """Whether ``code`` is the referral dossier's current verification code (校验码): read under
        the same rules as :meth:`case_file` (a case not referred answers as another district's: 404);
        ``.matches`` is False once any event was recorded on the item or its notices since."""
        item, notices = self.case_file(item_id, actor, notice_ids)
        if item.referral != "approved":
            raise NotFound("dossier.not_found", f"督办事项{item.number_label}尚未移交纪检监察，没有移交材料。")
        return self.histories.check_dossier(item, notices, code)

    # -- lists -------------------------------------------------------------------------------------
    def visible_inspections(self, actor: Actor, listed: Iterable[I]) -> list[I]:
        """The inspections of ``listed`` (the read side's rows of the actor's district) that
        ``actor`` may read (as :meth:`readable_inspection`), in the order given."""
        if actor.role is Role.DISCIPLINE:
            return []
        units = self.visible_units(actor)
        return [i for i in listed if self._inspection_refusal(i, actor, units) is None]
