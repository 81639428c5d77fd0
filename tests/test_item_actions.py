"""The office's actions offered on an item (domain.item_actions) against what the service accepts.

For each representative state of an item, every action offered must be accepted by the service
(tried on a fresh item in that state) and every action left out must be refused with nothing
recorded — so the buttons on the item page cannot drift from the rules.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable
from uuid import UUID

import pytest

from builders import DistrictBuilder, World, events_recorded
from domain.errors import DomainError
from domain.item import ItemStatus, Satisfaction
from domain.item_actions import ItemAction, office_actions
from domain.sources import SourceKind

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

TODAY = date(2026, 3, 2)  # the conftest clock
DEADLINE = date(2026, 3, 31)


@pytest.fixture
def world(app):
    return (DistrictBuilder(app).units(A="区住建局", B="晴川街").leaders(HEAD="district_head", V1="vice_head")
            .place(A="V1", B="V1").build())


# ---------------------------------------------------------------------------- states of an item
def _registered(w: World) -> UUID:
    return w.item(deadline=DEADLINE)


def _assigned(w: World) -> UUID:
    return w.item(lead="A", co=["B"], deadline=DEADLINE)


def _in_progress(w: World) -> UUID:
    return w.item(lead="A", co=["B"], sign=True, deadline=DEADLINE)


def _completion_reported(w: World) -> UUID:
    item = _in_progress(w)
    w.app.report_completion(item, "已全部完成", w.unit("A"))
    return item


def _cannot_implement_reported(w: World) -> UUID:
    item = _in_progress(w)
    w.app.report_cannot_implement(item, "上级政策调整，无法实施", w.unit("A"))
    return item


def _signed_off(w: World) -> UUID:
    item = _completion_reported(w)
    w.app.sign_off_item(item, w.office, note="核验属实")
    return item


def _terminated(w: World) -> UUID:
    item = _cannot_implement_reported(w)
    w.app.decide_cannot_implement(item, True, "情况属实，同意终止", w.office)
    return item


def _extension_pending(w: World) -> UUID:
    item = _in_progress(w)
    w.app.request_extension(item, DEADLINE + timedelta(days=30), "征地未完成", w.unit("A"))
    return item


def _referral_proposed(w: World) -> UUID:
    item = _in_progress(w)
    w.app.propose_referral(item, "长期不反馈", w.office)
    return item


def _referral_approved(w: World) -> UUID:
    item = _referral_proposed(w)
    w.app.decide_referral(item, True, "同意移交", w.leader("V1"))
    return item


def _referral_declined(w: World) -> UUID:
    item = _referral_proposed(w)
    w.app.decide_referral(item, False, "先约谈", w.leader("V1"))
    return item


def _reply_awaiting_rating(w: World) -> UUID:
    item = w.item(lead="A", sign=True, source=SourceKind.NPC_SUGGESTION, reference="第45号")
    w.app.record_formal_reply(item, "已按建议增设公交站点", w.unit("A"))
    return item


STATES: dict[str, Callable[[World], UUID]] = {
    "registered": _registered, "assigned": _assigned, "in_progress": _in_progress,
    "completion_reported": _completion_reported, "cannot_implement_reported": _cannot_implement_reported,
    "signed_off": _signed_off, "terminated": _terminated, "extension_pending": _extension_pending,
    "referral_proposed": _referral_proposed, "referral_approved": _referral_approved,
    "referral_declined": _referral_declined, "reply_awaiting_rating": _reply_awaiting_rating,
}


# ---------------------------------------------------------------------------- each action, as the office
def _attempt(w: World, action: ItemAction, item_id: UUID) -> None:
    app, office = w.app, w.office
    item = app.item(item_id, office)
    unit = item.lead_unit or w.unit_ids["A"]
    if action is ItemAction.ASSIGN:
        app.assign_item(item_id, w.unit_ids["A"], [w.unit_ids["B"]], office)
    elif action is ItemAction.SPLIT:
        app.split_item(item_id, [{"unit": unit, "title": "摸底排查", "deadline": item.deadline}], office)
    elif action is ItemAction.SIGN_OFF:
        app.sign_off_item(item_id, office, note="核验属实")
    elif action is ItemAction.SEND_BACK:
        app.send_back_item(item_id, "佐证材料不全", office)
    elif action is ItemAction.CANNOT_IMPLEMENT:
        app.decide_cannot_implement(item_id, False, "理由不充分，继续办理", office)
    elif action is ItemAction.EXTENSION:
        app.decide_extension(item_id, True, "同意延期", office)
    elif action is ItemAction.SATISFACTION:
        app.record_satisfaction(item_id, Satisfaction.SATISFIED, office)
    elif action is ItemAction.URGE:
        app.urge_item(item_id, "请加快进度", office)
    elif action is ItemAction.NOTICE:
        app.issue_notice(unit=unit, subject_kind="item", subject_id=item_id, title="关于加快办理的督办通知",
                         tasks=[{"task": "报送整改方案", "responsible": "分管副局长", "deadline": TODAY + timedelta(days=10)}],
                         actor=office)
    elif action is ItemAction.CRITICISE:
        app.criticise_item(item_id, "进展缓慢", office, document="督通报〔2026〕1号")
    elif action is ItemAction.INTERVIEW:
        app.record_interview(item_id, "督查室主任", "区住建局局长", office, note="限期整改")
    elif action is ItemAction.REFERRAL:
        app.propose_referral(item_id, "问题严重、影响恶劣", office)
    elif action is ItemAction.COMMEND:
        app.commend_item(item_id, "提前完成，成效明显", office)
    else:  # pragma: no cover - a new action needs its attempt here
        raise AssertionError(f"no attempt for {action}")


@pytest.mark.parametrize("state", list(STATES))
def test_offered_actions_are_exactly_those_the_service_accepts(app, world, state):
    make = STATES[state]
    item_id = make(world)
    offered = office_actions(app.item(item_id, world.office))
    assert offered, "every state offers something (a closed item can still be commended)"
    for action in ItemAction:
        if action in offered:
            continue
        before, version = events_recorded(app), app.item(item_id, world.office).version
        with pytest.raises(DomainError):
            _attempt(world, action, item_id)
        assert events_recorded(app) == before, f"{state}: refused {action.value} recorded events"
        assert app.item(item_id, world.office).version == version
    for action in offered:
        fresh = make(world)
        _attempt(world, action, fresh)  # raises if the service refuses what the page offers


def test_offers_by_state_read_as_the_rules_say(app, world):
    """Spot checks in plain terms (the parametrised test holds the full list to the service)."""
    def offers(make):
        return set(office_actions(app.item(make(world), world.office)))

    assert offers(_registered) == {ItemAction.ASSIGN}
    in_progress = offers(_in_progress)
    assert {ItemAction.URGE, ItemAction.NOTICE, ItemAction.CRITICISE, ItemAction.INTERVIEW,
            ItemAction.REFERRAL, ItemAction.COMMEND} <= in_progress
    assert ItemAction.SIGN_OFF not in in_progress and ItemAction.ASSIGN not in in_progress
    reported = offers(_completion_reported)
    assert {ItemAction.SIGN_OFF, ItemAction.SEND_BACK} <= reported
    assert ItemAction.CANNOT_IMPLEMENT in offers(_cannot_implement_reported)
    assert offers(_signed_off) == {ItemAction.COMMEND} == offers(_terminated)
    assert ItemAction.REFERRAL not in offers(_referral_proposed)
    assert ItemAction.REFERRAL in offers(_referral_declined)
    assert ItemAction.EXTENSION in offers(_extension_pending)
    assert ItemAction.SATISFACTION in offers(_reply_awaiting_rating)
    assert app.item(_signed_off(world), world.office).status is ItemStatus.SIGNED_OFF


def test_labels_are_chinese_and_values_name_routes():
    assert ItemAction.SIGN_OFF.label == "办结销号" and ItemAction.SIGN_OFF.value == "sign-off"
    assert all(a.label and not a.label.isascii() for a in ItemAction)
    assert ItemAction.URGE.is_escalation and not ItemAction.COMMEND.is_escalation
