"""Default deadlines (办理时限) from the rules, in working days where a rule counts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingDayCalendar
from domain.errors import InvalidInput
from domain.sources import SourceKind

NOTICE_REPLY_WORKING_DAYS = 7  # 书面回复: 7 working days (Huarong rules art. 54)


@dataclass(frozen=True)
class Deadline:
    day: date
    basis: str  # explicit | meeting_one_month | proposal_three_months | working_days:N
    estimated: bool = False  # a day counted had no official calendar data (Mon–Fri fallback)

    @property
    def basis_label(self) -> str:
        return deadline_basis_label(self.basis)


def deadline_basis_label(basis: str) -> str:
    """Why a deadline is what it is (时限依据), in plain words."""
    if basis.startswith("working_days:"):
        return f"决策后{basis.split(':', 1)[1]}个工作日"
    return {
        "explicit": "决策明确的办理时限",
        "meeting_one_month": "会议议定事项未明确时限，按会议后一个月确定（遇节假日顺延）",
        "proposal_three_months": "建议提案按交办后三个月确定（遇节假日顺延）",
        "extension": "经批准延期后的时限",
    }.get(basis, basis)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


COUNTED_BASES = ("working_days:", "meeting_one_month", "proposal_three_months")
NOTICE_REPLY_BASIS = f"working_days:{NOTICE_REPLY_WORKING_DAYS}"


def is_counted(basis: str) -> bool:
    """Whether a deadline of this basis is counted on the calendar (not an explicit date from the
    decision, not a day granted by an extension): only those can rest on an estimate."""
    return basis.startswith(COUNTED_BASES)


def counted_deadline(calendar: WorkingDayCalendar, basis: str, start: date) -> Deadline | None:
    """The deadline rule ``basis`` gives when counted from ``start`` (the decision date, the day a
    notice was issued) on ``calendar`` (按规则计算时限): N working days after it, or one or three
    months after it moved to the next working day.  None for a basis that is not counted
    (``explicit``, ``extension``): those days stand as given."""
    if basis.startswith("working_days:"):
        answer = calendar.add_working_days(start, int(basis.split(":", 1)[1]))
    elif basis == "meeting_one_month":
        answer = calendar.next_working_day_on_or_after(add_months(start, 1))
    elif basis == "proposal_three_months":
        answer = calendar.next_working_day_on_or_after(add_months(start, 3))
    else:
        return None
    return Deadline(answer.day, basis, answer.estimated)


def item_deadline(
    calendar: WorkingDayCalendar, source: SourceKind, decision_date: date,
    explicit: date | None = None, working_days: int | None = None,
) -> Deadline:
    """The deadline of a new item.

    - an explicit deadline from the decision wins;
    - ``working_days`` counts working days after the decision date;
    - a meeting decision without one is due one month after the meeting (EM art. 15),
      moved to the next working day when that day is a holiday;
    - deputies' suggestions and members' proposals are answered within three months of
      the decision (交办) (限时办结, WR art. 31), likewise moved to a working day;
    - any other source must state its deadline.
    """
    if explicit is not None:
        return Deadline(explicit, "explicit")
    if working_days is not None:
        if working_days <= 0:
            raise InvalidInput("deadline.bad_working_days", "工作日数应为正整数。", field="working_days")
        basis = f"working_days:{working_days}"
    elif source.is_meeting:
        basis = "meeting_one_month"
    elif source.needs_formal_reply:
        basis = "proposal_three_months"
    else:
        raise InvalidInput("deadline.required", f"来源为“{source.label}”的事项须填写办理时限。", field="deadline")
    counted = counted_deadline(calendar, basis, decision_date)
    assert counted is not None
    return counted


def notice_reply_deadline(calendar: WorkingDayCalendar, issued_on: date) -> Deadline:
    counted = counted_deadline(calendar, NOTICE_REPLY_BASIS, issued_on)
    assert counted is not None
    return counted
