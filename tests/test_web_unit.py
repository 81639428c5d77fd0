"""承办单位 pages: the inbox, the unit's items, notices and rectification tasks, and their forms.

Every form is driven through the real pages (login, CSRF token, redirect); what got recorded is
checked through the service, and every refusal must leave the record's version unchanged.
"""

from __future__ import annotations

import html
import re
from datetime import date

from web_world import web  # noqa: F401  (the fixture)
from evidence_samples import JPEG, PDF

from domain.item import ItemStatus
from domain.notice import NoticeStatus, TaskState
from domain.rectification import ProblemSource, RectificationStatus, Severity
from domain.sources import SourceKind
from checks import stored_items


# -- helpers --------------------------------------------------------------------------------------
def section(page: str, anchor: str) -> str:
    """The HTML of the inbox section with id ``anchor``."""
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<span class="field-error" role="alert" data-field="{name}">([^<]*)</span>', page)
    return html.unescape(found[1]) if found else ""


def opened(page: str) -> list[str]:
    """The actions whose form shows open (the others show only as their button)."""
    return re.findall(r'<details name="actions" class="[^"]*" id="action-([A-Za-z0-9_-]+)" open>', page)


def post(web, username: str, url: str, **fields):
    client = web.client(username)
    return client.post(url, data=web.form(client, **fields), follow_redirects=False)


def follow(web, username: str, answer) -> str:
    assert answer.status_code == 303, f"{answer.status_code}: {answer.text[:400]}"
    return web.client(username).get(answer.headers["location"]).text


def item_of(web, item_id):
    return web.app.readable_item(item_id, web.world.office)


def notice_for(web, item_id, unit="A", tasks=2):
    return web.app.issue_notice(
        unit=web.world.unit_ids[unit], subject_kind="item", subject_id=item_id, title="关于加快推进背街小巷整治的督办通知",
        tasks=[{"task": f"第{i}项任务：完成排查", "responsible": f"责任人{i}", "deadline": date(2026, 3, 20)}
               for i in range(1, tasks + 1)],
        actor=web.world.office).id


def rectification_for(web, unit="A", problem="施工围挡破损未及时修复"):
    return web.app.record_rectification(
        unit=web.world.unit_ids[unit], source=ProblemSource.AUDIT, problem=problem, severity=Severity.GENERAL,
        deadline=date(2026, 4, 30), actor=web.world.office, source_ref="审计报告〔2026〕3号").id


# -- inbox and signing for --------------------------------------------------------------------------
def test_inbox_lists_an_unsigned_item_and_signing_for_it_moves_it_out(web):
    item = web.item("整治背街小巷", lead="A")
    client = web.client("zhujianju")
    inbox = client.get("/unit")
    assert inbox.status_code == 200 and "本单位待办" in inbox.text
    waiting = section(inbox.text, "to-sign-for")
    assert "整治背街小巷" in waiting and f"/unit/items/{item.hex}" in waiting
    assert "暂无" in section(inbox.text, "notices-to-answer")  # empty sections say so

    page = client.get(f"/unit/items/{item.hex}")
    assert page.status_code == 200 and "未签收" in page.text and ">签收</button>" in page.text
    assert f"/unit/items/{item.hex}/progress" not in page.text  # nothing to report before signing for

    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/sign-for"))
    assert "已签收该事项" in shown and "2026-03-02 已签收" in shown
    assert item_of(web, item).status is ItemStatus.IN_PROGRESS
    assert "整治背街小巷" not in section(client.get("/unit").text, "to-sign-for")

    again = post(web, "zhujianju", f"/unit/items/{item.hex}/sign-for")  # a second click is refused
    assert again.status_code == 422 and "贵单位已签收该事项" in again.text


