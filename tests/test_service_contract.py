"""Promises every command keeps: one log line whatever the outcome, and no leak across districts."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from structlog.testing import capture_logs

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound
from domain.organisation import UnitKind
from domain.sources import SourceKind

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

D = "420105"


@pytest.fixture
def district(app, admin, office):
    app.open_district(D, "汉阳区", admin, on=date(2026, 1, 5))
    app.open_district("420106", "武昌区", Actor("admin", Role.ADMIN, "420106"), on=date(2026, 1, 5))
    unit = app.register_unit("U01", "晴川街", UnitKind.SUBDISTRICT, office, on=date(2026, 1, 5))
    return unit


def test_a_refusal_before_any_loading_is_logged_once(app, district):
    clerk = Actor("clerk", Role.UNIT, D, unit=district.id)
    with capture_logs() as logs:
        with pytest.raises(NotAllowed):
            app.register_unit("U09", "某单位", UnitKind.DEPARTMENT, clerk)
    lines = [entry for entry in logs if entry["event"] == "command"]
    assert len(lines) == 1
    assert lines[0] | {"ms": 0} == {
        "event": "command", "log_level": "info", "command": "register_unit", "aggregate_id": None,
        "district": D, "actor": "clerk", "role": "unit", "outcome": "forbidden", "rule": "role.not_allowed", "ms": 0,
    }


def test_another_districts_record_answers_exactly_like_a_missing_one(app, district, office):
    item = app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="第1次常务会议",
                             decision_date=date(2026, 2, 2), title="某项工作", actor=office, on=date(2026, 2, 2))
    stranger = Actor("other-office", Role.OFFICE, "420106")
    with pytest.raises(NotFound) as foreign:
        app.item(item.id, stranger)
    with pytest.raises(NotFound) as missing:
        app.item(uuid.uuid4(), stranger)
    assert foreign.value.as_dict() == missing.value.as_dict()
    with pytest.raises(NotFound) as foreign_unit:
        app.unit(district.id, stranger)
    with pytest.raises(NotFound) as missing_unit:
        app.unit(uuid.uuid4(), stranger)
    assert foreign_unit.value.as_dict() == missing_unit.value.as_dict()
