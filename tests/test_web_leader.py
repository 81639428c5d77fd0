"""The leaders' pages (领导): portfolio, ranking with its chart and explanation, overdue items,
the approvals list and the decisions taken on an item's page — each only within the leader's
portfolio (the district head: every unit)."""

from __future__ import annotations

import re
from datetime import date
from uuid import uuid4

import pytest
from web_world import web  # noqa: F401

from domain.errors import NotAllowed
from domain.rectification import ProblemSource, Severity

DEADLINE = date(2026, 3, 31)
ASKED = date(2026, 4, 30)


def field_error(html: str, name: str) -> str:
    """The message shown beside field ``name`` ('' if none)."""
    found = re.search(rf'<span class="field-error" role="alert" data-field="{name}">([^<]*)</span>', html)
    return found[1] if found else ""


def main_of(html: str) -> str:
    return html.split("<main>", 1)[1]


@pytest.fixture
def setup(web):
    """Item A (unit A, V1's) with an extension requested; item C (unit C, V2's) urged and criticised."""
    app, world = web.app, web.world
    item_a = web.item("整治背街小巷", lead="A", sign=True, deadline=DEADLINE)
    app.request_extension(item_a, ASKED, "拆迁协调需要时间", world.unit("A"))
    item_c = web.item("占道经营整治", lead="C", sign=True, deadline=DEADLINE)
    app.urge_item(item_c, "请加快进度", world.office)
    app.criticise_item(item_c, "工作推进不力", world.office, document="汉政督〔2026〕1号")
    return item_a, item_c


def version(web, item) -> int:
    return web.app.readable_item(item, web.world.office).version


# -- portfolio ------------------------------------------------------------------------------------------
def test_each_leader_sees_the_units_of_their_portfolio_the_district_head_all(web, setup):
    head = main_of(web.client("quzhang").get("/leader").text)
    assert all(name in head for name in ("区住建局", "晴川街", "区城管局")) and "区长查看全区所有单位" in head
    v1 = web.client("fuquzhang").get("/leader")
    assert v1.status_code == 200
    page = main_of(v1.text)
    assert "区住建局" in page and "晴川街" in page and "区城管局" not in page and "占道经营整治" not in page
    assert "整治背街小巷" in page  # its open items, linking to the item page
    assert f'href="/leader/items/{setup[0].hex}"' in page
    pending = re.search(r'href="/leader/approvals"><b>(\d+)</b>', page)
    assert pending and pending[1] == "1"
    v2 = main_of(web.client("fuquzhang2").get("/leader").text)
    assert "区城管局" in v2 and "区住建局" not in v2


def test_only_leaders_open_the_leader_pages(web):
    for user in ("zhujianju", "duchashi", "jiwei"):
        client = web.client(user)
        for path in ("/leader", "/leader/ranking", "/leader/overdue", "/leader/approvals"):
            answer = client.get(path)
            assert answer.status_code == 403 and "无权访问" in answer.text, (user, path)


