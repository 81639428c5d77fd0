"""The access matrix of the HTML pages: every role against every page route.

The records are unit C's (an item signed for, a second item whose referral the office proposed but
no leader approved, a notice to C about the first, a rectification task of C with a referral
proposed, an inspection of C, a reminder (提醒) to C that its item is due), the district's issued
weekly report (督查工作周报), and the same kinds of records of another district (unit X).  Every
page route the app serves is listed in :data:`PAGES` with the kind of record its ``{id}`` stands
for; :func:`test_every_page_route_is_in_the_matrix` fails when a page is added without a row.

For every user of the web world and every route with a record in its path:

* a page area the user's role may not open (a unit user on /office, /leader, /discipline; the
  office on /unit ...) answers 403 — before any lookup, so another district's user gets 403 there too;
* within their area, a record of unit C answers 404 to those who may not read it (units A and B,
  vice head V1, the discipline body: nothing of C is referred) and to another district's user,
  exactly as for an id that does not exist (the same status and page, no title or number): ids
  follow from numbers, so any other answer would tell which numbers exist;
* another district's record (unit X) answers 404 to this district's users, exactly like an unknown id;
* a reminder is its recipient's alone (unit C's users here): every other user of the district gets 404,
  exactly as for an unknown id (reminder ids derive from the record, the recipient and the day);
* the report pages of the district head (``HEAD_PAGES``) refuse a vice head (403, ``report.head_only``);
* a refused POST records nothing (the store's event count is unchanged); the administrator reads but
  commands nothing (403);
* every refusal is the application's own and names why (``role.not_allowed``, ``*.not_found``), so an
  unknown route or a failed CSRF check cannot pass for one.

The list pages (GET without an id) never name a record the user may not read (title, number, id);
the rightful users (chengguan for the unit pages, fuquzhang2 and quzhang for the leader pages,
duchashi and guanliyuan for the office pages, jiwei for the cases referred to it) open every page
and find the records there — so the matrix cannot pass by everything being broken.  Rankings are
public to leaders by design: V1 opens unit C's score explanation, which shows the records' numbers
but not their titles.  And a co-unit (B on A's item) opens the item, but not the notice to the lead unit.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable
from uuid import UUID

import pytest
from builders import World, events_recorded
from web_helpers import PASSWORD
from web_world import web, web_app  # noqa: F401  (web: the fixture)

from domain.actor import deployment_actor
from domain.inspection import InspectionKind
from domain.leadership import LeaderTitle
from domain.item_actions import ItemAction
from domain.rectification import ProblemSource, Severity
from domain.report_document import ReportKind
from duban.reminding import ReminderJob
from projections.messages import MessageQueries

DEADLINE = date(2026, 4, 30)  # the items' deadline
LATER = date(2026, 5, 15)  # the day the pages are read: the items are overdue by then
SKIPPED = ("/api", "/schema", "/static", "/healthz", "/login", "/logout",
           # one account's actions, by user name: tests/test_web_login_security.py and
           # tests/test_admin_pages.py (admin only, own district only)
           "/admin/users/{username:str}",
           "/account",  # one's own password, every role: tests/test_web_account.py
           "/files")  # a record's evidence files, every role by the record's read rules: tests/test_evidence_web.py


# -- the records ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Records:
    """One unit's records of each kind a page path names."""

    unit: UUID
    item: UUID  # signed for, urged
    proposed: UUID  # an item whose referral was proposed but not approved
    notice: UUID  # to the unit, about ``item``
    rectification: UUID  # its referral proposed, not approved
    inspection: UUID  # targeting the unit
    titles: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    leader: UUID | None = None  # the post in charge of the unit (the administrator's pages)
    report: UUID | None = None  # the district's issued weekly report (督查工作周报)
    reminder: UUID | None = None  # a reminder (提醒) to the unit: its item is due tomorrow

    def ids(self, kind: str) -> list[UUID]:
        """The records a route of ``kind`` is tried on (an item route: both items)."""
        return [self.item, self.proposed] if kind == "item" else [getattr(self, kind)]

    @property
    def id_strings(self) -> set[str]:
        ids = (self.item, self.proposed, self.notice, self.rectification, self.inspection,
               *(i for i in (self.report, self.reminder) if i is not None))
        return {str(i) for i in ids} | {i.hex for i in ids}


def _records(web, world: World, code: str, name: str, leader: UUID) -> Records:
    app, office = web.app, world.office
    unit = world.unit_ids[code]
    item = world.item(lead=code, sign=True, title=f"{name}背街小巷整治", deadline=DEADLINE,
                      reference="区政府第3次常务会议", decision_date=date(2026, 2, 27))
    app.urge_item(item, "请抓紧办理", office)  # a score line behind the unit's ranking
    proposed = world.item(lead=code, sign=True, title=f"{name}违规发放补贴", deadline=DEADLINE,
                          reference="区政府第3次常务会议", decision_date=date(2026, 2, 27))
    app.propose_referral(proposed, "长期推诿", office)
    notice = app.issue_notice(unit=unit, subject_kind="item", subject_id=item, title=f"{name}督办通知书",
                              tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                              actor=office)
    task = app.record_rectification(unit=unit, source=ProblemSource.AUDIT, problem=f"{name}渣土车违规运输",
                                    severity=Severity.GENERAL, deadline=date(2026, 6, 30), actor=office)
    app.propose_rectification_referral(task.id, "屡查屡犯", office)
    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title=f"{name}专项督查行动", target_units=[unit],
                                     planned_month="2026-04", actor=office)
    found = [app.readable_item(item, office), app.readable_item(proposed, office), notice, task, inspection]
    titles = (found[0].title, found[1].title, notice.title, task.problem, inspection.title)
    return Records(unit, item, proposed, notice.id, task.id, inspection.id, titles,
                   tuple(r.number_label for r in found), leader)


