"""Every event a record can hold has a Chinese name (办理过程 never shows an English class name).

The test walks every aggregate defined in ``domain/`` and every event class declared on it, so a
new event without a label in ``projections.timeline.EVENT_LABELS`` fails here, not in front of a user.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date

from eventsourcing.domain import Aggregate

import domain
from domain.inspection import InspectionKind
from domain.rectification import Severity
from projections.timeline import EVENT_LABELS, LABEL_VARIANTS, event_label, timeline

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def aggregates() -> list[type[Aggregate]]:
    """The aggregates of ``domain/``, without the shared bases (``DistrictAggregate``) no record is."""
    found = []
    for module in pkgutil.iter_modules(domain.__path__):
        loaded = importlib.import_module(f"domain.{module.name}")
        found += [c for c in vars(loaded).values()
                  if inspect.isclass(c) and issubclass(c, Aggregate) and c.__module__ == loaded.__name__]
    return [c for c in found if not any(other is not c and issubclass(other, c) for other in found)]


def recorded_event_classes(aggregate: type[Aggregate]) -> list[type]:
    """The event classes declared on ``aggregate`` that it can record: every subclass of its ``Event``
    except ``Event`` itself, and except the library's default ``Created`` when the aggregate names its
    own first event (``@event("Registered")`` on ``__init__``) — that default is never recorded."""
    own = [c for name, c in vars(aggregate).items()
           if inspect.isclass(c) and issubclass(c, aggregate.Event) and name != "Event"]
    first = [c for c in own if issubclass(c, Aggregate.Created)]
    named_first = [c for c in first if c.__name__ != "Created"]
    return [c for c in own if not (named_first and c.__name__ == "Created")]


def test_the_walk_finds_the_aggregates_and_their_events():
    names = {a.__name__ for a in aggregates()}
    assert {"SupervisedItem", "SupervisionNotice", "RectificationTask", "Inspection", "Unit", "Roster"} <= names
    found = {c.__qualname__ for a in aggregates() for c in recorded_event_classes(a)}
    assert {"SupervisedItem.Registered", "SupervisedItem.Urged", "RectificationTask.Urged", "Inspection.Created",
            "Inspection.FindingRecorded", "Unit.Registered"} <= found
    assert "SupervisedItem.Created" not in found and "SupervisedItem.Event" not in found


def test_every_event_class_in_the_domain_has_a_chinese_label():
    missing = sorted(c.__qualname__ for a in aggregates() for c in recorded_event_classes(a)
                     if not CHINESE.search(EVENT_LABELS.get(c.__qualname__, "")))
    assert not missing, f"events without a Chinese label in projections.timeline.EVENT_LABELS: {missing}"
    # and no label names an event that does not exist (a typo would hide the missing one)
    known = {c.__qualname__ for a in aggregates() for c in recorded_event_classes(a)}
    assert not set(EVENT_LABELS) - known, sorted(set(EVENT_LABELS) - known)
    assert all(name in known and all(CHINESE.search(v) for v in variants.values())
               for (name, _), variants in LABEL_VARIANTS.items())


def test_an_inspections_timeline_reads_in_chinese(app, clock):
    from builders import DistrictBuilder

    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局", B="晴川街").build()
    a, b = world.unit_ids["A"], world.unit_ids["B"]
    proposal = app.propose_inspection(kind=InspectionKind.SPECIAL, title="燃气安全检查", target_units=[b],
                                      planned_month="2026-03", reasons="隐患排查", actor=world.unit("A"))
    app.decide_inspection(proposal.id, True, world.office, note="同意")
    app.conduct_inspection(proposal.id, world.unit("A"))
    app.record_inspection_finding(proposal.id, unit=b, problem="燃气管道老化", severity=Severity.SERIOUS,
                                  deadline=date(2026, 4, 30), actor=world.unit("A"))
    app.record_inspection_results(proposal.id, [{"unit": b, "score": 80, "problems": 1}], world.unit("A"))
    app.close_inspection(proposal.id, world.unit("A"))
    planned = app.plan_inspection(kind=InspectionKind.UNANNOUNCED, title="市容暗访", target_units=[a],
                                  planned_month="2026-04", actor=world.office)
    entries = timeline(app.store, [proposal.id])
    assert [e.what for e in entries] == ["申请开展检查", "批准检查申请", "实施督查", "登记发现的问题", "录入督查结果",
                                         "结束督查"]
    assert ("问题", "燃气管道老化") in entries[3].details and ("计划月份", "2026-03") in entries[0].details
    assert [e.what for e in timeline(app.store, [planned.id])] == ["列入督查计划"]
    assert event_label("Inspection.Created") == "列入督查计划" and event_label("Unknown.Thing") == "Thing"


def test_the_history_names_people_and_units_as_they_were_that_day(app, clock):
    """A clerk with a name reports for 区住建局 on 3 March; the unit is renamed on 10 March: the
    report still reads 张三（区住建局）; a clerk without a name reads as the unit; nobody as an account."""
    from builders import DistrictBuilder
    from domain.actor import Role

    world = DistrictBuilder(app).units(A="区住建局").build()
    clerk = world.unit("A")
    app.add_user(username=clerk.user, display_name="张三", password="long-enough-1", role=Role.UNIT,
                 district=world.district, unit=world.unit_ids["A"], actor=world.admin)
    item = world.item(lead="A", sign=True, deadline=date(2026, 4, 30))
    clock.set(date(2026, 3, 3))
    app.report_item_progress(item, 30, "推进中", clerk)
    clock.set(date(2026, 3, 10))
    app.rename_unit(world.unit_ids["A"], "区住房和城市更新局", world.office)
    app.report_item_progress(item, 60, "过半", clerk)
    said = [(e.on, e.what, e.who) for e in app.history([item]) if e.what == "报送进展"]
    assert said == [(date(2026, 3, 3), "报送进展", "张三（区住建局）"), (date(2026, 3, 10), "报送进展", "张三（区住房和城市更新局）")]
    assert all(clerk.user not in e.who and world.office.user not in e.who for e in app.history([item]))
