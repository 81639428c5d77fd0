"""The read side on the demo district, checked against independent sources: the seed's
portfolios, and the aggregates themselves."""

from __future__ import annotations

from datetime import date

from projections.escalation import EscalationQueries
from projections.leader_view import LeaderViews
from projections.ledger import LedgerQueries
from projections.ranking import RankingQueries
from checks import stored_items, stored_records

TODAY = date(2026, 11, 24)


def test_leader_views_ranking_and_escalation_queue_on_the_demo_district(demo_read, seed):
    app, read_side = demo_read.app, demo_read.read_side  # the session's year, read side caught up
    ledger = LedgerQueries(read_side.read_models, app.calendar())
    rankings = RankingQueries(read_side.read_models)
    views = LeaderViews(ledger, rankings, read_side.read_models)
    names = {u.code: u.name for u in seed.units}
    leaders = {l.code: app.leader_by_code(seed.code, l.code).id.hex for l in seed.leaders}

    # the district head sees every unit; a vice-head exactly the seed portfolio, and after the
    # demo's 1 July change the moved unit belongs to the first vice-head
    head = views.view(seed.code, leaders["L1"], TODAY, period="2026", scheme="2026-v1")
    assert len(head.units) == len(seed.units)
    vice = [l for l in seed.leaders if l.title == "副区长"]
    moved = seed.leaders[-1].unit_codes[0]
    last = views.view(seed.code, leaders[seed.leaders[-1].code], date(2026, 6, 30), period="2026-Q2",
                      scheme="2026-v1")
    assert set(last.units) == {names[c] for c in seed.leaders[-1].unit_codes}
    first_after = views.view(seed.code, leaders[vice[0].code], TODAY, period="2026", scheme="2026-v1")
    assert set(first_after.units) == {names[c] for c in vice[0].unit_codes} | {names[moved]}

    # the overdue items a leader sees are exactly the open, overdue items its units lead
    items = {i.number_label: i for i in stored_items(app, seed.code)}
    units_by_id = {app.unit_by_code(seed.code, c).id: names[c] for c in names}
    expected = sorted(n for n, i in items.items() if i.overdue_on(TODAY) and units_by_id.get(i.lead_unit) in head.units)
    assert sorted(r.number for r in head.overdue_items) == expected

    # ranking: every unit once, ranks ascending, the unit that leads all 23 pilot measures last
    ranking = rankings.ranking(seed.code, "2026", "2026-v1")
    assert len(ranking) == len(seed.units) and [s.rank for s in ranking] == sorted(s.rank for s in ranking)
    assert ranking[-1].unit_name == "区司法局" and ranking[-1].interview_candidate

    # escalation queue: only open, overdue cases, each without the step it is advised
    rects = {t.number_label: t for t in stored_records(app, seed.code, "rectification")}
    queue = EscalationQueries(read_side.read_models, app.calendar()).queue(seed.code, TODAY, "2026-v1")
    assert queue
    for advice in queue:
        case = items.get(advice.number) or rects[advice.number]
        assert case.deadline < TODAY and advice.evidence.startswith("逾期")
