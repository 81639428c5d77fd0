"""One batch of catch-up (一批事件): the read-model rows its events change, held in memory and written
together, one statement per table for all its rows, in the transaction that records the batch's position.

Projectors read and change rows through the batch, never with a statement per event: the ledger
rows a batch touches are read first in a few ``IN (…)`` queries, every event of the batch is folded
into them in memory, and ``flush`` writes

* each changed ledger entry's newest state (``rm_ledger``),
* every state it replaced (``rm_ledger_history``), with the days it was the state at the end of
  the day — written once, never updated; a state replaced the same day is no day's state and is
  not kept,
* what each replaced state counted for at the month ends it covered (``rm_month_end``),
* the unit facts (``rm_unit_facts``) and their running totals per month, quarter and year
  (``rm_fact_totals``), the assignments (``rm_assignments``); a fact withdrawn (撤销) leaves both,
  and a total it brings to nothing is no row (as if the fact had never been projected).

The result does not depend on where batches start and end: a rebuild in batches of 1,000 gives
the same rows as a live catch-up in batches of 37 (amounts are added up in hundredths, exactly).
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
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
_columns = itemgetter(*LEDGER_COLUMNS)  # a state's values in the tables' column order
FACT_COLUMNS = ("notification_id", "fact", "district", "unit_id", "on_date", "entry_id", "event", "amount")
CHUNK_IDS = 400  # ids per IN (…) list
LOOKED_UP = ("rm_ledger", "rm_assignments")  # the tables a batch reads rows of, or updates rows in, by key


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


class Carried:
    """Ledger rows as the batches before left them, kept across the batches of one catch-up so a
    batch reads from the database only the rows no recent batch touched.  Only committed batches
    are kept (``keep``), and a batch works on copies, so a failed batch leaves nothing here."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.entries: dict[str, dict[str, Any] | None] = {}
        self.children: dict[str, list[str]] = {}

    def keep(self, batch: "Batch") -> None:
        if len(self.entries) > self.limit:
            self.entries.clear()
            self.children.clear()
        self.entries.update(batch.entries)
        self.children.update(batch.children)