@dataclass
class Matrix:
    c: Records  # unit C's (vice head V2's portfolio)
    x: Records  # another district's (unit X)
    a_item: UUID  # unit A's own item, with co-unit B (zhujianju's, qingchuan's and V1's lists show it)
    a_item_title: str
    a_notice: UUID  # a notice to the lead unit A about it: not the co-unit's business
    a_notice_words: tuple[str, ...]  # its title, number and id
    referred: UUID  # an item of A referred to the discipline body (approved)
    referred_task: UUID  # a rectification task of A referred (approved)
    referred_titles: tuple[str, ...]  # theirs


def build_matrix(web, clock) -> Matrix:
    app, world = web.app, web.world
    app.add_deployment_admin(username="pingtai", password=PASSWORD, actor=deployment_actor("pingtai"))
    c = _records(web, world, "C", "城管", world.leader_ids["V2"])
    outside = app.register_leader(None, LeaderTitle.VICE_HEAD, "", web.other.office, holder="外区副区长")
    app.place_unit(web.other.unit_ids["X"], outside.id, date(2026, 1, 5), web.other.office)
    x = _records(web, web.other, "X", "外区", outside.id)
    a_item = world.item(lead="A", co=["B"], sign=True, title="住建老旧小区改造", deadline=DEADLINE)
    a_notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=a_item, title="住建督办通知书",
                                tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                                actor=world.office)
    referred = world.item(lead="A", sign=True, title="住建挪用专项资金", deadline=DEADLINE)
    app.propose_referral(referred, "问题严重", world.office)
    app.decide_referral(referred, True, "同意移交", world.leader("V1"))
    task = app.record_rectification(unit=world.unit_ids["A"], source=ProblemSource.MEDIA, problem="住建工地扬尘污染",
                                    severity=Severity.SEVERE, deadline=date(2026, 6, 30), actor=world.office)
    app.propose_rectification_referral(task.id, "屡查屡犯", world.office)
    app.decide_rectification_referral(task.id, True, "同意", world.leader("V1"))
    clock.set(LATER)
    app.tick()  # the items' deadline passed: overdue on the leaders' pages
    c = _report_and_reminder(web, world, c)
    x = _report_and_reminder(web, web.other, x)
    return Matrix(c, x, a_item, "住建老旧小区改造", a_notice.id,
                  (a_notice.title, a_notice.number_label, a_notice.id.hex, str(a_notice.id)),
                  referred, task.id, ("住建挪用专项资金", "住建工地扬尘污染"))


def _report_and_reminder(web, world: World, records: Records) -> Records:
    """The district's weekly report issued, and the reminders of the day before the items' deadline
    made (the worker's jobs): the unit's that its item is due tomorrow."""
    app = web.app
    report = app.draft_report(ReportKind.WEEKLY, "2026-W19", world.office)
    app.issue_report(report.id, world.office)
    ReminderJob(app, web.reads().read_models).daily(world.district, DEADLINE - timedelta(days=1))  # 明日到期
    unread = MessageQueries(web.reads().read_models).unread_ids(world.district, f"unit:{records.unit.hex}")
    assert unread, "no reminder to the unit"
    return replace(records, report=report.id, reminder=UUID(unread[0]))


def unknown_records() -> Records:
    return Records(*(uuid.uuid4() for _ in range(6)), leader=uuid.uuid4(), report=uuid.uuid4(), reminder=uuid.uuid4())


# -- the routes ------------------------------------------------------------------------------------------
OFFICE, ADMIN, UNIT, LEADER, DISCIPLINE = "office", "admin", "unit", "leader", "discipline"
DEPLOYMENT = "deployment"  # 平台管理员: no district's area
AREAS = {"office": {OFFICE, ADMIN}, "unit": {UNIT}, "leader": {LEADER}, "discipline": {DISCIPLINE},
         "admin": {ADMIN}, "platform": {DEPLOYMENT},
         "chain": {OFFICE, ADMIN, DISCIPLINE},  # 记录核验: the district's chain, for the discipline body and the office
         "messages": {OFFICE, ADMIN, UNIT, LEADER}}  # 消息中心: every role that is sent reminders
HOMES = {OFFICE: "/office", ADMIN: "/admin", UNIT: "/unit", LEADER: "/leader", DISCIPLINE: "/discipline",
         DEPLOYMENT: "/platform"}  # where "/" sends each role

