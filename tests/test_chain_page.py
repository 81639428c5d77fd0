"""The record's verification page (记录核验, /chain): the discipline body and the office see the
district's chain verified in Chinese; after an event is deleted from the database directly the
page names the gap and the district-wide pages still answer (issue 15: they answered 500)."""

from __future__ import annotations

import sqlite3

import pytest
from web_world import web  # noqa: F401

from duban.application.checkpoints import ensure_key, key_path


def main_of(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def signed(web):
    web.item("违规发放拆迁补贴问题", lead="A", sign=True)
    web.item("整治背街小巷", lead="B", sign=True)
    ensure_key(key_path(web.app.env))
    return {c.district: c for c in web.app.sign_checkpoints()}[web.world.district]


def test_the_discipline_body_and_the_office_see_the_chain_verified_in_chinese(web, signed):
    for user in ("jiwei", "duchashi", "guanliyuan"):
        answer = web.client(user).get("/chain")
        assert answer.status_code == 200, answer.text[:500]
        text = main_of(answer.text)
        assert "记录链完整" in text and f"前{signed.length}条事件与签名时一致" in text and "签名有效" in text
        assert signed.head in text
    assert web.client("zhujianju").get("/chain").status_code == 403
    api = web.client("jiwei").get("/api/chain").json()
    assert api["intact"] and api["problem"] is None and api["checkpoint"]["head"] == signed.head
    assert web.client("zhujianju").get("/api/chain").json()["error"]["rule"] == "role.not_allowed"
    assert web.client("quzhang").get("/chain").status_code == 403
    assert 'href="/chain"' in web.client("jiwei").get("/discipline").text


def test_a_middle_event_deleted_in_the_database_is_named_and_pages_still_answer(web, signed):
    item = web.item("拆除违法建设", lead="A", sign=True)
    db = sqlite3.connect(web.app.env["SQLITE_DBNAME"])
    with db:  # the item's second event (分派) goes, as a writer to the database could do
        place = db.execute("SELECT seq FROM event_chain WHERE originator_id = ? AND originator_version = 2",
                           (item.hex,)).fetchone()[0]
        db.execute("DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2", (item.hex,))
    db.close()
    repository = web.app.store.repository  # as a process started after the deletion: nothing cached
    repository.cache = type(repository.cache)(maxsize=repository.cache.maxsize)
    text = main_of(web.client("jiwei").get("/chain").text)
    assert f"记录链在第{place}条事件处断开：该事件被删除" in text and "督办事项 督〔2026〕" in text
    assert "「拆除违法建设」" in text and item.hex not in text
    # the deleted event came after the day's checkpoint: what it signed is still whole
    assert place > signed.length and f"签名有效，前{signed.length}条事件与签名时一致" in text
    api = web.client("duchashi").get("/api/chain").json()  # the API says the same, with the codes
    assert (api["intact"], api["problem"]["position"], api["problem"]["kind"]) == (False, place, "deleted")
    assert api["problem"]["record"] == item.hex and "拆除违法建设" in api["problem"]["record_label"]
    assert api["checkpoint"]["matches"] and api["checkpoint"]["length"] == signed.length
    damaged = web.client("duchashi").get(f"/office/items/{item.hex}")  # it answered 500
    assert damaged.status_code < 500 and "记录不完整或已被改动" in main_of(damaged.text)
    for user, path in (("duchashi", "/office"), ("duchashi", "/office/ledger"), ("jiwei", "/discipline"),
                       ("quzhang", "/leader"), ("zhujianju", "/unit")):
        answer = web.client(user).get(path)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"


def test_the_referral_dossier_names_the_checkpoint_that_covers_it_on_the_page_and_in_word(web, clock):
    import io
    from datetime import date

    from docx import Document

    app, world = web.app, web.world
    item = web.item("违规发放拆迁补贴问题", lead="A", sign=True, deadline=date(2026, 3, 20))
    clock.set(date(2026, 3, 23))
    app.urge_item(item, "请抓紧办理", world.office)
    clock.set(date(2026, 4, 1))
    app.propose_referral(item, "长期推诿，问题严重", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V1", user="fuquzhang"))
    jiwei = web.client("jiwei")
    before = main_of(jiwei.get(f"/discipline/items/{item.hex}").text)
    assert "尚未纳入签名检查点" in before
    ensure_key(key_path(app.env))
    signed = {c.district: c for c in app.sign_checkpoints()}[world.district]
    after = main_of(jiwei.get(f"/discipline/items/{item.hex}").text)
    assert f"第{signed.sequence}号" in after and signed.head in after and f"前{signed.length}条事件" in after
    word = jiwei.get(f"/discipline/items/{item.hex}/dossier.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert signed.head in text and f"第{signed.sequence}号签名检查点" in text


def test_a_referred_rectification_task_has_its_dossier_code_word_file_and_checkpoint(web, clock):
    import io
    from datetime import date

    from docx import Document

    from domain.rectification import ProblemSource, Severity

    app, world = web.app, web.world
    task = app.record_rectification(unit=world.unit_ids["A"], source=ProblemSource.AUDIT, problem="资金拨付滞后",
                                    severity=Severity.SERIOUS, deadline=date(2026, 4, 30), actor=world.office)
    app.submit_rectification_plan(task.id, "限期拨付", world.unit("A"))
    app.propose_rectification_referral(task.id, "屡催不改", world.office)
    app.decide_rectification_referral(task.id, True, "同意移交", world.leader("V1", user="fuquzhang"))
    ensure_key(key_path(app.env))
    signed = {c.district: c for c in app.sign_checkpoints()}[world.district]
    jiwei = web.client("jiwei")
    href = f"/discipline/rectifications/{task.id.hex}"
    text = main_of(jiwei.get(href).text)
    code = text.split('<code class="dossier-code">', 1)[1].split("<", 1)[0]
    assert len(code.replace("-", "")) == 20 and f"第{signed.sequence}号" in text and signed.head in text
    checked = main_of(jiwei.get(f"{href}/verify", params={"code": code}).text)
    assert "校验通过" in checked and "资金拨付滞后" in checked
    word = jiwei.get(f"{href}/dossier.docx")
    assert word.status_code == 200
    document = Document(io.BytesIO(word.content))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert code in words and "整改问题" in words and "资金拨付滞后" in words and signed.head in words
