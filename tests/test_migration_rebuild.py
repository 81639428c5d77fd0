"""A migration that changes what the projectors write (marked ``-- rebuild: read models``) rebuilds
the read models from the events when it is applied, so rows projected before it are not left with
its new columns empty.  Shown with 0005, which added 决策日期 and 事项内容 to the ledger."""

from __future__ import annotations

from datetime import date

from builders import DistrictBuilder

from projections.database import MIGRATIONS, REBUILD_MARK, needs_rebuild
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide

MIGRATION = "0005_ledger_registration"


def _as_before_0005(read_side: ReadSide) -> None:
    """Turn the database back into one that was projected before 0005 existed."""
    with read_side.read_models.transaction(commit=True) as sql:
        sql.execute("ALTER TABLE rm_ledger DROP COLUMN decision_date")
        sql.execute("ALTER TABLE rm_ledger DROP COLUMN description")
        sql.execute("DELETE FROM _yoyo_migration WHERE migration_id = ?", (MIGRATION,))


def test_applying_a_rebuild_migration_replays_the_events_into_the_read_models(app):
    world = DistrictBuilder(app).units(A="区住建局").build()
    world.item(lead="A", title="改造月湖片区口袋公园", decision_date=date(2026, 2, 20), description="年内建成开放")
    first = ReadSide(app.store)
    first.catch_up()
    before = first.dump()
    _as_before_0005(first)

    reopened = ReadSide(app.store)  # as `duban serve` does on start: migrations, then catch up
    assert reopened.position() == 0  # the rows were emptied for a full replay
    reopened.catch_up()
    (row,) = LedgerQueries(reopened.read_models, app.calendar()).rows(world.district, date(2026, 3, 2))
    assert row.decision_date == date(2026, 2, 20) and row.description == "年内建成开放"
    assert reopened.dump() == before  # the same read models as if 0005 had always been there


def test_only_migrations_marked_for_rebuild_ask_for_one():
    assert REBUILD_MARK in (MIGRATIONS / f"{MIGRATION}.sql").read_text(encoding="utf-8")
    assert needs_rebuild([MIGRATION])
    assert not needs_rebuild(["0004_ledger_parent_index"]) and not needs_rebuild([])