# (method, path exactly as the app declares it) -> the record its {id} stands for (None: no record)
PAGES: dict[tuple[str, str], str | None] = {
    ("GET", "/"): None,
    # 督查室
    ("GET", "/office"): None, ("GET", "/office/ledger"): None, ("GET", "/office/ledger.xlsx"): None,
    ("GET", "/office/rectifications/ledger.xlsx"): None,
    ("GET", "/office/bulletin"): None, ("GET", "/office/bulletin.docx"): None,
    ("GET", "/office/escalation-backtest"): None, ("POST", "/office/escalation-backtest"): None,
    ("GET", "/office/schemes"): None, ("GET", "/office/schemes/new"): None, ("POST", "/office/schemes/new"): None,
    ("GET", "/office/behaviour"): None, ("GET", "/office/behaviour/{unit_id:uuid}"): "unit",
    ("GET", "/office/deadline-changes"): None,
    ("GET", "/office/search"): None,
    ("GET", "/office/push-channels"): None, ("POST", "/office/push-channels"): None,
    ("POST", "/office/push-channels/{channel:str}/remove"): None,  # a channel of the actor's own district only
    ("GET", "/office/reports"): None, ("GET", "/office/reports/{report_id:uuid}"): "report",
    ("GET", "/office/reports/{report_id:uuid}/document.docx"): "report",
    ("POST", "/office/reports/{report_id:uuid}/edit"): "report",
    ("POST", "/office/reports/{report_id:uuid}/issue"): "report",
    ("GET", "/office/items/new"): None,
    ("POST", "/office/items"): None,
    ("GET", "/office/import"): None, ("GET", "/office/import/template.xlsx"): None, ("POST", "/office/import"): None,
    ("GET", "/office/items/{item_id:uuid}"): "item",
    ("POST", "/office/items/{item_id:uuid}/{action:str}"): "item",
    ("GET", "/office/notices"): None,
    ("GET", "/office/notices/{notice_id:uuid}"): "notice",
    ("GET", "/office/notices/{notice_id:uuid}/document.docx"): "notice",
    ("POST", "/office/notices/{notice_id:uuid}/review"): "notice",
    ("POST", "/office/notices/{notice_id:uuid}/close"): "notice",
    ("GET", "/office/rectifications"): None, ("GET", "/office/rectifications/new"): None,
    ("POST", "/office/rectifications"): None,
    ("GET", "/office/rectifications/{task_id:uuid}"): "rectification",
    **{("POST", f"/office/rectifications/{{task_id:uuid}}/{s}"): "rectification"
       for s in ("verify", "sign-off", "reopen", "urge", "criticise", "interview", "refer")},
    ("GET", "/office/inspections"): None, ("GET", "/office/inspections/new"): None,
    ("POST", "/office/inspections"): None,
    ("GET", "/office/inspections/{inspection_id:uuid}"): "inspection",
    **{("POST", f"/office/inspections/{{inspection_id:uuid}}/{s}"): "inspection"
       for s in ("decide", "conduct", "findings", "results", "close")},
    # 承办单位
    ("GET", "/unit"): None, ("GET", "/unit/items"): None,
    ("GET", "/unit/items/{item_id:uuid}"): "item",
    **{("POST", f"/unit/items/{{item_id:uuid}}/{s}"): "item"
       for s in ("sign-for", "progress", "extension", "cannot-implement", "completion", "subtask", "formal-reply")},
    ("GET", "/unit/notices"): None,
    ("GET", "/unit/notices/{notice_id:uuid}"): "notice",
    ("POST", "/unit/notices/{notice_id:uuid}/acknowledge"): "notice",
    ("POST", "/unit/notices/{notice_id:uuid}/reply"): "notice",
    ("GET", "/unit/rectifications"): None,
    ("GET", "/unit/rectifications/{task_id:uuid}"): "rectification",
    **{("POST", f"/unit/rectifications/{{task_id:uuid}}/{s}"): "rectification"
       for s in ("plan", "progress", "rectified")},
    # 领导
    ("GET", "/leader"): None, ("GET", "/leader/ranking"): None, ("GET", "/leader/overdue"): None,
    ("GET", "/leader/approvals"): None, ("GET", "/leader/search"): None,
    ("GET", "/leader/ranking/{unit_id:uuid}"): "unit",
    ("GET", "/leader/behaviour"): None, ("GET", "/leader/behaviour/{unit_id:uuid}"): "unit",
    ("GET", "/leader/items/{item_id:uuid}"): "item",
    **{("POST", f"/leader/items/{{item_id:uuid}}/{s}"): "item" for s in ("extension", "referral", "interview")},
    ("GET", "/leader/rectifications/{task_id:uuid}"): "rectification",
    ("POST", "/leader/rectifications/{task_id:uuid}/referral"): "rectification",
    ("GET", "/leader/report"): None, ("GET", "/leader/report.docx"): None, ("GET", "/leader/reports"): None,
    ("GET", "/leader/reports/{report_id:uuid}/document.docx"): "report",
    # 消息中心 (every role sent reminders)
    ("GET", "/messages"): None, ("POST", "/messages/read-all"): None,
    ("POST", "/messages/{reminder_id:uuid}/open"): "reminder",
    # 纪检监察
    ("GET", "/discipline"): None,
    ("GET", "/discipline/items/{item_id:uuid}"): "item",
    ("GET", "/discipline/items/{item_id:uuid}/verify"): "item",
    ("GET", "/discipline/items/{item_id:uuid}/dossier.docx"): "item",
    ("GET", "/discipline/rectifications/{task_id:uuid}"): "rectification",
    ("GET", "/discipline/rectifications/{task_id:uuid}/verify"): "rectification",
    ("GET", "/discipline/rectifications/{task_id:uuid}/dossier.docx"): "rectification",
    ("GET", "/chain"): None,
    # 管理员 (the district's administrator)
    ("GET", "/admin"): None,
    ("GET", "/admin/users"): None, ("POST", "/admin/users"): None,
    ("GET", "/admin/units"): None, ("POST", "/admin/units"): None,
    ("GET", "/admin/units/{unit_id:uuid}"): "unit",
    ("POST", "/admin/units/{unit_id:uuid}/rename"): "unit", ("POST", "/admin/units/{unit_id:uuid}/retire"): "unit",
    ("GET", "/admin/leaders"): None, ("POST", "/admin/leaders"): None,
    ("GET", "/admin/leaders/{leader_id:uuid}"): "leader",
    **{("POST", f"/admin/leaders/{{leader_id:uuid}}/{s}"): "leader" for s in ("portfolio", "cover", "end")},
    ("GET", "/admin/roster"): None, ("GET", "/admin/roster/template.xlsx"): None, ("POST", "/admin/roster"): None,
    # 平台管理员 (the deployment's administrator)
    ("GET", "/platform"): None, ("POST", "/platform/districts"): None,
}
UNIT_PAGES = {"/leader/ranking/{unit_id:uuid}", "/leader/behaviour/{unit_id:uuid}"}  # a unit's score explained: to the leaders it is in sight of
# the report to the district head (督查工作情况报告): the head's, not a vice head's (report.head_only);
# the office and the administrator read it too (they write it)
HEAD_PAGES = {"/leader/report", "/leader/report.docx", "/leader/reports", "/leader/reports/{report_id:uuid}/document.docx"}
OPEN_TO = {path: {LEADER, OFFICE, ADMIN} for path in HEAD_PAGES}  # pages open beyond their area's roles


