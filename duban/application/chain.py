"""The hash chain (哈希链) written with the events: each district's events, linked at write time.

Every event is a link in the chain of its district: ``link = SHA-256(previous link || canonical
bytes of the event)``; a district's first link follows its genesis value.  The links are written
by the event store's recorder (``ChainWriter``) in the transaction that inserts the events, on
both stores, into the table ``event_chain`` (migration 0013), one row per event:
``(district, seq, notification_id, originator_id, originator_version, link)``.

Canonical, so that a third party can compute it (README, "Verifying the record"):

* an event's **canonical bytes** are its four stored fields, each as an 8-byte big-endian length
  followed by the bytes: the record id as 32 lowercase hex digits (ASCII), the version in decimal
  (ASCII), the topic (UTF-8) and the stored state (the bytes of the events table's ``state``);
* the **genesis** of district ``D`` is ``SHA-256("duban event chain v1\\n" || D)`` (UTF-8);
* ``link_n = SHA-256(link_(n-1) || canonical_n)`` over the raw 32-byte digests; the chain's
  **head** is the last link, its **length** the number of events;
* an event's **district** is the ``district`` of its record's first event (version 1) — the
  district every record is created in; a record created without one (the deployment's own
  records: the list of districts, holiday schedules) belongs to the deployment, written ``*``;
* the events of a district are chained in the order of their notification ids.

A concurrent writer cannot fork a chain: (district, seq) is the table's primary key, so two
saves computing the same next position cannot both commit (and both stores serialise writers
already: PostgreSQL's save takes the events table's lock, SQLite has one writer at a time).
A store made before this migration has events without links: the first start builds the chain
for them in their stored order (``build_missing_chain``), only while the chain is still empty, so
an event slipped in later without a link is reported as inserted, never silently chained.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Sequence
from uuid import UUID

DEPLOYMENT = "*"  # the chain of the deployment's own records (no district)
GENESIS_PREFIX = b"duban event chain v1\n"
MIGRATION = "0013_event_chain.sql"
BATCH = 5000  # events linked per statement when a store from before the chain is linked


def genesis(district: str) -> bytes:
    return hashlib.sha256(GENESIS_PREFIX + district.encode("utf-8")).digest()


def record_hex(originator_id: Any) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id).replace("-", "").lower()


def canonical(originator_id: Any, version: int, topic: str, state: bytes) -> bytes:
    """The canonical bytes of one stored event (see the module's text)."""
    fields = (record_hex(originator_id).encode("ascii"), str(int(version)).encode("ascii"),
              topic.encode("utf-8"), bytes(state))
    return b"".join(len(f).to_bytes(8, "big") + f for f in fields)


def next_link(previous: bytes, canonical_bytes: bytes) -> bytes:
    return hashlib.sha256(previous + canonical_bytes).digest()


def district_in_state(state: bytes) -> str | None:
    """The ``district`` field of a stored event's state (JSON), if it has one."""
    try:
        value = json.loads(bytes(state)).get("district")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ChainRow:
    district: str
    position: int
    notification_id: int
    record: str
    version: int
    link: str  # hex


def chain_statements(qualified: str = "event_chain") -> list[str]:
    """The migration's own statements (idempotent), for a store whose recorder writes links before
    the read side's migrations ran on it; ``qualified`` names the table with its schema."""
    from projections.database import MIGRATIONS

    text = (MIGRATIONS / MIGRATION).read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip().replace(" event_chain ", f" {qualified} ") for s in body.split(";") if s.strip()]


class ChainWriter:
    """Mixed into the store's recorders: links the events of one save, in its transaction.

    ``_chain(cursor, stored_events, notification_ids)`` runs after the events' INSERT in the same
    transaction; ``_p`` is the driver's placeholder and ``chain_table`` the (qualified) table."""

    chain_table = "event_chain"
    _p = "?"

    def _rows(self, cursor: Any) -> list[tuple]:
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in cursor.fetchall()]

    def _chain(self, cursor: Any, stored_events: Sequence[Any], notification_ids: Sequence[int]) -> None:
        p, table = self._p, self.chain_table
        records = [record_hex(e.originator_id) for e in stored_events]
        districts: dict[str, str] = {}
        for record, event in zip(records, stored_events):
            if event.originator_version == 1 and record not in districts:
                districts[record] = district_in_state(event.state) or DEPLOYMENT
        unknown = sorted({r for r in records if r not in districts})
        if unknown:
            cursor.execute(f"SELECT originator_id, district FROM {table} WHERE originator_version = 1 "
                           f"AND originator_id IN ({', '.join([p] * len(unknown))})", unknown)
            districts.update(dict(self._rows(cursor)))
        heads: dict[str, tuple[int, bytes]] = {}
        rows = []
        for record, event, nid in zip(records, stored_events, notification_ids):
            district = districts.get(record) or district_in_state(event.state) or DEPLOYMENT
            if district not in heads:
                cursor.execute(f"SELECT seq, link FROM {table} WHERE district = {p} "
                               f"ORDER BY seq DESC LIMIT 1", (district,))
                found = self._rows(cursor)
                heads[district] = (found[0][0], bytes.fromhex(found[0][1])) if found else (0, genesis(district))
            position, previous = heads[district]
            link = next_link(previous, canonical(record, event.originator_version, event.topic, event.state))
            heads[district] = (position + 1, link)
            rows.append((district, position + 1, nid, record, event.originator_version, link.hex()))
        cursor.executemany(f"INSERT INTO {table} (district, seq, notification_id, originator_id, "
                           f"originator_version, link) VALUES ({', '.join([p] * 6)})", rows)

    def _chain_stored(self, cursor: Any, select: str) -> int:
        """Link every stored event, in batches: ``select`` names (notification id, originator_id,
        originator_version, topic, state) of the events after the id it is given, in order."""
        from eventsourcing.persistence import StoredEvent

        after, count = 0, 0
        while True:
            cursor.execute(select, (after,))
            rows = self._rows(cursor)
            if not rows:
                return count
            after = rows[-1][0]
            self._chain(cursor, [StoredEvent(originator_id=r[1], originator_version=r[2], topic=r[3], state=bytes(r[4]))
                                 for r in rows], [r[0] for r in rows])
            count += len(rows)


__all__ = ["ChainRow", "ChainWriter", "DEPLOYMENT", "canonical", "chain_statements", "district_in_state",
           "genesis", "next_link", "record_hex"]
