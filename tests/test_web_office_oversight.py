"""督查室 pages for supervision notices, rectification tasks and inspections, through the real app."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from web_world import web  # noqa: F401  (the fixture)
from evidence_samples import PNG, Upload  # real files: a report cites only files it stored
from checks import listed

from domain.inspection import InspectionKind, InspectionStatus
from domain.notice import NoticeStatus, TaskState
from domain.rectification import ProblemSource, RectificationStatus, Severity

EVIDENCE = [Upload("整改照片.png", PNG)]


# -- helpers ------------------------------------------------------------------------------------------
def field_error(page: str, name: str) -> str:
    """The message shown beside field ``name`` (empty if none)."""
    found = re.search(rf'<span class="field-error" role="alert" data-field="{re.escape(name)}">([^<]*)</span>', page)
    return found[1] if found else ""


def input_value(page: str, name: str) -> str | None:
    found = re.search(rf'<input name="{re.escape(name)}" type="[^"]*" value="([^"]*)"', page)
    return found[1] if found else None


def selected(page: str, name: str) -> list[str]:
    """The options chosen in every select named ``name`` on the page."""
    blocks = re.findall(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    return [value for block in blocks for value in re.findall(r'<option value="([^"]*)" selected>', block)]


def flash(answer) -> str:
    found = re.search(r'<p class="flash" role="status">([^<]*)</p>', answer.text)
    return found[1] if found else ""


def post(web, client, url: str, **fields):
    return client.post(url, data=web.form(client, **fields), follow_redirects=False)


def follow(client, answer):
    assert answer.status_code == 303, f"{answer.status_code}: {answer.text[:500]}"
    return client.get(answer.headers["location"])


def issue(web, item: UUID, unit: str = "A", title: str = "关于加快背街小巷整治的督办通知"):
    tasks = [{"task": "制定整治方案", "responsible": "分管副局长", "deadline": date(2026, 3, 20)},
             {"task": "完成路面修复", "responsible": "建设科科长", "deadline": date(2026, 4, 30)}]
    return web.app.issue_notice(unit=web.world.unit_ids[unit], subject_kind="item", subject_id=item, title=title,
                                tasks=tasks, actor=web.world.office)


def rectification(web, unit: str = "A", problem: str = "老旧小区消防通道堵塞", **kwargs):
    kwargs.setdefault("deadline", date(2026, 4, 30))
    return web.app.record_rectification(unit=web.world.unit_ids[unit], source=kwargs.pop("source", ProblemSource.AUDIT),
                                        problem=problem, severity=Severity.GENERAL, actor=web.world.office, **kwargs)


# -- supervision notices --------------------------------------------------------------------------------
def test_office_reviews_each_reply_and_closes_the_notice(web):
    office, app, unit_a = web.client("duchashi"), web.app, web.world.unit("A")
    item = web.item("整治背街小巷", lead="A", sign=True)
    notice = issue(web, item)
    url = f"/office/notices/{notice.id.hex}"

    listing = office.get("/office/notices")
    assert listing.status_code == 200
    assert notice.number_label in listing.text and "关于加快背街小巷整治的督办通知" in listing.text
    assert "区住建局" in listing.text and f'href="/office/items/{item.hex}"' in listing.text
    assert f'href="{url}"' in listing.text and "2026-03-11" in listing.text  # 7 working days to reply
    assert notice.number_label not in office.get("/office/notices?state=closed").text

    detail = office.get(url)
    assert detail.status_code == 200
    for text in ("制定整治方案", "分管副局长", "2026-03-20", "完成路面修复", "建设科科长", "下发督办通知", "待答复"):
        assert text in detail.text
    assert "审核</button>" not in detail.text  # nothing to review yet

    app.acknowledge_notice(notice.id, unit_a)
    app.reply_notice(notice.id, "T1", "方案已经局党组会议审定", unit_a)
    app.reply_notice(notice.id, "T2", "路面修复已完成80%", unit_a)
    detail = office.get(url)
    assert "方案已经局党组会议审定" in detail.text and detail.text.count("审核</button>") == 2
    assert "签收督办通知" in detail.text and "书面回复" in detail.text

    # sending a reply back needs a reason: refused beside the field, the choice kept, nothing recorded
    version = app.readable_notice(notice.id, web.world.office).version
    refused = post(web, office, f"{url}/review", task="T2", accept="false", note="")
    assert refused.status_code == 422
    assert field_error(refused.text, "note") == "退回回复时请说明理由。"
    assert "false" in selected(refused.text, "accept")
    assert app.readable_notice(notice.id, web.world.office).version == version

    accepted = follow(office, post(web, office, f"{url}/review", task="T1", accept="true", note="同意"))
    assert "任务T1的回复已审核通过" in flash(accepted)
    assert app.readable_notice(notice.id, web.world.office).tasks["T1"]["state"] == TaskState.ACCEPTED.value
    assert "办结通知</button>" not in accepted.text and "已通过 1/2" in accepted.text

    early = post(web, office, f"{url}/close", note="")
    assert early.status_code == 422 and "T2的回复尚未审核通过" in early.text
    assert app.readable_notice(notice.id, web.world.office).status is NoticeStatus.ACKNOWLEDGED

    follow(office, post(web, office, f"{url}/review", task="T2", accept="true", note=""))
    closed = follow(office, post(web, office, f"{url}/close", note="两项任务均已落实"))
    assert f"督办通知{notice.number_label}已办结" in flash(closed)
    assert app.readable_notice(notice.id, web.world.office).status is NoticeStatus.CLOSED
    assert "督办通知办结" in closed.text and "办结通知</button>" not in closed.text
    assert notice.number_label in office.get("/office/notices?state=closed").text
    assert notice.number_label not in office.get("/office/notices?state=open").text


def test_every_office_form_carries_the_version_its_page_showed(web):
    """A notice and a rectification task changed by someone else after the page was
    drawn: the form's decision is refused (409) and nothing is recorded."""
    office, app, world = web.client("duchashi"), web.app, web.world
    unit_a = world.unit("A")

    def shown_version(url: str, action: str) -> str:
        page = office.get(url).text
        return re.search(rf'action="{re.escape(url)}/{action}"[^>]*>.*?name="version" value="(\d+)"', page, re.S)[1]

    notice = issue(web, web.item("整治背街小巷", lead="A", sign=True))
    app.acknowledge_notice(notice.id, unit_a)
    app.reply_notice(notice.id, "T1", "方案已审定", unit_a)
    url = f"/office/notices/{notice.id.hex}"
    seen = shown_version(url, "review")
    app.reply_notice(notice.id, "T2", "已完成80%", unit_a)  # meanwhile
    before = app.readable_notice(notice.id, world.office).version
    stale = post(web, office, f"{url}/review", task="T1", accept="true", note="", version=seen)
    assert stale.status_code == 409, stale.text[:300]
    assert app.readable_notice(notice.id, world.office).version == before

    task = rectification(web)
    url = f"/office/rectifications/{task.id.hex}"
    seen = shown_version(url, "urge")
    app.urge_rectification(task.id, "请抓紧", world.office)  # meanwhile, in another window
    before = app.readable_rectification(task.id, world.office).version
    assert post(web, office, f"{url}/urge", note="再次催办", version=seen).status_code == 409
    assert app.readable_rectification(task.id, world.office).version == before
    fresh = shown_version(url, "urge")
    assert follow(office, post(web, office, f"{url}/urge", note="再次催办", version=fresh)).status_code == 200


