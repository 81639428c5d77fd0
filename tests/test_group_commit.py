"""Group commit (成组提交) on PostgreSQL: the saves that threads of one process ask for while another
save is on its way go to the database together, in one transaction (``pg_recorder.OneTripRecorder``),
and each command is still all or nothing: a command that conflicts refuses only itself."""

from __future__ import annotations

import threading
import time

import pytest

from builders import DistrictBuilder
from domain.errors import ConcurrentChange
from domain.item import SupervisedItem

pytestmark = [pytest.mark.storage, pytest.mark.stores("postgres")]


def counting_batches(recorder) -> list[int]:
    """The size of each batch ``recorder`` sends from now on."""
    batches: list[int] = []
    flush = recorder._flush
    recorder._flush = lambda batch: (batches.append(len(batch)), flush(batch))[1]
    return batches


def run_queued_together(recorder, calls: list) -> list:
    """Run ``calls`` on threads while a save is on its way (the recorder's flush lock held), so their
    saves queue behind it and go as one batch; each outcome, or the error raised."""
    outcomes: list = [None] * len(calls)

    def run(n: int) -> None:
        try:
            outcomes[n] = calls[n]()
        except Exception as error:  # noqa: BLE001 - asserted by the test
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    with recorder._flush_lock:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(recorder._queue) < len(calls) and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(30)
    return outcomes


def test_saves_queued_together_are_one_batch_and_a_conflict_in_it_refuses_only_its_command(app):
    world = DistrictBuilder(app).units(A="晴川街", B="区住建局").build()
    items = [world.item(lead="A", sign=True, title=f"推进老旧小区改造第{n + 1}批") for n in range(4)]
    contested, others = items[0], items[1:]
    seen = app.item(contested, world.office).version
    batches = counting_batches(app.store.recorder)
    calls = [*(lambda i=i: app.report_item_progress(i, 40, "已完成方案", world.unit("A")) for i in others),
             # two decisions taken on the same version of one item: only one of them may stand
             lambda: app.urge_item(contested, "请加快", world.office, expected_version=seen),
             lambda: app.urge_item(contested, "请尽快办理", world.office, expected_version=seen)]
    outcomes = run_queued_together(app.store.recorder, calls)

    assert batches[0] == len(calls)  # all five in one batch, refused whole for the conflict, then each alone
    assert all(isinstance(o, SupervisedItem) for o in outcomes[:3])
    urged = outcomes[3:]
    assert sorted(type(o).__name__ for o in urged) == [ConcurrentChange.__name__, SupervisedItem.__name__]
    stored = {i: app.item(i, world.office) for i in items}
    assert [[r["text"] for r in stored[i].reports] for i in others] == [["已完成方案"]] * 3
    assert stored[contested].urges == 1
    assert app.verify_chain(world.district).problem is None


def test_a_batch_without_conflict_records_every_command_of_it(app):
    world = DistrictBuilder(app).units(A="晴川街").build()
    items = [world.item(lead="A", sign=True, title=f"推进老旧小区改造第{n + 1}批") for n in range(3)]
    batches = counting_batches(app.store.recorder)
    outcomes = run_queued_together(app.store.recorder, [
        lambda i=i: app.report_item_progress(i, 60, "过半", world.unit("A")) for i in items])
    assert batches == [3] and all(isinstance(o, SupervisedItem) for o in outcomes)
    assert [app.item(i, world.office).progress_percent for i in items] == [60, 60, 60]
    assert app.verify_chain(world.district).problem is None
