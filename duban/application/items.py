"""Commands on supervised items (督办事项)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actor import Actor, Role
from domain.deadlines import Deadline, item_deadline
from domain.errors import InvalidInput, NotAllowed, RuleViolation, require_input
from domain.item import Satisfaction, SupervisedItem
from domain.leadership import LeaderTitle
from domain.sources import SourceKind
from duban.application.base import Part
from duban.application.evidence import Attachment


class ItemCommands(Part):
    def register_item(
        self, *, source: SourceKind, reference: str, decision_date: date, title: str, actor: Actor,
        description: str = "", deadline: date | None = None, working_days: int | None = None,
        number: int | None = None, on: date | None = None,
    ) -> SupervisedItem:
        """登记: numbered 督〔year〕N号 in the registration year; the deadline defaults by the rules."""
        day = self._on(on)

        def work():  # every check inside, so a refusal is logged like any other command's
            actor.must_be(Role.OFFICE, doing="登记督办事项")
            require_input(number is None or (isinstance(number, int) and number > 0), "item.bad_number",
                          "编号应为正整数。", field="number")
            due = item_deadline(self.calendar(), source, decision_date, deadline, working_days)
            self.district(actor.district)
            register = self._register(actor.district, "item", day.year, day)
            chosen = number or register.next_number()
            item = SupervisedItem.register(
                year=day.year, number=chosen, source=source, reference=reference, decision_date=decision_date,
                title=title, description=description, deadline=due.day, deadline_basis=due.basis,
                deadline_estimated=due.estimated, on=day, actor=actor,
            )
            self._claim_number(register, SupervisedItem, chosen, item.id, day, "督办事项编号")
            return [register, item]

        return self._run("register_item", actor, None, work)[1]

    def default_deadline(self, source: SourceKind, decision_date: date, deadline: date | None = None,
                         working_days: int | None = None) -> Deadline:
        """The deadline an item would get if registered now (the same rules as ``register_item``),
        so the office can see it before registering; records nothing."""
        return item_deadline(self.calendar(), source, decision_date, deadline, working_days)

    def item(self, item_id: UUID, actor: Actor) -> SupervisedItem:
        return self._get(SupervisedItem, item_id, actor)

    def item_as_of(self, item_id: UUID, day: date, actor: Actor) -> SupervisedItem | None:
        """The item as it stood at the end of ``day`` (None if not yet registered then)."""
        current = self._get(SupervisedItem, item_id, actor)
        version = None
        for event in self.store.events.get(item_id):
            if getattr(event, "on", None) and event.on <= day:
                version = event.originator_version
        return None if version is None else self.store.repository.get(current.id, version=version)

    def _item_change(self, command: str, item: UUID, actor: Actor, on, change, expected_version=None):
        return self._change(command, SupervisedItem, item, actor, on, change, expected_version)

    # -- assignment ---------------------------------------------------------------------------
    def assign_item(self, item: UUID, lead_unit: UUID, co_units: list[UUID], actor: Actor,
                    on: date | None = None, expected_version: int | None = None) -> SupervisedItem:
        def change(i: SupervisedItem, d: date) -> None:
            self._active_unit(lead_unit, actor, "lead_unit")
            for unit in co_units:
                self._active_unit(unit, actor, "co_units")
            i.assign(lead_unit, list(co_units), d, actor)
        return self._item_change("assign_item", item, actor, on, change, expected_version)

    def split_item(self, item: UUID, subtasks: list[dict], actor: Actor, on: date | None = None,
                   expected_version: int | None = None) -> SupervisedItem:
        return self._item_change("split_item", item, actor, on, lambda i, d: i.split(subtasks, d, actor),
                                 expected_version)

    def sign_for_item(self, item: UUID, actor: Actor, on: date | None = None,
                      expected_version: int | None = None) -> SupervisedItem:
        return self._item_change("sign_for_item", item, actor, on, lambda i, d: i.sign_for(d, actor), expected_version)

    # -- handling -----------------------------------------------------------------------------
    def report_item_progress(self, item: UUID, percent: int, text: str, actor: Actor,
                             attachments: list[Attachment] | None = None, subtask: str | None = None,
                             on: date | None = None, expected_version: int | None = None) -> SupervisedItem:
        """报送进展; ``attachments``: its files (uploads, stored files or cited hashes, see
        ``duban.application.evidence``), stored before the report is saved."""
        files = self._attachments(attachments, actor)
        return self._item_change(
            "report_item_progress", item, actor, on,
            lambda i, d: i.report_progress(percent, text, files, d, actor, subtask=subtask), expected_version)

    def complete_subtask(self, item: UUID, subtask: str, summary: str, actor: Actor, on: date | None = None,
                         expected_version: int | None = None):
        return self._item_change("complete_subtask", item, actor, on,
                                 lambda i, d: i.complete_subtask(subtask, summary, d, actor), expected_version)

    def request_extension(self, item: UUID, new_deadline: date, reasons: str, actor: Actor,
                          on: date | None = None,
                          expected_version: int | None = None) -> SupervisedItem:
        return self._item_change("request_extension", item, actor, on,
                                 lambda i, d: i.request_extension(new_deadline, reasons, d, actor), expected_version)

    def decide_extension(self, item: UUID, grant: bool, note: str, actor: Actor, new_deadline: date | None = None,
                         on: date | None = None,
                         expected_version: int | None = None) -> SupervisedItem:
        def change(i: SupervisedItem, d: date) -> None:
            self._require_leader_for(i, actor, d, "审批延期申请")
            i.decide_extension(grant, note, d, actor, new_deadline=new_deadline)
        return self._item_change("decide_extension", item, actor, on, change, expected_version)

    def report_cannot_implement(self, item: UUID, reasons: str, actor: Actor, on: date | None = None,
                                expected_version: int | None = None):
        return self._item_change("report_cannot_implement", item, actor, on,
                                 lambda i, d: i.report_cannot_implement(reasons, d, actor), expected_version)

    def decide_cannot_implement(self, item: UUID, accept: bool, note: str, actor: Actor, on: date | None = None,
                                expected_version: int | None = None):
        return self._item_change("decide_cannot_implement", item, actor, on,
                                 lambda i, d: i.decide_cannot_implement(accept, note, d, actor), expected_version)

    def record_formal_reply(self, item: UUID, text: str, actor: Actor, on: date | None = None,
                            expected_version: int | None = None):
        return self._item_change("record_formal_reply", item, actor, on,
                                 lambda i, d: i.record_formal_reply(text, d, actor), expected_version)

    def record_satisfaction(self, item: UUID, satisfaction: Satisfaction, actor: Actor, comment: str = "",
                            on: date | None = None,
                            expected_version: int | None = None):
        return self._item_change("record_satisfaction", item, actor, on,
                                 lambda i, d: i.record_satisfaction(satisfaction, comment, d, actor), expected_version)

    def report_completion(self, item: UUID, summary: str, actor: Actor, attachments: list[Attachment] | None = None,
                          on: date | None = None, expected_version: int | None = None):
        """报告办结 with its evidence files, e.g. ``attachments=[Upload("验收照片.jpg", content)]``: the
        files are judged by their content, stored, then cited by the report (one call)."""
        files = self._attachments(attachments, actor)
        return self._item_change("report_completion", item, actor, on,
                                 lambda i, d: i.report_completion(summary, files, d, actor), expected_version)

    def sign_off_item(self, item: UUID, actor: Actor, note: str = "", on: date | None = None,
                      expected_version: int | None = None, attachments: list[Attachment] | None = None):
        """检查复核后办结销号, with the office's files of the check (核验材料), if any."""
        files = self._attachments(attachments, actor)
        return self._item_change("sign_off_item", item, actor, on,
                                 lambda i, d: i.sign_off(note, d, actor, attachments=files), expected_version)

    def send_back_item(self, item: UUID, reasons: str, actor: Actor, on: date | None = None,
                       expected_version: int | None = None, attachments: list[Attachment] | None = None):
        files = self._attachments(attachments, actor)
        return self._item_change("send_back_item", item, actor, on,
                                 lambda i, d: i.send_back(reasons, d, actor, attachments=files), expected_version)

    # -- escalation ---------------------------------------------------------------------------
    def urge_item(self, item: UUID, note: str, actor: Actor, unit: UUID | None = None, on: date | None = None,
                  expected_version: int | None = None):
        return self._item_change("urge_item", item, actor, on, lambda i, d: i.urge(note, d, actor, unit=unit),
                                 expected_version)

    def criticise_item(self, item: UUID, note: str, actor: Actor, document: str = "", unit: UUID | None = None,
                       on: date | None = None,
                       expected_version: int | None = None):
        return self._item_change("criticise_item", item, actor, on,
                                 lambda i, d: i.criticise(note, document, d, actor, unit=unit), expected_version)

    def record_interview(self, item: UUID, held_by: str, interviewee: str, actor: Actor, note: str = "",
                         leader: UUID | None = None, unit: UUID | None = None, on: date | None = None,
                         expected_version: int | None = None):
        def change(i: SupervisedItem, d: date) -> None:
            if leader is not None:
                self._leader(leader, actor)
            if unit is None:  # a leader interviews only in their portfolio (or covering, AB角)
                self._require_leader_for(i, actor, d, "登记约谈")
            else:
                self._require_leader_of_unit(unit, actor, d, "登记约谈")
            i.record_interview(held_by, interviewee, note, d, actor, unit=unit, leader=leader)
        return self._item_change("record_interview", item, actor, on, change, expected_version)

    def propose_referral(self, item: UUID, reasons: str, actor: Actor, on: date | None = None,
                         expected_version: int | None = None):
        return self._item_change("propose_referral", item, actor, on,
                                 lambda i, d: i.propose_referral(reasons, d, actor), expected_version)

    def decide_referral(self, item: UUID, approve: bool, note: str, actor: Actor, on: date | None = None,
                        expected_version: int | None = None):
        def change(i: SupervisedItem, d: date) -> None:
            self._require_leader_for(i, actor, d, "审批移交纪检监察")
            i.decide_referral(approve, note, d, actor)
        return self._item_change("decide_referral", item, actor, on, change, expected_version)

    def commend_item(self, item: UUID, note: str, actor: Actor, unit: UUID | None = None, on: date | None = None,
                     expected_version: int | None = None):
        return self._item_change("commend_item", item, actor, on, lambda i, d: i.commend(note, d, actor, unit=unit),
                                 expected_version)

    def _require_leader_for(self, item: SupervisedItem, actor: Actor, day: date, doing: str) -> None:
        if actor.role is Role.LEADER and item.lead_unit is None:
            raise RuleViolation("item.not_assigned", "督办事项尚未交办。")
        self._require_leader_of_unit(item.lead_unit, actor, day, doing)

    def _require_leader_of_unit(self, unit: UUID | None, actor: Actor, day: date, doing: str) -> None:
        """A leader decides only for units in their portfolio that day (or covering, AB角); the
        district head decides for all."""
        if actor.role is not Role.LEADER:
            return
        if actor.leader is None:
            raise InvalidInput("actor.leader_required", "领导用户须关联领导岗位。", field="leader")
        leader = self._leader(actor.leader, actor)
        if not leader.active:
            raise NotAllowed("leader.left", f"该领导岗位已于{leader.left_on}撤销，不能{doing}。")
        if leader.title is LeaderTitle.DISTRICT_HEAD:
            return
        roster = self.roster(actor.district)
        in_charge = roster.leader_in_charge(unit, day)
        acting, _ = roster.acting_leader(unit, day)
        if actor.leader not in (in_charge, acting):
            raise NotAllowed("leader.not_in_charge", f"该单位不在您的分管范围内，不能{doing}。")
