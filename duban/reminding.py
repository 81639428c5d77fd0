"""The worker's reminder job (提醒任务): reminders produced from the read side's candidates.

* After the daily watch of a day: the dated rules (due soon, due tomorrow, overdue, report owed,
  notice reply due and overdue) for that day.
* After each catch-up: the rules that follow what happened to a record (assigned, sent back,
  extension decided, completion reported, progress, signed off), from the activity recorded since
  the last look (at start: since yesterday).

A reminder's id is deterministic (district, rule, record, recipient, day), so a restarted worker
produces nothing twice: those recorded already are skipped.
"""

from __future__ import annotations

from datetime import date, timedelta

import structlog

from domain.reminders import DEFAULT_RULES, ReminderRules
from projections.messages import MessageQueries
from projections.reminder_candidates import ReminderCandidates

log = structlog.get_logger("duban.reminders")


class ReminderJob:
    def __init__(self, app, read_models, rules_version: str = DEFAULT_RULES) -> None:
        self.app = app
        self.rules = ReminderRules.load(rules_version)
        self.candidates = ReminderCandidates(read_models, self.rules)
        self.messages = MessageQueries(read_models)
        self._seen: dict[str, int] = {}  # district -> the last activity looked at (notification id)

    def daily(self, district: str, day: date) -> int:
        """The dated rules' reminders of ``day`` in ``district``; how many were recorded."""
        dated = self.candidates.dated(district, day)
        outcome = self.app.produce_reminders(district, [*dated, *self.candidates.digests(dated, day)],
                                             self.rules.version)
        log.info("reminders.daily", district=district, day=day.isoformat(), produced=outcome.produced,
                 skipped=outcome.skipped)
        return outcome.produced

    def activity(self, district: str, today: date) -> int:
        """The activity rules' reminders for what was recorded since the last look."""
        after = self._seen.get(district, 0)
        since = today - timedelta(days=1) if after == 0 else date.min  # at start: since yesterday
        rows = self.messages.activity_after(district, after, since)
        if not rows:
            return 0
        self._seen[district] = rows[-1]["notification_id"]
        outcome = self.app.produce_reminders(district, self.candidates.from_activity(district, rows),
                                             self.rules.version)
        if outcome.produced:
            log.info("reminders.activity", district=district, produced=outcome.produced, skipped=outcome.skipped)
        return outcome.produced


__all__ = ["ReminderJob"]