class Batch:
    """The working set of one batch; ``flush`` writes it."""

    def __init__(self, sql: Sql, carried: Carried | None = None) -> None:
        self.sql = sql
        self.carried = carried or Carried()
        self.entries: dict[str, dict[str, Any] | None] = {}  # entry id -> its state now (None: not in the ledger)
        self.before: dict[str, dict[str, Any]] = {}  # entry id -> its state when the batch began
        self.children: dict[str, list[str]] = {}  # item id -> its sub-task entry ids
        self.states: dict[str, list[dict[str, Any]]] = defaultdict(list)  # entry id -> states saved in this batch
        self.facts: list[tuple] = []
        self.totals: dict[tuple[str, str, str, str], list[int]] = {}
        self.withdrawn: list[tuple[int, str, str]] = []  # (notification_id, fact, unit_id) of stored facts
        self.assigned: list[tuple] = []
        self.signed: dict[tuple[str, str], str] = {}

    # -- reading ---------------------------------------------------------------------------------
    def prefetch(self, entry_ids: Iterable[str], parents: Iterable[str] = ()) -> None:
        """Read the ledger rows of ``entry_ids`` and the sub-tasks of ``parents`` not yet held."""
        wanted = []
        for entry_id in dict.fromkeys(entry_ids):
            if entry_id in self.entries:
                continue
            if entry_id in self.carried.entries:
                known = self.carried.entries[entry_id]
                self.entries[entry_id] = None if known is None else dict(known)
                if known is not None:
                    self.before[entry_id] = known
            else:
                wanted.append(entry_id)
        for chunk in _chunks(wanted, CHUNK_IDS):
            marks = ", ".join("?" for _ in chunk)
            found = {r["entry_id"]: r for r in self.sql.execute(
                f"SELECT * FROM rm_ledger WHERE entry_id IN ({marks})", chunk).rows()}
            for entry_id in chunk:
                self._hold(entry_id, found.get(entry_id))
        parents = [p for p in dict.fromkeys(parents) if p not in self.children]
        for parent in [p for p in parents if p in self.carried.children]:
            self.children[parent] = list(self.carried.children[parent])
            self.prefetch(self.children[parent])
        parents = [p for p in parents if p not in self.children]
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
        self._total(district, unit_id, fact, on, amount, 1)

    def _total(self, district: str, unit_id: str, fact: str, on: str, amount: float, sign: int) -> None:
        below = centi(100 - amount) if fact.endswith("_inspection_score") else 0
        for period in periods_of(on):
            total = self.totals.setdefault((district, period, unit_id, fact), [0, 0, 0])
            total[0] += sign
            total[1] += sign * centi(amount)
            total[2] += sign * below

    def withdraw_fact(self, entry_id: str, fact: str) -> None:
        """Withdraw the entry's newest ``fact`` still counted (撤销): out of this batch's facts, or out
        of ``rm_unit_facts`` at the flush, and off the totals of the periods it counted in."""
        for index in range(len(self.facts) - 1, -1, -1):
            held = self.facts[index]
            if held[5] == entry_id and held[1] == fact:
                del self.facts[index]
                self._total(held[2], held[3], fact, held[4], held[7], -1)
                return
        for r in self.sql.execute("SELECT notification_id, district, unit_id, on_date, amount FROM rm_unit_facts"
                                  " WHERE entry_id = ? AND fact = ? ORDER BY notification_id DESC",
                                  (entry_id, fact)).rows():
            key = (r["notification_id"], fact, r["unit_id"])
            if key not in self.withdrawn:
                self.withdrawn.append(key)
                self._total(r["district"], r["unit_id"], fact, r["on_date"], r["amount"], -1)
                return

    def assign(self, entry_id: str, unit_id: str, district: str, role: str, on: str) -> None:
        self.assigned.append((entry_id, unit_id, district, role, on))

    def sign(self, entry_id: str, unit_id: str, on: str) -> None:
        self.signed[(entry_id, unit_id)] = on

    # -- writing ----------------------------------------------------------------------------------
    def flush(self) -> None:
        newest, history, month_ends = [], [], defaultdict(lambda: [0, 0, 0, 0])
        for entry_id, states in self.states.items():
            newest.append(_columns(states[-1]))
            previous = self.before.get(entry_id)  # its state from an earlier batch, replaced now
            chain = states if previous is None else [previous, *states]
            for state, following in zip(chain, chain[1:]):
                if state["last_on"] < following["last_on"]:  # replaced the same day: never a day's state
                    history.append((*_columns(state), following["last_on"]))
                    _count_month_ends(month_ends, state, following["last_on"])
        sql = self.sql
        sql.insert_rows("rm_assignments", ("entry_id", "unit_id", "district", "role", "assigned_on", "signed_on"),
                        [(*a, None) for a in self.assigned])
        sql.update_rows("rm_assignments", ("entry_id", "unit_id"), ("signed_on",),
                        [(on, e, u) for (e, u), on in self.signed.items()])
        updates = ", ".join(f"{c} = excluded.{c}" for c in LEDGER_COLUMNS[1:])
        sql.insert_rows("rm_ledger", LEDGER_COLUMNS, newest, on_conflict=f"(entry_id) DO UPDATE SET {updates}")
        sql.insert_rows("rm_ledger_history", HISTORY_COLUMNS, history)
        sql.insert_rows("rm_unit_facts", FACT_COLUMNS, self.facts)
        for key in self.withdrawn:
            sql.execute("DELETE FROM rm_unit_facts WHERE notification_id = ? AND fact = ? AND unit_id = ?", key)
        sql.insert_rows("rm_fact_totals", ("district", "period", "unit_id", "fact", "n", "amount_centi", "below_centi"),
                        [(*key, *total) for key, total in sorted(self.totals.items()) if any(total)],
                        on_conflict="(district, period, unit_id, fact) DO UPDATE SET"
                                    " n = rm_fact_totals.n + excluded.n,"
                                    " amount_centi = rm_fact_totals.amount_centi + excluded.amount_centi,"
                                    " below_centi = rm_fact_totals.below_centi + excluded.below_centi")
        for key, total in sorted(self.totals.items()):
            if total[0] < 0:  # a withdrawal took a stored fact off: a total brought to nothing goes
                sql.execute("DELETE FROM rm_fact_totals WHERE district = ? AND period = ? AND unit_id = ?"
                            " AND fact = ? AND n = 0", key)
        sql.insert_rows("rm_month_end", ("district", "month", "kind", "unit_id", "opened", "signed_off", "overdue",
                                         "overdue_missed"),
                        [(*key, *counts) for key, counts in sorted(month_ends.items())],
                        on_conflict="(district, month, kind, unit_id) DO UPDATE SET"
                                    " opened = rm_month_end.opened + excluded.opened,"
                                    " signed_off = rm_month_end.signed_off + excluded.signed_off,"
                                    " overdue = rm_month_end.overdue + excluded.overdue,"
                                    " overdue_missed = rm_month_end.overdue_missed + excluded.overdue_missed")


def _count_month_ends(month_ends: dict, state: dict[str, Any], valid_to: str) -> None:
    """Add what ``state`` counted for at each month end it was the state of: [valid from, valid_to)."""
    if state["last_on"][:7] == valid_to[:7]:
        return  # replaced within its month: no month's end passed
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


__all__ = ["Batch", "LEDGER_COLUMNS", "HISTORY_COLUMNS", "new_entry", "periods_of"]
