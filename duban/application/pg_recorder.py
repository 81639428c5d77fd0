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
"""

from __future__ import annotations

from typing import Any, Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg.sql import SQL, Identifier

from duban.application.chain import BATCH, ChainWriter, chain_statements


class OneTripRecorder(ChainWriter, PostgresApplicationRecorder):
    _p = "%s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
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


__all__ = ["OneTripRecorder"]