# -- rectification tasks --------------------------------------------------------------------------------
def test_record_verify_and_sign_off_a_rectification_through_the_forms(web):
    office, app, world = web.client("duchashi"), web.app, web.world
    unit_a = world.unit_ids["A"]
    form_page = office.get("/office/rectifications/new")
    assert form_page.status_code == 200 and "登记整改任务</button>" in form_page.text

    refused = post(web, office, "/office/rectifications", unit=unit_a.hex, source="audit", source_ref="汉审〔2026〕3号",
                   problem="", severity="serious", deadline="2026-04-30")
    assert refused.status_code == 422
    assert field_error(refused.text, "problem") == "请填写问题描述。"
    assert input_value(refused.text, "source_ref") == "汉审〔2026〕3号"
    assert selected(refused.text, "unit") == [unit_a.hex] and selected(refused.text, "severity") == ["serious"]
    assert listed(app, world.district, "rectification") == []

    late = post(web, office, "/office/rectifications", unit=unit_a.hex, source="audit", problem="资金拨付滞后",
                severity="general", deadline="2026-03-01")
    assert late.status_code == 422 and field_error(late.text, "deadline") == "整改时限须晚于登记日期。"
    assert listed(app, world.district, "rectification") == []

    recorded = post(web, office, "/office/rectifications", unit=unit_a.hex, source="audit", source_ref="汉审〔2026〕3号",
                    problem="老旧小区改造资金拨付滞后", severity="serious", deadline="2026-04-30")
    [task] = [app.rectification(i, world.office) for i in listed(app, world.district, "rectification")]
    assert recorded.headers["location"].startswith(f"/office/rectifications/{task.id.hex}")
    page = follow(office, recorded)
    assert f"已登记整改任务{task.number_label}" in flash(page)
    assert (task.source, task.severity, task.source_ref) == (ProblemSource.AUDIT, Severity.SERIOUS, "汉审〔2026〕3号")
    assert "老旧小区改造资金拨付滞后" in page.text and "问题入账" in page.text
    assert "催办</button>" in page.text and "核验</button>" not in page.text and "销号</button>" not in page.text

    clerk = world.unit("A")
    app.submit_rectification_plan(task.id, "三月底前完成拨付", clerk)
    app.report_rectified(task.id, "资金已全部拨付到位", EVIDENCE, clerk)
    url = f"/office/rectifications/{task.id.hex}"
    page = office.get(url)
    assert "核验</button>" in page.text and "催办</button>" not in page.text and "报告整改完成" in page.text

    version = app.readable_rectification(task.id, world.office).version
    no_reason = post(web, office, f"{url}/verify", passed="false", note=" ")
    assert no_reason.status_code == 422 and field_error(no_reason.text, "note") == "核验不通过时请说明原因。"
    assert "false" in selected(no_reason.text, "passed")
    assert app.readable_rectification(task.id, world.office).version == version

    verified = follow(office, post(web, office, f"{url}/verify", passed="true", note="凭证齐全"))
    assert "核验通过" in flash(verified) and "销号</button>" in verified.text
    assert app.readable_rectification(task.id, world.office).status is RectificationStatus.VERIFIED
    unconfirmed = post(web, office, f"{url}/sign-off", note="")
    assert unconfirmed.status_code == 422 and "不可撤销" in field_error(unconfirmed.text, "confirmed")
    assert re.findall(r'id="action-([a-z_]+)" open>', unconfirmed.text) == ["sign_off"]  # open, alone
    assert app.readable_rectification(task.id, world.office).status is RectificationStatus.VERIFIED
    signed = follow(office, post(web, office, f"{url}/sign-off", note="", confirmed="on"))
    assert f"整改任务{task.number_label}已销号" in flash(signed)
    assert app.readable_rectification(task.id, world.office).status is RectificationStatus.SIGNED_OFF
    assert "重新打开</button>" in signed.text and "催办</button>" not in signed.text

    assert task.number_label in office.get("/office/rectifications?ledger=closed").text
    assert task.number_label not in office.get("/office/rectifications?ledger=open").text
    everything = office.get("/office/rectifications").text
    assert task.number_label in everything and "已销号" in everything

    # 回头看: the problem came back
    bad = post(web, office, f"{url}/reopen", finding="整改不彻底", new_deadline="")
    assert bad.status_code == 422 and field_error(bad.text, "new_deadline") == "请填写新的整改时限。"
    assert input_value(bad.text, "new_deadline") == "" and "整改不彻底" in bad.text
    reopened = follow(office, post(web, office, f"{url}/reopen", finding="整改不彻底", new_deadline="2026-05-29"))
    assert "重新打开" in flash(reopened)
    again = app.readable_rectification(task.id, world.office)
    assert again.status is RectificationStatus.RECTIFYING and again.deadline == date(2026, 5, 29)
    assert task.number_label in office.get("/office/rectifications?ledger=open").text


