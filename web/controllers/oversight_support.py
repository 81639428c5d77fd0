"""What the 督查室's notice, rectification and inspection pages share: unit and leader choices,
form readers, and a notice's state at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence, TypeVar
from uuid import UUID

from domain.labels import Labelled
from domain.notice import NoticeStatus, SupervisionNotice, TaskState
from projections.ledger import LedgerRow
from web.context import Reads
from web.forms import Form

E = TypeVar("E", bound=Labelled)


def unit_options(reads: Reads, district: str, only: Sequence[UUID] | None = None,
                 retired_too: bool = False) -> list[tuple[str, str]]:
    """(hex, name) of the active units (or of ``only``, or of all with ``retired_too``), for a select."""
    units = reads.directory.units(district)
    if retired_too:
        return [(u.id.hex, u.name if u.active else f"{u.name}（已撤销）") for u in units]
    if only is not None:
        wanted = set(only)
        return [(u.id.hex, u.name) for u in units if u.id in wanted]
    return [(u.id.hex, u.name) for u in units if u.active]


def leader_options(reads: Reads, district: str) -> list[tuple[str, str]]:
    """The district's posts, each as people say it: 副区长张华, or 副区长（分管城建） (never a code)."""
    def words(post) -> str:
        label = post.portfolio_label
        if not label or label == post.title.label:
            return post.title.label
        return label if label.startswith(post.title.label) else f"{post.title.label}（{label}）"
    return [(l.id.hex, words(l)) for l in reads.directory.leaders(district) if l.active]


def enum_options(kind: type[E], members: Sequence[E] | None = None) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in (members if members is not None else list(kind))]


def optional_choice(form: Form, name: str, label: str, kind: type[E]) -> E | None:
    return form.choice(name, label, kind) if form.data.get(name) else None


def page_number(value: Any) -> int:
    try:
        return max(int(str(value)), 1)
    except ValueError:
        return 1


@dataclass(frozen=True)
class NoticeState:
    """A notice at a glance: tasks replied, accepted, late."""

    total: int
    awaiting_review: int
    accepted: int
    reply_overdue: bool  # past the reply deadline with some task unanswered (or sent back)
    overdue_tasks: tuple[str, ...]  # past their own deadline, not accepted, not answered in time

    @property
    def all_accepted(self) -> bool:
        return self.accepted == self.total


def notice_state(notice: SupervisionNotice, today: date) -> NoticeState:
    tasks = [{"key": t["key"], "deadline": t["deadline"], "state": t["state"],
              "reply_on": t["reply"]["on"] if t["reply"] else None} for t in notice.tasks.values()]
    return tasks_state(notice.status is not NoticeStatus.CLOSED, notice.reply_deadline, tasks, today)


def row_notice_state(row: LedgerRow, today: date) -> NoticeState:
    """The same glance at a notice from its ledger row (the notices list reads no notice records)."""
    tasks = [{**t, "deadline": date.fromisoformat(t["deadline"]),
              "reply_on": date.fromisoformat(t["reply_on"]) if t["reply_on"] else None} for t in row.tasks]
    return tasks_state(row.status != NoticeStatus.CLOSED.value, row.deadline, tasks, today)


def tasks_state(open_notice: bool, reply_deadline: date, tasks: list[dict], today: date) -> NoticeState:
    """Each task: key, deadline, state, reply_on (the day of its latest reply)."""
    unanswered = [t for t in tasks if t["state"] in (TaskState.OPEN.value, TaskState.REJECTED.value)]
    late: list[str] = []
    for t in tasks:
        answered_in_time = t["state"] == TaskState.REPLIED.value and t["reply_on"] <= t["deadline"]
        if open_notice and today > t["deadline"] and t["state"] != TaskState.ACCEPTED.value and not answered_in_time:
            late.append(t["key"])
    return NoticeState(
        total=len(tasks),
        awaiting_review=sum(t["state"] == TaskState.REPLIED.value for t in tasks),
        accepted=sum(t["state"] == TaskState.ACCEPTED.value for t in tasks),
        reply_overdue=open_notice and today > reply_deadline and bool(unanswered),
        overdue_tasks=tuple(late),
    )


