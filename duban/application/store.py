"""The event store: one eventsourcing application holding every aggregate type.

One application means one events table on both stores (SQLite's table names are fixed), and
a command that changes several aggregates saves them in one atomic ``save()``.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding
from eventsourcing.postgres import PostgresFactory

from domain.inspection import Inspection
from domain.item import SupervisedItem
from domain.leadership import Roster
from domain.notice import SupervisionNotice
from domain.organisation import NumberRegister
from domain.rectification import RectificationTask
from domain.watch import DailyWatch
from duban.application.pg_recorder import SnapshotRecorder


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EventStore(Application):
    """All of duban's events (table ``duban_events`` on PostgreSQL, ``stored_events`` on SQLite)."""

    name = "duban"
    # every 50 events a record's state is kept whole (domain.base.DistrictSnapshot keeps its enums),
    # so reading a long-lived record replays at most 49 events after its latest snapshot
    snapshotting_intervals = {NumberRegister: 50, Roster: 50, DailyWatch: 50, SupervisedItem: 50,
                              SupervisionNotice: 50, RectificationTask: 50, Inspection: 50}
    # Recently read records stay in memory; a read takes only the events recorded since (one small
    # query, so writes by other processes are seen) and answers a copy (a command cannot disturb it).
    CACHE = {"AGGREGATE_CACHE_MAXSIZE": "5000", "AGGREGATE_CACHE_FASTFORWARD": "y",
             "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}

    def __init__(self, env=None) -> None:
        env = {**self.CACHE, **(env or {})}
        if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":  # a save is one round trip
            env.setdefault("APPLICATION_RECORDER_TOPIC", "duban.application.pg_recorder:OneTripRecorder")
        elif env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":  # each save links its events (chain.py)
            env.setdefault("APPLICATION_RECORDER_TOPIC", "duban.application.sqlite_recorder:ChainedSQLiteRecorder")
        super().__init__(env=env)
        # a store from before the hash chain: its events are linked once, in stored order
        build = getattr(self.recorder, "build_missing_chain", None)
        if build is not None:
            build()

    def construct_snapshot_store(self):
        """On PostgreSQL, snapshots are written by ``pg_recorder.SnapshotRecorder`` (their state as binary)."""
        factory = self.factory
        if not isinstance(factory, PostgresFactory):
            return super().construct_snapshot_store()
        recorder = SnapshotRecorder(datastore=factory.datastore,
                                    events_table_name=f"{factory.env.name.lower() or 'stored'}_snapshots")
        if factory.env_create_table():
            recorder.create_table()
        return factory.event_store(mapper=self.mapper, recorder=recorder)

    def _take_snapshots(self, processing_event) -> None:
        """A snapshot falling on a record's newest event is taken from the record just saved, as it
        stands in memory (the state its events give, tests/test_snapshots.py), rather than read back
        from the store and folded again; one falling on an earlier event of the same save is read
        back as the library does."""
        if not self.snapshots:
            return
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate)) if aggregate is not None else None
            if interval is None or event.originator_version % interval:
                continue
            if aggregate.version == event.originator_version:
                self.snapshots.put([type(aggregate).Snapshot.take(aggregate)])
            else:
                self.take_snapshot(event.originator_id, event.originator_version)

    @property
    def chained(self) -> bool:
        """Whether this store writes the hash chain (SQLite and PostgreSQL; not the in-memory store)."""
        return hasattr(self.recorder, "build_missing_chain")

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
