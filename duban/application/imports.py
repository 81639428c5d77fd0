"""Importing supervised items in bulk (批量导入): all or nothing, every error listed, idempotent.

``import_items`` registers and assigns every row of an ``ImportPlan`` (read by
``documents.item_import.read_items``) and saves all of it in ONE transaction: the item register,
the import register and every new item with its Registered and Assigned events (a 已登记 row
without a lead unit, from an exported ledger, is registered and left unassigned).  Any problem —
found by the reader or here (a date in the future, a source that needs a deadline, a number taken
by another item, a retired unit) — refuses the whole file with every problem listed
(:class:`ImportRefused`) and records nothing.

Idempotency: every imported row claims a stable key in a keyed register (kind ``item_import``,
one per district): a digest of (事项来源, 来源依据, 决策日期, 督办事项), whitespace-normalised.  A row
whose key is already claimed is skipped as 已存在.  A row with an explicit number whose item
already exists is skipped as 已存在 when the titles match, and refused otherwise (the number is
taken).  So importing the same file twice creates nothing the second time, whether or not its
rows carry numbers.  Two identical rows in one file are an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from documents.item_import import ImportPlan, ImportProblem, ImportRow
from domain.actor import Actor, Role
from domain.deadlines import item_deadline
from domain.errors import DomainError, InvalidInput
from domain.item import SupervisedItem, item_number_label
from duban.application.base import Part

IMPORT_REGISTER = "item_import"


def import_key(row: ImportRow) -> str:
    """The row's stable identity: what the item is, not where it sits in the file."""
    norm = lambda text: " ".join(text.split())  # noqa: E731
    text = "|".join((row.source.value, norm(row.reference), row.decision_date.isoformat(), norm(row.title)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class ImportRefused(InvalidInput):
    """The file was refused whole; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("import.refused", f"导入文件有{len(problems)}处错误，全部未导入，请改正后重新导入。")
        self.problems = problems

    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass
class ImportResult:
    imported: list[SupervisedItem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, why)

    @property
    def message(self) -> str:
        return f"已导入{len(self.imported)}项，跳过{len(self.skipped)}项（已存在）"


class ImportCommands(Part):
    def import_items(self, plan: ImportPlan, actor: Actor, progress: Callable[[int, int], None] | None = None,
                     on: date | None = None, dry_run: bool = False) -> ImportResult:
        """Register and assign every row of ``plan``, all in one save, or nothing.  With ``dry_run``
        every check runs and the result says what would be imported, but nothing is saved."""
        day = self._on(on)
        result = ImportResult()

        def work() -> list:
            result.imported.clear()  # run again after a conflicting save: start the answer afresh
            result.skipped.clear()
            actor.must_be(Role.OFFICE, doing="导入督办事项")
            if not plan.ok:
                raise ImportRefused(list(plan.errors))
            district = actor.district
            self.district(district)
            calendar = self.calendar()
            keys = self._register(district, IMPORT_REGISTER, None, day)
            problems: list[ImportProblem] = []
            wanted: list[tuple[ImportRow, str, object]] = []
            seen: dict[str, int] = {}
            for row in plan.rows:
                key = import_key(row)
                if key in seen:
                    problems.append(plan.problem(row, None, f"与第{seen[key]}行是同一事项（来源、依据、日期、标题相同）"))
                    continue
                seen[key] = row.row
                if key in keys.entries:
                    result.skipped.append((row.row, "已存在"))
                    continue
                if row.number is not None:
                    if row.year is not None and row.year != day.year:
                        problems.append(plan.problem(row, "编号", f"只能导入本年度（{day.year}年）的编号"))
                        continue
                    existing = self._find(SupervisedItem, SupervisedItem.id_for(district, day.year, row.number))
                    if existing is not None:
                        if existing.title == row.title:
                            result.skipped.append((row.row, "已存在"))
                        else:
                            problems.append(plan.problem(
                                row, "编号", f"{item_number_label(day.year, row.number)}已被“{existing.title}”使用"))
                        continue
                before = len(problems)
                if row.decision_date > day:
                    problems.append(plan.problem(row, "决策日期", "决策日期不能晚于今天"))
                due = None
                try:
                    due = item_deadline(calendar, row.source, row.decision_date, row.deadline)
                except DomainError as error:
                    problems.append(plan.problem(row, "办理时限", error.message.rstrip("。")))
                if due is not None and due.day <= row.decision_date:
                    problems.append(plan.problem(row, "办理时限", "办理时限必须晚于决策日期"))
                lead = [row.lead_unit] if row.lead_unit is not None else []
                for header, units in (("牵头单位", lead), ("协办单位", row.co_units)):
                    for unit in units:
                        try:
                            self._active_unit(unit, actor, header)
                        except DomainError as error:
                            problems.append(plan.problem(row, header, error.message.rstrip("。")))
                if len(problems) == before:
                    wanted.append((row, key, due))
            register = self._register(district, "item", day.year, day)
            # explicit numbers first, lowest first, so the numbers given out after them never collide
            numbered = sorted((w for w in wanted if w[0].number is not None), key=lambda w: w[0].number)
            highest = register.highest
            for row, _, _ in numbered:
                if row.number > register.highest_allowed(highest):
                    problems.append(plan.problem(row, "编号", (
                        f"编号{row.number}超出范围：本年度已编到{highest}号，指定编号最大为"
                        f"{register.highest_allowed(highest)}号")))
                highest = max(highest, row.number)
            if problems:
                raise ImportRefused(sorted(problems, key=lambda p: p.row or 0))
            if not wanted:
                return []
            ordered = numbered + [w for w in wanted if w[0].number is None]
            for done, (row, key, due) in enumerate(ordered, start=1):
                number = row.number or register.next_number()
                item = SupervisedItem.register(
                    year=day.year, number=number, source=row.source, reference=row.reference,
                    decision_date=row.decision_date, title=row.title, description=row.description,
                    deadline=due.day, deadline_basis=due.basis, deadline_estimated=due.estimated, on=day, actor=actor)
                self._claim_number(register, SupervisedItem, number, item.id, day, "督办事项编号")
                if row.lead_unit is not None:  # none: a 已登记 row, left unassigned as it was
                    item.assign(row.lead_unit, list(row.co_units), day, actor)
                keys.claim(key, item.id, day, "导入事项")
                result.imported.append(item)
                if progress is not None:
                    progress(done, len(ordered))
            result.imported.sort(key=lambda i: i.number)
            return [] if dry_run else [register, keys, *result.imported]

        self._run("import_items", actor, None, work)
        return result