def _const(**fields) -> Callable[[Records], dict]:
    return lambda r: dict(fields)


# the form each POST sends: what the rightful user would send, so a missing check would record something
HOLD = _const(held_by="分管副区长", interviewee="局长", note="限期整改")
BODIES: dict[str, Callable[[Records], dict]] = {
    "/office/items": _const(source="executive_meeting", reference="区政府第3次常务会议", decision_date="2026-02-27",
                            title="新登记事项"),
    "/office/import": _const(),  # the upload (multipart) refused before the file is read
    "/office/escalation-backtest": _const(period="2026", proposed="urge_after_working_days = 1"),  # records nothing
    "/office/schemes/new": _const(kind="escalation", action="adopt", version="2026-督查室-1", title="督办升级规则（从严）",
                                  urge_after_working_days="1", urges_before_notice="2", notice_after_working_days="2",
                                  referral_after_working_days="10", effective_from="2026-06-01", reason="从严督办",
                                  confirmed="on"),
    "/office/notices/{notice_id:uuid}/review": _const(task="T1", accept="true", note="通过"),
    "/office/notices/{notice_id:uuid}/close": _const(note="办结"),
    "/office/rectifications": lambda r: {"unit": r.unit.hex, "source": "audit", "problem": "新问题",
                                         "severity": "general", "deadline": "2026-06-30"},
    "/office/rectifications/{task_id:uuid}/verify": _const(passed="true", note=""),
    "/office/rectifications/{task_id:uuid}/sign-off": _const(note="", confirmed="on"),
    "/office/rectifications/{task_id:uuid}/reopen": _const(finding="问题反弹", new_deadline="2026-12-31"),
    "/office/rectifications/{task_id:uuid}/urge": _const(note="请抓紧"),
    "/office/rectifications/{task_id:uuid}/criticise": _const(note="拖延整改", confirmed="on"),
    "/office/rectifications/{task_id:uuid}/interview": HOLD,
    "/office/rectifications/{task_id:uuid}/refer": _const(reasons="问题严重", confirmed="on"),
    "/office/inspections": lambda r: {"kind": "special", "title": "新督查", "target_units": r.unit.hex,
                                      "planned_month": "2026-06"},
    "/office/inspections/{inspection_id:uuid}/decide": _const(approve="true", note=""),
    "/office/inspections/{inspection_id:uuid}/conduct": _const(),
    "/office/inspections/{inspection_id:uuid}/findings": lambda r: {
        "unit": r.unit.hex, "problem": "台账不全", "severity": "general", "deadline": "2026-06-30"},
    "/office/inspections/{inspection_id:uuid}/results": lambda r: {f"score_{r.unit.hex}": "90",
                                                                   f"problems_{r.unit.hex}": "1"},
    "/office/inspections/{inspection_id:uuid}/close": _const(),
    "/unit/items/{item_id:uuid}/sign-for": _const(),
    "/unit/items/{item_id:uuid}/progress": _const(percent="30", text="已完成方案"),
    "/unit/items/{item_id:uuid}/extension": _const(new_deadline="2026-12-31", reasons="客观原因"),
    "/unit/items/{item_id:uuid}/cannot-implement": _const(reasons="客观原因"),
    "/unit/items/{item_id:uuid}/completion": _const(summary="已办结"),
    "/unit/items/{item_id:uuid}/subtask": _const(subtask="S1", summary="完成"),
    "/unit/items/{item_id:uuid}/formal-reply": _const(text="答复"),
    "/unit/notices/{notice_id:uuid}/acknowledge": _const(),
    "/unit/notices/{notice_id:uuid}/reply": _const(task="T1", text="已说明"),
    "/unit/rectifications/{task_id:uuid}/plan": _const(plan="整改方案"),
    "/unit/rectifications/{task_id:uuid}/progress": _const(percent="30", text="整改进展"),
    "/unit/rectifications/{task_id:uuid}/rectified": _const(summary="已整改", evidence="照片.jpg"),
    "/leader/items/{item_id:uuid}/extension": _const(grant="true", new_deadline="2026-12-31", note="同意"),
    "/leader/items/{item_id:uuid}/referral": _const(approve="true", note="同意移交", confirmed="on"),
    "/leader/items/{item_id:uuid}/interview": HOLD,
    "/leader/rectifications/{task_id:uuid}/referral": _const(approve="true", note="同意移交", confirmed="on"),
    "/admin/users": _const(username="newuser", display_name="新用户", role="office", password="long-enough-1"),
    "/admin/units": _const(name="新单位", kind="department"),
    "/admin/units/{unit_id:uuid}/rename": _const(name="新名称", on="2026-05-15"),
    "/admin/units/{unit_id:uuid}/retire": _const(reason="机构改革", on="2026-05-15"),
    "/admin/leaders": _const(title="vice_head", holder="赵六"),
    "/admin/leaders/{leader_id:uuid}/portfolio": lambda r: {"units": r.unit.hex, "effective": "2026-05-15"},
    "/admin/leaders/{leader_id:uuid}/cover": lambda r: {"covered_by": r.leader.hex, "effective": "2026-05-15"},
    "/admin/leaders/{leader_id:uuid}/end": _const(on="2026-05-15"),
    "/admin/roster": _const(),  # the upload (multipart) refused before the file is read
    "/office/push-channels": lambda r: {"recipient": f"unit:{r.unit.hex}", "kind": "dingtalk",
                                        "webhook": "http://127.0.0.1:9/robot/send?access_token=t"},
    "/office/push-channels/{channel:str}/remove": _const(),
    "/office/reports/{report_id:uuid}/edit": _const(foreword="本周集中整治背街小巷。"),
    "/office/reports/{report_id:uuid}/issue": _const(confirm="1"),
    "/messages/read-all": _const(),
    "/messages/{reminder_id:uuid}/open": _const(),
    "/platform/districts": _const(code="420188", name="新区", username="newadmin", display_name="新管理员",
                                  password="long-enough-1"),
}
# the office's item actions, each its own route segment ({action:str})
OFFICE_ITEM_ACTIONS: dict[str, Callable[[Records], dict]] = {
    "assign": lambda r: {"lead_unit": r.unit.hex},
    "split": lambda r: {"subtasks[0].unit": r.unit.hex, "subtasks[0].title": "子任务",
                        "subtasks[0].deadline": "2026-04-20"},
    "sign-off": _const(note="", confirmed="on"),
    "send-back": _const(reasons="材料不全"),
    "cannot-implement": _const(accept="true", note="", confirmed="on"),
    "extension": _const(grant="true", new_deadline="2026-12-31", note=""),
    "satisfaction": _const(satisfaction="satisfied"),
    "urge": _const(note="请抓紧"),
    "notice": lambda r: {"unit": r.unit.hex, "title": "督办通知", "tasks[0].task": "说明进度",
                         "tasks[0].responsible": "局长", "tasks[0].deadline": "2026-06-20"},
    "criticise": _const(note="拖延", confirmed="on"),
    "interview": HOLD,
    "referral": _const(reasons="问题严重", confirmed="on"),
    "commend": _const(note="成效明显"),
}


