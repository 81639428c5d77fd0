"""The office actions a rectification page offers (domain.rectification_actions) are the ones the
service accepts: for each representative state, every offered action goes through, and the
actions bound to a state (核验, 销号, 重新打开, 移交) are refused when not offered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import DistrictBuilder
from evidence_samples import PNG, Upload  # real files: a report cites only files it stored

from domain.errors import DomainError
from domain.rectification import ProblemSource, RectificationStatus, Severity
from domain.rectification_actions import RectificationAction as A
from domain.rectification_actions import office_actions

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

EVIDENCE = [Upload("照片.png", PNG)]
# state name -> the steps that lead there from a freshly recorded task
STATES = {
    "recorded": [], "rectifying": ["plan"], "reported": ["plan", "report"], "verified": ["plan", "report", "verify"],
    "signed_off": ["plan", "report", "verify", "sign_off"], "referral_proposed": ["plan", "refer"],
    "referral_approved": ["plan", "refer", "approve"], "referral_declined": ["plan", "refer", "decline"],
}


@pytest.fixture
def world(app):
    return DistrictBuilder(app).units(A="区住建局").leaders(V1="vice_head").place(A="V1").build()


def in_state(app, world, state: str):
    office, clerk, leader = world.office, world.unit("A"), world.leader("V1")
    task = app.record_rectification(unit=world.unit_ids["A"], source=ProblemSource.AUDIT, problem="资金拨付滞后",
                                    severity=Severity.SERIOUS, deadline=date(2026, 4, 30), actor=office)
    steps = {
        "plan": lambda: app.submit_rectification_plan(task.id, "限期拨付", clerk),
        "report": lambda: app.report_rectified(task.id, "已拨付", EVIDENCE, clerk),
        "verify": lambda: app.verify_rectification(task.id, True, office),
        "sign_off": lambda: app.sign_off_rectification(task.id, office),
        "refer": lambda: app.propose_rectification_referral(task.id, "屡催不改", office),
        "approve": lambda: app.decide_rectification_referral(task.id, True, "同意", leader),
        "decline": lambda: app.decide_rectification_referral(task.id, False, "先约谈", leader),
    }
    for step in STATES[state]:
        steps[step]()
    return app.rectification(task.id, office)


def run(app, world, action: A, task_id) -> None:
    office = world.office
    {
        A.VERIFY: lambda: app.verify_rectification(task_id, True, office, note="属实"),
        A.SIGN_OFF: lambda: app.sign_off_rectification(task_id, office),
        A.REOPEN: lambda: app.reopen_rectification(task_id, "问题反弹", app.clock.today() + timedelta(days=30), office),
        A.URGE: lambda: app.urge_rectification(task_id, "请抓紧", office),
        A.CRITICISE: lambda: app.criticise_rectification(task_id, "整改迟缓", office),
        A.INTERVIEW: lambda: app.record_rectification_interview(task_id, "督查室主任", "局长", office),
        A.PROPOSE_REFERRAL: lambda: app.propose_rectification_referral(task_id, "影响恶劣", office),
    }[action]()


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: cited files are stored beside the events
def test_every_offered_action_is_accepted_and_state_bound_ones_are_refused_otherwise(app, world):
    for state in STATES:
        probe = in_state(app, world, state)
        offered = office_actions(probe.status, probe.referral)
        assert offered, state
        for action in offered:
            task = in_state(app, world, state) if action is not offered[0] else probe
            version = task.version
            run(app, world, action, task.id)
            assert app.rectification(task.id, world.office).version > version, (state, action)
        probe = in_state(app, world, state)
        for action in {A.VERIFY, A.SIGN_OFF, A.REOPEN, A.PROPOSE_REFERRAL} - set(offered):
            with pytest.raises(DomainError):
                run(app, world, action, probe.id)


def test_what_each_status_offers():
    S = RectificationStatus
    assert office_actions(S.SIGNED_OFF, None) == (A.REOPEN,)
    assert office_actions(S.RECORDED, None) == (A.URGE, A.CRITICISE, A.INTERVIEW, A.PROPOSE_REFERRAL)
    assert office_actions(S.REPORTED, None) == (A.VERIFY, A.CRITICISE, A.INTERVIEW, A.PROPOSE_REFERRAL)
    assert office_actions(S.VERIFIED, "proposed") == (A.SIGN_OFF, A.CRITICISE, A.INTERVIEW)
    assert A.PROPOSE_REFERRAL in office_actions(S.RECTIFYING, "declined")
    assert A.PROPOSE_REFERRAL not in office_actions(S.RECTIFYING, "approved")
