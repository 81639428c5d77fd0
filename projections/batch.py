"""One batch of catch-up (一批事件): the read-model rows its events change, held in memory and written
together, one multi-row statement per table, in the transaction that records the batch's position.

Projectors read and change rows through the batch, never with a statement per event: the ledger
rows a batch touches are read first in a few ``IN (…)`` queries, every event of the batch is folded
into them in memory, and ``flush`` writes

* each changed ledger entry's newest state (``rm_ledger``),
* every state it passed through (``rm_ledger_history``), each with the days it was valid, and the
  end of validity of the state it replaced,
* what each state that stopped being valid counted for at the month ends it covered
  (``rm_month_end``),
* the unit facts (``rm_unit_facts``) and their running totals per month, quarter and year
  (``rm_fact_totals``), the assignments (``rm_assignments``).

The result does not depend on where batches start and end: a rebuild in batches of 1,000 gives
the same rows as a live catch-up in batches of 37 (amounts are added up in hundredths, exactly).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable, Sequence

from projections.database import Sql
from projections.rules import month_end_counts, month_ends_between, still_due

LEDGER_COLUMNS = (
    "entry_id", "district", "kind", "parent_id", "number", "sort_key", "source", "reference", "title", "lead_unit",
    "co_units", "deadline", "deadline_estimated", "status", "still_due", "progress", "progress_text", "progress_on",
    "urges", "notices", "criticisms", "interviews", "commendations", "times_sent_back", "deadlines_missed",
    "reports_missed", "referral", "opened_on", "closed_on", "last_on", "version", "decision_date", "description",
    "subject_kind", "completion_on", "extension_to", "extension_on", "extension_reasons", "referral_on",
    "referral_reasons", "last_urged_on", "severity", "tasks",
)
HISTORY_COLUMNS = (*LEDGER_COLUMNS, "valid_to")
FACT_COLUMNS = ("notification_id", "fact", "district", "unit_id", "on_date", "entry_id", "event", "amount")
CHUNK_IDS = 400  # ids per IN (…) list
MAX_PARAMS = 30000  # placeholders per statement (SQLite allows 32766)


def new_entry(**fields: Any) -> dict[str, Any]:
    """A ledger entry before its first state is saved."""
    row = dict.fromkeys(LEDGER_COLUMNS)
    row.update(co_units="[]", deadline_estimated=0, still_due=0, progress=0, urges=0, notices=0, criticisms=0,
               interviews=0, commendations=0, times_sent_back=0, deadlines_missed=0, reports_missed=0, version=0)
    row.update(fields)
    return row


def periods_of(day: str) -> tuple[str, str, str]:
    """The month, quarter and year a business day (ISO text) falls in: 2026-03, 2026-Q1, 2026."""
    quarter = (int(day[5:7]) - 1) // 3 + 1
    return day[:7], f"{day[:4]}-Q{quarter}", day[:4]


def centi(amount: float) -> int:
    return int(round(amount * 100))


class Batch:
    """The working set of one batch; ``flush`` writes it."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.entries: dict[str, dict[str, Any] | None] = {}  # entry id -> its state now (None: not in the ledger)
        self.before: dict[str, dict[str, Any]] = {}  # entry id -> its state when the batch began
        self.children: dict[str, list[str]] = {}  # item id -> its sub-task entry ids
        self.states: dict[str, list[dict[str, Any]]] = defaultdict(list)  # entry id -> states saved in this batch
        self.facts: list[tuple] = []
        self.totals: dict[tuple[str, str, str, str], list[int]] = {}
        self.assigned: list[tuple] = []
        self.signed: dict[tuple[str, str], str] = {}

    # -- reading ---------------------------------------------------------------------------------
    def prefetch(self, entry_ids: Iterable[str], parents: Iterable[str] = ()) -> None:
        """Read the ledger rows of ``entry_ids`` and the sub-tasks of ``parents`` not yet held."""
        wanted = [i for i in dict.fromkeys(entry_ids) if i not in self.entries]
        for chunk in _chunks(wanted, CHUNK_IDS):
            marks = ", ".join("?" for _ in chunk)
            found = {r["entry_id"]: r for r in self.sql.execute(
                f"SELECT * FROM rm_ledger WHERE entry_id IN ({marks})", chunk).rows()}
            for entry_id in chunk:
                self._hold(entry_id, found.get(entry_id))
        parents = [p for p in dict.fromkeys(parents) if p not in self.children]
        for chunk in _chunks(parents, CHUNK_IDS):
            marks = ", ".join("?" for _ in chunk)
            for parent in chunk:
                self.children[parent] = []
            for row in self.sql.execute(f"SELECT * FROM rm_ledger WHERE parent_id IN ({marks}) AND kind = 'subtask'"
                                        f" ORDER BY entry_id", chunk).rows():
                if row["entry_id"] not in self.entries:
                    self._hold(row["entry_id"], row)
                self.children[row["parent_id"]].append(row["entry_id"])

    def _hold(self, entry_id: str, row: dict[str, Any] | None) -> None:
        self.entries[entry_id] = row
        if row is not None:
            self.before[entry_id] = dict(row)

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        if entry_id not in self.entries:
            self.prefetch([entry_id])
        return self.entries[entry_id]

    def subtasks(self, item_id: str) -> list[dict[str, Any]]:
        if item_id not in self.children:
            self.prefetch([], [item_id])
        return [self.entries[i] for i in self.children[item_id]]

    # -- changing ---------------------------------------------------------------------------------
    def save(self, row: dict[str, Any], on: str) -> None:
        """Record the entry's new state, taking effect on business day ``on``."""
        if row["version"] and on < row["last_on"]:
            on = row["last_on"]  # a back-dated record about it (a notice) cannot date its states backwards
        row["version"] += 1
        row["last_on"] = on
        row["still_due"] = int(still_due(row["kind"], row["status"]))
        if row["status"] == "completion_reported":
            row["completion_on"] = row["completion_on"] or on
        elif row["status"] != "signed_off":
            row["completion_on"] = None
        entry_id = row["entry_id"]
        if self.entries.get(entry_id) is not row:  # a new entry
            if row["kind"] == "subtask":
                self.subtasks(row["parent_id"])  # its siblings held first, so the list is whole
                self.children[row["parent_id"]].append(entry_id)
            self.entries[entry_id] = row
        self.states[entry_id].append(dict(row))

    def fact(self, notification_id: int, fact: str, district: str, unit_id: str, on: str, entry_id: str,
             event: str, amount: float = 1.0) -> None:
        self.facts.append((notification_id, fact, district, unit_id, on, entry_id, event, float(amount)))
        below = centi(100 - amount) if fact.endswith("_inspection_score") else 0
        for period in periods_of(on):
            total = self.totals.setdefault((district, period, unit_id, fact), [0, 0, 0])
            total[0] += 1
            total[1] += centi(amount)
            total[2] += below

    def assign(self, entry_id: str, unit_id: str, district: str, role: str, on: str) -> None:
        self.assigned.append((entry_id, unit_id, district, role, on))

    def sign(self, entry_id: str, unit_id: str, on: str) -> None:
        self.signed[(entry_id, unit_id)] = on

    # -- writing ----------------------------------------------------------------------------------
    def flush(self) -> None:
        newest, history, ended, month_ends = [], [], [], defaultdict(lambda: [0, 0, 0, 0])
        for entry_id, states in self.states.items():
            newest.append(states[-1])
            previous = self.before.get(entry_id)
            if previous is not None:  # its state from an earlier batch stops being valid
                ended.append((states[0]["last_on"], entry_id, previous["version"]))
                _count_month_ends(month_ends, previous, states[0]["last_on"])
            for state, following in zip(states, states[1:]):
                history.append({**state, "valid_to": following["last_on"]})
                _count_month_ends(month_ends, state, following["last_on"])
            history.append({**states[-1], "valid_to": None})
        self._insert("rm_assignments", ("entry_id", "unit_id", "district", "role", "assigned_on", "signed_on"),
                     [(*a, None) for a in self.assigned])
        if self.signed:
            self._update_from("UPDATE rm_assignments SET signed_on = v.column3 FROM (VALUES {}) AS v"
                              " WHERE rm_assignments.entry_id = v.column1 AND rm_assignments.unit_id = v.column2",
                              [(e, u, on) for (e, u), on in self.signed.items()])
        if newest:
            updates = ", ".join(f"{c} = excluded.{c}" for c in LEDGER_COLUMNS[1:])
            self._insert("rm_ledger", LEDGER_COLUMNS, [tuple(s[c] for c in LEDGER_COLUMNS) for s in newest],
                         suffix=f" ON CONFLICT (entry_id) DO UPDATE SET {updates}")
        if ended:
            self._update_from("UPDATE rm_ledger_history SET valid_to = v.column1 FROM (VALUES {}) AS v"
                              " WHERE rm_ledger_history.entry_id = v.column2 AND rm_ledger_history.version = v.column3",
                              ended)
        self._insert("rm_ledger_history", HISTORY_COLUMNS, [tuple(h[c] for c in HISTORY_COLUMNS) for h in history])
        self._insert("rm_unit_facts", FACT_COLUMNS, self.facts)
        self._insert("rm_fact_totals", ("district", "period", "unit_id", "fact", "n", "amount_centi", "below_centi"),
                     [(*key, *total) for key, total in sorted(self.totals.items())],
                     suffix=" ON CONFLICT (district, period, unit_id, fact) DO UPDATE SET"
                            " n = rm_fact_totals.n + excluded.n,"
                            " amount_centi = rm_fact_totals.amount_centi + excluded.amount_centi,"
                            " below_centi = rm_fact_totals.below_centi + excluded.below_centi")
        self._insert("rm_month_end", ("district", "month", "kind", "unit_id", "opened", "signed_off", "overdue",
                                      "overdue_missed"),
                     [(*key, *counts) for key, counts in sorted(month_ends.items())],
                     suffix=" ON CONFLICT (district, month, kind, unit_id) DO UPDATE SET"
                            " opened = rm_month_end.opened + excluded.opened,"
                            " signed_off = rm_month_end.signed_off + excluded.signed_off,"
                            " overdue = rm_month_end.overdue + excluded.overdue,"
                            " overdue_missed = rm_month_end.overdue_missed + excluded.overdue_missed")

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], suffix: str = "") -> None:
        if not rows:
            return
        one = "(" + ", ".join("?" for _ in columns) + ")"
        per_statement = max(1, MAX_PARAMS // len(columns))
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        for chunk in _chunks(rows, per_statement):
            self.sql.execute(head + ", ".join(one for _ in chunk) + suffix, [v for row in chunk for v in row])

    def _update_from(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        one = "(" + ", ".join("?" for _ in rows[0]) + ")"
        for chunk in _chunks(rows, MAX_PARAMS // len(rows[0])):
            self.sql.execute(statement.format(", ".join(one for _ in chunk)), [v for row in chunk for v in row])


def _count_month_ends(month_ends: dict, state: dict[str, Any], valid_to: str) -> None:
    """Add what ``state`` counted for at each month end it was the state of: [valid from, valid_to)."""
    for end in month_ends_between(state["last_on"], valid_to):
        counts = month_end_counts(state, end)
        if any(counts):
            total = month_ends[(state["district"], end[:7], state["kind"], state["lead_unit"] or "")]
            for i, n in enumerate(counts):
                total[i] += n


def _chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def co_units(row: dict[str, Any]) -> list[str]:
    return json.loads(row["co_units"])


__all__ = ["Batch", "LEDGER_COLUMNS", "HISTORY_COLUMNS", "new_entry", "periods_of", "co_units"]