@dataclass(frozen=True)
class Page:
    method: str
    path: str
    kind: str | None

    @property
    def area(self) -> str | None:
        return self.path.split("/")[1] or None

    def requests(self, records: Records) -> list[tuple[str, str, dict | None]]:
        """(what, url, form) for each request this route is tried with on ``records``."""
        ids = records.ids(self.kind) if self.kind else [None]
        found = []
        for ident in ids:
            path = re.sub(r"\{\w+:uuid\}", ident.hex, self.path) if ident else self.path
            path = path.replace("{channel:str}", "dingtalk-office")  # channels are the actor's district's own
            if "{action:str}" in path:
                found += [(f"{self.method} {path.replace('{action:str}', a)}", path.replace("{action:str}", a),
                           make(records)) for a, make in OFFICE_ITEM_ACTIONS.items()]
            else:
                body = BODIES[self.path](records) if self.method == "POST" else None
                found.append((f"{self.method} {path}", path, body))
        return found

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = [Page(method, path, kind) for (method, path), kind in PAGES.items()]
RECORD_ROUTES = [r for r in ROUTES if r.kind is not None]
LIST_ROUTES = [r for r in ROUTES if r.kind is None and r.method == "GET"]
CREATING = [r for r in ROUTES if r.kind is None and r.method == "POST"]


# -- the users ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class User:
    username: str
    role: str
    other_district: bool = False
    units: frozenset[str] | None = None  # whose records they read (None: the whole district)


USERS = [
    User("duchashi", OFFICE), User("guanliyuan", ADMIN), User("quzhang", LEADER),
    User("zhujianju", UNIT, units=frozenset("A")), User("qingchuan", UNIT, units=frozenset("B")),
    User("chengguan", UNIT, units=frozenset("C")), User("fuquzhang", LEADER, units=frozenset("AB")),
    User("fuquzhang2", LEADER, units=frozenset("C")), User("jiwei", DISCIPLINE, units=frozenset()),
    User("other-office", OFFICE, other_district=True), User("other-unit", UNIT, other_district=True),
    User("pingtai", DEPLOYMENT, units=frozenset()),  # reads no district's records
]


def reads_c(user: User) -> bool:
    return not user.other_district and (user.units is None or "C" in user.units)


def reads_on(user: User, route: "Page") -> bool:
    """Whether ``user`` reads unit C's record of ``route``: a reminder is its recipient's alone (unit C's
    users), every other record is read by those who read unit C."""
    if route.kind == "reminder":
        return not user.other_district and user.role == UNIT and user.units == frozenset("C")
    return reads_c(user)