# -- progress, extension, completion ----------------------------------------------------------------
def test_progress_report_reaches_the_ledger_and_a_bad_one_keeps_the_typed_values(web):
    item = web.item("推进老旧小区改造", lead="A", sign=True)
    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/progress",
                                          percent="60", text="已完成3个小区的管网改造"))
    assert "进展已报送" in shown and "60%" in shown and "已完成3个小区的管网改造" in shown
    assert item_of(web, item).progress_percent == 60
    rows = web.client("duchashi").get("/api/ledger").json()["rows"]  # the office's ledger sees it
    assert [(r["progress"], r["progress_text"]) for r in rows if r["entry_id"] == item.hex] == [
        (60, "已完成3个小区的管网改造")]

    version = item_of(web, item).version
    refused = post(web, "zhujianju", f"/unit/items/{item.hex}/progress", percent="150", text="已完成管网改造")
    assert refused.status_code == 422
    assert field_error(refused.text, "percent") == "完成进度应在0–100之间。"
    assert 'name="percent" type="number" value="150"' in refused.text and "已完成管网改造</textarea>" in refused.text

    empty = post(web, "zhujianju", f"/unit/items/{item.hex}/progress", percent="40", text="  ")
    assert empty.status_code == 422 and field_error(empty.text, "text") == "请填写进展情况。"
    assert 'value="40"' in empty.text
    # the unit's actions show as buttons, no form open; the refused one comes back open, alone
    assert opened(web.client("zhujianju").get(f"/unit/items/{item.hex}").text) == []
    assert opened(empty.text) == ["progress"]
    assert item_of(web, item).version == version and len(item_of(web, item).reports) == 1


def test_extension_is_requested_before_the_deadline_and_refused_after_it(web):
    item = web.item("背街小巷改造", lead="A", sign=True, deadline=date(2026, 3, 20))
    page = web.client("zhujianju").get(f"/unit/items/{item.hex}")
    assert ">申请延期</button>" in page.text
    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/extension",
                                          new_deadline="2026-04-30", reasons="雨季施工受限"))
    assert "延期申请已提交" in shown and "延期申请待审批" in shown and "2026-04-30" in shown
    pending = item_of(web, item).pending_extension
    assert pending["new_deadline"] == date(2026, 4, 30) and pending["reasons"] == "雨季施工受限"
    assert ">申请延期</button>" not in shown  # one request at a time; a leader decides elsewhere

    item = web.item("清理违规广告牌", lead="A", sign=True, decision_date=date(2026, 2, 10),
                    deadline=date(2026, 2, 27))
    page = web.client("zhujianju").get(f"/unit/items/{item.hex}")
    assert ">申请延期</button>" not in page.text and "办理时限2026-02-27已过" in page.text
    version = item_of(web, item).version
    refused = post(web, "zhujianju", f"/unit/items/{item.hex}/extension", new_deadline="2026-04-30",
                   reasons="拆除需要协调产权单位")
    assert refused.status_code == 422
    assert "办理时限2026-02-27已过，不能再申请延期" in refused.text
    assert 'value="2026-04-30"' in refused.text and "拆除需要协调产权单位</textarea>" in refused.text
    assert item_of(web, item).version == version and item_of(web, item).pending_extension is None

    bad_day = post(web, "zhujianju", f"/unit/items/{item.hex}/extension", new_deadline="4月30日", reasons="理由")
    assert bad_day.status_code == 422 and "格式如 2026-03-02" in field_error(bad_day.text, "new_deadline")


def test_completion_and_cannot_implement_reports_put_the_item_before_the_office(web):
    item = web.item("拆除违章建筑", lead="A", sign=True)
    empty = post(web, "zhujianju", f"/unit/items/{item.hex}/completion", summary="")
    assert empty.status_code == 422 and field_error(empty.text, "summary") == "请填写办结情况。"
    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/completion",
                                          summary="违章建筑已全部拆除"))
    assert "已报告办结" in shown and "待核验" in shown
    assert item_of(web, item).status is ItemStatus.COMPLETION_REPORTED
    assert f"/unit/items/{item.hex}/progress" not in shown  # waiting on the office now

    item = web.item("迁移变电站", lead="A", sign=True)
    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/cannot-implement",
                                          reasons="规划调整，项目取消"))
    assert "已报告不能办理" in shown
    assert item_of(web, item).status is ItemStatus.CANNOT_IMPLEMENT_REPORTED