def test_the_escalation_ladder_on_a_rectification_task(web):
    office, app, world = web.client("duchashi"), web.app, web.world
    task = rectification(web, unit="B")
    url = f"/office/rectifications/{task.id.hex}"

    urged = follow(office, post(web, office, f"{url}/urge", note="请于本周内报送整改方案"))
    assert "已催办" in flash(urged) and "请于本周内报送整改方案" in urged.text

    version = app.readable_rectification(task.id, world.office).version
    no_reason = post(web, office, f"{url}/criticise", note="", document="汉督通〔2026〕2号", confirmed="on")
    assert no_reason.status_code == 422 and field_error(no_reason.text, "note") == "请填写通报批评的事由。"
    assert input_value(no_reason.text, "document") == "汉督通〔2026〕2号"
    assert app.readable_rectification(task.id, world.office).version == version
    follow(office, post(web, office, f"{url}/criticise", note="整改迟缓", document="汉督通〔2026〕2号",
                        confirmed="on"))

    missing = post(web, office, f"{url}/interview", held_by="督查室主任", interviewee="", leader="", note="")
    assert missing.status_code == 422 and field_error(missing.text, "interviewee") == "请填写被约谈人（职务）。"
    assert input_value(missing.text, "held_by") == "督查室主任"
    follow(office, post(web, office, f"{url}/interview", held_by="副区长", interviewee="晴川街办事处主任",
                        leader=world.leader_ids["V1"].hex, note="限期整改"))

    referred = follow(office, post(web, office, f"{url}/refer", reasons="多次催办仍未整改，影响恶劣",
                                   confirmed="on"))
    assert "提出移交纪检监察" in flash(referred) and "提出移交纪检监察</button>" not in referred.text
    after = app.readable_rectification(task.id, world.office)
    assert (after.urges, after.criticisms, after.interviews, after.referral) == (1, 1, 1, "proposed")
    for event in ("催办", "通报批评", "约谈", "提出移交纪检监察"):
        assert f"<b>{event}</b>" in referred.text


