"""The referral dossier's verification code (移交材料校验码): a SHA-256 over every event of the case,
the same while nothing changes, different after any new event on the item or its notices, and
checked by the discipline body on a read-only page under the same access rules as the dossier."""

from __future__ import annotations

import re
from datetime import date

import pytest
from web_world import web  # noqa: F401
from checks import case_file, verified

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound
from duban.application import Duban
from projections.dossier import check_dossier, referral_dossier, verification_code, verify_dossier


def main_of(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def referred(web, clock):
    """An item urged, noticed, proposed for referral by the office and approved by V1."""
    app, world = web.app, web.world
    item = web.item("违规发放拆迁补贴问题", lead="A", co=["B"], sign=True, deadline=date(2026, 3, 20))
    clock.set(date(2026, 3, 23))
    app.urge_item(item, "请抓紧办理", world.office)
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item, title="关于补贴问题的督办通知",
                              tasks=[{"task": "说明逾期原因", "responsible": "局长", "deadline": date(2026, 3, 30)}],
                              actor=world.office)
    clock.set(date(2026, 4, 1))
    app.propose_referral(item, "长期推诿，问题严重", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V1", user="fuquzhang"))
    return item, notice


def jiwei(web) -> Actor:
    return Actor("jiwei", Role.DISCIPLINE, web.world.district)


def code_of(app, item, actor):
    found, notices = case_file(app, item, actor)
    return verification_code(app.store, found, notices)


def test_the_code_is_stable_and_covers_every_event_of_the_case(web, referred, store_env, clock):
    item, notice = referred
    app, actor = web.app, jiwei(web)
    first, second = code_of(app, item, actor), code_of(app, item, actor)
    assert first == second
    assert re.fullmatch(r"[0-9a-f]{64}", first.digest)
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}", first.short)
    assert first.short.replace("-", "").lower() == first.digest[:20]
    covered = len(list(app.store.events.get(item))) + len(list(app.store.events.get(notice.id)))
    assert first.events == covered
    assert first.last_recorded_at
    found, notices = case_file(app, item, actor)
    assert referral_dossier(app.store, found, notices).code == first
    # a second application instance rebuilt on the same store computes the same code
    again = Duban(env=store_env, clock=clock)
    try:
        assert code_of(again, item, actor) == first
        assert verified(again, item, first.short, actor).matches
    finally:
        again.close()


def test_any_new_event_on_the_item_or_its_notices_changes_the_code(web, referred, clock):
    item, notice = referred
    app, world, actor = web.app, web.world, jiwei(web)
    before = code_of(app, item, actor)
    assert verified(app, item, before.short, actor).matches
    found, notices = case_file(app, item, actor)
    assert verify_dossier(app.store, found, notices, before.digest)
    clock.set(date(2026, 4, 3))
    app.urge_item(item, "再次催办", world.office)
    after_urge = code_of(app, item, actor)
    assert after_urge.digest != before.digest and after_urge.events == before.events + 1
    checked = verified(app, item, before.short, actor)
    assert not checked.matches and checked.known and checked.added == 1
    assert checked.message == "校验不符：记录已变化（生成后新增1条记录）"
    app.acknowledge_notice(notice.id, world.unit("A"))  # an event on a notice of the case
    after_notice = code_of(app, item, actor)
    assert after_notice.digest != after_urge.digest
    assert verified(app, item, before.digest, actor).added == 2
    assert verified(app, item, after_notice.short, actor).message == "校验通过：自生成以来记录未改变"
    found, notices = case_file(app, item, actor)
    assert not verify_dossier(app.store, found, notices, before.short)
    # a code never produced for this case, or too short to mean anything
    for wrong in ("0000-0000-0000-0000-0000", "3F2A", ""):
        checked = check_dossier(app.store, found, notices, wrong)
        assert not checked.matches and not checked.known


def test_verification_follows_the_dossier_access_rules(web, referred):
    item, _ = referred
    app, world = web.app, web.world
    plain = web.item("未移交的事项", lead="A", sign=True)
    with pytest.raises(NotAllowed):
        verified(app, plain, "0" * 20, jiwei(web))
    with pytest.raises(NotFound):  # the office reads the item, but it has no dossier
        verified(app, plain, "0" * 20, world.office)
    with pytest.raises(NotFound):
        verified(app, item, "0" * 20, Actor("jiwei", Role.DISCIPLINE, "420106"))


def test_the_dossier_page_shows_the_code_and_the_verify_page_checks_it(web, referred, clock):
    item, _ = referred
    client = web.client("jiwei")
    page = main_of(client.get(f"/discipline/items/{item.hex}").text)
    short = re.search(r'<code class="dossier-code">([0-9A-F-]+)</code>', page)[1]
    assert "校验码" in page and f"/discipline/items/{item.hex}/verify?code={short}" in page
    assert "<form" not in page  # the dossier itself stays form-free
    code = code_of(web.app, item, jiwei(web))
    assert short == code.short and code.digest in page and f"{code.events}条事件" in page

    answer = client.get(f"/discipline/items/{item.hex}/verify", params={"code": short})
    assert answer.status_code == 200
    assert "校验通过：自生成以来记录未改变" in main_of(answer.text)
    empty = main_of(client.get(f"/discipline/items/{item.hex}/verify").text)
    assert '<form method="get"' in empty and "校验通过" not in empty and "校验不符" not in empty

    clock.set(date(2026, 4, 3))
    web.app.urge_item(item, "再次催办", web.world.office)
    web.app.urge_item(item, "第三次催办", web.world.office)
    changed = main_of(client.get(f"/discipline/items/{item.hex}/verify", params={"code": short}).text)
    assert "校验不符：记录已变化（生成后新增2条记录）" in changed
    assert code_of(web.app, item, jiwei(web)).short in changed  # the current code, for the new dossier


def test_the_verify_page_is_closed_to_cases_not_referred_and_to_others(web, referred):
    item, _ = referred
    plain = web.item("未移交的事项", lead="A", sign=True)
    client = web.client("jiwei")
    answer = client.get(f"/discipline/items/{plain.hex}/verify", params={"code": "0" * 20})
    assert answer.status_code == 404 and "没有这条督办事项" in answer.text  # as if there were no such case
    other = web.other.item(lead="X", title="外区事项")
    assert client.get(f"/discipline/items/{other.hex}/verify").status_code == 404
    assert web.client("duchashi").get(f"/discipline/items/{item.hex}/verify").status_code == 403


def test_the_api_dossier_carries_the_code(web, referred):
    item, _ = referred
    answer = web.client("jiwei").get(f"/api/dossiers/{item}").json()
    code = code_of(web.app, item, jiwei(web))
    assert (answer["code"], answer["digest"], answer["events_covered"]) == (code.short, code.digest, code.events)
