"""Three-colour warning (三色预警) over the open ledger.

Every open entry — supervised item, sub-task, rectification task, supervision notice — gets one
colour and the rule that set it, checked in this order (the first that holds wins):

* red ``red.overdue`` — past its deadline while still due (working days overdue > 0);
* yellow ``yellow.report_missed`` — a monthly report (按月专报) was missed;
* yellow ``yellow.sent_back`` — a completion or rectification report was sent back;
* yellow ``yellow.behind_schedule`` — still due, and progress is more than ``behind_threshold``
  points below the share of working time elapsed (opened_on → today over opened_on → deadline);
  notices carry no progress and are not judged on it;
* blue ``blue.due_soon`` — still due, deadline within ``due_soon_days`` working days;
* otherwise no colour.

The pace rules (behind schedule, due soon) apply only while the entry is still due, i.e. the
ball is with the unit; an entry waiting on the office's verification is not "behind".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.calendar import WorkingDayCalendar
from projections.ledger import ALL_KINDS, LedgerQueries, LedgerRow


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警", "none": "无预警"}[self.value]


@dataclass(frozen=True)
class WarningRules:
    due_soon_days: int = 5  # blue: deadline within this many working days
    behind_threshold: int = 30  # yellow: progress this many points below the share of time elapsed


@dataclass(frozen=True)
class ColourWarning:
    colour: Colour
    rule: str | None  # e.g. "red.overdue"; None when no colour
    reason: str  # plain Chinese, e.g. "已逾期3个工作日"


NO_WARNING = ColourWarning(Colour.NONE, None, "")


@dataclass(frozen=True)
class WarnedRow:
    """A ledger row with its warning."""

    row: LedgerRow
    warning: ColourWarning

    @property
    def colour(self) -> Colour:
        return self.warning.colour


@dataclass
class ColourTally:
    """Open entries per colour for one unit or one leader."""

    key: str  # unit or leader id (hex); "" for entries without one
    name: str
    counts: Counter = field(default_factory=Counter)

    @property
    def red(self) -> int:
        return self.counts[Colour.RED]

    @property
    def yellow(self) -> int:
        return self.counts[Colour.YELLOW]

    @property
    def blue(self) -> int:
        return self.counts[Colour.BLUE]

    @property
    def none(self) -> int:
        return self.counts[Colour.NONE]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def warning_for(row: LedgerRow, today: date, calendar: WorkingDayCalendar,
                rules: WarningRules = WarningRules()) -> ColourWarning:
    """The colour of one ledger row on ``today`` (closed entries get no colour)."""
    if not row.is_open:
        return NO_WARNING
    if row.working_days_overdue > 0:
        return ColourWarning(Colour.RED, "red.overdue", f"已逾期{row.working_days_overdue}个工作日")
    if row.reports_missed > 0:
        return ColourWarning(Colour.YELLOW, "yellow.report_missed", f"未按月报送办理进展{row.reports_missed}次")
    if row.times_sent_back > 0:
        what = "整改核验未通过" if row.kind == "rectification" else "办结报告被退回"
        return ColourWarning(Colour.YELLOW, "yellow.sent_back", f"{what}{row.times_sent_back}次")
    if not row.is_still_due or row.deadline is None or today > row.deadline:
        return NO_WARNING
    if row.kind != "notice" and row.opened_on is not None:
        total = calendar.working_days_between(row.opened_on, row.deadline)
        if total > 0:
            elapsed = min(calendar.working_days_between(row.opened_on, today), total)
            # progress < elapsed/total*100 - threshold, in whole numbers
            if row.progress * total < elapsed * 100 - rules.behind_threshold * total:
                return ColourWarning(Colour.YELLOW, "yellow.behind_schedule",
                                f"进度{row.progress}%，时限已过{round(elapsed * 100 / total)}%")
    left = calendar.working_days_between(today, row.deadline)
    if left <= rules.due_soon_days:
        return ColourWarning(Colour.BLUE, "blue.due_soon",
                        "今日到期" if left == 0 else f"距办理时限还有{left}个工作日")
    return NO_WARNING


class WarningQueries:
    """Three-colour warnings on the open ledger; call ``ReadSide.catch_up()`` first."""

    def __init__(self, ledger: LedgerQueries, rules: WarningRules = WarningRules()) -> None:
        self.ledger = ledger
        self.rules = rules

    def rows(self, district: str, today: date, *, as_of: date | None = None,
             kinds: tuple[str, ...] = ALL_KINDS, **filters) -> list[WarnedRow]:
        """Every open entry with its warning, judged on ``as_of`` (or ``today``); ``filters`` as for
        :meth:`LedgerQueries.rows` (unit, leader, status, source, period, sort)."""
        day = as_of or today
        rows = self.ledger.rows(district, today, as_of=as_of, kinds=kinds, open_only=True, **filters)
        return [WarnedRow(r, warning_for(r, day, self.ledger.calendar, self.rules)) for r in rows]

    def by_unit(self, district: str, today: date, **options) -> dict[str, ColourTally]:
        """Open entries per colour for each lead unit (a sub-task counts for its own unit)."""
        return self._tally(self.rows(district, today, **options), lambda r: (r.lead_unit_id or "", r.lead_unit))

    def by_leader(self, district: str, today: date, **options) -> dict[str, ColourTally]:
        """Open entries per colour for each leader in charge of the lead unit on the query day."""
        return self._tally(self.rows(district, today, **options), lambda r: (r.leader_id or "", r.leader))

    @staticmethod
    def _tally(warned: list[WarnedRow], key) -> dict[str, ColourTally]:
        tallies: dict[str, ColourTally] = {}
        for w in warned:
            ident, name = key(w.row)
            tallies.setdefault(ident, ColourTally(ident, name)).counts[w.colour] += 1
        return tallies