def test_the_rectification_ledger_filters_and_pages(web, clock):
    office, world = web.client("duchashi"), web.world
    for n in range(51):
        rectification(web, unit="A", problem=f"占道经营问题{n + 1}号", source=ProblemSource.PUBLIC_REPORT)
    media = rectification(web, unit="C", problem="渣土车未覆盖", source=ProblemSource.MEDIA, deadline=date(2026, 3, 10))

    first = office.get("/office/rectifications")
    assert "第 1 / 2 页，共 52 条" in first.text and "占道经营问题1号<" in first.text
    second = office.get("/office/rectifications?page=2")
    assert "第 2 / 2 页，共 52 条" in second.text and "渣土车未覆盖" in second.text and "占道经营问题1号<" not in second.text

    by_unit = office.get(f"/office/rectifications?unit={world.unit_ids['C'].hex}")
    assert "共 1 条" in by_unit.text and "渣土车未覆盖" in by_unit.text and "区城管局" in by_unit.text
    assert "共 1 条" in office.get("/office/rectifications?source=media").text
    assert "共 51 条" in office.get("/office/rectifications?source=public_report&status=recorded").text
    assert "共 0 条" in office.get("/office/rectifications?as_of=2026-03-01").text

    bad = office.get("/office/rectifications?as_of=2026-13-01")
    assert bad.status_code == 422 and "格式如" in field_error(bad.text, "as_of")
    assert input_value(bad.text, "as_of") == "2026-13-01"

    clock.set(date(2026, 3, 16))  # the media case is 4 working days past its deadline
    overdue = office.get("/office/rectifications?overdue=1")
    assert "共 1 条" in overdue.text and media.number_label in overdue.text
    assert re.search(r'<span class="red">4</span>', overdue.text)


