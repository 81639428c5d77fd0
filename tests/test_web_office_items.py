"""督查室 item pages over HTTP: registering an item, the ledger with its filters and paging, the
item page (facts, plain-Chinese history, only the actions the rules allow) and its action forms,
and who may open them — on both stores, through the real login and CSRF."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlparse

from web_world import DECIDED, web  # noqa: F401

from domain.item import ItemStatus
from domain.sources import SourceKind
from checks import listed, stored_items


def _field_error(page: str, field: str) -> str:
    """The message shown beside ``field`` (empty when none)."""
    found = re.search(rf'<span class="field-error" role="alert" data-field="{re.escape(field)}">([^<]*)</span>', page)
    return unescape(found[1]) if found else ""


def _value(page: str, field: str) -> str:
    found = re.search(rf'<input name="{re.escape(field)}" type="[^"]+" value="([^"]*)"', page)
    return unescape(found[1]) if found else ""


def _items(web):
    return stored_items(web.app, web.world.district)


def _item(web, item_id):
    return web.app.readable_item(item_id, web.world.office)


def _unit_hex(web, code: str) -> str:
    return web.world.unit_ids[code].hex


def _post(web, client, url: str, **fields):
    return client.post(url, data=web.form(client, **fields), follow_redirects=False)


def _flash(answer) -> str:
    """The message a successful action redirects with (shown as the green flash)."""
    assert answer.status_code == 303, answer.text[:500]
    return parse_qs(urlparse(answer.headers["location"]).query)["done"][0]


REGISTER = dict(source="executive_meeting", reference="区政府第3次常务会议", decision_date="2026-02-27",
                title="整治背街小巷", description="完成20条背街小巷改造", deadline="", working_days="")


# ----------------------------------------------------------------------------------------- register
def test_office_registers_an_item_and_the_deadline_defaults_by_the_rules(web):
    office = web.client("duchashi")
    form = office.get("/office/items/new")
    assert form.status_code == 200 and "登记督办事项" in form.text and ">登记</button>" in form.text
    assert "可不填" in form.text and "会议后一个月" in form.text  # the hint explains the default

    answer = _post(web, office, "/office/items", **REGISTER)
    assert "已登记督办事项督〔2026〕1号" in _flash(answer)
    [item] = _items(web)
    assert (item.title, item.source, item.deadline_basis) == ("整治背街小巷", SourceKind.EXECUTIVE_MEETING,
                                                             "meeting_one_month")
    assert item.deadline == date(2026, 3, 27)  # one month after the meeting, a working day
    page = office.get(answer.headers["location"])
    assert page.status_code == 200
    assert "督〔2026〕1号" in page.text and "2026-03-27" in page.text
    assert "会议议定事项未明确时限，按会议后一个月确定" in page.text
    assert "已登记督办事项督〔2026〕1号" in page.text  # the flash message
    assert ("（估算：该年工作日历未载入）" in page.text) == item.deadline_estimated

    by_days = _post(web, office, "/office/items", **{**REGISTER, "title": "修缮公厕", "working_days": "10"})
    assert by_days.status_code == 303
    assert _items(web)[-1].deadline_basis == "working_days:10"
    assert "决策后10个工作日" in office.get(by_days.headers["location"]).text


def test_bad_input_is_shown_beside_its_field_with_the_typed_values_kept_and_nothing_recorded(web):
    office = web.client("duchashi")
    web.item("已有事项", lead=None)
    no_title = _post(web, office, "/office/items", **{**REGISTER, "title": ""})
    assert no_title.status_code == 422
    assert _field_error(no_title.text, "title") == "请填写督办事项。"
    assert _value(no_title.text, "reference") == "区政府第3次常务会议"
    assert 'value="executive_meeting" selected' in no_title.text
    assert "完成20条背街小巷改造" in no_title.text

    bad_date = _post(web, office, "/office/items", **{**REGISTER, "decision_date": "2026-02-30"})
    assert bad_date.status_code == 422
    assert "决策日期应为日期" in _field_error(bad_date.text, "decision_date")
    assert _value(bad_date.text, "decision_date") == "2026-02-30" and _value(bad_date.text, "title") == "整治背街小巷"

    # a rule of the domain: a leader's instruction has no default deadline
    no_deadline = _post(web, office, "/office/items", **{**REGISTER, "source": "leader_instruction"})
    assert no_deadline.status_code == 422
    assert "须填写办理时限" in _field_error(no_deadline.text, "deadline")
    assert [i.title for i in _items(web)] == ["已有事项"]


# ----------------------------------------------------------------------------------------- assign
def test_office_assigns_an_item_through_the_form(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead=None)
    page = office.get(f"/office/items/{item_id.hex}")
    assert f'action="/office/items/{item_id.hex}/assign"' in page.text and ">交办</button>" in page.text
    assert f"/office/items/{item_id.hex}/urge" not in page.text  # nobody to urge yet

    version = _item(web, item_id).version
    clash = _post(web, office, f"/office/items/{item_id.hex}/assign", lead_unit=_unit_hex(web, "A"),
                  co_units=[_unit_hex(web, "A"), _unit_hex(web, "B")])
    assert clash.status_code == 422
    assert _field_error(clash.text, "co_units") == "牵头单位不能同时是协办单位。"
    assert re.search(rf'<option value="{_unit_hex(web, "B")}" selected>晴川街', clash.text)  # choice kept
    assert _item(web, item_id).version == version

    no_lead = _post(web, office, f"/office/items/{item_id.hex}/assign", lead_unit="")
    assert no_lead.status_code == 422 and _field_error(no_lead.text, "lead_unit") == "请选择牵头单位。"

    answer = _post(web, office, f"/office/items/{item_id.hex}/assign", lead_unit=_unit_hex(web, "A"),
                   co_units=[_unit_hex(web, "B"), _unit_hex(web, "C")])
    assert "已交办" in _flash(answer)
    item = _item(web, item_id)
    assert item.status is ItemStatus.ASSIGNED
    ids = web.world.unit_ids
    assert (item.lead_unit, item.co_units) == (ids["A"], [ids["B"], ids["C"]])
    page = office.get(f"/office/items/{item_id.hex}")
    assert "区住建局" in page.text and "晴川街、区城管局" in page.text
    assert "副区长" in page.text  # the leader in charge of the lead unit today (V1)
    assert "分解交办" in page.text  # the timeline

    # split into a sub-task: its deadline may not pass the item's
    url = f"/office/items/{item_id.hex}/split"
    version = _item(web, item_id).version
    late = _post(web, office, url, **{"subtasks[0].unit": _unit_hex(web, "B"), "subtasks[0].title": "清运建筑垃圾",
                                       "subtasks[0].deadline": "2026-12-31"})
    assert late.status_code == 422 and "不能晚于事项时限" in _field_error(late.text, "subtasks[0].deadline")
    assert _value(late.text, "subtasks[0].title") == "清运建筑垃圾"
    assert _item(web, item_id).version == version
    assert _flash(_post(web, office, url, **{"subtasks[0].unit": _unit_hex(web, "B"),
                                             "subtasks[0].title": "清运建筑垃圾",
                                             "subtasks[0].deadline": "2026-03-20"})) == "已分解子任务。"
    assert [s["title"] for s in _item(web, item_id).subtasks.values()] == ["清运建筑垃圾"]
    assert "清运建筑垃圾" in office.get(f"/office/items/{item_id.hex}").text
    ledger = office.get("/office/ledger")
    assert "清运建筑垃圾" in ledger.text and "子任务" in ledger.text


# ----------------------------------------------------------------------------------------- ledger
def test_the_ledger_lists_items_and_filters_by_unit_status_and_closed(web):
    office = web.client("duchashi")
    first = web.item("整治背街小巷", lead="A", co=["B"])
    second = web.item("规范占道经营", lead="C", sign=True)
    closed = web.item("修缮公厕", lead="B", sign=True)
    web.app.report_completion(closed, "已完成", web.world.unit("B"))
    web.app.sign_off_item(closed, web.world.office)

    ledger = office.get("/office/ledger")
    assert ledger.status_code == 200 and "督办台账" in ledger.text
    for column in ("编号", "事项来源", "督办事项", "牵头单位", "协办单位", "分管领导", "办理时限", "进展 %", "状态",
                   "逾期工作日"):
        assert f"<th>{column}</th>" in ledger.text
    assert f'href="/office/items/{first.hex}"' in ledger.text and f'href="/office/items/{second.hex}"' in ledger.text
    assert "修缮公厕" not in ledger.text  # the open ledger by default
    assert "区政府常务会议" in ledger.text and "待签收" in ledger.text and "办理中" in ledger.text

    by_unit = office.get(f"/office/ledger?unit={_unit_hex(web, 'B')}")  # co-unit counts
    assert "整治背街小巷" in by_unit.text and "规范占道经营" not in by_unit.text
    by_status = office.get("/office/ledger?status=in_progress")
    assert "规范占道经营" in by_status.text and "整治背街小巷" not in by_status.text
    closed_ledger = office.get("/office/ledger?closed=1")
    assert "修缮公厕" in closed_ledger.text and "整治背街小巷" not in closed_ledger.text
    assert "已办结销号" in closed_ledger.text
    assert "共 1 条" in closed_ledger.text
    assert "修缮公厕" in office.get("/office/ledger?status=signed_off").text  # a closed status opens the closed ledger

    # bad filter values: a Chinese message beside the filter, not a crash
    bad_day = office.get("/office/ledger?as_of=abc")
    assert bad_day.status_code == 422 and "查询日期应为日期" in _field_error(bad_day.text, "as_of")
    assert _value(bad_day.text, "as_of") == "abc"
    bad_status = office.get("/office/ledger?status=nonsense")
    assert bad_status.status_code == 422 and "未知的状态" in _field_error(bad_status.text, "status")
    assert "未知的排序方式" in _field_error(office.get("/office/ledger?sort=sideways").text, "sort")
    assert "没有这个承办单位" in _field_error(office.get(f"/office/ledger?unit={'0' * 32}").text, "unit")
    future = office.get("/office/ledger?as_of=2026-12-31")
    assert "查询日期不能晚于今天" in _field_error(future.text, "as_of")
    past = office.get("/office/ledger?as_of=2026-02-01")  # before anything was registered
    assert past.status_code == 200 and "整治背街小巷" not in past.text and "共 0 条" in past.text
    before_closing = office.get("/office/ledger?closed=1&as_of=2026-03-01")
    assert "修缮公厕" not in before_closing.text  # not yet signed off as of that day


def test_the_dashboard_counts_and_links_overdue_items_to_their_pages(web):
    office = web.client("duchashi")
    late = web.item("清理违建", lead="A", sign=True, decision_date=date(2026, 2, 10), deadline=date(2026, 2, 27))
    web.item("整治背街小巷", lead=None)
    page = office.get("/office")
    assert page.status_code == 200 and "督查室工作台" in page.text
    assert f'href="/office/items/{late.hex}"' in page.text
    assert "已逾期" in page.text and "红色预警" in page.text
    assert re.search(r'status=registered">已登记</a> <b>1</b>', page.text)
    assert re.search(r'status=in_progress">办理中</a> <b>1</b>', page.text)


def test_the_ledger_pages_by_fifty_and_keeps_the_filters(web):
    office = web.client("duchashi")
    for n in range(55):
        web.app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="区政府第3次常务会议",
                              decision_date=DECIDED, title=f"批量事项{n + 1:02d}", actor=web.world.office)
    first = office.get("/office/ledger?sort=deadline")
    assert "第 1 / 2 页，共 55 条" in first.text
    assert len(re.findall(r'href="/office/items/[0-9a-f]{32}"', first.text)) == 50
    assert "批量事项01<" in first.text and "批量事项55<" not in first.text
    following = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first.text)
    assert following, "a link to the next page"
    url = unescape(following[1])
    assert "sort=deadline" in url and "page=2" in url
    second = office.get(url)
    assert "第 2 / 2 页，共 55 条" in second.text
    assert len(re.findall(r'href="/office/items/[0-9a-f]{32}"', second.text)) == 5 and "批量事项55<" in second.text
    assert 'rel="next"' not in second.text and 'rel="prev"' in second.text
    assert "第 2 / 2 页" in office.get("/office/ledger?page=9").text  # past the end: the last page


# ----------------------------------------------------------------------------------------- item page
def test_the_item_page_shows_a_chinese_timeline_and_only_the_allowed_actions(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", co=["B"], sign=True)
    web.app.report_item_progress(item_id, 40, "已完成8条", web.world.unit("A"))
    page = office.get(f"/office/items/{item_id.hex}")
    assert page.status_code == 200
    for said in ("登记督办事项", "分解交办", "签收", "报送进展", "已完成8条", "进度%：40"):
        assert said in page.text
    assert "40%" in page.text and "区政府第3次常务会议" in page.text and "办理中" in page.text
    base = f'action="/office/items/{item_id.hex}'
    for offered in ("urge", "notice", "criticise", "interview", "referral", "commend"):
        assert f'{base}/{offered}"' in page.text
    for button in ("催办", "下发督办通知", "通报批评", "登记约谈", "提出移交纪检监察", "通报激励"):
        assert f">{button}</button>" in page.text
    assert f'{base}/sign-off"' not in page.text and ">办结销号</button>" not in page.text
    assert f'{base}/assign"' not in page.text

    web.app.report_completion(item_id, "全部完成", web.world.unit("A"))
    reported = office.get(f"/office/items/{item_id.hex}")
    assert ">办结销号</button>" in reported.text and ">退回重办</button>" in reported.text
    assert "全部完成" in reported.text and "待核验" in reported.text


def test_urge_and_a_supervision_notice_from_the_item_page(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", co=["B"], sign=True)
    answer = _post(web, office, f"/office/items/{item_id.hex}/urge", unit=_unit_hex(web, "B"), note="请协办单位抓紧")
    assert _flash(answer) == "已催办。"
    assert _item(web, item_id).urges == 1
    page = office.get(answer.headers["location"])
    assert "已催办。" in page.text and "请协办单位抓紧" in page.text and "催办1次" in page.text

    url = f"/office/items/{item_id.hex}/notice"
    fields = {"unit": _unit_hex(web, "A"), "title": "关于加快整治背街小巷的督办通知", "tasks[0].task": "报送整治方案",
              "tasks[0].responsible": "分管副局长", "tasks[0].deadline": "", "reply_deadline": ""}
    missing = _post(web, office, url, **fields)
    assert missing.status_code == 422 and _field_error(missing.text, "tasks[0].deadline") == "请填写任务时限。"
    assert _value(missing.text, "tasks[0].responsible") == "分管副局长" and "报送整治方案" in missing.text
    too_early = _post(web, office, url, **{**fields, "tasks[0].deadline": "2026-03-02"})
    assert too_early.status_code == 422
    assert "时限须晚于下发日期" in _field_error(too_early.text, "tasks[0].deadline")
    assert _field_error(too_early.text, "note") == ""  # the urge form beside it is untouched
    assert listed(web.app, web.world.district, "notice") == []

    issued = _post(web, office, url, **{**fields, "tasks[0].deadline": "2026-03-13"})
    assert "已下发督办通知督通〔2026〕1号" in _flash(issued)
    [notice] = [web.app.notice(i, web.world.office) for i in listed(web.app, web.world.district, "notice")]
    assert (notice.subject_id, notice.unit) == (item_id, web.world.unit_ids["A"])
    page = office.get(f"/office/items/{item_id.hex}")
    assert f'href="/office/notices/{notice.id.hex}"' in page.text
    assert "下发督办通知" in page.text and "督通〔2026〕1号" in page.text


def test_sign_off_and_send_back(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    early = _post(web, office, f"/office/items/{item_id.hex}/sign-off", note="核验属实", confirmed="on")
    assert early.status_code == 422 and "承办单位尚未报告办结，不能销号。" in early.text
    assert _item(web, item_id).status is ItemStatus.IN_PROGRESS

    web.app.report_completion(item_id, "全部完成", web.world.unit("A"))
    version = _item(web, item_id).version
    no_reason = _post(web, office, f"/office/items/{item_id.hex}/send-back", reasons="  ")
    assert no_reason.status_code == 422 and _field_error(no_reason.text, "reasons") == "请说明退回理由。"
    assert _item(web, item_id).version == version
    back = _post(web, office, f"/office/items/{item_id.hex}/send-back", reasons="佐证材料不全")
    assert _flash(back) == "已退回重办。"
    assert _item(web, item_id).status is ItemStatus.IN_PROGRESS
    assert "佐证材料不全" in office.get(f"/office/items/{item_id.hex}").text

    web.app.report_completion(item_id, "补充材料后全部完成", web.world.unit("A"))
    signed = _post(web, office, f"/office/items/{item_id.hex}/sign-off", note="核验属实", confirmed="on")
    assert "已办结销号" in _flash(signed)
    item = _item(web, item_id)
    assert item.status is ItemStatus.SIGNED_OFF and item.closed_on == date(2026, 3, 2)
    page = office.get(f"/office/items/{item_id.hex}")
    assert ">通报激励</button>" in page.text and ">催办</button>" not in page.text
    assert "办结销号" in page.text and "核验属实" in page.text


def test_the_escalation_ladder_and_cannot_implement_from_the_item_page(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    base = f"/office/items/{item_id.hex}"
    no_note = _post(web, office, f"{base}/criticise", unit="", note="", document="督通报〔2026〕2号", confirmed="on")
    assert no_note.status_code == 422 and _field_error(no_note.text, "note") == "请填写通报批评的事由。"
    assert _value(no_note.text, "document") == "督通报〔2026〕2号"
    assert _item(web, item_id).criticisms == 0
    assert _flash(_post(web, office, f"{base}/criticise", note="进展缓慢", document="督通报〔2026〕2号",
                        confirmed="on")) == "已通报批评。"
    no_one = _post(web, office, f"{base}/interview", held_by="督查室主任", interviewee="")
    assert _field_error(no_one.text, "interviewee") == "请填写被约谈人（职务）。"
    assert _value(no_one.text, "held_by") == "督查室主任"
    assert _flash(_post(web, office, f"{base}/interview", held_by="分管副区长", interviewee="区住建局局长",
                        note="限期一周")) == "已登记约谈。"
    assert "待领导审批" in _flash(_post(web, office, f"{base}/referral", reasons="长期不反馈", confirmed="on"))
    assert _flash(_post(web, office, f"{base}/commend", note="整改态度积极")) == "已通报激励。"
    item = _item(web, item_id)
    assert (item.criticisms, item.interviews, item.referral, item.commendations) == (1, 1, "proposed", 1)
    page = office.get(base)
    assert "已提出移交纪检监察，待领导审批" in page.text and ">提出移交纪检监察</button>" not in page.text
    for said in ("通报批评", "进展缓慢", "约谈", "区住建局局长", "提出移交纪检监察", "通报激励"):
        assert said in page.text

    # a page that is out of date: someone acted meanwhile, so nothing is recorded
    stale = _item(web, item_id).version
    web.app.urge_item(item_id, "电话催办", web.world.office)
    late = _post(web, office, f"{base}/urge", note="再次催办", version=str(stale))
    assert late.status_code == 409 and "已被他人修改" in late.text and "再次催办" in late.text
    assert _item(web, item_id).urges == 1

    # an extension request the office decides
    web.app.request_extension(item_id, date(2026, 4, 30), "征地未完成", web.world.unit("A"))
    refused = _post(web, office, f"{base}/extension", grant="false", note="")
    assert refused.status_code == 422 and _field_error(refused.text, "note") == "不同意延期时请说明理由。"
    assert 'value="false" selected' in refused.text and _item(web, item_id).pending_extension
    assert _flash(_post(web, office, f"{base}/extension", grant="true", note="同意")) == "已同意延期。"
    assert _item(web, item_id).deadline == date(2026, 4, 30)
    assert "经批准延期后的时限" in office.get(base).text

    web.app.report_cannot_implement(item_id, "规划调整，无法实施", web.world.unit("A"))
    undecided = _post(web, office, f"{base}/cannot-implement", accept="", note="理由不充分")
    assert _field_error(undecided.text, "accept") == "请选择审核结论。"
    assert "理由不充分" in undecided.text
    rejected = _post(web, office, f"{base}/cannot-implement", accept="false", note="理由不充分")
    assert "继续办理" in _flash(rejected)
    assert _item(web, item_id).status is ItemStatus.IN_PROGRESS


def test_a_change_saved_between_the_page_check_and_the_command_is_409_not_applied_over_it(web, monkeypatch):
    """The form's hidden version travels with the command (``expected_version``): someone who acts
    after the page's version was checked, but before the command saves, is not overwritten by a
    silent retry."""
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    seen = _item(web, item_id).version
    load = web.app.readable_item

    def load_then_someone_urges(item, actor):
        found = load(item, actor)
        monkeypatch.setattr(web.app, "readable_item", load)  # once
        web.app.urge_item(item_id, "电话催办", web.world.office)
        return found

    monkeypatch.setattr(web.app, "readable_item", load_then_someone_urges)
    late = _post(web, office, f"/office/items/{item_id.hex}/urge", note="再次催办", version=str(seen))
    assert late.status_code == 409 and "已被他人修改" in late.text
    assert (_item(web, item_id).urges, _item(web, item_id).version) == (1, seen + 1)


def test_the_proposers_rating_of_a_formal_reply(web):
    office = web.client("duchashi")
    item_id = web.item("增设公交站点", lead="A", sign=True, source=SourceKind.NPC_SUGGESTION, reference="第45号")
    web.app.record_formal_reply(item_id, "已按建议增设站点", web.world.unit("A"))
    url = f"/office/items/{item_id.hex}/satisfaction"
    page = office.get(f"/office/items/{item_id.hex}")
    assert f'action="{url}"' in page.text and "已按建议增设站点" in page.text and "待测评" in page.text
    unrated = _post(web, office, url, satisfaction="", comment="代表当面表示认可")
    assert unrated.status_code == 422 and _field_error(unrated.text, "satisfaction") == "请选择测评结果。"
    assert "代表当面表示认可" in unrated.text
    assert _flash(_post(web, office, url, satisfaction="satisfied", comment="代表当面表示认可")) == "已登记满意度测评：满意。"
    assert _item(web, item_id).formal_reply["satisfaction"] == "satisfied"


# ----------------------------------------------------------------------------------------- access
def test_unit_users_get_403_and_another_district_404(web):
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    unit = web.client("zhujianju")
    for url in ("/office", "/office/ledger", "/office/items/new", f"/office/items/{item_id.hex}"):
        answer = unit.get(url)
        assert answer.status_code == 403 and "无权访问" in answer.text, url
    assert _post(web, unit, f"/office/items/{item_id.hex}/urge", note="x").status_code == 403
    assert _post(web, unit, "/office/items", **REGISTER).status_code == 403
    assert _items(web)[0].urges == 0 and len(_items(web)) == 1

    other = web.client("other-office")
    assert other.get(f"/office/items/{item_id.hex}").status_code == 404
    assert _post(web, other, f"/office/items/{item_id.hex}/urge", note="x").status_code == 404
    assert "整治背街小巷" not in other.get("/office/ledger").text
    assert _item(web, item_id).urges == 0
    office = web.client("duchashi")
    assert office.post(f"/office/items/{item_id.hex}/nonsense", data=web.form(office)).status_code == 404


def test_the_registration_form_previews_the_default_deadline_without_recording(web):
    office = web.client("duchashi")
    before = len(stored_items(web.app, web.world.district))
    page = office.get("/office/items/new", params={
        "source": "executive_meeting", "reference": "区政府第3次常务会议", "decision_date": "2026-04-30",
        "title": "预览时限", "preview": "1"})
    assert page.status_code == 200
    # a month after 30 April is 30 May 2026, a Saturday → moved to Monday 1 June
    assert "按规则计算的办理时限：<b>2026-06-01</b>" in page.text and "会议后一个月" in page.text
    assert 'value="预览时限"' in page.text
    refused = office.get("/office/items/new", params={"source": "leader_instruction", "reference": "批示",
                                                       "decision_date": "2026-04-30", "title": "x", "preview": "1"})
    assert refused.status_code == 422 and "须填写办理时限" in refused.text
    assert len(stored_items(web.app, web.world.district)) == before


# ------------------------------------------------------------------------ one action at a time
def _open_actions(page: str) -> list[str]:
    """The actions whose form is open (the ``details`` of the item page's accordion)."""
    return re.findall(r'<details name="actions" class="[^"]*" id="action-([a-z-]+)" open>', page)


def _action_buttons(page: str) -> list[str]:
    return [unescape(label) for label in
            re.findall(r'<details name="actions"[^>]*>\s*<summary>([^<]*)</summary>', page)]


def test_the_item_page_shows_its_actions_as_buttons_and_opens_one_form_at_a_time(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    base = f"/office/items/{item_id.hex}"
    page = office.get(base).text
    assert _action_buttons(page) == ["分解子任务", "催办", "下发督办通知", "通报批评", "登记约谈",
                                     "提出移交纪检监察", "通报激励"]
    assert _open_actions(page) == []  # none open until one is chosen
    assert _open_actions(office.get(f"{base}?action=urge").text) == ["urge"]  # a link may open one

    # a refused form comes back open, alone, every problem beside its field, the typed values kept
    refused = _post(web, office, f"{base}/referral", reasons=" ")
    assert refused.status_code == 422 and _open_actions(refused.text) == ["referral"]
    assert _field_error(refused.text, "reasons") and "不可撤销" in _field_error(refused.text, "confirmed")
    notice = _post(web, office, f"{base}/notice", unit=_unit_hex(web, "A"), title="关于加快整治的督办通知",
                   **{"tasks[0].task": "", "tasks[0].responsible": "分管副局长", "tasks[0].deadline": ""})
    assert notice.status_code == 422 and _open_actions(notice.text) == ["notice"]
    assert _field_error(notice.text, "tasks[0].task") and _field_error(notice.text, "tasks[0].deadline")
    assert _value(notice.text, "tasks[0].responsible") == "分管副局长"


def test_sign_off_without_the_confirmation_is_refused_and_records_nothing(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    web.app.report_completion(item_id, "全部完成", web.world.unit("A"))
    base = f"/office/items/{item_id.hex}"
    form = office.get(base).text.split('id="action-sign-off"', 1)[1].split("</form>", 1)[0]
    assert 'name="confirmed"' in form and "我已核实以上情况，确认办结销号。" in form
    version = _item(web, item_id).version

    unconfirmed = _post(web, office, f"{base}/sign-off", note="核验属实")
    assert unconfirmed.status_code == 422 and _open_actions(unconfirmed.text) == ["sign-off"]
    assert _field_error(unconfirmed.text, "confirmed") == "此操作不可撤销，请核实后勾选确认，再提交。"
    assert "核验属实" in unconfirmed.text  # what was typed is kept
    item = _item(web, item_id)
    assert item.status is ItemStatus.COMPLETION_REPORTED and item.version == version

    assert "已办结销号" in _flash(_post(web, office, f"{base}/sign-off", note="核验属实", confirmed="on"))
    assert _item(web, item_id).status is ItemStatus.SIGNED_OFF


def test_criticism_referral_and_ending_an_item_ask_for_confirmation(web):
    office = web.client("duchashi")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    base = f"/office/items/{item_id.hex}"
    for action, fields in (("criticise", {"note": "进展缓慢"}), ("referral", {"reasons": "长期不反馈"})):
        refused = _post(web, office, f"{base}/{action}", **fields)
        assert refused.status_code == 422 and _field_error(refused.text, "confirmed"), action
    item = _item(web, item_id)
    assert (item.criticisms, item.referral) == (0, None)

    web.app.report_cannot_implement(item_id, "规划调整，无法实施", web.world.unit("A"))
    ending = _post(web, office, f"{base}/cannot-implement", accept="true", note="情况属实")
    assert ending.status_code == 422 and _field_error(ending.text, "confirmed")
    assert _item(web, item_id).status is ItemStatus.CANNOT_IMPLEMENT_REPORTED
    assert "终止办理" in _flash(_post(web, office, f"{base}/cannot-implement", accept="true", note="情况属实",
                                     confirmed="on"))
    assert _item(web, item_id).status is ItemStatus.TERMINATED


def test_a_notice_issued_from_the_form_with_three_tasks_is_answered_task_by_task(web):
    """A notice is a task list (任务清单、责任清单、时限清单): the office's form takes several rows (blank
    rows are no tasks, a bad cell is named by its own row), and the unit answers each task on its own."""
    office, unit = web.client("duchashi"), web.client("zhujianju")
    item_id = web.item("整治背街小巷", lead="A", sign=True)
    url = f"/office/items/{item_id.hex}/notice"
    assert office.get(f"/office/items/{item_id.hex}").text.count('name="tasks[4].task"') == 1  # five rows offered
    rows = {"unit": _unit_hex(web, "A"), "title": "关于加快整治背街小巷的督办通知", "reply_deadline": "",
            "tasks[0].task": "报送整治方案", "tasks[0].responsible": "分管副局长", "tasks[0].deadline": "2026-03-13",
            "tasks[1].task": "", "tasks[1].responsible": "", "tasks[1].deadline": "",
            "tasks[2].task": "完成路面修复", "tasks[2].responsible": "局长", "tasks[2].deadline": "2026-03-31",
            "tasks[3].task": "建立长效机制", "tasks[3].responsible": "办公室主任", "tasks[3].deadline": "2026-4-30"}
    bad = _post(web, office, url, confirmed="on", **rows)
    assert bad.status_code == 422 and _field_error(bad.text, "tasks[3].deadline") == \
        "任务时限应为日期，格式如 2026-03-02。"
    assert _value(bad.text, "tasks[2].responsible") == "局长" and listed(web.app, web.world.district, "notice") == []
    issued = _post(web, office, url, **{**rows, "tasks[3].deadline": "2026-04-30"})
    assert "已下发督办通知" in _flash(issued)
    [notice] = [web.app.notice(i, web.world.office) for i in listed(web.app, web.world.district, "notice")]
    tasks = sorted(notice.tasks.values(), key=lambda t: t["key"])
    assert [(t["key"], t["task"], t["responsible"], t["deadline"]) for t in tasks] == [
        ("T1", "报送整治方案", "分管副局长", date(2026, 3, 13)), ("T2", "完成路面修复", "局长", date(2026, 3, 31)),
        ("T3", "建立长效机制", "办公室主任", date(2026, 4, 30))]
    notice_url = f"/unit/notices/{notice.id.hex}"
    signed = unit.post(f"{notice_url}/acknowledge", data=web.form(unit), follow_redirects=False)
    assert signed.status_code in (302, 303), signed.text[:300]
    for key, text in (("T1", "方案已报送"), ("T3", "已建立台账和巡查制度")):
        answer = unit.post(f"{notice_url}/reply", data=web.form(unit, task=key, text=text),
                           files={"attachments": ("", b"")}, follow_redirects=False)
        assert answer.status_code in (302, 303), answer.text[:300]
    replied = web.app.notice(notice.id, web.world.unit("A")).tasks
    assert {k: t["state"] for k, t in replied.items()} == {"T1": "replied", "T2": "open", "T3": "replied"}
