"""The stores the storage tests start from (tests/conftest.py ``StoreTemplates``): a copy of the store
set up once per process is what setting up a new database gives — the same tables and indexes, the same
migrations applied, the same working-day calendar, no event — so a test on a copy tests what a new
deployment runs."""

from __future__ import annotations

import uuid

import pytest

from duban.application import Duban
from projections.read_side import ReadSide


def described(app: Duban) -> dict:
    """What a store holds before its first event: its tables and indexes, the migrations applied, the
    calendar's rows, the read side's position."""
    read_side = ReadSide(app.store)
    with read_side.read_models.reading() as sql:
        if read_side.read_models.postgres:
            tables = sql.execute("SELECT table_name AS name FROM information_schema.tables "
                                 "WHERE table_schema = current_schema()").rows()
            indexes = sql.execute("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()").rows()
        else:
            tables = sql.execute("SELECT name FROM sqlite_master WHERE type = 'table'").rows()
            indexes = sql.execute("SELECT name FROM sqlite_master WHERE type = 'index'").rows()
        migrations = sql.execute("SELECT migration_id FROM _yoyo_migration").rows()
        calendar = sql.execute("SELECT count(*) AS days, sum(ordinal) AS ordinals, sum(estimated) AS estimated "
                               "FROM rm_workdays").row()
        meta = sql.execute("SELECT name, value FROM rm_meta").rows()
    return {"tables": sorted(r["name"] for r in tables), "indexes": sorted(r["name"] for r in indexes),
            "migrations": sorted(r["migration_id"] for r in migrations), "calendar": dict(calendar),
            "meta": sorted((r["name"], r["value"]) for r in meta), "position": read_side.position(),
            "events": app.store.recorder.max_notification_id() or 0}


@pytest.mark.empty_store
def test_a_copied_store_is_a_store_set_up_anew(store_env, store_templates, tmp_path):
    fresh = Duban(env=store_env)  # a new database: tables made, migrations applied, calendar filled
    try:
        anew = described(fresh)
    finally:
        fresh.close()
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        copy_env = {**store_env, "SQLITE_DBNAME": str(tmp_path / "copy.sqlite3")}
        store_templates.sqlite(tmp_path / "copy.sqlite3")
    else:
        copy_env = {**store_env, "POSTGRES_SCHEMA": f"t_{uuid.uuid4().hex[:16]}"}
        store_templates.postgres(copy_env["POSTGRES_SCHEMA"])
    copied = Duban(env=copy_env)
    try:
        assert described(copied) == anew
    finally:
        copied.close()
        if "POSTGRES_SCHEMA" in copy_env:
            from conftest import _drop_pg_schema

            _drop_pg_schema(copy_env["POSTGRES_SCHEMA"])
    assert anew["events"] == 0 and anew["calendar"]["days"] > 20_000 and "rm_ledger" in anew["tables"]


@pytest.mark.storage
def test_a_schema_given_back_is_taken_again_as_a_store_set_up_anew(store_templates):
    """The PostgreSQL schemas are used again (tests/conftest.py ``StoreTemplates.give_back``): after a
    test that recorded events, caught the read side up and loaded a year's schedule into the calendar,
    the schema the next test gets holds what a new store holds."""
    from builders import DistrictBuilder
    from conftest import _pg_env, require_postgres
    from test_calendar_rules import OPERATOR, SCHEDULE_2027

    from domain.calendar import parse_schedule

    require_postgres()
    schema = store_templates.postgres_schema()
    first = Duban(env=_pg_env(schema))
    try:
        anew = described(first)
        world = DistrictBuilder(first).units(A="区住建局").build()
        world.item(lead="A", title="改造月湖片区口袋公园")
        first.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电〔2026〕7号", OPERATOR)
        used = described(first)
    finally:
        first.close()
    assert used["events"] > 0 and used["calendar"] != anew["calendar"]  # the test changed what it holds
    store_templates.give_back(schema)
    taken = store_templates.postgres_schema()
    assert taken == schema  # the same schema, used again
    again = Duban(env=_pg_env(taken))
    try:
        assert described(again) == anew
    finally:
        again.close()
        store_templates.give_back(taken)
