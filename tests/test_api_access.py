"""The access matrix of the JSON API: every role against every /api route.

For each user of the web world (office, admin, units A and B, leaders V1 (A, B) and V2 (C), the
district head, the discipline body, and another district's office and unit) every route of
:data:`ROUTES` is tried against

* a record of a foreign unit (C's for A, B, V1 and the discipline body; A's for V2): 404 for every
  read and every command, exactly the answer for an id that does not exist (the same status and
  error) — the record is of the actor's district but none of their business, and ids follow from
  numbers, so any other answer would tell which numbers exist; a unit named in the path (a score
  explanation) is no secret and answers 403;
* another district's record: 404, exactly the answer for an id that does not exist (the same
  status and error), unless the role may not use the route at all (403 before any lookup);

and a refused request must record nothing (the store's event count is unchanged).  Those who may
read the foreign record (office, admin, district head) read it.  :func:`test_every_api_route_is_in_the_matrix`
fails when a route is added to the app without a row here.  The allowed cases (a unit signs for its
own item, the leader in charge decides, a co-unit reports progress) are tried too.

A reminder (提醒) is its recipient's alone: every other user of the district gets 404, exactly as for
an unknown id (reminder ids derive from the record, the recipient and the day).  A report (督查报告)
is the district's, the office's to write and issue and the administrator's to read.  The report to
the district head (``GET /api/head-report``) refuses a vice head (``Route.head``).

One command names units without being a record of theirs: a department's proposal to inspect
(``POST /api/inspections/proposals``, WR art. 63) may name any unit of its district, so a unit user
proposing to inspect a foreign unit gets 201, not 403 (``Route.proposal``).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable
from uuid import UUID

import pytest
from builders import events_recorded
from evidence_samples import PNG, Upload
from web_world import web, web_app  # noqa: F401  (web: the fixture)

from domain.inspection import InspectionKind
from domain.rectification import ProblemSource, Severity
from domain.report_document import ReportKind
from duban.reminding import ReminderJob
from projections.messages import MessageQueries

DEADLINE = date(2026, 6, 30)
PHOTO = Upload("现场照片.png", PNG)  # the lead unit's progress report on each item carries it
PHOTO_SHA256 = hashlib.sha256(PNG).hexdigest()


# -- the records a route is tried against -------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One set of records: an item (with a notice about it to its lead unit), a rectification task of
    one unit, and a special inspection (专项督查) the office planned of that unit."""

    item: UUID
    notice: UUID
    rectification: UUID
    unit: UUID
    inspection: UUID
    report: UUID | None = None  # the district's weekly report, a draft (督查工作周报)
    reminder: UUID | None = None  # a reminder (提醒) to the unit: its item was assigned

    @property
    def ids(self) -> set[str]:
        records = (self.item, self.notice, self.rectification, self.inspection,
                   *(i for i in (self.report, self.reminder) if i is not None))
        return {str(i) for i in records} | {i.hex for i in records}


def _records(app, world, office, code: str, title: str, co=()) -> Target:
    unit = world.unit_ids[code]
    item = world.item(lead=code, co=list(co), sign=True, title=title, deadline=date(2026, 4, 30))
    app.report_item_progress(item, 10, "已摸底排查", world.unit(code), attachments=[PHOTO])  # a file of the item
    notice = app.issue_notice(unit=unit, subject_kind="item", subject_id=item, title=f"关于{title}的督办通知",
                              tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                              actor=office)
    task = app.record_rectification(unit=unit, source=ProblemSource.AUDIT, problem=f"{title}审计问题",
                                    severity=Severity.GENERAL, deadline=DEADLINE, actor=office)
    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title=f"{title}专项督查", target_units=[unit],
                                     planned_month="2026-03", actor=office)
    return Target(item, notice.id, task.id, unit, inspection.id)


