"""The escalation ladder's commands (催办 → 通报批评 → 约谈 → 移交纪检监察), shared by supervised
items and rectification tasks.

Each aggregate mixes in :class:`EscalationLadder` and declares its own event classes as
subclasses of the ones here (``class Urged(EscalationLadder.Urged): pass``), so events keep the
aggregate's name (``SupervisedItem.Urged``, ``RectificationTask.Urged``).  The aggregate
supplies ``_require_open()``, ``_escalation_target(unit)`` and the counters set in its
constructor (``urges``, ``last_urged_on``, ``criticisms``, ``interviews``, ``referral``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor, Role
from domain.base import DistrictAggregate
from domain.errors import require, require_input


class EscalationLadder:
    class Urged(DistrictAggregate.Event):
        unit: UUID
        note: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.urges += 1
            aggregate.last_urged_on = self.on

    class Criticised(DistrictAggregate.Event):
        unit: UUID
        note: str
        document: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.criticisms += 1

    class Interviewed(DistrictAggregate.Event):
        unit: UUID
        held_by: str
        leader: UUID | None
        interviewee: str
        note: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.interviews += 1

    class ReferralProposed(DistrictAggregate.Event):
        reasons: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.referral = "proposed"

    class ReferralApproved(DistrictAggregate.Event):
        note: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.referral = "approved"

    class ReferralDeclined(DistrictAggregate.Event):
        note: str
        on: date
        actor: dict

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            aggregate.referral = "declined"

    # -- commands ---------------------------------------------------------------------------
    def urge(self, note: str, on: date, actor: Actor, unit: UUID | None = None) -> None:
        """催办.  The system may urge too, when the office has turned automatic urging on."""
        actor.must_be(Role.OFFICE, Role.SYSTEM, doing="催办")
        self._require_open()
        target = self._escalation_target(unit)
        self.trigger_event(type(self).Urged, unit=target, note=note or "", on=on, actor=actor.as_record())

    def criticise(self, note: str, document: str, on: date, actor: Actor, unit: UUID | None = None) -> None:
        """通报批评."""
        actor.must_be(Role.OFFICE, doing="通报批评")
        self._require_open()
        target = self._escalation_target(unit)
        require_input(note and note.strip(), "criticism.note_required", "请填写通报批评的事由。", field="note")
        self.trigger_event(type(self).Criticised, unit=target, note=note.strip(), document=document or "", on=on,
                           actor=actor.as_record())

    def record_interview(self, held_by: str, interviewee: str, note: str, on: date, actor: Actor,
                         unit: UUID | None = None, leader: UUID | None = None) -> None:
        """约谈: the leader in charge or the office interviews the unit's head; records who held it."""
        actor.must_be(Role.OFFICE, Role.LEADER, doing="登记约谈")
        self._require_open()
        target = self._escalation_target(unit)
        require_input(held_by and held_by.strip(), "interview.held_by_required", "请填写约谈人。", field="held_by")
        require_input(interviewee and interviewee.strip(), "interview.interviewee_required", "请填写被约谈人（职务）。",
                      field="interviewee")
        self.trigger_event(type(self).Interviewed, unit=target, held_by=held_by.strip(), leader=leader,
                           interviewee=interviewee.strip(), note=note or "", on=on, actor=actor.as_record())

    def propose_referral(self, reasons: str, on: date, actor: Actor) -> None:
        """移交纪检监察 — proposed by the office for serious cases ("问题严重、影响恶劣的")."""
        actor.must_be(Role.OFFICE, doing="提出移交纪检监察")
        self._require_open()
        self._escalation_target(None)
        require(self.referral not in ("proposed", "approved"), "referral.already",
                "已提出移交纪检监察。" if self.referral == "proposed" else "已移交纪检监察。")
        require_input(reasons and reasons.strip(), "referral.reasons_required", "请说明移交理由。", field="reasons")
        self.trigger_event(type(self).ReferralProposed, reasons=reasons.strip(), on=on, actor=actor.as_record())

    def decide_referral(self, approve: bool, note: str, on: date, actor: Actor) -> None:
        """A leader approves or declines the office's referral proposal."""
        actor.must_be(Role.LEADER, doing="审批移交纪检监察")
        require(self.referral == "proposed", "referral.none_pending", "没有待审批的移交建议。")
        if approve:
            self.trigger_event(type(self).ReferralApproved, note=note or "", on=on, actor=actor.as_record())
        else:
            require_input(note and note.strip(), "referral.decline_reason_required", "不同意移交时请说明理由。", field="note")
            self.trigger_event(type(self).ReferralDeclined, note=note.strip(), on=on, actor=actor.as_record())