# -- extension decisions ----------------------------------------------------------------------------------
def test_a_vice_head_grants_an_extension_from_the_approvals_list(web, setup):
    item_a, _ = setup
    client = web.client("fuquzhang")
    approvals = main_of(client.get("/leader/approvals").text)
    assert "延期申请" in approvals and "整治背街小巷" in approvals and "拆迁协调需要时间" in approvals
    assert f'href="/leader/items/{item_a.hex}"' in approvals
    page = client.get(f"/leader/items/{item_a.hex}")
    assert page.status_code == 200 and "审批延期申请" in page.text and "同意延期" in page.text
    assert "2026-04-30" in page.text and "申请延期" in page.text  # the request, and the timeline
    answer = client.post(f"/leader/items/{item_a.hex}/extension",
                         data=web.form(client, grant="true", new_deadline="", note="同意"), follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    shown = client.get(answer.headers["location"])
    assert "已同意延期" in shown.text and "同意延期" in shown.text  # flash and the timeline line
    item = web.app.readable_item(item_a, web.world.office)
    assert item.deadline == ASKED and item.pending_extension is None
    assert "没有等待您审批的事项" in client.get("/leader/approvals").text


def test_bad_extension_decisions_are_shown_beside_the_field_and_record_nothing(web, setup):
    item_a, _ = setup
    client = web.client("fuquzhang")
    before = version(web, item_a)
    url = f"/leader/items/{item_a.hex}/extension"

    bad_date = client.post(url, data=web.form(client, grant="true", new_deadline="2026-13-01", note="可以"))
    assert bad_date.status_code == 422
    assert field_error(bad_date.text, "new_deadline") == "批准的新时限应为日期，格式如 2026-03-02。"
    assert 'value="2026-13-01"' in bad_date.text and "可以" in bad_date.text  # typed values kept

    too_early = client.post(url, data=web.form(client, grant="true", new_deadline="2026-03-10", note=""))
    assert too_early.status_code == 422
    assert field_error(too_early.text, "new_deadline") == "批准的新时限必须晚于现有时限。"

    no_reason = client.post(url, data=web.form(client, grant="false", new_deadline="", note=""))
    assert no_reason.status_code == 422 and field_error(no_reason.text, "note") == "不同意延期时请说明理由。"

    no_choice = client.post(url, data=web.form(client, note="再议"))
    assert no_choice.status_code == 422 and "请选择审批结论" in field_error(no_choice.text, "grant")
    assert "再议" in no_choice.text

    assert version(web, item_a) == before
    assert web.app.readable_item(item_a, web.world.office).pending_extension is not None

    refused = client.post(url, data=web.form(client, grant="false", note="理由不充分"), follow_redirects=False)
    assert refused.status_code == 303
    item = web.app.readable_item(item_a, web.world.office)
    assert item.pending_extension is None and item.deadline == DEADLINE


def test_a_decision_taken_on_a_page_someone_else_has_overtaken_is_refused(web, setup):
    """The form carries the version its page showed: the office urged the unit after the page
    was drawn, so the leader is asked to look again (409) and nothing is recorded."""
    item_a, _ = setup
    client = web.client("fuquzhang")
    page = client.get(f"/leader/items/{item_a.hex}").text
    shown = int(re.search(r'id="extension">.*?name="version" value="(\d+)"', page, re.S)[1])
    assert shown == version(web, item_a)
    web.app.urge_item(item_a, "请抓紧", web.world.office)
    answer = client.post(f"/leader/items/{item_a.hex}/extension",
                         data=web.form(client, grant="true", new_deadline="", note="同意", version=str(shown)))
    assert answer.status_code == 409, answer.text[:300]
    assert version(web, item_a) == shown + 1
    assert web.app.readable_item(item_a, web.world.office).pending_extension is not None


def test_a_vice_head_cannot_see_or_decide_for_a_unit_outside_the_portfolio(web, setup):
    item_a, item_c = setup
    client = web.client("fuquzhang2")  # V2: unit C only
    page = client.get(f"/leader/items/{item_a.hex}")
    assert page.status_code == 404 and "没有这条督办事项" in page.text  # as if there were none
    before = version(web, item_a)
    answer = client.post(f"/leader/items/{item_a.hex}/extension",
                         data=web.form(client, grant="true", note="同意"))
    assert answer.status_code == 404
    assert version(web, item_a) == before
    assert "整治背街小巷" not in client.get("/leader/approvals").text
    assert client.get(f"/leader/items/{item_c.hex}").status_code == 200
    # the service refuses it too, whatever the page does
    with pytest.raises(NotAllowed):
        web.app.decide_extension(item_a, True, "同意", web.world.leader("V2"))
    assert version(web, item_a) == before
    assert client.get(f"/leader/items/{uuid4().hex}").status_code == 404
    # the district head decides for any unit
    client = web.client("quzhang")
    assert "整治背街小巷" in client.get("/leader/approvals").text
    answer = client.post(f"/leader/items/{item_a.hex}/extension",
                         data=web.form(client, grant="true", new_deadline="2026-05-15"), follow_redirects=False)
    assert answer.status_code == 303
    assert web.app.readable_item(item_a, web.world.office).deadline == date(2026, 5, 15)


# -- referral and interview ---------------------------------------------------------------------------------
def test_a_leader_decides_a_referral_proposal(web, setup):
    item_a, _ = setup
    web.app.propose_referral(item_a, "长期推诿扯皮，问题严重", web.world.office)
    client = web.client("fuquzhang")
    approvals = client.get("/leader/approvals").text
    assert "移交纪检监察建议" in approvals and "长期推诿扯皮" in approvals
    url = f"/leader/items/{item_a.hex}/referral"
    before = version(web, item_a)
    declined = client.post(url, data=web.form(client, approve="false", note=""))
    assert declined.status_code == 422 and field_error(declined.text, "note") == "不同意移交时请说明理由。"
    assert version(web, item_a) == before
    unconfirmed = client.post(url, data=web.form(client, approve="true", note="同意移交"))
    assert unconfirmed.status_code == 422 and "不可撤销" in field_error(unconfirmed.text, "confirmed")
    assert 'id="action-referral" open' in unconfirmed.text and version(web, item_a) == before
    approved = client.post(url, data=web.form(client, approve="true", note="同意移交", confirmed="on"),
                           follow_redirects=False)
    assert approved.status_code == 303
    assert "已同意移交纪检监察机关" in client.get(approved.headers["location"]).text
    assert web.app.readable_item(item_a, web.world.office).referral == "approved"
    assert "审批移交纪检监察" not in main_of(client.get(f"/leader/items/{item_a.hex}").text).split("办理过程")[0]
    # a rectification task's referral, on its own page
    app, world = web.app, web.world
    task = app.record_rectification(unit=world.unit_ids["A"], source=ProblemSource.MEDIA, problem="工地扬尘未整改",
                                    severity=Severity.SERIOUS, deadline=DEADLINE, actor=world.office)
    app.propose_rectification_referral(task.id, "屡查屡犯", world.office)
    approvals = client.get("/leader/approvals").text
    assert "整改任务移交纪检监察建议" in approvals and f"/leader/rectifications/{task.id.hex}" in approvals
    assert web.client("fuquzhang2").get(f"/leader/rectifications/{task.id.hex}").status_code == 404
    url = f"/leader/rectifications/{task.id.hex}/referral"
    bad = client.post(url, data=web.form(client, approve="false"))
    assert bad.status_code == 422 and field_error(bad.text, "note") == "不同意移交时请说明理由。"
    assert app.readable_rectification(task.id, world.office).referral == "proposed"
    assert client.post(url, data=web.form(client, approve="true")).status_code == 422  # not confirmed
    assert app.readable_rectification(task.id, world.office).referral == "proposed"
    ok = client.post(url, data=web.form(client, approve="true", confirmed="on"), follow_redirects=False)
    assert ok.status_code == 303
    assert app.readable_rectification(task.id, world.office).referral == "approved"


def test_a_leader_records_an_interview(web, setup):
    item_a, _ = setup
    client = web.client("fuquzhang")
    url = f"/leader/items/{item_a.hex}/interview"
    before = version(web, item_a)
    missing = client.post(url, data=web.form(client, held_by="副区长", interviewee="", note="限期整改"))
    assert missing.status_code == 422 and field_error(missing.text, "interviewee") == "请填写被约谈人（职务）。"
    assert 'value="副区长"' in missing.text and "限期整改" in missing.text
    assert version(web, item_a) == before
    done = client.post(url, data=web.form(client, held_by="副区长", interviewee="区住建局局长", note="限期整改"),
                       follow_redirects=False)
    assert done.status_code == 303
    assert web.app.readable_item(item_a, web.world.office).interviews == 1
    assert "区住建局局长" in client.get(f"/leader/items/{item_a.hex}").text  # in the timeline
    # V2 may not interview for unit A
    other = web.client("fuquzhang2")
    assert other.post(url, data=web.form(other, held_by="副区长", interviewee="局长")).status_code == 404
    assert web.app.readable_item(item_a, web.world.office).interviews == 1


# -- overdue ----------------------------------------------------------------------------------------------
def test_overdue_items_of_the_portfolio(web):
    late = web.item("雨污分流改造", lead="A", sign=True, decision_date=date(2026, 2, 2), deadline=date(2026, 2, 20),
                    on=date(2026, 2, 3))
    late_c = web.item("渣土车整治", lead="C", sign=True, decision_date=date(2026, 2, 2), deadline=date(2026, 2, 20),
                      on=date(2026, 2, 3))
    web.item("按期推进的事项", lead="A", sign=True, deadline=DEADLINE)
    v1 = main_of(web.client("fuquzhang").get("/leader/overdue").text)
    assert "雨污分流改造" in v1 and f'href="/leader/items/{late.hex}"' in v1
    assert "渣土车整治" not in v1 and "按期推进的事项" not in v1
    head = main_of(web.client("quzhang").get("/leader/overdue").text)
    assert "雨污分流改造" in head and "渣土车整治" in head
    unit_c = web.client("quzhang").get(f"/leader/overdue?unit={web.world.unit_ids['C'].hex}").text
    assert "渣土车整治" in unit_c and "雨污分流改造" not in unit_c
    assert f"/leader/items/{late_c.hex}" in unit_c


# -- ranking ----------------------------------------------------------------------------------------------
def ranking_rows(html: str) -> list[tuple[str, str, str]]:
    """(rank, unit, score) of each row of the ranking table."""
    table = html.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>\s*<td>(\d+)</td><td>([^<]+?)(?:\s*<small[^>]*>[^<]*</small>)?</td>\s*<td>([-\d.]+)</td>",
                      table)


