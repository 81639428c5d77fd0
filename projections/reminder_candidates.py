"""Who is to be reminded of what on a day (提醒对象): the reminder rules' candidates, read from the
ledger by SQL (indexed by district and deadline), never by replaying records.

Each candidate names the rule, the record and its recipient (``unit:<id>``, ``leader:<id>``,
``office``); the worker makes a reminder of each (``duban.application.reminders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.reminders import OFFICE, ReminderRules
from projections.ledger import IN_CHARGE
from projections.workdays import add_working_days, last_working_day_of_month

DEADLINE_KINDS = ("item", "subtask", "rectification")
LINKS = {  # (recipient kind, record kind) -> the page of the record
    ("unit", "item"): "/unit/items/{id}", ("unit", "rectification"): "/unit/rectifications/{id}",
    ("unit", "notice"): "/unit/notices/{id}",
    ("leader", "item"): "/leader/items/{id}", ("leader", "rectification"): "/leader/rectifications/{id}",
    ("office", "item"): "/office/items/{id}", ("office", "rectification"): "/office/rectifications/{id}",
    ("office", "notice"): "/office/notices/{id}",
}


@dataclass(frozen=True)
class Candidate:
    """One reminder to produce (before it is made a record)."""

    rule: str
    record: str  # the ledger entry (a sub-task: ``<item>:<key>``)
    record_kind: str
    number: str
    title: str
    recipient: str
    text: str
    link: str
    day: date
    push: bool = True  # sent on the recipient's push channels too


def link_for(recipient: str, kind: str, entry_id: str, parent_id: str | None) -> str:
    """The record's page for its recipient (a sub-task's is its item's; a leader has no notice page)."""
    if kind == "subtask":
        kind, entry_id = "item", parent_id or entry_id.split(":", 1)[0]
    pattern = LINKS.get((recipient.split(":", 1)[0], kind))
    return pattern.format(id=_uuid_text(entry_id)) if pattern else "/messages"


def _uuid_text(hex_id: str) -> str:
    h = hex_id.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" if len(h) == 32 else hex_id


class ReminderCandidates:
    """The rules' candidates for a district and day."""

    def __init__(self, read_models, rules: ReminderRules) -> None:
        self.read_models = read_models
        self.rules = rules

    def dated(self, district: str, day: date) -> list[Candidate]:
        """The rules that depend on the calendar: due soon, due tomorrow, overdue (the day after),
        the monthly report owed (on the month's last working day), a notice's reply due and overdue,
        and the approvals waiting for a leader (each day while they wait)."""
        found: list[Candidate] = []
        with self.read_models.reading() as sql:
            soon = add_working_days(sql, day, self.rules.due_soon_working_days)
            month_end = last_working_day_of_month(sql, day)
            by_deadline = [("due_soon", soon, DEADLINE_KINDS), ("due_tomorrow", day + timedelta(days=1), DEADLINE_KINDS),
                           ("overdue", day - timedelta(days=1), DEADLINE_KINDS),
                           ("notice_reply_due", day + timedelta(days=1), ("notice",)),
                           ("notice_reply_overdue", day - timedelta(days=1), ("notice",))]
            for rule, deadline, kinds in by_deadline:
                if rule not in self.rules.rules:
                    continue
                rows = sql.execute(
                    "SELECT entry_id, kind, parent_id, number, title, lead_unit, deadline FROM rm_ledger"
                    f" WHERE district = ? AND deadline = ? AND still_due = 1 AND kind IN ({', '.join('?' for _ in kinds)})"
                    " ORDER BY sort_key", (district, deadline.isoformat(), *kinds)).rows()
                found += self._for(sql, district, day, rule, rows)
            if "approvals_waiting" in self.rules.rules:  # an extension asked, a referral proposed
                rows = sql.execute(
                    "SELECT entry_id, kind, parent_id, number, title, lead_unit, deadline FROM rm_ledger"
                    " WHERE district = ? AND kind = 'item' AND closed_on IS NULL"
                    " AND (extension_to IS NOT NULL OR referral = 'proposed') ORDER BY sort_key", (district,)).rows()
                found += self._for(sql, district, day, "approvals_waiting", rows)
            if "report_owed" in self.rules.rules and day == month_end:
                rows = sql.execute(
                    "SELECT entry_id, kind, parent_id, number, title, lead_unit, deadline FROM rm_ledger"
                    " WHERE district = ? AND kind = 'item' AND status = 'in_progress' AND closed_on IS NULL"
                    " AND (progress_on IS NULL OR progress_on < ?) ORDER BY sort_key",
                    (district, day.replace(day=1).isoformat())).rows()
                found += self._for(sql, district, day, "report_owed", rows)
        return found

    def digests(self, dated: list[Candidate], day: date) -> list[Candidate]:
        """每日提醒汇总: one message per recipient (unit, leader, office) summing up the day's dated
        reminders (what a push channel sends once, rather than one push per record)."""
        rule = self.rules.rules.get("digest")
        if rule is None:
            return []
        by_recipient: dict[str, list[Candidate]] = {}
        for c in dated:
            if c.recipient.split(":", 1)[0] in rule.to:
                by_recipient.setdefault(c.recipient, []).append(c)
        found = []
        for recipient, items in sorted(by_recipient.items()):
            counts: dict[str, int] = {}
            for c in items:
                label = self.rules.label(c.rule)
                counts[label] = counts.get(label, 0) + 1
            summary = "，".join(f"{label}{n}项" for label, n in counts.items())
            found.append(Candidate("digest", recipient.split(":", 1)[-1], "digest", "", rule.label, recipient,
                                   rule.words(count=len(items), summary=summary), "/messages", day, rule.push))
        return found

    def from_activity(self, district: str, rows: list[dict]) -> list[Candidate]:
        """The rules that follow what happened to a record (``MessageQueries.activity_after`` rows)."""
        found: list[Candidate] = []
        with self.read_models.reading() as sql:
            for r in rows:
                if r["activity"] in self.rules.rules:
                    found += self._for(sql, district, date.fromisoformat(r["on_date"]), r["activity"], [r])
        return found

    def _for(self, sql, district: str, day: date, rule_id: str, rows: list[dict]) -> list[Candidate]:
        rule = self.rules.rules[rule_id]
        found = []
        for r in rows:
            words = rule.words(number=r["number"], title=r["title"], deadline=r["deadline"] or "",
                               days=self.rules.due_soon_working_days)
            for recipient in self._recipients(sql, district, day, rule.to, r["lead_unit"]):
                found.append(Candidate(rule_id, r["entry_id"], r["kind"], r["number"], r["title"], recipient, words,
                                       link_for(recipient, r["kind"], r["entry_id"], r["parent_id"]), day, rule.push))
        return found

    @staticmethod
    def _recipients(sql, district: str, day: date, to: tuple[str, ...], unit: str | None) -> list[str]:
        recipients = []
        if "unit" in to and unit:
            recipients.append(f"unit:{unit}")
        if "leader" in to and unit:
            recipients += [f"leader:{r['leader_id']}" for r in sql.execute(
                f"SELECT pc.leader_id FROM ({IN_CHARGE}) pc WHERE pc.unit_id = ?",
                (district, day.isoformat(), day.isoformat(), unit)).rows()]
        if "office" in to:
            recipients.append(OFFICE)
        return recipients


__all__ = ["Candidate", "ReminderCandidates", "link_for"]