def may_open(user: User, route: "Page") -> bool:
    """The user's role may open the route's page at all (its area's roles, or those of ``OPEN_TO``)."""
    return user.role in OPEN_TO.get(route.path, AREAS[route.area])


def head_only(user: User, route: "Page") -> bool:
    """A vice head on the district head's report pages (refused before any lookup)."""
    return route.path in HEAD_PAGES and user.role == LEADER and user.units is not None


# why a request is refused, as the answer says it (the rule on the error page, or the message beside a form)
ROLE, FOREIGN, MISSING, READ_ONLY, NOT_YOURS = "role", "foreign", "missing", "read-only", "not-yours"
HEAD_ONLY = "head-only"


def expected_on_c(user: User, route: Page) -> tuple[int, str | None] | None:
    """What ``user`` gets on ``route`` with unit C's record, and why (None: a rightful command, not tried here)."""
    if not may_open(user, route):
        return 403, ROLE  # the page area of another role, before any lookup
    if head_only(user, route):
        return 403, HEAD_ONLY  # the district head's report, before any lookup
    if user.other_district:
        return 404, MISSING  # exactly like an unknown id
    if route.path in UNIT_PAGES and not reads_c(user):
        return 403, NOT_YOURS  # the unit is listed in the ranking; its explanation is the portfolio's
    if not reads_on(user, route):
        return 404, FOREIGN  # exactly like an unknown id
    if route.method == "GET":
        return 200, None
    # the administrator reads the office's pages, commands nothing there; its own pages are its to command
    return (403, READ_ONLY) if user.role == ADMIN and route.area == "office" else None


# -- requests ----------------------------------------------------------------------------------------------
def _normalised(text: str, *ids: UUID) -> str:
    text = re.sub(r'name="_csrf_token" value="[^"]*"', "", text)
    for ident in ids:
        text = text.replace(ident.hex, "<id>").replace(str(ident), "<id>")
    return text


def _send(client, web, method: str, url: str, body: dict | None):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    return client.post(url, data=web.form(client, **(body or {})), follow_redirects=False)


def _check(web, client, user: User, what: str, url: str, method: str, body: dict | None, expected: int,
           problems: list[str], why: str | None = None, *, hidden: tuple[str, ...] = ()):
    """Send one request; note a wrong status, a refusal for another reason than ``why`` (an unknown route
    or a CSRF failure would pass a bare status check), a refusal that recorded something, a hidden title
    shown."""
    before = events_recorded(web.app) if method == "POST" else 0
    answer = _send(client, web, method, url, body)
    recorded = events_recorded(web.app) - before if method == "POST" else 0
    who = f"{user.username} {what}"
    if answer.status_code != expected:
        problems.append(f"{who}: expected {expected}, got {answer.status_code} {_gist(answer.text)}")
    elif why is not None and not _refused_because(answer, why):
        problems.append(f"{who}: {expected} but not for the reason expected ({why}): {_gist(answer.text)}")
    if recorded:
        problems.append(f"{who}: refused ({answer.status_code}), yet {recorded} events were recorded")
    shown = [t for t in hidden if t in answer.text]
    if shown:
        problems.append(f"{who}: shows {shown}")
    return answer


def _refused_because(answer, why: str) -> bool:
    """The application's own refusal (an HTML page naming its rule, or the message beside a form)."""
    if not answer.headers.get("content-type", "").startswith("text/html"):
        return False
    rule = re.search(r'data-rule="([\w.]+)"', answer.text)  # the rule, kept out of the words shown
    if why == READ_ONLY:
        return "管理员无权操作" in answer.text
    if rule is None:
        return False
    return {ROLE: rule[1] == "role.not_allowed", FOREIGN: rule[1].endswith(".not_found"),
            MISSING: rule[1].endswith(".not_found"), NOT_YOURS: rule[1].endswith(".not_yours"),
            HEAD_ONLY: rule[1] == "report.head_only"}[why]


def _gist(text: str) -> str:
    found = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)</p>', text) or re.search(
        r'role="alert"[^>]*>([^<]+)<', text)
    return found[1].strip() if found else text[:160].replace("\n", " ")


# -- the tests ---------------------------------------------------------------------------------------------------
def test_every_page_route_is_in_the_matrix(app):
    """A page added to the app without a row here fails: it cannot skip the matrix."""

    served = {(method, route.path) for route in web_app(app).routes
              if not route.path.startswith(SKIPPED) for method in route.methods if method not in ("OPTIONS", "HEAD")}
    assert not served - set(PAGES), f"page routes missing from the access matrix: {sorted(served - set(PAGES))}"
    assert not set(PAGES) - served, f"matrix rows for routes the app does not serve: {sorted(set(PAGES) - served)}"
    posts = {path for method, path in PAGES if method == "POST"} - {"/office/items/{item_id:uuid}/{action:str}"}
    assert posts == set(BODIES), f"POST routes without a form here: {sorted(posts ^ set(BODIES))}"
    assert set(OFFICE_ITEM_ACTIONS) == {a.value for a in ItemAction}, "an office item action without a form here"
    assert {r.area for r in ROUTES} - {None} == set(AREAS)