def test_a_co_unit_is_not_offered_lead_only_forms_and_their_post_is_refused(web):
    item = web.item("联合整治占道经营", lead="A", co=["B"], sign=True)
    page = web.client("qingchuan").get(f"/unit/items/{item.hex}")
    assert page.status_code == 200 and "协办单位" in page.text
    assert f"/unit/items/{item.hex}/progress" in page.text  # co-units report their own progress
    for lead_only in ("completion", "extension", "cannot-implement", "formal-reply"):
        assert f"/unit/items/{item.hex}/{lead_only}" not in page.text
    version = item_of(web, item).version
    refused = post(web, "qingchuan", f"/unit/items/{item.hex}/completion", summary="已完成")
    assert refused.status_code == 403 and "只有牵头单位可以报告办结" in refused.text
    refused = post(web, "qingchuan", f"/unit/items/{item.hex}/extension", new_deadline="2026-05-01", reasons="理由")
    assert refused.status_code == 403 and "只有牵头单位可以申请延期" in refused.text
    assert item_of(web, item).version == version and item_of(web, item).status is ItemStatus.IN_PROGRESS


def test_sub_task_completion_by_its_unit(web):
    item = web.item("创建文明城区", lead="A", co=["B"], sign=True)
    web.app.split_item(item, [{"unit": web.world.unit_ids["B"], "title": "晴川街背街小巷整治", "deadline": date(2026, 3, 25)},
                              {"unit": web.world.unit_ids["A"], "title": "住建局工地围挡", "deadline": date(2026, 3, 25)}],
                       web.world.office)
    page = web.client("qingchuan").get(f"/unit/items/{item.hex}")
    assert "晴川街背街小巷整治" in page.text and "住建局工地围挡" not in page.text  # only its own sub-tasks
    version = item_of(web, item).version
    empty = post(web, "qingchuan", f"/unit/items/{item.hex}/subtask", subtask="S1", summary="")
    assert empty.status_code == 422 and field_error(empty.text, "summary") == "请填写完成情况。"
    assert '<option value="S1" selected>' in empty.text
    other = post(web, "qingchuan", f"/unit/items/{item.hex}/subtask", subtask="S2", summary="已完成")
    assert other.status_code == 422 and "该子任务不是贵单位承办的" in other.text
    assert item_of(web, item).version == version
    shown = follow(web, "qingchuan", post(web, "qingchuan", f"/unit/items/{item.hex}/subtask",
                                          subtask="S1", summary="12条小巷整治完毕"))
    assert "子任务已报告完成" in shown
    assert item_of(web, item).subtasks["S1"]["completed_on"] == date(2026, 3, 2)
    refused = post(web, "zhujianju", f"/unit/items/{item.hex}/completion", summary="全部完成")
    assert refused.status_code == 422 and "子任务S2尚未完成" in refused.text


def test_formal_reply_to_a_deputy(web):
    item = web.item("关于增设公交线路的建议", lead="A", sign=True, source=SourceKind.NPC_SUGGESTION,
                    reference="第45号")
    page = web.client("zhujianju").get(f"/unit/items/{item.hex}")
    assert "尚未答复" in page.text and ">登记答复</button>" in page.text
    empty = post(web, "zhujianju", f"/unit/items/{item.hex}/formal-reply", text="")
    assert empty.status_code == 422 and field_error(empty.text, "text") == "请填写答复内容。"
    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/items/{item.hex}/formal-reply",
                                          text="拟于二季度开通新线路"))
    assert "待测评" in shown and item_of(web, item).formal_reply["text"] == "拟于二季度开通新线路"


