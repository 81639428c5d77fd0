"""Reading one district's stored events and chain rows for verification (both stores).

What belongs to district ``D``: the events of every record whose first event is linked in ``D``'s
chain, and every event without a link whose record (or, for a new record, whose own ``district``
field) says ``D`` — so an event slipped in without a link is found.  All filtered in SQL by the
district; the events come back in notification order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from duban.application.chain import DEPLOYMENT, ChainRow, district_in_state, record_hex


@dataclass(frozen=True)
class StoredRow:
    notification_id: int
    record: str
    version: int
    topic: str
    state: bytes


class ChainReader:
    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.postgres = recorder._p == "%s"
        self.chain = recorder.chain_table
        if self.postgres:
            self.events = f'"{recorder.datastore.schema or "public"}".{recorder.events_table_name}'
            self.nid, self.oid_text, self.oid_of_chain = "e.notification_id", "replace(e.originator_id::text, '-', '')", "c.originator_id::uuid"
        else:
            self.events = recorder.events_table_name
            self.nid, self.oid_text, self.oid_of_chain = "e.rowid", "e.originator_id", "c.originator_id"

    def _query(self, statement: str, params: tuple = ()) -> list[tuple]:
        statement = statement.replace("?", self.recorder._p)
        if self.postgres:
            with self.recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, params)
                return [tuple(r.values()) for r in cursor.fetchall()]
        with self.recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, params)
            return [tuple(r) for r in cursor.fetchall()]

    def districts(self) -> list[str]:
        return [r[0] for r in self._query(f"SELECT DISTINCT district FROM {self.chain} ORDER BY district")]

    def chain_rows(self, district: str) -> list[ChainRow]:
        rows = self._query(f"SELECT district, seq, notification_id, originator_id, originator_version, link "
                           f"FROM {self.chain} WHERE district = ? ORDER BY seq", (district,))
        return [ChainRow(r[0], int(r[1]), int(r[2]), r[3], int(r[4]), r[5]) for r in rows]

    def head(self, district: str) -> tuple[int, str] | None:
        rows = self._query(f"SELECT seq, link FROM {self.chain} WHERE district = ? ORDER BY seq DESC LIMIT 1", (district,))
        return (int(rows[0][0]), rows[0][1]) if rows else None

    def seq_of(self, record: str, version: int) -> int | None:
        rows = self._query(f"SELECT seq FROM {self.chain} WHERE originator_id = ? AND originator_version = ?",
                           (record, version))
        return int(rows[0][0]) if rows else None

    def stored_events(self, district: str) -> list[StoredRow]:
        chained = self._query(
            f"SELECT {self.nid}, e.originator_id, e.originator_version, e.topic, e.state FROM {self.events} e "
            f"WHERE e.originator_id IN (SELECT {self.oid_of_chain} FROM {self.chain} c "
            f"WHERE c.district = ? AND c.originator_version = 1)", (district,))
        unlinked = self._query(
            f"SELECT {self.nid}, e.originator_id, e.originator_version, e.topic, e.state FROM {self.events} e "
            f"WHERE NOT EXISTS (SELECT 1 FROM {self.chain} c WHERE c.originator_id = {self.oid_text} "
            f"AND c.originator_version = e.originator_version)")
        rows = {int(r[0]): r for r in chained}
        for r in unlinked:
            if int(r[0]) not in rows and self._district_of_unlinked(r) == district:
                rows[int(r[0])] = r
        return [StoredRow(nid, record_hex(r[1]), int(r[2]), r[3], bytes(r[4])) for nid, r in sorted(rows.items())]

    def _district_of_unlinked(self, row: tuple) -> str:
        record = record_hex(row[1])
        found = self._query(f"SELECT district FROM {self.chain} WHERE originator_id = ? AND originator_version = 1",
                            (record,))
        if found:
            return found[0][0]
        return district_in_state(bytes(row[4])) or DEPLOYMENT

    def first_event(self, record: str) -> StoredRow | None:
        """A record's first stored event (its created event), to name the record in people's words."""
        oid = f"{record[:8]}-{record[8:12]}-{record[12:16]}-{record[16:20]}-{record[20:]}" if self.postgres else record
        rows = self._query(f"SELECT {self.nid}, e.originator_id, e.originator_version, e.topic, e.state "
                           f"FROM {self.events} e WHERE e.originator_id = ? ORDER BY e.originator_version LIMIT 1",
                           (oid,))
        return StoredRow(int(rows[0][0]), record_hex(rows[0][1]), int(rows[0][2]), rows[0][3], bytes(rows[0][4])) \
            if rows else None


__all__ = ["ChainReader", "StoredRow"]