@dataclass
class Matrix:
    a: Target  # unit A's (its item has co-unit B; the notice goes to A)
    c: Target  # unit C's
    x: Target  # another district's (unit X)
    referred: UUID  # an item of C referred to the discipline body (approved)


def _report_and_reminders(web, world, *targets: Target) -> list[Target]:
    """The district's weekly report drafted, and the reminders of what was recorded made (the
    worker's jobs): each target gets its unit's reminder that its item was assigned (新交办事项)."""
    app = web.app
    report = app.draft_report(ReportKind.WEEKLY, "2026-W09", world.office)
    ReminderJob(app, web.reads().read_models).activity(world.district, app.clock.today())
    messages = MessageQueries(web.reads().read_models)
    found = []
    for target in targets:
        unread = messages.unread_ids(world.district, f"unit:{target.unit.hex}")
        assert unread, "no reminder to the unit"
        found.append(replace(target, report=report.id, reminder=UUID(unread[0])))
    return found


def build_matrix(web) -> Matrix:
    app, world, other = web.app, web.world, web.other
    a = _records(app, world, world.office, "A", "A牵头B协办", co=["B"])
    c = _records(app, world, world.office, "C", "C的事项")
    x = _records(app, other, other.office, "X", "外区事项")
    referred = world.item(lead="C", sign=True, title="已移交事项", deadline=date(2026, 4, 30))
    app.propose_referral(referred, "长期不反馈", world.office)
    app.decide_referral(referred, True, "同意移交", world.leader("V2"))
    a, c = _report_and_reminders(web, world, a, c)
    x, = _report_and_reminders(web, other, x)
    return Matrix(a, c, x, referred)


def random_target() -> Target:
    return Target(*(uuid.uuid4() for _ in range(7)))


# -- the routes -----------------------------------------------------------------------------------------
OFFICE, ADMIN, UNIT, LEADER, DISCIPLINE = "office", "admin", "unit", "leader", "discipline"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # exactly as the app declares it
    kind: str | None  # the record in the path: item | notice | rectification | inspection | unit | None
    body: Callable[[Target], dict] | None = None
    gate: frozenset[str] | None = None  # roles that may use the route at all (checked before any lookup)
    # a department's written request naming the units it asks to inspect (WR art. 63): the units named
    # are not records of theirs, so a user of the gate may name a foreign unit (201)
    proposal: bool = False
    # an upload of files (multipart): it names no record, so a user of the gate uploads (201)
    files: bool = False
    # the district head's (区长: a leader who sees every unit): a vice head is refused (403)
    head: bool = False
    query: str = ""  # the query string the route is tried with (a search needs words to look for)
    # a command on user accounts (用户账号) names no record of the district's work: only its gate is
    # tried here (another district's account: tests/test_api_accounts.py)
    account: bool = False

    @property
    def is_command(self) -> bool:
        return self.method == "POST"

    def url(self, target: Target) -> str:
        ident = {"item": target.item, "notice": target.notice, "rectification": target.rectification,
                 "inspection": target.inspection, "unit": target.unit, "report": target.report,
                 "reminder": target.reminder, None: None}[self.kind]
        path = re.sub(r"\{\w+:uuid\}", str(ident), self.path).replace("{sha256:str}", PHOTO_SHA256).replace(
            "{username:str}", "other-office")
        return path + (f"?{self.query}" if self.query else "")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _item(segment: str, body: Callable[[Target], dict] | None = None) -> Route:
    return Route("POST", f"/api/items/{{item_id:uuid}}/{segment}", "item", body)


def _notice(segment: str, body: Callable[[Target], dict] | None = None) -> Route:
    return Route("POST", f"/api/notices/{{notice_id:uuid}}/{segment}", "notice", body)


def _task(segment: str, body: Callable[[Target], dict] | None = None) -> Route:
    return Route("POST", f"/api/rectifications/{{task_id:uuid}}/{segment}", "rectification", body)