def test_the_ranking_shows_a_table_and_a_bar_chart(web, setup):
    client = web.client("quzhang")
    answer = client.get("/leader/ranking?period=2026&scheme=2026-v1")
    assert answer.status_code == 200
    html = answer.text
    rows = ranking_rows(html)
    assert [(unit, score) for _, unit, score in rows] == [("区住建局", "100"), ("晴川街", "100"), ("区城管局", "94.5")]
    assert [rank for rank, _, _ in rows] == ["1", "1", "3"]  # equal scores share a rank
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<rect class="(bar[^"]*)"', svg)
    assert len(bars) == 3 and bars.count("bar bottom") == 1  # only 区城管局 is an interview candidate
    assert "区城管局" in svg and "94.5" in svg
    assert html.count("约谈候选") >= 2  # the legend and the row's badge
    # by default: this year under the newest scheme, whose 2026 revision deducts more for a criticism
    newest = client.get("/leader/ranking").text
    assert ("区城管局", "91.5") in [(u, s) for _, u, s in ranking_rows(newest)] and "2026年" in newest
    march = client.get("/leader/ranking?period=2026-03&scheme=2026-v1").text
    assert ("区城管局", "94.5") in [(u, s) for _, u, s in ranking_rows(march)] and "2026年3月" in march
    february = client.get("/leader/ranking?period=2026-02&scheme=2026-v1").text
    assert [s for _, _, s in ranking_rows(february)] == ["100", "100", "100"]
    # a vice head sees the whole district's ranking, their own units marked
    html = web.client("fuquzhang").get("/leader/ranking?period=2026&scheme=2026-v1").text
    assert [u for _, u, _ in ranking_rows(html)] == ["区住建局", "晴川街", "区城管局"]
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert sorted(re.findall(r'<rect class="(bar[^"]*)"', svg)) == ["bar bottom", "bar mine", "bar mine"]
    assert html.count('class="mine"') == 2
    # a bad choice is explained beside its field
    bad = client.get("/leader/ranking?period=2026-13")
    assert bad.status_code == 422 and "统计期间“2026-13”无效" in field_error(bad.text, "period")
    assert "<svg" not in bad.text and '<option value="2026-13" selected>' in bad.text  # kept as typed
    unknown = client.get("/leader/ranking?period=2026&scheme=1999-v9")
    assert unknown.status_code == 422 and "没有记分办法版本“1999-v9”" in field_error(unknown.text, "scheme")
    explained = client.get(f"/leader/ranking/{web.world.unit_ids['C'].hex}?period=soon")
    assert explained.status_code == 422 and "统计期间“SOON”无效" in explained.text


