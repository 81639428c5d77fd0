"""The office's own scoring scheme, adopted from a date (issue 16, point 3), on both stores: the
periods begun after it are ranked under it, the earlier ones stay as they were, and each ranking
names the version it used."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder

from domain.errors import InputProblems
from projections.ranking import RankingQueries, Scheme
from projections.read_side import ReadSide
from projections.scheme_versions import SchemeVersionQueries

HEAVIER_URGING = "2026-督查室-1"


def office_scheme(**points) -> dict:
    """The shipped 2026-v2 settings with ``points`` changed, as the office's form would send them."""
    settings = Scheme.load("2026-v2").as_settings()
    return settings | {"version": HEAVIER_URGING, "title": "督查督办绩效考核记分办法（加重催办扣分）",
                       "points": {**settings["points"], **points}}


def month_of_work(app, clock, world, month: int) -> None:
    """In ``month`` of 2026: A's item is missed, urged twice and finished late; B's is finished on time."""
    a = world.item(lead="A", sign=True, deadline=date(2026, month, 13), title=f"{month}月甲事项")
    b = world.item(lead="B", sign=True, deadline=date(2026, month, 13), title=f"{month}月乙事项")
    clock.set(date(2026, month, 9))
    app.report_completion(b, "已完成", world.unit("B"))
    app.sign_off_item(b, world.office)
    clock.set(date(2026, month, 16))
    app.tick()
    clock.set(date(2026, month, 17))
    app.urge_item(a, "请抓紧", world.office)
    app.urge_item(a, "再次催办", world.office)
    clock.set(date(2026, month, 18))
    app.report_completion(a, "已完成", world.unit("A"))
    app.sign_off_item(a, world.office)


@pytest.fixture
def adopted(app, clock):
    """February's work under the shipped scheme; on 20 February the office adopts a scheme that
    deducts 2 points per urging from 1 March; March's work follows."""
    clock.set(date(2026, 2, 2))
    world = DistrictBuilder(app).units(A="区住建局", B="区城管局").build()
    month_of_work(app, clock, world, 2)
    clock.set(date(2026, 2, 20))
    app.adopt_scheme_version("scoring", office_scheme(urged=-2.0), effective_from=date(2026, 3, 1),
                             reason="催办后仍不落实的问题突出，加重催办扣分", actor=world.office)
    clock.set(date(2026, 3, 2))
    month_of_work(app, clock, world, 3)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    return world, RankingQueries(read_side.read_models), SchemeVersionQueries(read_side.read_models)


def scores(ranking) -> dict[str, tuple[float, int]]:
    return {s.unit_name: (s.score, s.rank) for s in ranking}


def test_a_scheme_adopted_from_a_date_reranks_the_periods_after_it_and_leaves_the_earlier_ones(adopted):
    world, rankings, versions = adopted
    february, march = versions.scheme_for(world.district, "2026-02"), versions.scheme_for(world.district, "2026-03")
    # February stays under the shipped scheme: A 100 - 5 (missed) - 2 x 0.5 (urged) - 2 (late) = 92
    assert february.named == "2026-v2（随系统提供）"
    assert scores(rankings.ranking(world.district, "2026-02", february)) == {"区城管局": (101.0, 1), "区住建局": (92.0, 2)}
    # March is ranked under the office's: A 100 - 5 - 2 x 2 - 2 = 89 (it would be 92 under the shipped one)
    assert march.named == f"{HEAVIER_URGING}（督查室于2026-02-20采用）"
    assert scores(rankings.ranking(world.district, "2026-03", march)) == {"区城管局": (101.0, 1), "区住建局": (89.0, 2)}
    assert scores(rankings.ranking(world.district, "2026-03", "2026-v2"))["区住建局"] == (92.0, 2)
    # the quarter and the year began before 1 March: they keep the shipped scheme
    assert versions.scheme_for(world.district, "2026-Q1").version == "2026-v2"
    assert versions.scheme_for(world.district, "2026-Q2").version == HEAVIER_URGING
    # both versions are listed, the shipped ones as defaults, the office's with its date and reason
    listed = versions.versions(world.district, "scoring")
    assert [(v.version, v.source) for v in listed] == [
        ("2026-v1", "随系统提供"), ("2026-v2", "随系统提供"), (HEAVIER_URGING, "督查室于2026-02-20采用")]
    assert listed[-1].effective_from == date(2026, 3, 1) and "加重催办扣分" in listed[-1].reason
    assert versions.scheme(world.district, HEAVIER_URGING, "2026-02").points["urged"] == -2.0


def test_a_refused_version_records_nothing(adopted, app):
    world, _, _ = adopted
    before = app.store.recorder.max_notification_id()
    with pytest.raises(InputProblems) as refused:
        app.adopt_scheme_version("scoring", office_scheme(urged="重") | {"version": HEAVIER_URGING},
                                 effective_from=date(2026, 3, 1), reason="", actor=world.office)
    assert {p.field for p in refused.value.problems} >= {"points.urged", "version", "reason", "effective_from"}
    assert app.store.recorder.max_notification_id() == before


def test_the_adopted_versions_come_out_identical_from_a_rebuild(adopted, app):
    world, _, versions = adopted
    read_side = ReadSide(app.store)
    before = read_side.dump()["rm_scheme_versions"]
    read_side.rebuild()
    assert read_side.dump()["rm_scheme_versions"] == before and len(before) == 1
    assert versions.scheme_for(world.district, "2026-03").version == HEAVIER_URGING


def test_the_report_to_the_district_head_uses_and_names_the_escalation_rule_set_in_force(app, clock):
    """Rule sets are the office's too: once its stricter set is in force, the weekly report to the
    district head proposes by it and names it; a week before it stays with the shipped set."""
    from dataclasses import asdict

    from domain.escalation import EscalationRules, available_rules
    from projections.queries import ReadQueries

    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局").build()
    shipped = asdict(EscalationRules.load(available_rules()[-1]))
    stricter = shipped | {"version": "2026-督查室-规则1", "title": "督查升级规则（从严）", "urge_after_working_days": 1}
    app.adopt_scheme_version("escalation", stricter, effective_from=date(2026, 3, 9), reason="加快催办",
                             actor=world.office)
    clock.set(date(2026, 3, 11))
    read_side = ReadSide(app.store)
    read_side.catch_up()
    reports = ReadQueries(read_side.read_models).head_reports
    before = reports.report(world.district, "测试区", "2026-W10", date(2026, 3, 11))  # 2-6 March
    now = reports.report(world.district, "测试区", "2026-W11", date(2026, 3, 11))  # 9-13 March, as of the 11th
    assert shipped["version"] in before.rules and "随系统提供" in before.rules
    assert "2026-督查室-规则1" in now.rules and "督查室于2026-03-02采用" in now.rules
