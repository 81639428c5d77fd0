"""Read models: caught up live or rebuilt they are identical; a killed run resumes; each batch
counts once; the ledger as of a past date does not change when later events arrive.

On the demo year: the session's (``demo_read``, read-only) or a test's own copy of it (``demo``)."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError

from domain.item import ItemStatus
from projections.ledger import LedgerQueries
from checks import stored_items, stored_records

TODAY = date(2026, 11, 24)
AS_OF = date(2026, 8, 31)


def test_rebuilt_read_models_equal_the_live_ones(demo, demo_years, store_env):
    """The read models caught up week by week through the year, as a running office would (the
    session's demo year, ``demo_years``), equal those rebuilt in one go from the same events (the
    test's own copy of them, ``demo``)."""
    live = demo_years.of(store_env)
    live_tables = live.read_side.dump()
    assert len(live_tables["rm_ledger"]) > 100 and len(live_tables["rm_ledger_history"]) > 1000
    assert len(live_tables["rm_behaviour"]) > 500 and live_tables["rm_behaviour_track"]  # behaviour analytics too
    app, read_side = demo
    report = read_side.rebuild(batch_size=1000)
    assert report.start == 0 and report.position == app.store.recorder.max_notification_id() == live.position
    assert read_side.dump() == live_tables


def test_as_of_answers_do_not_change_after_later_events(demo_read, seed):
    """``demo_read.ledger_as_of``: the ledger as of AS_OF, taken on that day while the year was built."""
    app, read_side = demo_read.app, demo_read.read_side
    assert demo_read.as_of == AS_OF
    again = LedgerQueries(read_side.read_models, app.calendar()).rows(
        seed.code, TODAY, as_of=AS_OF, kinds=("item", "subtask", "rectification", "notice"))
    assert again == demo_read.ledger_as_of
    now = {r.entry_id: r.status for r in LedgerQueries(read_side.read_models, app.calendar()).rows(seed.code, TODAY)}
    then = {r.entry_id: r.status for r in again}
    assert any(now[k] != then[k] for k in then if k in now)  # the year went on after AS_OF
    assert set(now) > {k for k, r in zip(then, again) if r.kind in ("item", "rectification")}


def test_the_ledger_agrees_with_the_aggregates(demo_read, seed):
    app, read_side = demo_read.app, demo_read.read_side
    rows = {r.number: r for r in LedgerQueries(read_side.read_models, app.calendar()).rows(seed.code, TODAY)}
    units = {u.id: u.name for u in app.units(seed.code)}
    items = stored_items(app, seed.code)
    assert {i.status for i in items} == set(ItemStatus)
    for item in items:
        row = rows[item.number_label]
        assert (row.status, row.deadline, row.progress, row.urges, row.criticisms) == (
            item.status.value, item.deadline, item.progress_percent, item.urges, item.criticisms), item.number_label
        assert row.lead_unit == (units[item.lead_unit] if item.lead_unit else "")
        assert row.closed_on == item.closed_on
        assert (row.working_days_overdue > 0) == item.overdue_on(TODAY)
    for task in stored_records(app, seed.code, "rectification"):
        row = rows[task.number_label]
        assert (row.status, row.deadline, row.closed_on) == (task.status.value, task.deadline, task.signed_off_on)


def test_a_killed_catch_up_resumes_without_loss_or_double_counting(demo):
    app, read_side = demo
    # stopped between batches
    first = read_side.catch_up(batch_size=200, stop_after_batches=2)
    assert first.position == 400 and read_side.position() == 400

    # killed in the middle of a batch: that batch leaves nothing behind
    class Crash(Exception):
        pass

    class CrashingProjector:
        def prefetch(self, batch, events):
            pass

        def apply(self, batch, event):
            if event.notification_id == 555:
                raise Crash

    read_side.projectors.append(CrashingProjector())
    with pytest.raises(Crash):
        read_side.catch_up(batch_size=200)
    assert read_side.position() == 400
    read_side.projectors.pop()
    read_side.catch_up(batch_size=200)
    resumed = read_side.dump()
    read_side.rebuild()
    assert read_side.dump() == resumed


def test_a_batch_already_applied_is_refused_whole(demo):
    app, read_side = demo
    read_side.catch_up()
    before = read_side.dump()
    stale = read_side.read_models
    original = stale.position
    stale.position = lambda: 0  # a second runner that read the position before the first committed
    try:
        with pytest.raises(IntegrityError):
            read_side.catch_up(batch_size=100)
    finally:
        stale.position = original
    assert read_side.dump() == before
