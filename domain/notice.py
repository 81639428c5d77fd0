"""Supervision notice (督办通知, WR art. 61): a formal notice to one unit with a task list, a
responsibility list and a deadline list (任务清单、责任清单、时限清单), answered in writing, task
by task, by a reply deadline (7 working days by default, Huarong rules art. 54)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain.labels import Labelled
from domain.actor import Actor, Role
from domain.attachments import clean_attachments
from domain.base import DistrictAggregate, stable_id
from domain.deadlines import NOTICE_REPLY_BASIS, Deadline
from domain.errors import NotAllowed, require, require_input


class NoticeStatus(Labelled):
    ISSUED = "issued", "已下发"
    ACKNOWLEDGED = "acknowledged", "已签收"
    CLOSED = "closed", "已办结"


class TaskState(Labelled):
    OPEN = "open", "待答复"
    REPLIED = "replied", "待审核"  # 已答复待审核
    ACCEPTED = "accepted", "已通过"  # 答复通过
    REJECTED = "rejected", "已退回"  # 答复退回


def notice_number_label(year: int, number: int) -> str:
    return f"督通〔{year}〕{number}号"


class SupervisionNotice(DistrictAggregate):
    """督办通知."""

    label = "督办通知"

    @staticmethod
    def id_for(district: str, year: int, number: int) -> UUID:
        return stable_id(district, "notice", year, number)

    @classmethod
    def issue(
        cls, *, year: int, number: int, unit: UUID, subject_kind: str, subject_id: UUID, title: str,
        tasks: list[dict], reply_deadline: date, reply_deadline_estimated: bool, on: date, actor: Actor,
    ) -> "SupervisionNotice":
        actor.must_be(Role.OFFICE, doing="下发督办通知")
        require_input(subject_kind in ("item", "rectification"), "notice.bad_subject", "督办通知须针对督办事项或整改任务。")
        require_input(title and title.strip(), "notice.title_required", "请填写通知标题。", field="title")
        require_input(tasks, "notice.tasks_required", "督办通知须列明任务清单。", field="tasks")
        cleaned = []
        for i, task in enumerate(tasks, start=1):
            text = str(task.get("task", "")).strip()
            person = str(task.get("responsible", "")).strip()
            deadline = task.get("deadline")
            require_input(text, "notice.task_required", f"第{i}项任务缺少内容。", field="tasks")
            require_input(person, "notice.responsible_required", f"第{i}项任务缺少责任人（责任清单）。", field="tasks")
            require_input(isinstance(deadline, date) and deadline > on, "notice.task_deadline",
                          f"第{i}项任务的时限须晚于下发日期（时限清单）。", field="tasks")
            cleaned.append({"key": f"T{i}", "task": text, "responsible": person, "deadline": deadline})
        require_input(reply_deadline > on, "notice.reply_deadline", "书面回复时限须晚于下发日期。", field="reply_deadline")
        return cls(
            id=cls.id_for(actor.district, year, number), district=actor.district, year=year, number=number,
            unit=unit, subject_kind=subject_kind, subject_id=subject_id, title=title.strip(), tasks=cleaned,
            reply_deadline=reply_deadline, reply_deadline_estimated=reply_deadline_estimated, on=on,
            actor=actor.as_record(),
        )

    @event("Issued")
    def __init__(self, id: UUID, district: str, year: int, number: int, unit: UUID, subject_kind: str,
                 subject_id: UUID, title: str, tasks: list[dict], reply_deadline: date,
                 reply_deadline_estimated: bool, on: date, actor: dict) -> None:
        self.district = district
        self.year = year
        self.number = number
        self.unit = unit
        self.subject_kind = subject_kind
        self.subject_id = subject_id
        self.title = title
        self.tasks = {t["key"]: {**t, "state": TaskState.OPEN.value, "reply": None, "first_replied_on": None}
                      for t in tasks}
        self.reply_deadline = reply_deadline
        self.reply_deadline_estimated = reply_deadline_estimated
        self.issued_on = on
        self.status = NoticeStatus.ISSUED
        self.acknowledged_on: date | None = None
        self.closed_on: date | None = None
        self.reply_overdue_recorded = False
        self.reply_overdue_on: date | None = None  # the day the reply became overdue (发生日期)
        self.overdue_tasks: list[str] = []

    @property
    def number_label(self) -> str:
        return notice_number_label(self.year, self.number)

    def _require_recipient(self, actor: Actor, doing: str) -> None:
        actor.must_be(Role.UNIT, doing=doing)
        if actor.unit != self.unit:
            raise NotAllowed("notice.other_unit", f"督办通知{self.number_label}不是下发给贵单位的。")

    def _require_open(self) -> None:
        require(self.status is not NoticeStatus.CLOSED, "notice.closed", f"督办通知{self.number_label}已办结。")

    def _task(self, key: str) -> dict:
        require_input(key in self.tasks, "notice.unknown_task", f"通知中没有任务“{key}”。", field="task")
        return self.tasks[key]

    def acknowledge(self, on: date, actor: Actor) -> None:
        self._require_recipient(actor, "签收督办通知")
        self._require_open()
        require(self.status is NoticeStatus.ISSUED, "notice.already_acknowledged", "督办通知已签收。")
        self._acknowledged(on=on, actor=actor.as_record())

    @event("Acknowledged")
    def _acknowledged(self, on: date, actor: dict) -> None:
        self.status = NoticeStatus.ACKNOWLEDGED
        self.acknowledged_on = on

    def reply(self, task: str, text: str, attachments: list[dict] | None, on: date, actor: Actor) -> None:
        """书面回复, one task at a time."""
        self._require_recipient(actor, "回复督办通知")
        self._require_open()
        require(self.status is NoticeStatus.ACKNOWLEDGED, "notice.not_acknowledged", "请先签收督办通知再回复。")
        state = TaskState(self._task(task)["state"])
        require(state in (TaskState.OPEN, TaskState.REJECTED), "notice.task_not_open",
                f"任务{task}当前为“{state.label}”，不能再回复。")
        require_input(text and text.strip(), "notice.reply_required", "请填写回复内容。", field="text")
        self._replied(task=task, text=text.strip(), attachments=clean_attachments(attachments), on=on, actor=actor.as_record())

    @event("Replied")
    def _replied(self, task: str, text: str, attachments: list[dict], on: date, actor: dict) -> None:
        self.tasks[task]["state"] = TaskState.REPLIED.value
        self.tasks[task]["reply"] = {"text": text, "on": on}
        if self.tasks[task]["first_replied_on"] is None:
            self.tasks[task]["first_replied_on"] = on

    def review_reply(self, task: str, accept: bool, note: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.OFFICE, doing="审核督办通知回复")
        self._require_open()
        require(self._task(task)["state"] == TaskState.REPLIED.value, "notice.no_reply", f"任务{task}没有待审核的回复。")
        if accept:
            self._reply_accepted(task=task, note=note or "", on=on, actor=actor.as_record())
        else:
            require_input(note and note.strip(), "notice.reject_reason_required", "退回回复时请说明理由。", field="note")
            self._reply_rejected(task=task, note=note.strip(), on=on, actor=actor.as_record())

    @event("ReplyAccepted")
    def _reply_accepted(self, task: str, note: str, on: date, actor: dict) -> None:
        self.tasks[task]["state"] = TaskState.ACCEPTED.value

    @event("ReplyRejected")
    def _reply_rejected(self, task: str, note: str, on: date, actor: dict) -> None:
        self.tasks[task]["state"] = TaskState.REJECTED.value

    def close(self, note: str, on: date, actor: Actor) -> None:
        actor.must_be(Role.OFFICE, doing="办结督办通知")
        self._require_open()
        pending = [k for k, t in self.tasks.items() if t["state"] != TaskState.ACCEPTED.value]
        require(not pending, "notice.tasks_pending", f"任务{'、'.join(pending)}的回复尚未审核通过，不能办结。")
        self._closed(note=note or "", on=on, actor=actor.as_record())

    @event("Closed")
    def _closed(self, note: str, on: date, actor: dict) -> None:
        self.status = NoticeStatus.CLOSED
        self.closed_on = on

    # -- facts the deadline watcher records ---------------------------------------------------
    # Each carries the day it happened (``happened_on``, 发生日期): the day after the deadline it
    # missed; ``on`` stays the business date of the watch that recorded it (see SupervisedItem).
    def _unanswered(self, reply_deadline: date) -> list[str]:
        """The tasks without a reply given by ``reply_deadline`` (or whose reply was sent back)."""
        return [k for k, t in self.tasks.items()
                if t["state"] == TaskState.REJECTED.value
                or t["first_replied_on"] is None or t["first_replied_on"] > reply_deadline]

    def record_overdue(self, today: date, actor: Actor) -> int:
        """Reply overdue (逾期未回复) once per notice; each task past its own deadline once.

        Both are judged by the dates of the unit's replies, not by when the watcher happens to run:
        the written reply is late when some task had no reply by the reply deadline (or its reply
        was sent back); a task is overdue when, past its deadline, it is not accepted and not
        answered by that deadline.
        """
        if self.status is NoticeStatus.CLOSED:
            return 0
        recorded = 0
        unanswered = self._unanswered(self.reply_deadline)
        if today > self.reply_deadline and unanswered and not self.reply_overdue_recorded:
            self._reply_overdue(reply_deadline=self.reply_deadline, tasks=unanswered, on=max(today, self.last_on),
                                actor=actor.as_record(), happened_on=self.reply_deadline + timedelta(days=1))
            recorded += 1
        for key, task in self.tasks.items():
            # a reply given by the task's deadline and awaiting review is not the unit's delay
            answered_in_time = task["state"] == TaskState.REPLIED.value and task["reply"]["on"] <= task["deadline"]
            if (today > task["deadline"] and task["state"] != TaskState.ACCEPTED.value and not answered_in_time
                    and key not in self.overdue_tasks):
                self._task_overdue(task=key, deadline=task["deadline"], on=max(today, self.last_on),
                                   actor=actor.as_record(), happened_on=task["deadline"] + timedelta(days=1))
                recorded += 1
        return recorded

    @event("ReplyOverdue")
    def _reply_overdue(self, reply_deadline: date, tasks: list[str], on: date, actor: dict,
                       happened_on: date | None = None) -> None:
        self.reply_overdue_recorded = True
        self.reply_overdue_on = happened_on or on

    @event("TaskOverdue")
    def _task_overdue(self, task: str, deadline: date, on: date, actor: dict, happened_on: date | None = None) -> None:
        self.overdue_tasks.append(task)

    # -- a reply deadline counted on an estimate ------------------------------------------------
    @property
    def reply_deadline_basis(self) -> str | None:
        """The rule an estimated reply deadline was counted by (7 working days after issue); a reply
        deadline the office gave is never estimated."""
        return NOTICE_REPLY_BASIS if self.reply_deadline_estimated else None

    def settle_reply_deadline(self, due: Deadline, on: date, actor: Actor) -> str | None:
        """时限复核 of an estimated reply deadline (see ``SupervisedItem.settle_deadline``): confirmed,
        or corrected with the old and new day; a recorded 逾期未回复 the new day disproves (it happened
        on a day the new deadline had not yet passed, or every task was answered by the new day) is
        withdrawn (``ReplyOverdueWithdrawn``), and the watcher judges the reply again."""
        actor.must_be(Role.SYSTEM, doing="复核估算的书面回复时限")
        if not self.reply_deadline_estimated or due.basis != self.reply_deadline_basis:
            return None
        on = max(on, self.last_on)
        if due.day == self.reply_deadline:
            if due.estimated:
                return None
            self._reply_deadline_confirmed(deadline=self.reply_deadline, basis=due.basis, on=on,
                                           actor=actor.as_record())
            return "confirmed"
        old = self.reply_deadline
        happened = getattr(self, "reply_overdue_on", None) or old + timedelta(days=1)
        disproved = self.reply_overdue_recorded and (happened <= due.day or not self._unanswered(due.day))
        self._reply_deadline_corrected(old_deadline=old, new_deadline=due.day, basis=due.basis,
                                       estimated=due.estimated, on=on, actor=actor.as_record())
        if disproved:
            self._reply_overdue_withdrawn(reply_deadline=old, happened_on=happened, new_deadline=due.day, on=on,
                                          actor=actor.as_record())
        return "corrected"

    @event("ReplyDeadlineConfirmed")
    def _reply_deadline_confirmed(self, deadline: date, basis: str, on: date, actor: dict) -> None:
        self.reply_deadline_estimated = False

    @event("ReplyDeadlineCorrected")
    def _reply_deadline_corrected(self, old_deadline: date, new_deadline: date, basis: str, estimated: bool,
                                  on: date, actor: dict) -> None:
        self.reply_deadline = new_deadline
        self.reply_deadline_estimated = estimated

    @event("ReplyOverdueWithdrawn")
    def _reply_overdue_withdrawn(self, reply_deadline: date, happened_on: date, new_deadline: date, on: date,
                                 actor: dict) -> None:
        self.reply_overdue_recorded = False
        self.reply_overdue_on = None
