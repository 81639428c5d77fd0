"""The SQLite event recorder that links each event into its district's hash chain
(``duban.application.chain``) in the transaction that inserts it.  Selected with
``APPLICATION_RECORDER_TOPIC`` (``duban.application.store.EventStore``)."""

from __future__ import annotations

from typing import Any, Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from duban.application.chain import BATCH, ChainWriter, chain_statements


class ChainedSQLiteRecorder(ChainWriter, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *chain_statements()]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:
            self._chain(c, stored_events, ids)
        return ids

    def build_missing_chain(self) -> int:
        """A store from before the chain: link its events in stored order (only while no link exists)."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"SELECT 1 FROM {self.chain_table} LIMIT 1")
            if c.fetchall():
                return 0
            return self._chain_stored(c, f"SELECT rowid, originator_id, originator_version, topic, state "
                                         f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT {BATCH}")


__all__ = ["ChainedSQLiteRecorder"]