def test_foreign_records_are_refused_on_every_page_and_nothing_is_recorded(web, clock):
    matrix = build_matrix(web, clock)
    problems: list[str] = []
    tried = 0
    for user in USERS:
        client = web.client(user.username)
        # (a) unit C's records: 404 unless one may read them, exactly like an unknown id
        hidden = () if reads_c(user) else (*matrix.c.titles, *matrix.c.numbers)
        for route in RECORD_ROUTES:
            answer = expected_on_c(user, route)
            if answer is None or answer[0] == 200:
                continue  # the rightful user: test_the_rightful_users_open_every_page
            expected, why = answer
            unknown = unknown_records()
            for (what, url, body), (_, absent_url, absent_body) in zip(route.requests(matrix.c),
                                                                      route.requests(unknown)):
                found = _check(web, client, user, f"{what} (unit C's)", url, route.method, body, expected, problems,
                               why, hidden=hidden)
                if why == FOREIGN:
                    absent = _send(client, web, route.method, absent_url, absent_body)
                    ids = (*matrix.c.ids(route.kind), *unknown.ids(route.kind))
                    if (found.status_code, _normalised(found.text, *ids)) != (
                            absent.status_code, _normalised(absent.text, *ids)):
                        problems.append(f"{user.username} {what}: unit C's record answers {found.status_code} "
                                        f"{_gist(found.text)} but an unknown id {absent.status_code} "
                                        f"{_gist(absent.text)}")
                tried += 1
        # (b) another district's records answer like an unknown id (404) — or 403 on another role's pages
        if not user.other_district:
            unknown = unknown_records()
            for route in RECORD_ROUTES:
                expected, why = (403, ROLE) if not may_open(user, route) else (
                    (403, HEAD_ONLY) if head_only(user, route) else (404, MISSING))
                pairs = zip(route.requests(matrix.x), route.requests(unknown))
                for (what, url, body), (_, absent_url, absent_body) in pairs:
                    found = _check(web, client, user, f"{what} (another district's)", url, route.method, body,
                                   expected, problems, why, hidden=matrix.x.titles)
                    absent = _send(client, web, route.method, absent_url, absent_body)
                    ids = (*matrix.x.ids(route.kind), *unknown.ids(route.kind))
                    if (found.status_code, _normalised(found.text, *ids)) != (
                            absent.status_code, _normalised(absent.text, *ids)):
                        problems.append(f"{user.username} {what}: another district's record answers "
                                        f"{found.status_code} {_gist(found.text)} but an unknown id "
                                        f"{absent.status_code} {_gist(absent.text)}")
                    tried += 1
        # (c) the pages creating a record: another role's area refuses, and the administrator only reads
        for route in CREATING:
            if user.role not in AREAS[route.area] or (user.role == ADMIN and route.area == "office"):
                why = ROLE if user.role not in AREAS[route.area] else READ_ONLY
                for what, url, body in route.requests(matrix.c):
                    _check(web, client, user, what, url, route.method, body, 403, problems, why)
    assert tried > 1000, tried  # the matrix did run
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


# what the rightful users must find on the list pages (so "nothing shown" cannot pass for "nothing leaked")
def _must_show(matrix: Matrix) -> dict[tuple[str, str], tuple[str, ...]]:
    c, x = matrix.c, matrix.x
    item, proposed, notice, task, inspection = c.titles
    return {
        ("chengguan", "/unit/items"): (item, proposed), ("chengguan", "/unit/notices"): (notice,),
        ("chengguan", "/unit/rectifications"): (task,), ("zhujianju", "/unit/items"): (matrix.a_item_title,),
        ("zhujianju", "/unit/notices"): matrix.a_notice_words[:1], ("qingchuan", "/unit/items"): (matrix.a_item_title,),
        ("fuquzhang2", "/leader"): (item, proposed), ("fuquzhang2", "/leader/overdue"): (item,),
        ("fuquzhang2", "/leader/approvals"): (proposed, task), ("quzhang", "/leader/approvals"): (proposed, task),
        ("fuquzhang", "/leader"): (matrix.a_item_title,), ("fuquzhang", "/leader/overdue"): (matrix.a_item_title,),
        ("duchashi", "/office/ledger"): (item, proposed), ("duchashi", "/office/notices"): (notice,),
        ("duchashi", "/office/rectifications"): (task,), ("duchashi", "/office/inspections"): (inspection,),
        ("guanliyuan", "/office/ledger"): (item, proposed),
        ("other-office", "/office/ledger"): x.titles[:2], ("other-office", "/office/notices"): x.titles[2:3],
        ("other-office", "/office/rectifications"): x.titles[3:4],
        ("other-office", "/office/inspections"): x.titles[4:5], ("other-unit", "/unit/items"): x.titles[:2],
        ("jiwei", "/discipline"): matrix.referred_titles,
        ("guanliyuan", "/admin/units"): ("区住建局", "晴川街", "区城管局"),
        ("guanliyuan", "/admin/leaders"): ("区长", "副区长"),
        ("guanliyuan", "/admin/users"): ("duchashi", "chengguan"),
        ("pingtai", "/platform"): ("汉阳区", "外区"),
        ("chengguan", "/messages"): (item,), ("duchashi", "/office/reports"): ("督报〔2026〕1号",),
        ("quzhang", "/leader/reports"): ("督报〔2026〕1号",), ("other-office", "/office/reports"): ("督报〔2026〕1号",),
    }


