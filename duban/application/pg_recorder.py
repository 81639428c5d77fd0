"""The PostgreSQL event recorder, one round trip per save.

The library's recorder saves in a transaction of several statements (lock the events table, NOTIFY,
insert, commit).  This one makes the same statements one database function called once: the
EXCLUSIVE table lock is still taken first and held to the commit at the end of that statement, so
notification ids still follow commit order (the catch-up never passes over an id committed later),
and the NOTIFY still wakes the worker.  Selected with ``APPLICATION_RECORDER_TOPIC``
(``duban.settings.postgres_env``).

The same function links each event into its district's hash chain (``duban.application.chain``):
the events and their links are one statement, so they commit together, still in one round trip.
(Linking a store from before the chain, ``build_missing_chain``, uses the Python code of the chain.)

Group commit (成组提交): the table lock and the chain make saves follow one another, each waiting
for the one before to be flushed to disk.  So the saves that threads of one process ask for while
another save of the process is on its way are sent together, as one call of the function: one
transaction, one flush, each command's events still all or none (a batch either commits whole or
not at all).  If a batch is refused (one command's events conflict with a concurrent writer's), each
of its saves is sent again alone, so only the conflicting command sees its ``IntegrityError``.
Across processes nothing changes: each process's batches wait for the table lock like single saves.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Sequence

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from duban.application.chain import BATCH, ChainWriter, chain_statements


class OneTripRecorder(ChainWriter, PostgresApplicationRecorder):
    _p = "%s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: list[_Save] = []  # saves asked for and not yet sent (group commit)
        self._queue_lock = threading.Lock()
        self._flush_lock = threading.Lock()  # held while a batch is on its way
        self.chain_table = f'"{self.datastore.schema or "public"}".event_chain'
        self.sql_create_statements.extend(SQL(s) for s in chain_statements(self.chain_table))  # type: ignore[arg-type]
        # the events and their links in one statement: each event inserted, then linked into its
        # district's chain exactly as ``duban.application.chain`` says (the tests check the links
        # against the Python walk), under the table lock taken first
        self.sql_create_statements[self.create_insert_function_statement_index] = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{insert_events}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$"
            " DECLARE e record; nid bigint; rec text; d text; place bigint; previous bytea; state jsonb;"
            " BEGIN"
            "    SET LOCAL lock_timeout = '{lock_timeout}s';"
            "    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            "    NOTIFY {channel};"
            "    FOR e IN SELECT * FROM unnest(events) WITH ORDINALITY"
            "             AS u(originator_id, originator_version, topic, state, n) ORDER BY n LOOP"
            "      INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            "      VALUES (e.originator_id, e.originator_version, e.topic, e.state) RETURNING notification_id INTO nid;"
            "      rec := replace(e.originator_id::text, '-', '');"
            "      d := NULL;"
            "      IF e.originator_version <> 1 THEN"
            "        SELECT c.district INTO d FROM {schema}.event_chain c"
            "        WHERE c.originator_id = rec AND c.originator_version = 1;"
            "      END IF;"
            "      IF d IS NULL THEN"
            "        BEGIN state := convert_from(e.state, 'UTF8')::jsonb;"
            "        EXCEPTION WHEN others THEN state := NULL; END;"
            "        d := CASE WHEN jsonb_typeof(state) = 'object' AND jsonb_typeof(state -> 'district') = 'string'"
            "                   AND state ->> 'district' <> '' THEN state ->> 'district' ELSE '*' END;"
            "      END IF;"
            "      SELECT c.seq, decode(c.link, 'hex') INTO place, previous FROM {schema}.event_chain c"
            "      WHERE c.district = d ORDER BY c.seq DESC LIMIT 1;"
            "      IF NOT FOUND THEN"
            "        place := 0; previous := sha256(convert_to('duban event chain v1' || chr(10) || d, 'UTF8'));"
            "      END IF;"
            "      INSERT INTO {schema}.event_chain (district, seq, notification_id, originator_id, originator_version, link)"
            "      VALUES (d, place + 1, nid, rec, e.originator_version, encode(sha256(previous"
            "        || int8send(octet_length(rec)::bigint) || convert_to(rec, 'UTF8')"
            "        || int8send(octet_length(e.originator_version::text)::bigint) || convert_to(e.originator_version::text, 'UTF8')"
            "        || int8send(octet_length(convert_to(e.topic, 'UTF8'))::bigint) || convert_to(e.topic, 'UTF8')"
            "        || int8send(octet_length(e.state)::bigint) || e.state), 'hex'));"
            "      RETURN NEXT nid;"
            "    END LOOP;"
            " END; $BODY$"
        ).format(
            insert_events=Identifier(self.pg_function_name_insert_events),
            lock_timeout=self.datastore.lock_timeout, channel=Identifier(self.channel_name),
            event=Identifier(self.stored_event_type_name), schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Save ``stored_events`` (one command's) with the saves other threads ask for meanwhile."""
        if not stored_events or any(v is not None for v in kwargs.values()):  # (a tracking record: not ours)
            return self._insert(stored_events)
        mine = _Save(list(stored_events))
        with self._queue_lock:
            self._queue.append(mine)
        with self._flush_lock:  # the saves queued while the previous batch was on its way go together
            if not mine.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._flush(batch)
        if mine.alone:
            return self._insert(mine.events)
        if mine.error is not None:
            raise mine.error
        return mine.ids

    def _flush(self, batch: list["_Save"]) -> None:
        try:
            ids = self._insert([e for save in batch for e in save.events])
        except Exception as error:  # noqa: BLE001 - one command's conflict must not refuse the others:
            for save in batch:       # each is sent again alone (a batch of one has its answer)
                save.alone, save.error = len(batch) > 1, error
        else:
            start = 0
            for save in batch:
                save.ids, start = list(ids[start:start + len(save.events)]), start + len(save.events)
        finally:
            for save in batch:
                save.done = True

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        events = [self.construct_pg_stored_event(originator_id=e.originator_id, originator_version=e.originator_version,
                                                 topic=e.topic, state=e.state) for e in stored_events]
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(self.sql_invoke_pg_function_insert_events, (events,), prepare=True)
            return [r[self.pg_function_name_insert_events] for r in cursor.fetchall()]

    def build_missing_chain(self) -> int:
        """A store from before the chain: link its events in stored order (only while no link exists),
        holding the events table's lock so no save comes between."""
        table = f'"{self.datastore.schema or "public"}".{self.events_table_name}'
        with self.datastore.get_connection() as connection, connection.transaction(), \
                connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"SELECT 1 FROM {self.chain_table} LIMIT 1")
            if cursor.fetchall():
                return 0
            return self._chain_stored(cursor, f"SELECT notification_id, originator_id, originator_version, topic, "
                                              f"state FROM {table} WHERE notification_id > %s "
                                              f"ORDER BY notification_id LIMIT {BATCH}")


class SnapshotRecorder(PostgresAggregateRecorder):
    """The snapshots' recorder: a snapshot is one row whose state is sent as binary.  (The library
    sends rows as the text of an array of composites, every byte of the state escaped in Python:
    a long-lived record's snapshot is large, and that escaping cost more than the rest of a save.)"""

    def _insert_stored_events(self, curs: Any, stored_events: Sequence[StoredEvent], **_: Any) -> None:
        statement = SQL("INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
                        "VALUES (%b, %b, %b, %b)").format(schema=Identifier(self.datastore.schema),
                                                          table=Identifier(self.events_table_name))
        curs.executemany(statement, [(e.originator_id, e.originator_version, e.topic, e.state) for e in stored_events])


@dataclass(eq=False)
class _Save:
    """One command's events waiting in the group commit, and what became of them."""

    events: list[StoredEvent]
    ids: list[int] = field(default_factory=list)
    error: Exception | None = None
    alone: bool = False  # its batch was refused: it is sent again alone
    done: bool = False


__all__ = ["OneTripRecorder", "SnapshotRecorder"]