def test_a_score_is_explained_line_by_line_with_its_events(web, setup):
    _, item_c = setup
    unit_c = web.world.unit_ids["C"].hex
    html = web.client("quzhang").get(f"/leader/ranking/{unit_c}?period=2026&scheme=2026-v1").text
    lines = html.split('<table class="score-lines">', 1)[1].split("</table>", 1)[0]
    assert "基础分" in lines and "94.5" in lines
    criticised = re.search(r'data-fact="criticised">(.*?)</tr>', lines, re.S)[1]
    assert "被通报批评" in criticised and "1次" in criticised and "每次扣5分" in criticised and "-5" in criticised
    urged = re.search(r'data-fact="urged">(.*?)</tr>', lines, re.S)[1]
    assert "被催办" in urged and "每次扣0.5分" in urged and "-0.5" in urged
    evidence = html.split('id="fact-criticised"', 1)[1].split("</section>", 1)[0]
    assert "2026-03-02" in evidence and "通报批评" in evidence and "占道经营整治" in evidence
    assert f'href="/leader/items/{item_c.hex}"' in evidence and re.search(r"<code>#\d+</code>", evidence)
    # a vice head reads the explanations of the portfolio's units only, as through the API
    vice = web.client("fuquzhang")
    other = vice.get(f"/leader/ranking/{unit_c}?period=2026&scheme=2026-v1")
    assert other.status_code == 403 and "该单位不在您的查看范围内" in other.text
    assert "被通报批评" not in other.text and "占道经营整治" not in other.text
    assert vice.get(f"/api/ranking/{unit_c}?period=2026&scheme=2026-v1").status_code == 403
    ranking = vice.get("/leader/ranking?period=2026&scheme=2026-v1").text
    assert f"/leader/ranking/{unit_c}" not in ranking and "/leader/ranking/" in ranking  # own units keep the link
    assert web.client("quzhang").get(f"/leader/ranking/{uuid4().hex}").status_code == 404
