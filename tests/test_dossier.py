"""The case file: a plain-Chinese timeline, and the referral dossier only the referred case opens."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder
from checks import case_file

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound


@pytest.fixture
def case(app, clock):
    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局", B="区城管局").leaders(HEAD="district_head").build()
    item = world.item(lead="A", sign=True, deadline=date(2026, 3, 20))
    clock.set(date(2026, 3, 23))
    app.tick()
    app.urge_item(item, "请抓紧办理", world.office)
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item, title="督办通知",
                              tasks=[{"task": "说明逾期原因", "responsible": "局长", "deadline": date(2026, 3, 30)}],
                              actor=world.office)
    clock.set(date(2026, 4, 10))
    app.tick()
    app.criticise_item(item, "逾期未回复督办通知", world.office, document="汉督通报〔2026〕3号")
    app.criticise_item(item, "仍未回复", world.office)  # recorded without a document number
    app.propose_referral(item, "长期不反馈", world.office)
    return world, item, notice


def test_the_dossier_holds_every_fact_with_its_actor_and_date(app, case):
    world, item, notice = case
    discipline = Actor("jiwei", Role.DISCIPLINE, world.district)
    with pytest.raises(NotAllowed) as refused:
        case_file(app, item, discipline)  # proposed, not yet approved by a leader
    assert refused.value.rule == "referral.not_referred"
    app.decide_referral(item, True, "同意移交", world.leader("HEAD"))
    app.add_user(username=world.office.user, display_name="王督查", password="long-enough-1", role=Role.OFFICE,
                 district=world.district, actor=world.admin)
    found, notices = case_file(app, item, discipline)
    dossier = app.referral_dossier(found, notices)
    assert dossier.notices == (notice.number_label,)
    whats = [e.what for e in dossier.entries]
    assert whats[:3] == ["登记督办事项", "分解交办", "签收"]
    for step in ("逾期未办结", "催办", "下发督办通知", "逾期未回复", "通报批评", "提出移交纪检监察", "批准移交纪检监察"):
        assert step in whats
    assert [e.on for e in dossier.entries] == sorted(e.on for e in dossier.entries)
    urge = next(e for e in dossier.entries if e.what == "催办")
    assert (urge.on, urge.role, dict(urge.details)["意见"]) == (date(2026, 3, 23), "督查室", "请抓紧办理")
    # people in words: the office's account has a name, the head's post, the watcher is the system
    assert {"系统（自动记录）", "王督查（督查室）", "区长"} <= dossier.actors
    assert not {world.office.user, "head-leader", "system"} & dossier.actors
    # the documents issued on the case (已发文书): the notice and the numbered criticism, by date
    assert [(d.kind, d.number, d.title, d.issued_on) for d in dossier.documents] == [
        ("督办通知", notice.number_label, "督办通知", date(2026, 3, 23)),
        ("通报批评", "汉督通报〔2026〕3号", "逾期未回复督办通知", date(2026, 4, 10)),
    ]


def test_case_files_stay_with_those_entitled(app, case):
    world, item, _ = case
    with pytest.raises(NotAllowed):
        case_file(app, item, world.unit("B"))
    assert case_file(app, item, world.unit("A"))[0].id == item
    with pytest.raises(NotFound):
        case_file(app, item, Actor("jiwei", Role.DISCIPLINE, "420106"))
