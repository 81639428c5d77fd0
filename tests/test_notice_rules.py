"""A supervision notice's own rules (督办通知), given–when–then on the aggregate (``domain_harness``: no
store, no service): replies task by task after acknowledgement, the office's review of each reply,
and closing only when every task's reply was accepted.

What the service adds — the reply deadline in working days, numbering, districts, the files a reply
cites stored beside the events, a fresh service reading the closed notice back — stays in
tests/test_notices.py.
"""

from __future__ import annotations

import uuid
from datetime import date

from domain.actor import Actor, Role
from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.evidence import PNG
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from domain_harness import event, given, when

DISTRICT = "420105"
MAR2, MAR5 = date(2026, 3, 2), date(2026, 3, 5)
U01, U02 = (uuid.uuid5(uuid.NAMESPACE_URL, f"duban-test-unit-{code}") for code in ("U01", "U02"))
ITEM = uuid.uuid5(uuid.NAMESPACE_URL, "duban-test-item-1")
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)
PHOTO = [{"name": "照片.png", "size": 2048, "content_type": PNG, "sha256": "cd" * 32}]


def clerk(unit: uuid.UUID) -> Actor:
    return Actor(user=f"clerk-{unit.hex[:4]}", role=Role.UNIT, district=DISTRICT, unit=unit)


CLERK, OTHER = clerk(U01), clerk(U02)


def acknowledged() -> SupervisionNotice:
    """督办通知 to U01 about an item, issued on 2 March with tasks T1 (due 20 March) and T2 (30 April),
    acknowledged by U01."""
    notice = SupervisionNotice.issue(
        year=2026, number=1, unit=U01, subject_kind="item", subject_id=ITEM, title="关于加快背街小巷整治的督办通知",
        tasks=[{"task": "任务1", "responsible": "责任人1", "deadline": date(2026, 3, 20)},
               {"task": "任务2", "responsible": "责任人2", "deadline": date(2026, 4, 30)}],
        reply_deadline=date(2026, 3, 11), reply_deadline_estimated=False, on=MAR2, actor=OFFICE)
    return given(notice, lambda n: n.acknowledge(MAR2, CLERK))


def reply(task: str, text: str = "已清理占道12处", actor: Actor = CLERK, attachments: list | None = None):
    return lambda notice: notice.reply(task, text, attachments, MAR5, actor)


def review(task: str, accept: bool, note: str = "", actor: Actor = OFFICE):
    return lambda notice: notice.review_reply(task, accept, note, MAR5, actor)


def close(actor: Actor = OFFICE):
    return lambda notice: notice.close("办结", MAR5, actor)


def states(notice: SupervisionNotice) -> dict[str, str]:
    return {key: task["state"] for key, task in notice.tasks.items()}


def test_replies_come_task_by_task_from_the_recipient():
    notice = acknowledged()
    when(notice, reply("T1", actor=OTHER)).refused("notice.other_unit", NotAllowed)
    when(notice, reply("T1", actor=OFFICE)).refused("role.not_allowed", NotAllowed)
    when(notice, reply("T9")).refused("notice.unknown_task", InvalidInput, field="task")
    when(notice, reply("T1", text=" ")).refused("notice.reply_required", InvalidInput, field="text")
    replied = when(notice, reply("T1", attachments=PHOTO)).then(
        event("Replied", task="T1", text="已清理占道12处", attachments=PHOTO, on=MAR5))
    assert states(replied) == {"T1": "replied", "T2": "open"}
    assert replied.tasks["T1"]["reply"] == {"text": "已清理占道12处", "on": MAR5}
    when(replied, reply("T1", text="再报")).refused("notice.task_not_open", RuleViolation)


def test_the_office_reviews_each_reply_and_a_rejected_task_is_answered_again():
    replied = given(acknowledged(), reply("T1"), reply("T2", "机制已建立"))
    when(replied, review("T2", True, actor=CLERK)).refused("role.not_allowed", NotAllowed)
    when(replied, review("T2", False, note=" ")).refused("notice.reject_reason_required", InvalidInput, field="note")
    reviewed = given(replied, review("T1", True))
    reviewed = when(reviewed, review("T2", False, note="缺少制度文件")).then("ReplyRejected", task="T2", note="缺少制度文件")
    assert states(reviewed) == {"T1": TaskState.ACCEPTED.value, "T2": TaskState.REJECTED.value}
    when(reviewed, review("T2", True)).refused("notice.no_reply", RuleViolation)
    when(reviewed, reply("T1", "再报")).refused("notice.task_not_open", RuleViolation)
    again = when(reviewed, reply("T2", "附制度文件")).then("Replied", task="T2")
    assert when(again, review("T2", True)).then("ReplyAccepted", task="T2").tasks["T2"]["state"] == "accepted"


def test_a_notice_closes_only_when_every_reply_was_accepted_and_then_stays_closed():
    part = given(acknowledged(), reply("T1"), reply("T2"), review("T1", True))
    when(part, close()).refused("notice.tasks_pending", RuleViolation)
    done = given(part, review("T2", True))
    when(done, close(CLERK)).refused("role.not_allowed", NotAllowed)
    closed = when(done, close()).then("Closed", note="办结", on=MAR5)
    assert (closed.status, closed.closed_on) == (NoticeStatus.CLOSED, MAR5)
    when(closed, close()).refused("notice.closed", RuleViolation)
    when(closed, review("T1", True)).refused("notice.closed", RuleViolation)
