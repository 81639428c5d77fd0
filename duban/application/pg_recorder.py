"""The PostgreSQL event recorder, one round trip per save.

The library's recorder saves in a transaction of several statements (lock the events table, NOTIFY,
insert, commit).  This one makes the same statements one database function called once: the
EXCLUSIVE table lock is still taken first and held to the commit at the end of that statement, so
notification ids still follow commit order (the catch-up never passes over an id committed later),
and the NOTIFY still wakes the worker.  Selected with ``APPLICATION_RECORDER_TOPIC``
(``duban.settings.postgres_env``).
"""

from __future__ import annotations

from typing import Any, Sequence

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg.sql import SQL, Identifier


class OneTripRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements[self.create_insert_function_statement_index] = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{insert_events}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN"
            "    SET LOCAL lock_timeout = '{lock_timeout}s';"
            "    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            "    NOTIFY {channel};"
            "    RETURN QUERY INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state)"
            "    SELECT originator_id, originator_version, topic, state FROM unnest(events)"
            "    RETURNING notification_id;"
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


__all__ = ["OneTripRecorder"]