def _inspection(segment: str, body: Callable[[Target], dict] | None = None) -> Route:
    return Route("POST", f"/api/inspections/{{inspection_id:uuid}}/{segment}", "inspection", body)


def _const(**fields) -> Callable[[Target], dict]:
    return lambda target: dict(fields)


INTERVIEW = _const(held_by="分管副区长", interviewee="局长", note="限期整改")
ALL_ROLES = frozenset({OFFICE, ADMIN, UNIT, LEADER, DISCIPLINE})
MESSAGED = frozenset({OFFICE, ADMIN, UNIT, LEADER})  # the roles sent reminders (消息中心)

ROUTES: list[Route] = [
    # queries without a record in the path (tried for leaks in test_lists_hold_only_what_one_may_read)
    Route("GET", "/api/me", None), Route("GET", "/api/units", None), Route("GET", "/api/ledger", None),
    Route("GET", "/api/warnings", None), Route("GET", "/api/inbox", None, gate=frozenset({UNIT})),
    Route("GET", "/api/ranking", None, gate=frozenset({OFFICE, ADMIN, LEADER, UNIT})),
    Route("GET", "/api/leader-view", None, gate=frozenset({LEADER})),
    Route("GET", "/api/escalation-queue", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/escalation-backtest", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/schemes", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/behaviour", None, gate=frozenset({OFFICE, ADMIN, LEADER})),
    Route("GET", "/api/default-deadline", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/bulletin", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/deadline-changes", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/chain", None, gate=frozenset({OFFICE, ADMIN, DISCIPLINE})),
    Route("GET", "/api/trend", None, gate=frozenset({OFFICE, ADMIN, LEADER})),
    Route("GET", "/api/dossiers", None, gate=frozenset({DISCIPLINE, OFFICE, ADMIN})),
    Route("GET", "/api/notices", None), Route("GET", "/api/rectifications", None),
    Route("GET", "/api/inspections", None),
    Route("GET", "/api/head-report", None, gate=frozenset({OFFICE, ADMIN, LEADER}), head=True),
    Route("GET", "/api/reports", None, gate=frozenset({OFFICE, ADMIN})),
    Route("GET", "/api/messages", None, gate=MESSAGED),
    Route("GET", "/api/search", None, gate=frozenset({OFFICE, ADMIN, LEADER}), query="q=事项"),
    # reading one record
    Route("GET", "/api/items/{item_id:uuid}", "item"), Route("GET", "/api/items/{item_id:uuid}/timeline", "item"),
    Route("GET", "/api/notices/{notice_id:uuid}", "notice"),
    Route("GET", "/api/notices/{notice_id:uuid}/timeline", "notice"),
    Route("GET", "/api/rectifications/{task_id:uuid}", "rectification"),
    Route("GET", "/api/rectifications/{task_id:uuid}/timeline", "rectification"),
    Route("GET", "/api/inspections/{inspection_id:uuid}", "inspection"),
    Route("GET", "/api/inspections/{inspection_id:uuid}/timeline", "inspection"),
    Route("GET", "/api/ranking/{unit_id:uuid}", "unit"),
    Route("GET", "/api/behaviour/{unit_id:uuid}", "unit", gate=frozenset({OFFICE, ADMIN, LEADER})),
    Route("GET", "/api/dossiers/{item_id:uuid}", "item", gate=frozenset({DISCIPLINE, OFFICE, ADMIN})),
    Route("GET", "/api/files/{record_id:uuid}/{sha256:str}", "item"),  # a file of the item: as the item reads
    Route("GET", "/api/reports/{report_id:uuid}", "report", gate=frozenset({OFFICE, ADMIN})),
    # uploading files (证明材料) names no record: the office and units only, refused before the body is read
    Route("POST", "/api/files", None, gate=frozenset({OFFICE, UNIT}), files=True),
    # commands creating a record (office only, refused before any lookup)
    Route("POST", "/api/items", None, _const(source="executive_meeting", reference="区政府第3次常务会议",
                                             decision_date="2026-02-27", title="新事项"), gate=frozenset({OFFICE})),
    Route("POST", "/api/schemes", None, _const(
        kind="escalation", effective_from="2026-06-01", reason="从严督办",
        settings={"version": "2026-督查室-1", "title": "督办升级规则（从严）", "urge_after_working_days": 1,
                  "urges_before_notice": 2, "notice_after_working_days": 2, "referral_after_working_days": 10}),
          gate=frozenset({OFFICE})),
    Route("POST", "/api/notices", "item", lambda t: {
        "unit": str(t.unit), "subject_kind": "item", "subject_id": str(t.item), "title": "督办通知",
        "tasks": [{"task": "说明进度", "responsible": "局长", "deadline": "2026-03-20"}]}, gate=frozenset({OFFICE})),
    Route("POST", "/api/rectifications", "unit", lambda t: {
        "unit": str(t.unit), "source": "audit", "problem": "新问题", "severity": "general",
        "deadline": "2026-06-30"}, gate=frozenset({OFFICE})),
    Route("POST", "/api/inspections", "unit", lambda t: {
        "kind": "special", "title": "专项督查", "target_units": [str(t.unit)], "planned_month": "2026-04"},
        gate=frozenset({OFFICE})),
    Route("POST", "/api/inspections/proposals", "unit", lambda t: {
        "kind": "special", "title": "部门检查", "target_units": [str(t.unit)], "planned_month": "2026-04",
        "reasons": "隐患排查"}, gate=frozenset({UNIT}), proposal=True),
    # item commands
    _item("assign", lambda t: {"lead_unit": str(t.unit)}),
    _item("split", lambda t: {"subtasks": [{"unit": str(t.unit), "title": "子任务", "deadline": "2026-03-20"}]}),
    _item("sign-for"),
    _item("progress", _const(percent=30, text="已完成方案")),
    _item("subtask-completion", _const(subtask="S1", summary="完成")),
    _item("extension", _const(new_deadline="2026-12-31", reasons="客观原因")),
    _item("extension-decision", _const(grant=True, note="同意")),
    _item("cannot-implement", _const(reasons="客观原因")),
    _item("cannot-implement-decision", _const(accept=False, note="继续办理")),
    _item("formal-reply", _const(text="答复")),
    _item("satisfaction", _const(satisfaction="satisfied")),
    _item("completion", _const(summary="已办结")),
    _item("sign-off", _const(note="")),
    _item("send-back", _const(reasons="材料不全")),
    _item("urge", _const(note="请抓紧")),
    _item("criticise", _const(note="拖延")),
    _item("interview", INTERVIEW),
    _item("referral", _const(reasons="问题严重")),
    _item("referral-decision", _const(approve=True, note="同意")),
    _item("commend", _const(note="成效明显")),
    # notice commands
    _notice("acknowledge"),
    _notice("reply", _const(task="T1", text="已说明")),
    _notice("review", _const(task="T1", accept=True)),
    _notice("close", _const(note="")),
    # rectification commands
    _task("plan", _const(plan="整改方案")),
    _task("progress", _const(percent=30, text="整改进展")),
    _task("rectified", _const(summary="已整改", evidence=[{"name": "照片.png", "sha256": PHOTO_SHA256}])),
    _task("verify", _const(passed=True)),
    _task("sign-off", _const(note="")),
    _task("reopen", _const(finding="问题反弹", new_deadline="2026-12-31")),
    _task("urge", _const(note="请抓紧")),
    _task("criticise", _const(note="拖延")),
    _task("interview", INTERVIEW),
    _task("referral", _const(reasons="问题严重")),
    _task("referral-decision", _const(approve=True, note="同意")),
    # inspection commands
    _inspection("decision", _const(approve=True, note="同意")),
    _inspection("conduct"),
    _inspection("findings", lambda t: {"unit": str(t.unit), "problem": "消防通道堵塞", "severity": "general",
                                       "deadline": "2026-04-30"}),
    _inspection("results", lambda t: {"results": [{"unit": str(t.unit), "score": 90, "problems": 1}]}),
    _inspection("close"),
    # report commands (the office's alone)
    Route("POST", "/api/reports/{report_id:uuid}/edit", "report", _const(foreword="本周集中整治背街小巷。"),
          gate=frozenset({OFFICE})),
    Route("POST", "/api/reports/{report_id:uuid}/issue", "report", _const(), gate=frozenset({OFFICE})),
    # a reminder read (its recipient's alone)
    Route("POST", "/api/messages/{reminder_id:uuid}/read", "reminder", gate=MESSAGED),
    # user accounts: the administrator's, and one's own password
    Route("POST", "/api/users", None, _const(username="new-clerk", display_name="新用户", role="office",
                                             password="long-enough-1"), gate=frozenset({ADMIN}), account=True),
    Route("POST", "/api/users/{username:str}/password", None, _const(password="long-enough-1"),
          gate=frozenset({ADMIN}), account=True),
    Route("POST", "/api/account/password", None, gate=ALL_ROLES, account=True),
    # the deployment administrator's (平台管理员): no user of a district passes its gate
    Route("GET", "/api/platform/districts", None, gate=frozenset({"deployment_admin"}), account=True),
    Route("POST", "/api/platform/districts", None, _const(code="420111", name="洪山区", username="hs-admin",
                                                          display_name="洪山区管理员", password="long-enough-1"),
          gate=frozenset({"deployment_admin"}), account=True),
]
RECORD_ROUTES = [r for r in ROUTES if (r.kind is not None or r.is_command) and not r.account]


# -- the users --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class User:
    username: str
    role: str
    foreign: str | None  # the unit whose records are none of their business ("C", "A"), None if they read all
    other_district: bool = False


USERS = [
    User("duchashi", OFFICE, None), User("guanliyuan", ADMIN, None), User("zhujianju", UNIT, "C"),
    User("qingchuan", UNIT, "C"), User("fuquzhang", LEADER, "C"), User("fuquzhang2", LEADER, "A"),
    User("quzhang", LEADER, None), User("jiwei", DISCIPLINE, "C"),
    User("other-office", OFFICE, None, other_district=True), User("other-unit", UNIT, None, other_district=True),
]


def _send(client, web, route: Route, target: Target):
    url = route.url(target)
    if route.method == "GET":
        return client.get(url)
    if route.files:
        return client.post(url, files={"files": ("现场照片.png", PNG, "image/png")}, headers=web.csrf_headers(client))
    body = route.body(target) if route.body else None
    return client.post(url, json=body, headers=web.csrf_headers(client))


def _error(answer) -> dict:
    try:
        return answer.json().get("error") or {}
    except ValueError:
        return {}


def _try(web, client, route: Route, target: Target, expected: int, problems: list[str], who: str, what: str):
    """Send, and note a problem unless the answer is ``expected`` with the structured error shape and
    nothing was recorded (for a refusal)."""
    before = events_recorded(web.app)
    answer = _send(client, web, route, target)
    recorded = events_recorded(web.app) - before
    if answer.status_code != expected:
        problems.append(f"{who} {route} on {what}: expected {expected}, got {answer.status_code} {answer.text[:160]}")
    elif expected >= 400:
        error = _error(answer)
        if set(error) != {"field", "rule", "message", "problems"} or not error["message"]:
            problems.append(f"{who} {route} on {what}: unstructured error {answer.text[:160]}")
    if expected >= 400 and recorded:
        problems.append(f"{who} {route} on {what}: refused, yet {recorded} events were recorded")
    return answer


# -- the tests -----------------------------------------------------------------------------------------------
def test_every_api_route_is_in_the_matrix(app):
    served = {(method, route.path) for route in web_app(app).routes
              if route.path.startswith("/api") for method in route.methods if method not in ("OPTIONS", "HEAD")}
    listed = {(r.method, r.path) for r in ROUTES}
    assert not served - listed, f"/api routes missing from the access matrix: {sorted(served - listed)}"
    assert not listed - served, f"matrix rows for routes the app does not serve: {sorted(listed - served)}"


def test_records_of_a_foreign_unit_and_of_another_district_are_refused_and_nothing_is_recorded(web):
    matrix = build_matrix(web)
    problems: list[str] = []
    for user in USERS:
        client = web.client(user.username)
        # (b) another district's record answers exactly like a record that does not exist
        other = matrix.a if user.other_district else matrix.x
        missing = random_target()
        for route in RECORD_ROUTES:
            if route.kind is None:  # registering an item names no record
                expected = 403 if user.role not in route.gate else None
                if expected:
                    _try(web, client, route, other, expected, problems, user.username, "no record")
                continue
            expected = 403 if route.gate and user.role not in route.gate else 404
            found = _try(web, client, route, other, expected, problems, user.username, "another district's record")
            absent = _try(web, client, route, missing, expected, problems, user.username, "an unknown id")
            if (found.status_code, _error(found)) != (absent.status_code, _error(absent)):
                problems.append(f"{user.username} {route}: another district's record answers {found.text[:120]} "
                                f"but an unknown id {absent.text[:120]}")
        if user.other_district:
            continue
        # (a) a record of a foreign unit: every read and every command answers as an unknown id (404)
        if user.foreign is not None:
            foreign = matrix.c if user.foreign == "C" else matrix.a
            for route in RECORD_ROUTES:
                expected = foreign_answer(route, user)
                found = _try(web, client, route, foreign, expected, problems, user.username,
                             f"unit {user.foreign}'s record")
                if expected == 404:
                    absent = _send(client, web, route, missing)
                    if (found.status_code, _error(found)) != (absent.status_code, _error(absent)):
                        problems.append(f"{user.username} {route}: unit {user.foreign}'s record answers "
                                        f"{found.text[:120]} but an unknown id {absent.text[:120]}")
        else:  # the office, the administrator and the district head read it; the admin commands nothing
            for route in RECORD_ROUTES:
                if route.kind == "reminder":  # unit C's reminder: its recipient's alone
                    expected = 403 if user.role not in route.gate else 404
                    _try(web, client, route, matrix.c, expected, problems, user.username, "unit C's reminder")
                elif route.method == "GET":
                    dossier = route.path.startswith("/api/dossiers")
                    expected = 403 if route.gate and user.role not in route.gate else (404 if dossier else 200)
                    _try(web, client, route, matrix.c, expected, problems, user.username, "unit C's record")
                elif user.role == ADMIN:
                    _try(web, client, route, matrix.c, 403, problems, user.username, "unit C's record")
        # one's own records read (a co-unit: the item, not the notice to the lead unit, nor its task)
        own = OWN.get(user.username)
        for route in (r for r in RECORD_ROUTES if r.method == "GET" and own is not None):
            expected = 403 if route.gate and user.role not in route.gate else 200
            if user.username == "qingchuan" and route.kind in ("notice", "rectification", "inspection", "unit"):
                expected = 403 if route.kind == "unit" else 404
            answer = _try(web, client, route, matrix.a if own == "A" else matrix.c, expected, problems,
                          user.username, f"unit {own}'s record")
            if user.username == "qingchuan" and {str(matrix.a.notice), matrix.a.notice.hex} & {
                    w.strip('"') for w in re.findall(r'"[0-9a-f-]{32,36}"', answer.text)}:
                problems.append(f"qingchuan {route} names the notice sent to the lead unit")
        if user.username == "qingchuan":  # the co-unit's commands on the item it helps with
            for route in (r for r in RECORD_ROUTES if r.is_command):
                expected = CO_UNIT.get(route.path.rsplit("/", 1)[-1], 403) \
                    if route.kind == "item" and not route.gate else foreign_answer(route, user)
                _try(web, client, route, matrix.a, expected, problems, user.username, "the item it helps with")
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


def test_account_routes_refuse_other_roles_before_reading_anything(web):
    problems: list[str] = []
    for user in USERS:
        client = web.client(user.username)
        for route in (r for r in ROUTES if r.account and user.role not in r.gate):
            _try(web, client, route, random_target(), 403, problems, user.username, "an account")
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


def foreign_answer(route: Route, user: User) -> int:
    """What ``user`` gets on ``route`` with a record none of their business: 403 where their role may
    not use the route at all (before any lookup), 201 for a proposal naming the unit, 403 for a unit
    in the path (units are no secret), else 404 exactly as for an unknown id."""
    if route.gate and user.role not in route.gate:
        return 403
    if route.proposal or route.files:
        return 201
    return 403 if route.kind == "unit" else 404


OWN = {"zhujianju": "A", "qingchuan": "A", "fuquzhang": "A", "fuquzhang2": "C"}  # whose records each reads
# a co-unit signs (already done: 422), reports progress, and answers for no sub-task here (422); the rest
# belongs to the lead unit, the office or a leader (403); the notice to the lead unit, A's task and
# inspection are none of its business (404)
CO_UNIT = {"sign-for": 422, "progress": 200, "subtask-completion": 422, }


def test_lists_hold_only_what_one_may_read(web):
    """The collections (ledger, warnings, notices, rectifications, dossiers...) never name a record the
    user may not read; role-gated queries refuse the others with 403."""
    matrix = build_matrix(web)
    mine = {  # records each user must find in the ledger
        "duchashi": [matrix.a, matrix.c], "guanliyuan": [matrix.a, matrix.c], "quzhang": [matrix.a, matrix.c],
        "zhujianju": [matrix.a], "fuquzhang": [matrix.a], "fuquzhang2": [matrix.c], "other-office": [matrix.x],
        "other-unit": [matrix.x], "qingchuan": [], "jiwei": [],
    }
    problems: list[str] = []
    for user in USERS:
        client = web.client(user.username)
        hidden = [matrix.a, matrix.c] if user.other_district else [matrix.x]
        if user.foreign == "C":
            hidden.append(matrix.c)
        elif user.foreign == "A":
            hidden.append(matrix.a)
        secret = set().union(*(t.ids for t in hidden))
        if user.role == DISCIPLINE:
            secret |= {str(matrix.c.item), matrix.c.item.hex}
        for route in (r for r in ROUTES if r.kind is None and r.method == "GET"):
            expected = 403 if route.gate and user.role not in route.gate else 200
            if route.head and user.role == LEADER and user.foreign is not None:
                expected = 403  # a vice head: the report to the district head is not theirs
            answer = _try(web, client, route, matrix.c, expected, problems, user.username, "the list")
            leaked = sorted(i for i in secret if i in answer.text)
            if leaked:
                problems.append(f"{user.username} {route} names records not theirs: {leaked}")
        ledger = client.get("/api/ledger", params={"kinds": ["item", "rectification", "notice"]}).text
        for target in mine[user.username]:
            if str(target.item.hex) not in ledger:
                problems.append(f"{user.username} does not find {target.item} in their ledger")
    # the discipline body: the referred case only
    jiwei = web.client("jiwei")
    assert [c["id"] for c in jiwei.get("/api/dossiers").json()] == [str(matrix.referred)]
    assert [r["entry_id"] for r in jiwei.get("/api/ledger").json()["rows"]] == [matrix.referred.hex]
    # a unit's ranking holds its own line, a leader's their portfolio
    assert {s["unit_name"] for s in web.client("zhujianju").get("/api/ranking").json()["scores"]} == {"区住建局"}
    assert {s["unit_name"] for s in web.client("fuquzhang").get("/api/ranking").json()["scores"]} == {"区住建局", "晴川街"}
    assert len(web.client("quzhang").get("/api/ranking").json()["scores"]) == 3
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


def test_the_allowed_cases_succeed(web):
    """What one's role, unit and portfolio allow goes through — and a co-unit stays a co-unit."""
    app, world = web.app, web.world
    office, unit_a, unit_b = web.client("duchashi"), web.client("zhujianju"), web.client("qingchuan")
    v1, v2, head, jiwei = web.client("fuquzhang"), web.client("fuquzhang2"), web.client("quzhang"), web.client("jiwei")
    item = web.item("A牵头B协办", lead="A", co=["B"], deadline=date(2026, 4, 30))

    def post(client, url, body=None, status=200):
        answer = client.post(url, json=body, headers=web.csrf_headers(client))
        assert answer.status_code == status, f"{url}: {answer.status_code} {answer.text}"
        return answer.json()

    # a unit signs for its own item; the co-unit too
    signed = post(unit_a, f"/api/items/{item}/sign-for")
    assert (signed["id"], signed["status"]["value"], signed["number"]) == (str(item), "in_progress", "督〔2026〕1号")
    post(unit_b, f"/api/items/{item}/sign-for")
    # the co-unit reads the item and reports progress, but lead-only commands are refused
    assert unit_b.get(f"/api/items/{item}").status_code == 200
    post(unit_b, f"/api/items/{item}/progress", {"percent": 20, "text": "协办进展"})
    before = events_recorded(app)
    for segment, body in [("extension", {"new_deadline": "2026-12-31", "reasons": "原因"}),
                          ("completion", {"summary": "办结"}), ("cannot-implement", {"reasons": "原因"})]:
        refused = unit_b.post(f"/api/items/{item}/{segment}", json=body, headers=web.csrf_headers(unit_b))
        assert (refused.status_code, refused.json()["error"]["rule"]) == (403, "item.lead_unit_only"), segment
    assert events_recorded(app) == before
    # the lead unit asks for an extension; the leader in charge (V1) decides, V2 may not
    post(unit_a, f"/api/items/{item}/extension", {"new_deadline": "2026-05-29", "reasons": "征地未完成"})
    refused = v2.post(f"/api/items/{item}/extension-decision", json={"grant": True},
                      headers=web.csrf_headers(v2))
    assert refused.status_code == 404  # outside V2's portfolio: as if there were no such item
    decided = post(v1, f"/api/items/{item}/extension-decision", {"grant": True, "note": "同意"})
    granted = app.item(item, world.office)
    assert granted.deadline == date(2026, 5, 29) and decided["version"] == granted.version
    # the leader in charge holds an interview; a leader of another portfolio may not
    post(v1, f"/api/items/{item}/interview", {"held_by": "分管副区长", "interviewee": "局长"})
    assert v2.post(f"/api/items/{item}/interview", json={"held_by": "副区长", "interviewee": "局长"},
                   headers=web.csrf_headers(v2)).status_code == 404
    # the office escalates; the district head approves the referral; the discipline body reads the case
    post(office, f"/api/items/{item}/urge", {"note": "请抓紧"})
    assert jiwei.get(f"/api/items/{item}").status_code == 404  # not referred: as if there were none
    post(office, f"/api/items/{item}/referral", {"reasons": "长期不反馈"})
    post(head, f"/api/items/{item}/referral-decision", {"approve": True, "note": "同意移交"})
    assert jiwei.get(f"/api/items/{item}").status_code == 200
    dossier = jiwei.get(f"/api/dossiers/{item}").json()
    assert {"签收", "申请延期", "同意延期", "约谈", "催办", "批准移交纪检监察"} <= {e["what"] for e in dossier["entries"]}
    # the discipline body reads, never acts
    refused = jiwei.post(f"/api/items/{item}/urge", json={"note": "x"}, headers=web.csrf_headers(jiwei))
    assert (refused.status_code, refused.json()["error"]["rule"]) == (403, "role.not_allowed")
