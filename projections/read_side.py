"""The read side: one object that keeps the read models caught up and answers queries.

The worker (``duban worker``, or the one ``duban serve`` runs in-process on the embedded store) is
the only writer: it catches up.  Web processes open the read side as readers and only query.
No SQL lives outside ``projections/`` and ``migrations/``.
"""

from __future__ import annotations

from typing import Callable

from projections.database import TABLES, open_read_models, refresh_statistics, reset
from projections.behaviour_projector import BehaviourProjector
from projections.deadline_changes import DeadlineChangesProjector
from projections.facts_projector import FactsProjector
from projections.ledger_projector import LedgerProjector
from projections.messages import MessagesProjector
from projections.reports import ReportsProjector
from projections.scheme_versions import SchemeVersionsProjector
from projections.runner import CatchUpReport, catch_up


class ReadSide:
    def __init__(self, store, *, writer: bool = True) -> None:
        self.store = store
        self.read_models = open_read_models(store, writer=writer)
        # in this order: the facts and the deadline changes read the ledger rows the ledger projector left
        self.projectors = [LedgerProjector(), FactsProjector(), DeadlineChangesProjector(), MessagesProjector(),
                           ReportsProjector(), BehaviourProjector(), SchemeVersionsProjector()]

    def catch_up(self, *, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None,
                 stop_after_batches: int | None = None, on_batch: Callable[[int], None] | None = None) -> CatchUpReport:
        return catch_up(self.store, self.read_models, self.projectors, batch_size=batch_size, progress=progress,
                        stop_after_batches=stop_after_batches, on_batch=on_batch)

    def rebuild(self, *, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None) -> CatchUpReport:
        """Drop every read model's rows and apply all events again."""
        reset(self.read_models)
        report = self.catch_up(batch_size=batch_size, progress=progress)
        refresh_statistics(self.read_models)
        return report

    def refresh_statistics(self) -> None:
        refresh_statistics(self.read_models)

    def position(self) -> int:
        return self.read_models.position()

    def dump(self) -> dict[str, list[tuple]]:
        """Every read-model row, sorted: for comparing a rebuild with the live tables."""
        with self.read_models.reading() as sql:
            return {table: sorted((tuple(sorted(r.items())) for r in sql.execute(f"SELECT * FROM {table}").rows()), key=repr)
                    for table in TABLES}
