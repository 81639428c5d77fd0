"""Rankings and performance scores, checked by hand on a small district (both stores)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from builders import DistrictBuilder

from domain.errors import InvalidInput
from domain.inspection import InspectionKind
from projections.ranking import Period, RankingQueries, Scheme, available_schemes
from projections.read_side import ReadSide


@pytest.fixture
def scored(app, clock):
    """March 2026: A finishes on time and is commended; B misses its deadline, is urged twice and
    finishes late; C has no item but a special inspection scores it 90 with 2 problems."""
    clock.set(date(2026, 3, 2))
    world = (DistrictBuilder(app).units(A="区住建局", B="区城管局", C="区水务局").build())
    office = world.office
    a = world.item(lead="A", sign=True, deadline=date(2026, 3, 20), title="甲事项")
    b = world.item(lead="B", sign=True, deadline=date(2026, 3, 20), title="乙事项")
    clock.set(date(2026, 3, 9))
    app.report_completion(a, "已完成", world.unit("A"))
    clock.set(date(2026, 3, 10))
    app.sign_off_item(a, office)
    clock.set(date(2026, 3, 12))
    app.commend_item(a, "按期高质量完成", office)
    clock.set(date(2026, 3, 16))
    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title="安全生产专项督查",
                                     target_units=[world.unit_ids["C"]], planned_month="2026-03", actor=office)
    app.conduct_inspection(inspection.id, office)
    app.record_inspection_results(inspection.id, [{"unit": world.unit_ids["C"], "score": 90, "problems": 2}], office)
    clock.set(date(2026, 3, 23))
    app.tick()
    clock.set(date(2026, 3, 24))
    app.urge_item(b, "请抓紧", office)
    app.urge_item(b, "再次催办", office)
    clock.set(date(2026, 3, 25))
    app.report_completion(b, "已完成", world.unit("B"))
    clock.set(date(2026, 3, 26))
    app.sign_off_item(b, office)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    return world, RankingQueries(read_side.read_models)


def by_name(ranking):
    return {s.unit_name: s for s in ranking}


def test_scores_ranks_and_explanations_under_the_first_scheme(scored):
    world, queries = scored
    ranking = queries.ranking(world.district, "2026-03", "2026-v1")
    scores = by_name(ranking)
    # A: 100 + 1 (on time) + 3 (commended) = 104
    # C: 100 - 10 points below 100 x 0.2 - 2 problems x 1 = 96
    # B: 100 - 3 (deadline missed) - 2 x 0.5 (urged) - 2 (completed late) = 94
    assert [(s.unit_name, s.score, s.rank) for s in ranking] == [
        ("区住建局", 104.0, 1), ("区水务局", 96.0, 2), ("区城管局", 94.0, 3)]
    b = scores["区城管局"]
    assert {(line.fact, line.count, line.points) for line in b.lines} == {
        ("item_assigned", 1, 0.0), ("deadline_missed", 1, -3.0), ("urged", 2, -1.0), ("completed_late", 1, -2.0)}
    assert {line.label for line in b.lines} >= {"逾期未办结", "被催办", "逾期办结"}


def test_every_score_line_names_the_events_that_produced_it(scored, app):
    world, queries = scored
    b = queries.explanation(world.district, world.unit_ids["B"].hex, "2026-Q1", "2026-v1")
    assert (b.unit_name, b.score, b.rank) == ("区城管局", 94.0, 3)
    for line in b.lines:
        topics = [app.store.recorder.select_notifications(start=n, limit=1)[0].topic for n in line.notification_ids]
        expected = {"urged": "Urged", "deadline_missed": "DeadlineMissed", "completed_late": "SignedOff",
                    "item_assigned": "Assigned"}[line.fact]
        assert len(topics) == line.count and all(t.endswith(f"SupervisedItem.{expected}") for t in topics)


def test_a_past_period_rescored_under_a_new_scheme_keeps_both_answers(scored, app):
    world, queries = scored
    events_before = app.store.recorder.max_notification_id()
    v1 = by_name(queries.ranking(world.district, "2026-03", "2026-v1"))
    v2 = by_name(queries.ranking(world.district, "2026-03", "2026-v2"))
    assert v1["区城管局"].score == 94.0 and v2["区城管局"].score == 92.0  # deadline missed: -3 → -5
    assert by_name(queries.ranking(world.district, "2026-03", "2026-v1"))["区城管局"].score == 94.0
    assert app.store.recorder.max_notification_id() == events_before
    assert {"2026-v1", "2026-v2"} <= set(available_schemes())


def test_ties_share_a_rank_and_the_bottom_n_are_interview_candidates(scored):
    world, queries = scored
    scheme = replace(Scheme.load("2026-v1"), points={**Scheme.load("2026-v1").points, "completed_late": -1.0},
                     interview_bottom=1)
    ranking = queries.ranking(world.district, "2026-03", scheme)
    # B: 100 - 3 - 1 - 1 = 95 against C 96: no tie yet
    assert [(s.unit_name, s.rank, s.interview_candidate) for s in ranking] == [
        ("区住建局", 1, False), ("区水务局", 2, False), ("区城管局", 3, True)]
    tie = replace(scheme, points={**scheme.points, "deadline_missed": -2.0})  # B: 100 - 2 - 1 - 1 = 96 = C
    ranking = queries.ranking(world.district, "2026-03", tie)
    assert [(s.score, s.rank) for s in ranking] == [(104.0, 1), (96.0, 2), (96.0, 2)]
    assert [s.interview_candidate for s in ranking] == [False, True, True]


def test_periods_and_as_of_dates(scored):
    world, queries = scored
    assert {s.score for s in queries.ranking(world.district, "2026-02", "2026-v1")} == {100.0}
    early = by_name(queries.ranking(world.district, "2026-03", "2026-v1", as_of=date(2026, 3, 21)))
    # B missed its deadline (the 20th) on the 21st, though the watch of the 23rd recorded it: the fact counts
    # by the day it happened, so as of the 21st B has it (-3) and the item is open and overdue (-2)
    assert (early["区住建局"].score, early["区水务局"].score, early["区城管局"].score) == (104.0, 96.0, 95.0)
    before = by_name(queries.ranking(world.district, "2026-03", "2026-v1", as_of=date(2026, 3, 20)))
    assert before["区城管局"].score == 100.0  # due on the 20th: not yet missed
    assert Period.parse("2026-q1") == Period("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert Period.parse("2024-02").last == date(2024, 2, 29)
    with pytest.raises(InvalidInput):
        Period.parse("2026-13")
    with pytest.raises(InvalidInput):
        Scheme.load("../secrets")


def test_items_still_open_and_overdue_at_the_end_count_against_the_unit(scored, app):
    world, queries = scored
    b = by_name(queries.ranking(world.district, "2026-03", "2026-v1", as_of=date(2026, 3, 24)))["区城管局"]
    # 100 - 3 (deadline missed) - 1 (urged twice) - 2 (still open and overdue on the 24th) = 94
    assert b.score == 94.0 and b.count("open_overdue") == 1
    b = queries.explanation(world.district, world.unit_ids["B"].hex, "2026-03", "2026-v1", as_of=date(2026, 3, 24))
    assert b.score == 94.0 and b.count("open_overdue") == 1
    line = next(line for line in b.lines if line.fact == "open_overdue")
    topic = app.store.recorder.select_notifications(start=line.notification_ids[0], limit=1)[0].topic
    assert topic.endswith("SupervisedItem.DeadlineMissed") and line.label == "期末仍逾期未办结"
    finished = by_name(queries.ranking(world.district, "2026-03", "2026-v1"))["区城管局"]
    assert finished.count("open_overdue") == 0  # signed off on the 26th
