"""The discipline body's pages (纪检监察): the referred cases and each case's read-only dossier
with every actor and date; nothing else of the district opens to it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from web_world import web  # noqa: F401

from domain.rectification import ProblemSource, Severity


def main_of(html: str) -> str:
    return html.split("<main>", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def referred(web, clock):
    """An item urged, noticed, criticised, proposed for referral by the office and approved by V1."""
    app, world = web.app, web.world
    item = web.item("违规发放拆迁补贴问题", lead="A", co=["B"], sign=True, deadline=date(2026, 3, 20))
    app.report_item_progress(item, 10, "正在核查", world.unit("A"))
    clock.set(date(2026, 3, 23))
    app.tick()  # the deadline passes: 逾期未办结, recorded by the system
    app.urge_item(item, "请抓紧办理", world.office)
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item, title="关于补贴问题的督办通知",
                              tasks=[{"task": "说明逾期原因", "responsible": "局长", "deadline": date(2026, 3, 30)}],
                              actor=world.office)
    clock.set(date(2026, 4, 1))
    app.criticise_item(item, "逾期未办结", world.office)
    app.propose_referral(item, "长期推诿，问题严重", world.office)
    clock.set(date(2026, 4, 2))
    app.decide_referral(item, True, "同意移交", world.leader("V1", user="fuquzhang"))
    return item, notice


def test_the_discipline_body_sees_the_referred_cases(web, referred):
    item, _ = referred
    answer = web.client("jiwei").get("/discipline")
    assert answer.status_code == 200
    page = main_of(answer.text)
    row = re.search(r"<tr><td>督办事项</td>(.*?)</tr>", page, re.S)[1]
    number = web.app.readable_item(item, web.world.office).number_label
    for text in (number, "违规发放拆迁补贴问题", "区住建局", "2026-04-02", "副区长"):
        assert text in row
    assert f'href="/discipline/items/{item.hex}"' in row


def test_the_dossier_shows_every_fact_actor_and_date_and_no_form(web, referred):
    item, notice = referred
    answer = web.client("jiwei").get(f"/discipline/items/{item.hex}")
    assert answer.status_code == 200
    page = main_of(answer.text)
    assert "<form" not in page and "<button" not in page and "<input" not in page and "<textarea" not in page
    for fact in ("违规发放拆迁补贴问题", "区政府第3次常务会议", "区住建局", "晴川街", "2026-03-20",
                 notice.number_label, "关于补贴问题的督办通知"):
        assert fact in page, fact
    timeline = page.split('<table class="dossier-timeline', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td[^>]*>(\d{4}-\d{2}-\d{2})</td>.*?<td[^>]*>([^<]*)</td><td[^>]*>([^<]+)</td>\s*"
                      r"<td[^>]*>([^<]*)</td>",
                      timeline, re.S)
    whats = [what for _, _, what, _ in rows]
    for step in ("登记督办事项", "分解交办", "签收", "报送进展", "逾期未办结", "催办", "下发督办通知", "通报批评",
                 "提出移交纪检监察", "批准移交纪检监察"):
        assert step in whats, step
    days = [day for day, _, _, _ in rows]
    assert days == sorted(days) and days[0] == "2026-03-02" and days[-1] == "2026-04-02"
    who = {what: actor for _, _, what, actor in rows}
    assert who["催办"] == "督查室" and who["报送进展"] == "区住建局"  # people in words, never their accounts
    assert who["批准移交纪检监察"] == "副区长" and who["逾期未办结"] == "系统（自动记录）"
    assert "长期推诿，问题严重" in timeline and "请抓紧办理" in timeline  # what each said
    assert notice.number_label in timeline  # the notice's own events, marked with its number
    issued = page.split('<table class="documents', 1)[1].split("</table>", 1)[0]  # 已发文书
    assert re.search(rf"<td[^>]*>督办通知</td><td[^>]*>{re.escape(notice.number_label)}</td>"
                     rf"<td[^>]*>关于补贴问题的督办通知</td>", issued)


def test_cases_not_referred_stay_closed(web, referred):
    app, world = web.app, web.world
    client = web.client("jiwei")
    plain = web.item("未移交的事项", lead="A", sign=True)
    answer = client.get(f"/discipline/items/{plain.hex}")  # as if there were no such case
    assert answer.status_code == 404 and "没有这条督办事项" in answer.text and "未移交的事项" not in answer.text
    proposed = web.item("已提出未批准的事项", lead="C", sign=True)
    app.propose_referral(proposed, "问题严重", world.office)
    assert client.get(f"/discipline/items/{proposed.hex}").status_code == 404
    app.decide_referral(proposed, False, "先由单位整改", world.leader("V2"))
    assert client.get(f"/discipline/items/{proposed.hex}").status_code == 404
    listed = main_of(client.get("/discipline").text)
    assert "未移交的事项" not in listed and "已提出未批准的事项" not in listed
    other = web.other.item(lead="X", title="外区事项")
    assert client.get(f"/discipline/items/{other.hex}").status_code == 404


def test_a_referred_rectification_task_opens_read_only(web):
    app, world = web.app, web.world
    task = app.record_rectification(unit=world.unit_ids["C"], source=ProblemSource.MEDIA, problem="渣土车夜间违规运输",
                                    severity=Severity.SEVERE, deadline=date(2026, 3, 31), actor=world.office)
    client = web.client("jiwei")
    assert client.get(f"/discipline/rectifications/{task.id.hex}").status_code == 404
    app.propose_rectification_referral(task.id, "屡查屡犯", world.office)
    app.decide_rectification_referral(task.id, True, "同意", world.leader("V2", user="fuquzhang2"))
    listed = main_of(client.get("/discipline").text)
    assert "整改任务" in listed and "渣土车夜间违规运输" in listed and f"/discipline/rectifications/{task.id.hex}" in listed
    page = main_of(client.get(f"/discipline/rectifications/{task.id.hex}").text)
    assert "<form" not in page and "<button" not in page
    for text in ("渣土车夜间违规运输", "区城管局", "严重", "问题入账", "提出移交纪检监察", "批准移交纪检监察",
                 "副区长", "督查室"):
        assert text in page, text


def test_the_discipline_body_opens_no_other_pages(web, referred):
    item, _ = referred
    client = web.client("jiwei")
    for path in ("/office", "/leader", "/leader/ranking", "/leader/approvals", f"/leader/items/{item.hex}"):
        answer = client.get(path)
        assert answer.status_code == 403 and "无权访问" in answer.text, path
    assert web.client("duchashi").get("/discipline").status_code == 403
    assert web.client("quzhang").get(f"/discipline/items/{item.hex}").status_code == 403


def test_the_discipline_body_downloads_the_dossier_with_its_code_and_checks_it(web, referred):
    from io import BytesIO
    from urllib.parse import unquote

    from docx import Document

    item, notice = referred
    jiwei = web.client("jiwei")
    answer = jiwei.get(f"/discipline/items/{item.hex}/dossier.docx")
    assert answer.status_code == 200
    found = web.app.readable_item(item, web.world.office)
    assert f"{found.number_label}移交材料.docx" in unquote(answer.headers["content-disposition"])
    document = Document(BytesIO(answer.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"关于{found.number_label}“违规发放拆迁补贴问题”的移交材料"
    facts, documents, history = ([[c.text for c in row.cells] for row in t.rows] for t in document.tables)
    assert ["牵头单位", "区住建局"] in facts and ["当前状态", found.status.label] in facts
    assert documents[1:] == [["督办通知", notice.number_label, "关于补贴问题的督办通知", "2026年3月23日"]]
    whats = [row[1] for row in history[1:]]
    assert any(w.endswith("批准移交纪检监察") for w in whats) and any("催办" in w for w in whats)
    approval = next(row for row in history[1:] if row[1].endswith("批准移交纪检监察"))
    assert approval[0] == "2026-04-02" and approval[2] == "副区长" and "同意移交" in approval[3]
    code_line = next(t for t in texts if t.startswith("校验码："))
    code = code_line.removeprefix("校验码：")
    checked = jiwei.get(f"/discipline/items/{item.hex}/verify", params={"code": code})
    assert "校验通过" in checked.text  # the printed code checks out against the record as it stands

    web.app.clock.day = date(2026, 4, 3)
    web.app.urge_item(item, "移交后继续催办", web.world.office)  # a record added after the dossier was produced
    later = jiwei.get(f"/discipline/items/{item.hex}/verify", params={"code": code})
    assert "生成后新增1条记录" in later.text
    assert web.client("zhujianju").get(f"/discipline/items/{item.hex}/dossier.docx").status_code == 403
