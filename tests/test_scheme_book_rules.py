"""The office's scheme versions (评分方案、升级规则版本), given–when–then on the aggregate alone."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from domain_harness import given, when

from domain.actor import Actor, Role
from domain.errors import InputProblems
from domain.scheme_book import SchemeBook, SchemeKind
from projections.ranking import Scheme

DISTRICT = "420105"
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)
UNIT = Actor(user="qingchuan", role=Role.UNIT, district=DISTRICT, unit=uuid4())
TODAY = date(2026, 12, 20)
SHIPPED = ("2026-v1", "2026-v2")


def current(**changes) -> dict:
    """The shipped 2026-v2 scheme's settings as the office's form starts from them."""
    return Scheme.load("2026-v2").as_settings() | {"version": "2027-督查室-1", "title": "督查督办绩效考核记分办法（2027年）",
                                                   **changes}


def adopt(settings: dict, effective: date | None = date(2027, 1, 1), reason: str = "年度考核办法修订",
          actor: Actor = OFFICE, kind: SchemeKind = SchemeKind.SCORING, on: date = TODAY):
    return lambda book: book.adopt(kind, settings, effective_from=effective, reason=reason, shipped=SHIPPED, on=on,
                                   actor=actor)


def book():
    return given(SchemeBook.start(DISTRICT, date(2026, 12, 1)))


def test_a_version_is_adopted_with_its_settings_its_date_and_its_reason():
    when(book(), adopt(current(points={**current()["points"], "urged": -2.0}))).then(
        "Adopted", kind="scoring", version_name="2027-督查室-1", effective_from=date(2027, 1, 1), reason="年度考核办法修订")


def test_every_problem_of_the_settings_is_refused_at_once_like_a_shipped_file_would_be():
    points = {**current()["points"], "urged": "很多"}
    del points["criticised"]
    bad = current(base=-1, interview_bottom=2.5, points=points,
                  inspection_points_per_point_below_100={"special": -0.2, "unannounced": 0.3})
    error = when(book(), adopt(bad)).refused("scheme.too_small", InputProblems, field="base")
    assert {p.field for p in error.problems} == {"base", "interview_bottom", "points.urged", "points.criticised",
                                                  "inspection.special"}


def test_the_name_must_be_new_among_shipped_and_adopted_versions():
    when(book(), adopt(current(version="2026-v2"))).refused("scheme.name_taken", field="version")
    adopted = given(book(), adopt(current()))
    when(adopted, adopt(current(), effective=date(2027, 2, 1))).refused("scheme.name_taken", field="version")


def test_a_version_takes_effect_from_today_at_the_earliest_and_not_before_the_last_one():
    when(book(), adopt(current(), effective=date(2026, 12, 1))).refused("scheme.effective_past",
                                                                        field="effective_from")
    when(book(), adopt(current(), effective=None)).refused("scheme.effective_required", field="effective_from")
    later = given(book(), adopt(current(), effective=date(2027, 3, 1)))
    when(later, adopt(current(version="2027-督查室-2"), effective=date(2027, 2, 1))).refused(
        "scheme.effective_order", field="effective_from")
    when(later, adopt(current(version="2027-督查室-2"), effective=date(2027, 3, 1))).then("Adopted")


def test_a_reason_is_required_and_only_the_office_adopts():
    when(book(), adopt(current(), reason="  ")).refused("scheme.reason_required", field="reason")
    when(book(), adopt(current(), actor=UNIT)).refused("role.not_allowed")


def test_escalation_steps_must_be_whole_numbers_in_order():
    rules = {"version": "2027-督查室-1", "title": "督办升级规则（2027年）", "urge_after_working_days": 3,
             "urges_before_notice": 2, "notice_after_working_days": 2, "referral_after_working_days": 1}
    error = when(book(), adopt(rules, kind=SchemeKind.ESCALATION)).refused("scheme.steps_order", InputProblems)
    assert {p.field for p in error.problems} == {"notice_after_working_days", "referral_after_working_days"}
    rules.update(notice_after_working_days=5, referral_after_working_days=30)
    when(book(), adopt(rules, kind=SchemeKind.ESCALATION)).then("Adopted", kind="escalation")


@pytest.mark.parametrize("version", ["2026-v1", "2026-v2"])
def test_the_shipped_schemes_pass_the_same_check(version):
    assert Scheme.load(version).version == version