# -- inspections -------------------------------------------------------------------------------------------
def test_plan_conduct_record_a_finding_and_close_an_inspection(web):
    office, app, world = web.client("duchashi"), web.app, web.world
    a, b, c = (world.unit_ids[code] for code in "ABC")
    assert "列入督查计划</button>" in office.get("/office/inspections/new").text

    no_units = post(web, office, "/office/inspections", kind="special", title="安全生产专项督查", planned_month="2026-04")
    assert no_units.status_code == 422 and field_error(no_units.text, "target_units") == "请选择被督查单位。"
    assert input_value(no_units.text, "title") == "安全生产专项督查" and selected(no_units.text, "kind") == ["special"]
    bad_month = post(web, office, "/office/inspections", kind="special", title="安全生产专项督查",
                     target_units=[a.hex, b.hex], planned_month="2026-4")
    assert bad_month.status_code == 422 and "2026-04" in field_error(bad_month.text, "planned_month")
    assert sorted(selected(bad_month.text, "target_units")) == sorted([a.hex, b.hex])
    assert listed(app, world.district, "inspection") == []

    planned = post(web, office, "/office/inspections", kind="special", title="安全生产专项督查",
                   target_units=[a.hex, b.hex], planned_month="2026-04")
    [inspection] = [app.inspection(i, world.office) for i in listed(app, world.district, "inspection")]
    assert (inspection.kind, inspection.target_units, inspection.status) == (
        InspectionKind.SPECIAL, [a, b], InspectionStatus.PLANNED)
    page = follow(office, planned)
    assert "已将" in flash(page) and "开始督查</button>" in page.text and "登记问题</button>" not in page.text
    listing = office.get("/office/inspections").text
    assert inspection.number_label in listing and "安全生产专项督查" in listing and "区住建局、晴川街" in listing

    url = f"/office/inspections/{inspection.id.hex}"
    page = follow(office, post(web, office, f"{url}/conduct"))
    assert app.inspection(inspection.id, world.office).status is InspectionStatus.CONDUCTED
    assert "登记问题</button>" in page.text and "结束督查</button>" in page.text

    no_deadline = post(web, office, f"{url}/findings", unit=b.hex, problem="消防器材过期", severity="serious", deadline="")
    assert no_deadline.status_code == 422 and field_error(no_deadline.text, "deadline") == "请填写整改时限。"
    assert "消防器材过期" in no_deadline.text and selected(no_deadline.text, "unit") == [b.hex]
    out_of_scope = post(web, office, f"{url}/findings", unit=c.hex, problem="渣土乱倒", severity="general",
                        deadline="2026-04-30")
    assert out_of_scope.status_code == 422 and "不在批准的检查范围内" in out_of_scope.text
    assert listed(app, world.district, "rectification") == []

    found = follow(office, post(web, office, f"{url}/findings", unit=b.hex, problem="消防器材过期",
                                severity="serious", deadline="2026-04-30"))
    [task] = [app.rectification(i, world.office) for i in listed(app, world.district, "rectification")]
    assert f"整改任务{task.number_label}已入账" in flash(found) and f"/office/rectifications/{task.id.hex}" in found.text
    assert (task.unit, task.source, task.inspection) == (b, ProblemSource.SPECIAL_INSPECTION, inspection.id)
    ledger = office.get("/office/rectifications?source=special_inspection").text
    assert "消防器材过期" in ledger and task.number_label in ledger and inspection.number_label in ledger

    bad_score = post(web, office, f"{url}/results", **{f"score_{a.hex}": "120", f"problems_{a.hex}": "0"})
    assert bad_score.status_code == 422 and field_error(bad_score.text, f"score_{a.hex}") == "得分应在0–100之间。"
    assert input_value(bad_score.text, f"score_{a.hex}") == "120"
    assert app.inspection(inspection.id, world.office).results == {}
    follow(office, post(web, office, f"{url}/results", **{f"score_{a.hex}": "92.5", f"score_{b.hex}": "78",
                                                          f"problems_{b.hex}": "1"}))
    assert app.inspection(inspection.id, world.office).results == {
        a.hex: {"score": 92.5, "problems": 0}, b.hex: {"score": 78, "problems": 1}}

    closed = follow(office, post(web, office, f"{url}/close"))
    assert "已结束" in flash(closed) and "登记问题</button>" not in closed.text
    assert app.inspection(inspection.id, world.office).status is InspectionStatus.CLOSED


