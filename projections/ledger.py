"""Ledger queries (台账查询) over the ledger read model, now or as of any past date, in SQL.

One row per supervised item, sub-task, rectification task and notice, with the unit and the
leader in charge named, the current deadline, status, latest progress, working days overdue and
its three-colour warning.  Filters, sorts, counts and paging run in the database with indexes:
"now" reads ``rm_ledger``; "as of a day" reads the replaced states of ``rm_ledger_history`` valid
at the end of that day with the current states recorded by then; working days come from
``rm_workdays``.  Nothing here loads a whole district.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.item import ItemStatus
from domain.leadership import post_words
from domain.notice import NoticeStatus
from domain.rectification import ProblemSource, RectificationStatus
from domain.sources import SourceKind
from projections.batch import LEDGER_COLUMNS
from projections.colours import RULES, ColourWarning, WarningRules, rule_sql, warning_of
from projections.rules import STILL_DUE
from projections.search import Search

KIND_LABELS = {"item": "督办事项", "subtask": "子任务", "rectification": "整改任务", "notice": "督办通知"}
ALL_KINDS = ("item", "subtask", "rectification", "notice")
SORTS = ("number", "deadline", "overdue", "unit", "newest", "closed", "closed_desc", "colour", "relevance")
# overdue: most working days overdue first; closed / closed_desc: by 销号日期, earliest / latest first;
# colour: red, yellow, blue warnings first, then rows without one; relevance: a search's number first, then newest
DEFAULT_RULES = WarningRules()


def status_label(kind: str, status: str) -> str:
    if kind == "item":
        return ItemStatus(status).label
    if kind == "subtask":
        return "已完成" if status == "signed_off" else "办理中"
    if kind == "rectification":
        return RectificationStatus(status).label
    return NoticeStatus(status).label


def source_label(kind: str, source: str) -> str:
    if kind == "rectification":
        return ProblemSource(source).label
    try:
        return SourceKind(source).label
    except ValueError:
        return source


@dataclass(frozen=True)
class LedgerRow:
    entry_id: str
    kind: str  # item | subtask | rectification | notice
    number: str
    source: str
    reference: str
    title: str
    lead_unit: str
    co_units: str
    leader: str
    deadline: date | None
    deadline_estimated: bool
    status: str
    status_label: str
    progress: int
    progress_text: str
    progress_on: date | None
    working_days_overdue: int
    urges: int
    notices: int
    criticisms: int
    closed_on: date | None
    # ids and counters the filters and the warnings need (defaults keep older constructors working)
    lead_unit_id: str | None = None
    co_unit_ids: tuple[str, ...] = ()
    leader_id: str | None = None  # the lead unit's leader in charge on the query day
    source_kind: str = ""  # the stored source value (``source`` is its label)
    opened_on: date | None = None
    times_sent_back: int = 0
    reports_missed: int = 0
    deadlines_missed: int = 0
    # registration facts (决策日期, 事项内容) an exported ledger carries so it can be imported again
    decision_date: date | None = None
    description: str = ""
    parent_id: str | None = None  # a sub-task's item, a notice's subject
    referral: str | None = None
    interviews: int = 0
    commendations: int = 0
    subject_kind: str | None = None  # a notice's subject: item | rectification
    severity: str | None = None  # a rectification task's
    extension_to: date | None = None  # a pending extension request: the deadline asked for
    extension_on: date | None = None
    extension_reasons: str = ""
    referral_on: date | None = None  # when a referral was proposed
    referral_reasons: str = ""
    tasks: tuple[dict, ...] = ()  # a notice's tasks: key, deadline, state, reply_on
    # the three-colour warning on the query day, and the working days it was judged on
    warning_rule: str | None = None
    working_days_total: int | None = None  # opened → deadline
    working_days_elapsed: int | None = None  # opened → the query day, at most the total
    working_days_left: int | None = None  # the query day → deadline
    leader_title: str = ""  # the leader in charge by title and name (副区长 张三), as lists show them

    @property
    def is_still_due(self) -> bool:
        """Open and waiting on the unit (not on the office): the deadline is running."""
        return self.status in STILL_DUE[self.kind]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def warning(self) -> ColourWarning:
        return warning_of(self.warning_rule, overdue=self.working_days_overdue, reports_missed=self.reports_missed,
                          times_sent_back=self.times_sent_back, kind=self.kind, progress=self.progress,
                          total=self.working_days_total, elapsed=self.working_days_elapsed,
                          left=self.working_days_left)


@dataclass(frozen=True)
class LedgerPage:
    """One page of the ledger (第 N 页) and how many rows the filters give in all."""

    rows: list[LedgerRow]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _key(value: str | UUID | None) -> str | None:
    """An id as the read model stores it (UUID hex)."""
    if value is None:
        return None
    return value.hex if isinstance(value, UUID) else UUID(str(value)).hex


def _values(value: str | Iterable[str] | None) -> list[str] | None:
    """One value or several (enum members allowed) as stored strings."""
    if value is None:
        return None
    return sorted({str(value)} if isinstance(value, str) else {str(v) for v in value})


def _marks(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def states_on(district: str, day: str, columns: str = "*") -> tuple[str, list[Any]]:
    """The SQL relation of the district's entries as they stood at the end of ``day`` (ISO text):
    the replaced states valid that day and the current states already recorded by then."""
    current = columns if columns != "*" else ", ".join(LEDGER_COLUMNS)
    return (f"(SELECT {current} FROM rm_ledger_history WHERE district = ? AND valid_to > ? AND last_on <= ?"
            f" UNION ALL SELECT {current} FROM rm_ledger WHERE district = ? AND last_on <= ?)",
            [district, day, day, district, day])


IN_CHARGE = (
    "SELECT p.unit_id, p.leader_id FROM rm_portfolio p WHERE p.district = ? AND p.effective <= ?"
    " AND NOT EXISTS (SELECT 1 FROM rm_portfolio q WHERE q.unit_id = p.unit_id AND q.effective <= ?"
    " AND (q.effective > p.effective OR (q.effective = p.effective AND q.position > p.position)))"
)  # the leader in charge of each unit on a day: its newest placement effective by then


class LedgerQueries:
    """Reads the ledger read model (kept up to date by the worker's catch-up)."""

    def __init__(self, read_models, calendar: Any = None, rules: WarningRules = DEFAULT_RULES) -> None:
        self.read_models = read_models
        self.calendar = calendar
        self.rules = rules

    # -- the questions ---------------------------------------------------------------------------
    def rows(self, district: str, today: date, *, sort: str = "number", limit: int | None = None,
             offset: int = 0, **filters: Any) -> list[LedgerRow]:
        """The ledger at the end of ``as_of`` (default: now), with overdue and warnings judged on
        ``today`` (or on ``as_of`` when given).

        Filters (all optional, combined with AND):
        ``kinds`` — entry kinds (default items and rectification tasks);
        ``unit`` — the lead unit, a co-unit, or (for a sub-task row) the sub-task's unit;
        ``units`` — a set of units one may see (lead or co-unit; None: all);
        ``leader`` — the leader in charge of the lead unit on the query day (``as_of`` or ``today``);
        ``status`` — one status value or several; ``source`` — one source value or several
        (``SourceKind`` for items, sub-tasks and notices about items, ``ProblemSource`` for
        rectification tasks); ``opened_from``/``opened_to`` — opened within the period, both ends
        included; ``closed_from``/``closed_to`` — closed within the period; ``overdue_only``;
        ``open_only`` (the open ledger) or ``closed_only`` (the closed ledger: signed off,
        terminated, closed); ``referred_only`` (referral approved); ``colour`` —
        red/yellow/blue/none; ``parent`` — the sub-tasks or notices of one record; ``entry_ids``;
        ``lead_unit``/``lead_units`` — led by that unit (those units) only; ``due_by`` — still due
        by that day; ``asking_extension`` — an extension request waits; ``referral`` — proposed,
        approved or declined; ``subject_referred`` — notices about a case referred to the
        discipline body; ``text`` — a search (查找: number, title words, unit, 文号; see
        ``projections.search``).  ``sort``: number (default), deadline (earliest first, none last), overdue
        (most working days overdue first), unit (lead unit name), newest (number, newest
        first), closed or closed_desc (销号日期, earliest or latest first; open rows last), colour
        (red, yellow, blue, then none); ties keep the number order.  ``limit``/``offset`` page in the database.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        statement, params = _Query(district, today, self.rules, **filters).rows(sort, limit, offset)
        with self.read_models.reading() as sql:
            found = sql.execute(statement, params).rows()
            names = self._unit_names(sql, district, found)
        return [_row(r, names) for r in found]

    def page(self, district: str, today: date, *, number: int = 1, per_page: int = 50, sort: str = "number",
             **filters: Any) -> LedgerPage:
        """Page ``number`` (from 1; past the end: the last) of the rows, and their total."""
        total = self.count(district, today, **filters)
        pages = max((total + per_page - 1) // per_page, 1)
        number = min(max(number, 1), pages)
        rows = self.rows(district, today, sort=sort, limit=per_page, offset=(number - 1) * per_page, **filters)
        return LedgerPage(rows, total, number, per_page)

    def count(self, district: str, today: date, **filters: Any) -> int:
        filters.pop("sort", None)
        statement, params = _Query(district, today, self.rules, **filters).count()
        with self.read_models.reading() as sql:
            return sql.execute(statement, params).row()["n"]

    def counts(self, district: str, today: date, **filters: Any) -> Counter:
        """How many entries per status label (e.g. 办理中, 已销号) for the same arguments as :meth:`rows`.
        Kinds sharing a label (督办事项 and 整改任务 both have 待核验) are counted together."""
        counted = Counter()
        for (kind, status), n in self.status_counts(district, today, **filters).items():
            counted[status_label(kind, status)] += n
        return counted

    def count_by_lead_unit(self, district: str, today: date, **filters: Any) -> Counter:
        """How many entries each lead unit leads ("" for none)."""
        filters.pop("sort", None)
        statement, params = _Query(district, today, self.rules, **filters).count("l.lead_unit AS unit, COUNT(*) AS n")
        with self.read_models.reading() as sql:
            found = sql.execute(statement + " GROUP BY l.lead_unit", params).rows()
        return Counter({r["unit"] or "": r["n"] for r in found})

    def status_counts(self, district: str, today: date, **filters: Any) -> Counter:
        """How many entries per (kind, status value)."""
        filters.pop("sort", None)
        statement, params = _Query(district, today, self.rules, **filters).count("l.kind, l.status, COUNT(*) AS n")
        with self.read_models.reading() as sql:
            found = sql.execute(statement + " GROUP BY l.kind, l.status", params).rows()
        return Counter({(r["kind"], r["status"]): r["n"] for r in found})

    def warning_counts(self, district: str, today: date, *, by: str | None = None, **filters: Any) -> dict:
        """Entries per warning rule (None: no colour), overall (``by=None``) or per lead unit
        (``by="unit"``) or per leader in charge (``by="leader"``): {key: Counter(rule -> n)}."""
        filters.pop("sort", None)
        query = _Query(district, today, self.rules, **filters)
        key = {"unit": "l.lead_unit", "leader": "pc.leader_id", None: "''"}[by]
        source, params = query.source({"t", "wd", "wo", *(["pc"] if by == "leader" else [])})
        with self.read_models.reading() as sql:
            found = sql.execute(f"SELECT k, rule, COUNT(*) AS n FROM (SELECT {key} AS k, {query.rule} AS rule"
                                f" FROM {source}) x GROUP BY k, rule", [query.day, query.day, *params]).rows()
        counted: dict[str, Counter] = {}
        for r in found:
            counted.setdefault(r["k"] or "", Counter())[r["rule"]] += r["n"]
        return counted

    def open_on(self, district: str, day: date) -> dict[str, list[str]]:
        """The ids of the items, rectification tasks and notices still open on ``day`` (or closed
        that day or later), with every notice about those items and tasks: what the daily watch
        looks at.  {"item": [...], "rectification": [...], "notice": [...]}"""
        with self.read_models.reading() as sql:
            found = sql.execute(
                "SELECT entry_id, kind FROM rm_ledger WHERE district = ? AND kind IN ('item', 'rectification', 'notice')"
                " AND (closed_on IS NULL OR closed_on >= ?)"
                " UNION SELECT n.entry_id, n.kind FROM rm_ledger n JOIN rm_ledger s ON s.entry_id = n.parent_id"
                " WHERE n.district = ? AND n.kind = 'notice' AND (s.closed_on IS NULL OR s.closed_on >= ?)"
                " ORDER BY 1", (district, day.isoformat(), district, day.isoformat())).rows()
        ids: dict[str, list[str]] = {"item": [], "rectification": [], "notice": []}
        for r in found:
            ids[r["kind"]].append(r["entry_id"])
        return ids

    def names(self, district: str, of: str = "unit") -> dict[str, str]:
        """The district's unit names (``of="unit"``) or leader posts (``of="leader"``) by id."""
        statement = {"unit": "SELECT unit_id AS k, name AS v FROM rm_units WHERE district = ?",
                     "leader": "SELECT leader_id AS k, label AS v FROM rm_leaders WHERE district = ?"}[of]
        with self.read_models.reading() as sql:
            return {r["k"]: r["v"] for r in sql.execute(statement, (district,)).rows()}

    @staticmethod
    def _unit_names(sql, district: str, found: list[dict]) -> dict[str, str]:
        """The names of the units the rows' co-units name (lead units come joined)."""
        wanted = {u for r in found for u in json.loads(r["co_units"])}
        if not wanted:
            return {}
        ids = sorted(wanted)
        return {u["unit_id"]: u["name"] for u in sql.execute(
            f"SELECT unit_id, name FROM rm_units WHERE unit_id IN ({_marks(ids)})", ids).rows()}


class _Query:
    """One ledger question as SQL: the relation (now, or as of a day), its filters, and the joins and
    computed columns (names, leader in charge, working days, warning) a page shows.  Counts join only
    what the filters need; a page is chosen first (ORDER BY … LIMIT on the ledger alone, with what the
    order needs) and only its rows are joined for display."""

    def __init__(self, district: str, today: date, rules: WarningRules, *, as_of: date | None = None,
                 kinds: Iterable[str] = ("item", "rectification"), open_only: bool = False, closed_only: bool = False,
                 unit: str | UUID | None = None, units: Iterable[str | UUID] | None = None,
                 leader: str | UUID | None = None, status: str | Iterable[str] | None = None,
                 source: str | Iterable[str] | None = None, opened_from: date | None = None,
                 opened_to: date | None = None, overdue_only: bool = False, referred_only: bool = False,
                 colour: str | None = None, parent: str | UUID | None = None,
                 entry_ids: Iterable[str] | None = None, lead_unit: str | UUID | None = None,
                 lead_units: Iterable[str | UUID] | None = None, due_by: date | None = None,
                 closed_from: date | None = None, closed_to: date | None = None, asking_extension: bool = False,
                 referral: str | None = None, subject_referred: bool = False, text: str | None = None) -> None:
        if open_only and closed_only:
            raise ValueError("open_only and closed_only exclude each other")
        day = (as_of or today).isoformat()
        self.closed_only = closed_only
        self.day = day
        self.joins_sql = {
            "t": ("CROSS JOIN (SELECT ordinal AS o FROM rm_workdays WHERE day = ?) t", [day]),
            "wd": ("LEFT JOIN rm_workdays wd ON wd.day = l.deadline", []),
            "wo": ("LEFT JOIN rm_workdays wo ON wo.day = l.opened_on", []),
            "u": ("LEFT JOIN rm_units u ON u.unit_id = l.lead_unit", []),
            "pc": (f"LEFT JOIN ({IN_CHARGE}) pc ON pc.unit_id = l.lead_unit", [district, day, day]),
            "ld": ("LEFT JOIN rm_leaders ld ON ld.leader_id = pc.leader_id", []),
        }
        if as_of is None:
            self.relation, self.relation_params = "rm_ledger l", []
        else:
            states, self.relation_params = states_on(district, day)
            self.relation = f"{states} l"
        # domain.due.working_days_overdue in SQL: the ordinals' difference, at least 1 once overdue
        overdue = ("(CASE WHEN l.still_due = 1 AND l.deadline < ? THEN CASE WHEN t.o - wd.ordinal > 1"
                   " THEN t.o - wd.ordinal ELSE 1 END ELSE 0 END)")
        self.overdue = overdue
        self.rule = rule_sql(day="?", today_ordinal="t.o", deadline_ordinal="wd.ordinal",
                             opened_ordinal="wo.ordinal", overdue=overdue, rules=rules)
        self.columns = (
            f"l.*, u.name AS lead_name, pc.leader_id AS leader_in_charge, ld.label AS leader_label,"
            " ld.title AS leader_post, ld.holder AS leader_holder,"
            f" {overdue} AS overdue_days, {self.rule} AS warning_rule,"
            " wd.ordinal - wo.ordinal AS wd_total,"
            " CASE WHEN t.o - wo.ordinal < wd.ordinal - wo.ordinal THEN t.o - wo.ordinal"
            " ELSE wd.ordinal - wo.ordinal END AS wd_elapsed,"
            " wd.ordinal - t.o AS wd_left"
        )
        self.column_params = [day, day, day]  # the overdue column; the rule's overdue and its day
        self.where_needs: set[str] = set()
        where = ["l.district = ?"]
        params: list[Any] = [district]
        kinds = list(kinds)
        where.append(f"l.kind IN ({_marks(kinds)})" if kinds else "1 = 0")
        params += kinds
        if open_only:
            where.append("l.closed_on IS NULL")
        if closed_only:
            where.append("l.closed_on IS NOT NULL")
        co_unit = ("l.entry_id IN (SELECT a.entry_id FROM rm_assignments a WHERE a.district = ? AND a.unit_id {}"
                   " AND a.role = 'co' AND a.assigned_on <= ?)")  # a co-unit (协办单位) of the item that day
        if unit is not None:
            key = _key(unit)
            where.append(f"(l.lead_unit = ? OR {co_unit.format('= ?')})")
            params += [key, district, key, day]
        if units is not None:
            keys = sorted({_key(u) for u in units})
            if keys:
                where.append(f"(l.lead_unit IN ({_marks(keys)}) OR {co_unit.format(f'IN ({_marks(keys)})')})")
                params += [*keys, district, *keys, day]
            else:
                where.append("1 = 0")
        if lead_unit is not None:
            where.append("l.lead_unit = ?")
            params.append(_key(lead_unit))
        if lead_units is not None:
            keys = sorted({_key(u) for u in lead_units})
            where.append(f"l.lead_unit IN ({_marks(keys)})" if keys else "1 = 0")
            params += keys
        if due_by is not None:  # still due by that day (overdue ones included)
            where.append("l.still_due = 1 AND l.deadline <= ?")
            params.append(due_by.isoformat())
        if leader is not None:
            where.append("pc.leader_id = ?")
            params.append(_key(leader))
            self.where_needs.add("pc")
        for column, value in (("l.status", _values(status)), ("l.source", _values(source))):
            if value is not None:
                where.append(f"{column} IN ({_marks(value)})" if value else "1 = 0")
                params += value
        if opened_from is not None:
            where.append("l.opened_on >= ?")
            params.append(opened_from.isoformat())
        if opened_to is not None:
            where.append("l.opened_on <= ?")
            params.append(opened_to.isoformat())
        if closed_from is not None:
            where.append("l.closed_on >= ?")
            params.append(closed_from.isoformat())
        if closed_to is not None:
            where.append("l.closed_on <= ?")
            params.append(closed_to.isoformat())
        if overdue_only:
            where.append("l.still_due = 1 AND l.deadline < ?")
            params.append(day)
        if referred_only:
            where.append("l.referral = 'approved'")
        if referral is not None:
            where.append("l.referral = ?")
            params.append(referral)
        if subject_referred:  # a notice about a case referred to the discipline body
            where.append("EXISTS (SELECT 1 FROM rm_ledger s WHERE s.entry_id = l.parent_id AND s.referral = 'approved')")
        if asking_extension:
            where.append("l.extension_to IS NOT NULL")
        if colour is not None:
            self.where_needs |= {"t", "wd", "wo"}
            if colour == "none":
                where.append(f"({self.rule}) IS NULL")
                params += [day, day]
            else:
                wanted = [r for r in RULES if r.startswith(f"{colour}.")]
                where.append(f"({self.rule}) IN ({_marks(wanted) if wanted else 'NULL'})")
                params += [day, day, *wanted]
        self.search = Search.parse(text) if text is not None else None
        if self.search is not None:
            condition, found = self.search.where(district)
            where.append(condition)
            params += found
        if parent is not None:
            where.append("l.parent_id = ?")
            params.append(_key(parent))
        if entry_ids is not None:
            ids = sorted(set(entry_ids))
            where.append(f"l.entry_id IN ({_marks(ids)})" if ids else "1 = 0")
            params += ids
        self.where = " AND ".join(where)
        self.where_params = params

    def joins(self, needs: set[str]) -> tuple[str, list[Any]]:
        """The joins named (and those they rest on), in a fixed order, with their parameters."""
        if "ld" in needs:
            needs = needs | {"pc"}
        chosen = [name for name in self.joins_sql if name in needs]
        return (" ".join(self.joins_sql[n][0] for n in chosen), [p for n in chosen for p in self.joins_sql[n][1]])

    def source(self, needs: set[str]) -> tuple[str, list[Any]]:
        """FROM … WHERE … with the joins ``needs`` and the filters' own."""
        joins, params = self.joins(needs | self.where_needs)
        return (f"{self.relation} {joins} WHERE {self.where}", [*self.relation_params, *params, *self.where_params])

    def count(self, select: str = "COUNT(*) AS n") -> tuple[str, list[Any]]:
        source, params = self.source(set())
        return f"SELECT {select} FROM {source}", params

    def rows(self, sort: str, limit: int | None, offset: int) -> tuple[str, list[Any]]:
        inner_extra, inner_params, needs, inner_order, outer_order = self._order(sort)
        source, source_params = self.source(needs)
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        inner = f"SELECT l.*{inner_extra} FROM {source} ORDER BY {inner_order}{page}"
        joins, join_params = self.joins({"t", "wd", "wo", "u", "pc", "ld"})
        return (f"SELECT {self.columns} FROM ({inner}) l {joins} ORDER BY {outer_order}",
                [*self.column_params, *inner_params, *source_params, *join_params])

    def _order(self, sort: str) -> tuple[str, list[Any], set[str], str, str]:
        """(inner extra columns, their parameters, joins the order needs, inner order, outer order)."""
        if sort == "deadline":
            order = "CASE WHEN l.deadline IS NULL THEN 1 ELSE 0 END, l.deadline, l.sort_key"
            return "", [], set(), order, order
        if sort == "overdue":
            return (f", {self.overdue} AS sort_overdue", [self.day], {"t", "wd"}, "sort_overdue DESC, l.sort_key",
                    "l.sort_overdue DESC, l.sort_key")
        if sort == "unit":
            return (", u.name AS sort_unit", [], {"u"}, "CASE WHEN u.name IS NULL THEN 1 ELSE 0 END, u.name {C}, l.sort_key",
                    "CASE WHEN l.sort_unit IS NULL THEN 1 ELSE 0 END, l.sort_unit {C}, l.sort_key")
        if sort == "newest":
            return "", [], set(), "l.sort_key DESC", "l.sort_key DESC"
        if sort == "relevance" and self.search is not None:  # the number asked first, then newest
            number, number_params = self.search.number_sql()
            return (f", CASE WHEN {number} THEN 0 ELSE 1 END AS sort_match", number_params, set(),
                    "sort_match, l.sort_key DESC", "l.sort_match, l.sort_key DESC")
        if sort == "relevance":
            return "", [], set(), "l.sort_key DESC", "l.sort_key DESC"
        if sort == "colour":  # 按预警颜色: red, yellow, blue, none
            rank = " ".join(f"WHEN ({self.rule}) LIKE '{c}.%' THEN {i}" for i, c in enumerate(("red", "yellow", "blue")))
            return (f", CASE {rank} ELSE 3 END AS sort_colour", [self.day, self.day] * 3, {"t", "wd", "wo"},
                    "sort_colour, l.sort_key", "l.sort_colour, l.sort_key")
        if sort in ("closed", "closed_desc"):
            # the closed ledger has no open rows, so its order is plain (index rm_ledger_closed_on);
            # elsewhere open rows (no 销号日期) come last in both directions, on both stores
            direction = " DESC" if sort == "closed_desc" else ""
            order = f"l.closed_on{direction}, l.sort_key"
            if not self.closed_only:
                order = f"CASE WHEN l.closed_on IS NULL THEN 1 ELSE 0 END, {order}"
            return "", [], set(), order, order
        return "", [], set(), "l.sort_key", "l.sort_key"


def _row(r: dict[str, Any], names: dict[str, str]) -> LedgerRow:
    co_units = tuple(json.loads(r["co_units"]))
    return LedgerRow(
        entry_id=r["entry_id"], kind=r["kind"], number=r["number"], source=source_label(r["kind"], r["source"]),
        reference=r["reference"], title=r["title"], lead_unit=r["lead_name"] or "",
        co_units="、".join(names.get(u, "") for u in co_units), leader=r["leader_label"] or "",
        deadline=_day(r["deadline"]), deadline_estimated=bool(r["deadline_estimated"]), status=r["status"],
        status_label=status_label(r["kind"], r["status"]), progress=r["progress"],
        progress_text=r["progress_text"] or "", progress_on=_day(r["progress_on"]),
        working_days_overdue=r["overdue_days"], urges=r["urges"], notices=r["notices"], criticisms=r["criticisms"],
        closed_on=_day(r["closed_on"]), lead_unit_id=r["lead_unit"], co_unit_ids=co_units,
        leader_id=r["leader_in_charge"] if r["lead_unit"] else None, source_kind=r["source"],
        opened_on=_day(r["opened_on"]), times_sent_back=r["times_sent_back"], reports_missed=r["reports_missed"],
        deadlines_missed=r["deadlines_missed"], decision_date=_day(r["decision_date"]),
        description=r["description"] or "", parent_id=r["parent_id"], referral=r["referral"],
        interviews=r["interviews"], commendations=r["commendations"], subject_kind=r["subject_kind"],
        severity=r["severity"], extension_to=_day(r["extension_to"]), extension_on=_day(r["extension_on"]),
        extension_reasons=r["extension_reasons"] or "", referral_on=_day(r["referral_on"]),
        referral_reasons=r["referral_reasons"] or "", tasks=tuple(json.loads(r["tasks"])) if r["tasks"] else (),
        warning_rule=r["warning_rule"], working_days_total=r["wd_total"], working_days_elapsed=r["wd_elapsed"],
        working_days_left=r["wd_left"],
        leader_title=post_words(r["leader_post"], r["leader_holder"] or "", r["leader_label"] or "")
        if r["leader_post"] else "",
    )


def status_counts(rows: list[LedgerRow]) -> Counter:
    return Counter((r.kind, r.status_label) for r in rows)


__all__ = ["LedgerQueries", "LedgerRow", "LedgerPage", "KIND_LABELS", "ALL_KINDS", "SORTS", "STILL_DUE",
           "status_label", "source_label", "status_counts"]