# -- who may see what ----------------------------------------------------------------------------------
def test_another_units_item_answers_404_as_another_districts(web):
    item = web.item("晴川街道路修补", lead="B", sign=True)
    version = item_of(web, item).version
    assert web.client("zhujianju").get(f"/unit/items/{item.hex}").status_code == 404
    refused = post(web, "zhujianju", f"/unit/items/{item.hex}/progress", percent="50", text="越权报送")
    assert refused.status_code == 404 and "没有这条督办事项" in refused.text and "晴川街道路修补" not in refused.text
    assert post(web, "zhujianju", f"/unit/items/{item.hex}/sign-for").status_code == 404
    assert web.client("other-unit").get(f"/unit/items/{item.hex}").status_code == 404
    assert post(web, "other-unit", f"/unit/items/{item.hex}/progress", percent="50", text="外区").status_code == 404
    assert item_of(web, item).version == version and item_of(web, item).reports == []
    assert web.client("duchashi").get("/unit").status_code == 403  # unit pages need the unit role
    assert web.client("fuquzhang").get(f"/unit/items/{item.hex}").status_code == 403


def test_lists_show_only_the_units_own_entries_fifty_a_page(web):
    web.item("住建局牵头事项", lead="A")
    web.item("晴川街协办事项", lead="C", co=["A"])
    web.item("城管局独办事项", lead="C")
    rectification_for(web, "A", "住建局整改问题")
    rectification_for(web, "B", "晴川街整改问题")
    items = web.client("zhujianju").get("/unit/items").text
    assert "住建局牵头事项" in items and "晴川街协办事项" in items and "城管局独办事项" not in items
    assert "牵头" in items and "协办" in items
    assert "暂无" in web.client("zhujianju").get("/unit/items?closed=1").text
    rectifications = web.client("zhujianju").get("/unit/rectifications").text
    assert "住建局整改问题" in rectifications and "晴川街整改问题" not in rectifications
    inbox = web.client("qingchuan").get("/unit").text
    assert "晴川街整改问题" in section(inbox, "plans-due") and "住建局" not in section(inbox, "plans-due")

    # fifty a page
    for n in range(51):
        web.app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="区政府第3次常务会议",
                              decision_date=date(2026, 2, 27), title=f"批量事项{n + 1:02d}号",
                              actor=web.world.office)
    for found in stored_items(web.app, web.world.district)[3:]:
        web.app.assign_item(found.id, web.world.unit_ids["A"], [], web.world.office)
    first = web.client("zhujianju").get("/unit/items").text
    assert "共 53 条，第 1/2 页" in first and "批量事项48号" in first and "批量事项49号" not in first
    second = web.client("zhujianju").get("/unit/items?page=2").text
    assert "批量事项51号" in second and "批量事项49号" in second and "批量事项01号" not in second and "上一页" in second


# -- notices ---------------------------------------------------------------------------------------------
def test_notice_is_acknowledged_and_answered_task_by_task(web):
    item = web.item("整治背街小巷", lead="A", sign=True)
    notice = notice_for(web, item)
    inbox = web.client("zhujianju").get("/unit").text
    assert "关于加快推进背街小巷整治的督办通知" in section(inbox, "notices-to-answer")
    assert "关于加快推进背街小巷整治的督办通知" in web.client("zhujianju").get("/unit/notices").text

    page = web.client("zhujianju").get(f"/unit/notices/{notice.hex}")
    assert page.status_code == 200 and "第1项任务：完成排查" in page.text and "责任人2" in page.text
    assert "2026-03-20" in page.text and ">签收通知</button>" in page.text and ">回复</button>" not in page.text

    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/notices/{notice.hex}/acknowledge"))
    assert "已签收督办通知" in shown and shown.count(">回复</button>") == 2
    assert web.app.readable_notice(notice, web.world.office).status is NoticeStatus.ACKNOWLEDGED

    version = web.app.readable_notice(notice, web.world.office).version
    empty = post(web, "zhujianju", f"/unit/notices/{notice.hex}/reply", task="T2", text="")
    assert empty.status_code == 422 and field_error(empty.text, "text") == "请填写回复内容。"
    assert empty.text.count('data-field="text"') == 1  # beside T2's form only
    assert opened(empty.text) == ["reply-T2"] and opened(shown) == []  # each task's reply behind its button
    assert web.app.readable_notice(notice, web.world.office).version == version

    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/notices/{notice.hex}/reply",
                                          task="T1", text="已排查完毕，共23处"))
    assert "任务T1已回复" in shown and "已排查完毕，共23处" in shown and shown.count(">回复</button>") == 1
    tasks = web.app.readable_notice(notice, web.world.office).tasks
    assert tasks["T1"]["state"] == TaskState.REPLIED.value and tasks["T2"]["state"] == TaskState.OPEN.value

    assert web.client("chengguan").get(f"/unit/notices/{notice.hex}").status_code == 404
    assert post(web, "chengguan", f"/unit/notices/{notice.hex}/reply", task="T2", text="越权").status_code == 404
    assert web.client("other-unit").get(f"/unit/notices/{notice.hex}").status_code == 404
    assert "关于加快推进背街小巷整治的督办通知" not in web.client("chengguan").get("/unit/notices").text