def test_office_decides_a_departments_inspection_proposal(web):
    office, app, world = web.client("duchashi"), web.app, web.world
    proposal = app.propose_inspection(kind=InspectionKind.UNANNOUNCED, title="市容秩序暗访",
                                      target_units=[world.unit_ids["B"]], planned_month="2026-03",
                                      reasons="群众反映集中", actor=world.unit("C"))
    url = f"/office/inspections/{proposal.id.hex}"
    page = office.get(url)
    assert "审批</button>" in page.text and "开始督查</button>" not in page.text and "区城管局" in page.text
    no_reason = post(web, office, f"{url}/decide", approve="false", note="")
    assert no_reason.status_code == 422 and field_error(no_reason.text, "note") == "不批准时请说明理由。"
    assert app.inspection(proposal.id, world.office).status is InspectionStatus.PROPOSED
    approved = follow(office, post(web, office, f"{url}/decide", approve="true", note="同意"))
    assert app.inspection(proposal.id, world.office).status is InspectionStatus.PLANNED
    assert "开始督查</button>" in approved.text


# -- who may see these pages ---------------------------------------------------------------------------
def test_units_are_refused_and_other_districts_see_nothing(web):
    app, world = web.app, web.world
    notice = issue(web, web.item("整治背街小巷", lead="A", sign=True))
    task = rectification(web)
    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title="专项督查", target_units=[world.unit_ids["A"]],
                                     planned_month="2026-04", actor=world.office)
    details = [f"/office/notices/{notice.id.hex}", f"/office/rectifications/{task.id.hex}",
               f"/office/inspections/{inspection.id.hex}"]
    posts = [f"/office/notices/{notice.id.hex}/close", f"/office/rectifications/{task.id.hex}/urge",
             f"/office/inspections/{inspection.id.hex}/conduct"]

    unit = web.client("zhujianju")
    for url in ["/office/notices", "/office/rectifications", "/office/rectifications/new", "/office/inspections",
                "/office/inspections/new", *details]:
        answer = unit.get(url)
        assert answer.status_code == 403, url
    for url in posts:
        assert post(web, unit, url).status_code == 403, url

    other = web.client("other-office")
    for url in details:
        assert other.get(url).status_code == 404, url
    for url in posts:
        assert post(web, other, url, note="").status_code == 404, url
    listing = other.get("/office/notices")
    assert listing.status_code == 200 and notice.number_label not in listing.text
    assert task.number_label not in other.get("/office/rectifications").text
    assert inspection.number_label not in other.get("/office/inspections").text
    assert app.readable_rectification(task.id, world.office).urges == 0
    assert app.inspection(inspection.id, world.office).status is InspectionStatus.PLANNED

    admin = web.client("guanliyuan")  # reads, but the office acts
    page = admin.get(details[1])
    assert page.status_code == 200 and "催办</button>" not in page.text and "管理员只能查看" in page.text


def test_the_inspection_page_shows_its_history_in_chinese(web):
    office, app, world = web.client("duchashi"), web.app, web.world
    proposal = app.propose_inspection(kind=InspectionKind.SPECIAL, title="燃气安全检查", target_units=[world.unit_ids["B"]],
                                      planned_month="2026-03", reasons="燃气隐患排查", actor=world.unit("C"))
    url = f"/office/inspections/{proposal.id.hex}"
    follow(office, post(web, office, f"{url}/decide", approve="true", note="同意，限于晴川街"))
    follow(office, post(web, office, f"{url}/conduct"))
    page = follow(office, post(web, office, f"{url}/findings", unit=world.unit_ids["B"].hex, problem="燃气管道老化",
                               severity="serious", deadline="2026-04-30"))
    history = re.search(r"<h2>督查过程</h2>\s*<ol class=\"timeline\">(.*?)</ol>", page.text, re.S)
    assert history, page.text[-1500:]
    entries = re.findall(r'<li><span class="when">([^<]+)</span><b>([^<]+)</b>', history[1])
    assert [what for _, what in entries] == ["申请开展检查", "批准检查申请", "实施督查", "登记发现的问题"]
    assert "同意，限于晴川街" in history[1] and "问题：燃气管道老化" in history[1]
    assert '<span class="muted">区城管局</span>' in history[1] and "c-clerk" not in history[1]  # the unit, not the account
    assert "Inspection." not in page.text and "FindingRecorded" not in page.text
