"""Three-colour warning (三色预警): the rule, said once as SQL, and its reason in Chinese.

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

The ledger query computes the rule in SQL from the working-day ordinals (``rm_workdays``), so the
ledger can be filtered, counted and grouped by colour in the database; this module also turns a
row's rule and working-day figures into the reason shown to people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
RULES = ("red.overdue", "yellow.report_missed", "yellow.sent_back", "yellow.behind_schedule", "blue.due_soon")


def rule_sql(*, day: str, today_ordinal: str, deadline_ordinal: str, opened_ordinal: str, overdue: str,
             rules: WarningRules) -> str:
    """The SQL CASE giving an entry's rule id (NULL: no colour).  ``day`` is the placeholder or
    expression of the day judged on; the others are SQL expressions over the ledger row ``l``."""
    total = f"({deadline_ordinal} - {opened_ordinal})"
    elapsed = f"(CASE WHEN {today_ordinal} - {opened_ordinal} < {total} THEN {today_ordinal} - {opened_ordinal} ELSE {total} END)"
    return (
        "CASE WHEN l.closed_on IS NOT NULL THEN NULL"
        f" WHEN {overdue} > 0 THEN 'red.overdue'"
        " WHEN l.reports_missed > 0 THEN 'yellow.report_missed'"
        " WHEN l.times_sent_back > 0 THEN 'yellow.sent_back'"
        f" WHEN l.still_due = 0 OR l.deadline IS NULL OR {day} > l.deadline THEN NULL"
        f" WHEN l.kind <> 'notice' AND {opened_ordinal} IS NOT NULL AND {total} > 0"
        f" AND l.progress * {total} < {elapsed} * 100 - {int(rules.behind_threshold)} * {total}"
        " THEN 'yellow.behind_schedule'"
        f" WHEN {deadline_ordinal} - {today_ordinal} <= {int(rules.due_soon_days)} THEN 'blue.due_soon'"
        " ELSE NULL END"
    )


def colour_of(rule: str | None) -> Colour:
    return Colour(rule.split(".", 1)[0]) if rule else Colour.NONE


def warning_of(rule: str | None, *, overdue: int, reports_missed: int, times_sent_back: int, kind: str,
               progress: int, total: int | None, elapsed: int | None, left: int | None) -> ColourWarning:
    """The warning a row's rule gives, with its reason in Chinese."""
    if rule is None:
        return NO_WARNING
    if rule == "red.overdue":
        reason = f"已逾期{overdue}个工作日"
    elif rule == "yellow.report_missed":
        reason = f"未按月报送办理进展{reports_missed}次"
    elif rule == "yellow.sent_back":
        reason = f"{'整改核验未通过' if kind == 'rectification' else '办结报告被退回'}{times_sent_back}次"
    elif rule == "yellow.behind_schedule":
        reason = f"进度{progress}%，时限已过{round((elapsed or 0) * 100 / total) if total else 0}%"
    else:
        reason = "今日到期" if left == 0 else f"距办理时限还有{left}个工作日"
    return ColourWarning(colour_of(rule), rule, reason)


__all__ = ["Colour", "WarningRules", "ColourWarning", "NO_WARNING", "RULES", "rule_sql", "colour_of", "warning_of"]