# -- rectification tasks ------------------------------------------------------------------------------
def test_rectification_plan_progress_and_rectified_with_evidence(web):
    task = rectification_for(web)
    page = web.client("zhujianju").get(f"/unit/rectifications/{task.hex}")
    assert page.status_code == 200 and "施工围挡破损未及时修复" in page.text and ">提交整改方案</button>" in page.text
    assert ">报告整改完成</button>" not in page.text

    shown = follow(web, "zhujianju", post(web, "zhujianju", f"/unit/rectifications/{task.hex}/plan",
                                          plan="3月底前更换全部破损围挡"))
    assert "整改方案已提交" in shown and ">报告整改完成</button>" in shown
    assert web.app.readable_rectification(task, web.world.office).status is RectificationStatus.RECTIFYING

    bad = post(web, "zhujianju", f"/unit/rectifications/{task.hex}/progress", percent="abc", text="已更换一半")
    assert bad.status_code == 422 and field_error(bad.text, "percent") == "完成进度应为整数。"
    follow(web, "zhujianju", post(web, "zhujianju", f"/unit/rectifications/{task.hex}/progress",
                                  percent="50", text="已更换一半"))

    version = web.app.readable_rectification(task, web.world.office).version
    refused = post(web, "zhujianju", f"/unit/rectifications/{task.hex}/rectified", summary="围挡全部更换", evidence="")
    assert refused.status_code == 422 and field_error(refused.text, "evidence") == "报告整改完成须附佐证材料。"
    assert "围挡全部更换</textarea>" in refused.text
    assert web.app.readable_rectification(task, web.world.office).version == version

    client = web.client("zhujianju")
    shown = follow(web, "zhujianju", client.post(
        f"/unit/rectifications/{task.hex}/rectified", data=web.form(client, summary="围挡全部更换"),
        files=[("evidence", ("整改前后对比照片.jpg", JPEG, "image/jpeg")), ("evidence", ("验收单.pdf", PDF, "application/pdf"))],
        follow_redirects=False))
    assert "已报告整改完成" in shown and "待核验" in shown and "报告整改完成" in shown
    assert web.app.readable_rectification(task, web.world.office).status is RectificationStatus.REPORTED
    reported = [e for e in web.app.store.events.get(task) if type(e).__name__ == "RectificationReported"]
    assert [a["name"] for a in reported[0].evidence] == ["整改前后对比照片.jpg", "验收单.pdf"]

    assert web.client("qingchuan").get(f"/unit/rectifications/{task.hex}").status_code == 404
    assert post(web, "qingchuan", f"/unit/rectifications/{task.hex}/plan", plan="越权").status_code == 404
    assert web.client("other-unit").get(f"/unit/rectifications/{task.hex}").status_code == 404