def _secrets(matrix: Matrix, user: User) -> set[str]:
    """What ``user``'s list pages must never name: titles, numbers and ids of records they may not read
    (another district's numbers repeat this district's, so only their titles and ids)."""
    found = set(matrix.x.titles) | matrix.x.id_strings
    if not user.other_district:  # another district's organisation and accounts
        found |= {"外区住建局", "外区副区长", "other-office", "other-unit", matrix.x.unit.hex, matrix.x.leader.hex}
    if user.other_district:
        own_a = {matrix.a_item_title, *matrix.referred_titles}
        ids = {matrix.a_item, matrix.referred, matrix.referred_task}
        return set(matrix.c.titles) | matrix.c.id_strings | own_a | {str(i) for i in ids} | {i.hex for i in ids}
    if not reads_c(user):
        found |= set(matrix.c.titles) | set(matrix.c.numbers) | matrix.c.id_strings
    if user.units is not None and "A" not in user.units:  # unit A's records: the referred ones to jiwei only
        found |= set(matrix.a_notice_words)  # the co-unit B reads the item, not the notice to the lead unit
        if "B" not in user.units:
            found |= {matrix.a_item_title, str(matrix.a_item), matrix.a_item.hex}
        if user.role != DISCIPLINE:
            found |= set(matrix.referred_titles)
    return found


def test_list_pages_show_only_what_one_may_read(web, clock):
    matrix = build_matrix(web, clock)
    must_show = _must_show(matrix)
    problems: list[str] = []
    for user in USERS:
        client = web.client(user.username)
        secrets = _secrets(matrix, user)
        for route in LIST_ROUTES:
            if route.area is None:  # the landing page sends each user to their own area
                answer = client.get(route.path, follow_redirects=False)
                if answer.status_code not in (302, 303) or answer.headers["location"] != HOMES[user.role]:
                    problems.append(f"{user.username} GET /: {answer.status_code} {answer.headers.get('location')}")
                continue
            queries = [{}]
            if route.path in ("/leader/overdue", "/office/ledger", "/office/rectifications"):
                queries.append({"unit": matrix.c.unit.hex})  # asking for unit C by name shows nothing more
            for query in queries:
                expected, why = (200, None) if may_open(user, route) else (403, ROLE)
                if head_only(user, route):
                    expected, why = 403, HEAD_ONLY
                if expected == 200 and query and user.other_district and route.path == "/office/ledger":
                    expected = 422  # not a unit of their district
                url = route.path + ("?unit=" + query["unit"] if query else "")
                answer = _check(web, client, user, f"GET {url}", url, "GET", None, expected, problems, why)
                if answer.status_code != 200:
                    continue
                leaked = sorted(s for s in secrets if s in answer.text)
                if leaked:
                    problems.append(f"{user.username} GET {url} names records not theirs: {leaked}")
                if not query:
                    missing = [t for t in must_show.get((user.username, route.path), ()) if t not in answer.text]
                    if missing:
                        problems.append(f"{user.username} GET {url} does not show {missing}")
    # the co-unit B opens the item it helps with, but not the notice sent to the lead unit A
    qingchuan, user = web.client("qingchuan"), next(u for u in USERS if u.username == "qingchuan")
    url = f"/unit/items/{matrix.a_item.hex}"
    _check(web, qingchuan, user, f"GET {url}", url, "GET", None, 200, problems, hidden=matrix.a_notice_words)
    url = f"/unit/notices/{matrix.a_notice.hex}"
    _check(web, qingchuan, user, f"GET {url}", url, "GET", None, 404, problems, FOREIGN,
           hidden=matrix.a_notice_words[:2])
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


def test_the_rightful_users_open_every_page(web, clock):
    """The positive control: every GET page with a record opens (200) for those who may read it."""
    matrix = build_matrix(web, clock)
    referred = Records(matrix.c.unit, matrix.referred, matrix.referred, matrix.c.notice, matrix.referred_task,
                       matrix.c.inspection)
    rightful = {"office": [("duchashi", matrix.c), ("guanliyuan", matrix.c), ("other-office", matrix.x)],
                "unit": [("chengguan", matrix.c), ("other-unit", matrix.x)],
                "leader": [("fuquzhang2", matrix.c), ("quzhang", matrix.c)],
                "discipline": [("jiwei", referred)], "admin": [("guanliyuan", matrix.c)]}
    users = {u.username: u for u in USERS}
    problems: list[str] = []
    for route in (r for r in RECORD_ROUTES if r.method == "GET"):
        for username, records in rightful[route.area]:
            if head_only(users[username], route):
                continue  # a vice head: refused above (test_foreign_records_are_refused...)
            client = web.client(username)
            for what, url, _ in route.requests(records):
                answer = _check(web, client, users[username], what, url, "GET", None, 200, problems)
                if route.kind in ("item", "rectification") and answer.status_code == 200:
                    title = {"item": records.titles[:2], "rectification": records.titles[3:4]}[route.kind]
                    if route.area == "discipline":
                        title = ()
                    if title and not any(t in answer.text for t in title):
                        problems.append(f"{username} {what}: the page does not show the record's title {title}")
    # V2 sees C's score explained with its records' titles; V1 (C is not in V1's portfolio) is refused
    explanation = f"/leader/ranking/{matrix.c.unit.hex}"
    v2, v1 = web.client("fuquzhang2").get(explanation).text, web.client("fuquzhang").get(explanation)
    if matrix.c.titles[0] not in v2:
        problems.append("fuquzhang2 does not find C's urged item in C's score explanation")
    if v1.status_code != 403 or matrix.c.numbers[0] in v1.text or matrix.c.titles[0] in v1.text:
        problems.append(f"fuquzhang reads C's score explanation ({v1.status_code})")
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)
