"""Snapshots (快照) of long-lived records, on both stores: a record read from its snapshot and the
events after it is the record its whole history gives, field by field and type by type."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import pytest
from builders import DistrictBuilder

from domain.item import SupervisedItem
from domain.rectification import ProblemSource, Severity
from duban.application import Duban
from duban.clock import FixedClock

pytestmark = pytest.mark.storage


def replayed(app: Duban, record_id) -> Any:
    """The record folded from every one of its events, no snapshot used."""
    record = None
    for event in app.store.events.get(record_id):
        record = event.mutate(record)
    return record


def typed(value: Any) -> Any:
    """The value with the type of every part spelled out (an enum and its string compare equal)."""
    if isinstance(value, dict):
        return {key: typed(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    return (type(value).__name__, value.value if isinstance(value, Enum) else value)


def state(record: Any) -> dict:
    return typed({k: v for k, v in vars(record).items() if k != "_pending_events"})


def test_records_read_from_a_snapshot_equal_their_whole_history(app, store_env, clock):
    world = DistrictBuilder(app).units(A="区住建局", B="晴川街").leaders(V="vice_head").place(A="V", B="V").build()
    item = world.item(lead="A", co=["B"], sign=True, deadline=date(2026, 3, 31))
    for percent in range(5, 100, 5):  # more events than the snapshot interval
        app.report_item_progress(item, percent, f"完成{percent}%", world.unit("A"))
    app.urge_item(item, "请加快", world.office)
    app.request_extension(item, date(2026, 4, 30), "拆迁协调需要时间", world.unit("A"))
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item, title="督办通知",
                              tasks=[{"task": "制定方案", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                              actor=world.office)
    task = app.record_rectification(unit=world.unit_ids["B"], source=ProblemSource.AUDIT, problem="消防通道堵塞",
                                    severity=Severity.GENERAL, deadline=date(2026, 4, 30), actor=world.office)
    app.submit_rectification_plan(task.id, "清理通道", world.unit("B"))
    records = [item, notice.id, task.id, world.unit_ids["A"]]
    for record in records:
        app.store.take_snapshot(record)
    app.report_item_progress(item, 100, "已完成", world.unit("A"))  # an event after the snapshot

    fresh = Duban(env=store_env, clock=FixedClock(clock.today()))  # nothing cached: snapshot + later events
    try:
        for record in records:
            assert app.store.snapshots.get(record), f"no snapshot of {record}"
            assert state(fresh.store.repository.get(record)) == state(replayed(fresh, record))
        read = fresh.item(item, world.office)
        assert isinstance(read, SupervisedItem) and read.status.is_closed is False and read.progress_percent == 100
    finally:
        fresh.close()


def test_an_item_is_snapshotted_as_its_history_grows(app, store_env, clock):
    world = DistrictBuilder(app).units(A="区住建局").build()
    item = world.item(lead="A", sign=True, deadline=date(2026, 3, 31))
    for n in range(60):
        app.report_item_progress(item, n % 100, f"第{n}次报送", world.unit("A"))
    snapshots = list(app.store.snapshots.get(item))
    assert snapshots and snapshots[-1].originator_version >= 50
    assert state(app.store.repository.get(item)) == state(replayed(app, item))
    fresh = Duban(env=store_env, clock=FixedClock(clock.today()))  # nothing cached: the snapshot taken at a save
    try:
        assert state(fresh.store.repository.get(item)) == state(replayed(fresh, item))
    finally:
        fresh.close()
