"""The JSON API (/api): its OpenAPI schema, its one error shape, optimistic concurrency with
``expected_version``, and whole cases (an item, a notice, a rectification task) driven through it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from builders import events_recorded
from litestar.testing import TestClient
from web_world import web, web_app  # noqa: F401  (web: the fixture)
from evidence_samples import JPEG, PDF
from checks import listed, stored_items


def post(web, client, url, body=None, status=200):
    answer = client.post(url, json=body, headers=web.csrf_headers(client))
    assert answer.status_code == status, f"POST {url}: {answer.status_code} {answer.text}"
    return answer.json()


def uploaded(web, client, name: str, content: bytes) -> dict:
    """A file uploaded (POST /api/files), cited as a command's attachment: its name and SHA-256."""
    answer = client.post("/api/files", files={"files": (name, content, "application/octet-stream")},
                         headers=web.csrf_headers(client))
    assert answer.status_code == 201, f"POST /api/files: {answer.status_code} {answer.text}"
    (stored,) = answer.json()["files"]
    return {"name": stored["name"], "sha256": stored["sha256"]}


def get(client, url, status=200, **params):
    answer = client.get(url, params=params)
    assert answer.status_code == status, f"GET {url}: {answer.status_code} {answer.text}"
    return answer.json()


def error_of(answer, status: int) -> dict:
    assert answer.status_code == status, f"{answer.status_code} {answer.text}"
    error = answer.json()["error"]
    assert set(error) == {"field", "rule", "message", "problems"} and error["message"]
    assert error["problems"][0] == {k: error[k] for k in ("field", "rule", "message")}  # the first, repeated
    return error


# -- the schema -----------------------------------------------------------------------------------------------
def test_the_openapi_schema_lists_every_api_route_with_its_shapes(app):
    asgi = web_app(app)
    with TestClient(app=asgi) as client:
        answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    schema = answer.json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert "x-csrftoken" in schema["info"]["description"]
    for route in asgi.routes:
        if route.path.startswith("/api"):
            documented = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            for method in route.methods - {"OPTIONS", "HEAD"}:
                operation = paths[documented][method.lower()]
                assert {"403", "404", "422"} <= set(operation["responses"]), f"{method} {documented}"
                ok = operation["responses"]["201" if method == "POST" and "{" not in documented else "200"]
                assert "content" in ok, f"{method} {documented} documents no answer shape"
    sign_for = paths["/api/items/{item_id}/sign-for"]["post"]
    assert sign_for["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CommandResult")
    assert sign_for["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    assert "expected_version" in components["SignForItem"]["properties"]
    # the fields' Chinese names and limits come from the command classes (duban.commands)
    progress = components["ReportProgress"]["properties"]
    assert (progress["percent"]["title"], progress["percent"]["minimum"], progress["percent"]["maximum"]) == (
        "完成进度", 0, 100)
    register = paths["/api/items"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RegisterItem")
    assert register["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/CommandResult")
    assert set(components["RegisterItem"]["required"]) == {"source", "reference", "decision_date", "title"}
    assert "executive_meeting" in components["SourceKind"]["enum"]
    assert set(components["CommandResult"]["required"]) == {"id", "kind", "number", "status", "version"}
    assert set(components["ErrorDetail"]["properties"]) == {"field", "rule", "message", "problems"}


# -- errors ---------------------------------------------------------------------------------------------------
def test_every_refusal_under_api_has_one_shape_and_pages_keep_theirs(web):
    office, unit = web.client("duchashi"), web.client("zhujianju")
    item = web.item("整治背街小巷", lead="A", deadline=date(2026, 3, 31))
    foreign = web.other.item(lead="X")
    headers = web.csrf_headers(office)
    before = events_recorded(web.app)

    # 401: not logged in, for reads and commands alike
    anonymous = TestClient(app=web.asgi)
    assert error_of(anonymous.get("/api/ledger"), 401)["rule"] == "auth.required"
    assert error_of(anonymous.post(f"/api/items/{item}/urge", json={}), 401)["rule"] == "auth.required"
    # 403: a command without the CSRF header
    assert error_of(office.post(f"/api/items/{item}/urge", json={"note": "x"}), 403)["rule"] == "csrf.failed"
    # 400: malformed requests, naming the field in Chinese
    bad = [
        (b"{not json", None, "request.bad_json"),
        ({"note": 3}, "note", "request.bad_type"),
        ({"note": "x", "nope": 1}, "nope", "request.unknown_field"),
        ({"note": "x", "unit": "not-a-uuid"}, "unit", "request.bad_id"),
        ({"note": "x", "on": "2026-13-01"}, "on", "request.bad_date"),
        ({"note": "x", "expected_version": "one"}, "expected_version", "request.bad_type"),
    ]
    for body, field, rule in bad:
        if isinstance(body, bytes):
            answer = office.post(f"/api/items/{item}/urge", content=body,
                                 headers={**headers, "content-type": "application/json"})
        else:
            answer = office.post(f"/api/items/{item}/urge", json=body, headers=headers)
        error = error_of(answer, 400)
        assert (error["field"], error["rule"]) == (field, rule), body
        assert re.search(r"[\u4e00-\u9fff]", error["message"]), error
    missing = error_of(office.post(f"/api/items/{item}/criticise", json={}, headers=headers), 400)
    assert (missing["field"], missing["rule"], missing["message"]) == ("note", "request.missing_field", "请填写通报事由。")
    nested = office.post("/api/notices", headers=headers, json={
        "unit": str(web.world.unit_ids["A"]), "subject_kind": "item", "subject_id": str(item), "title": "通知",
        "tasks": [{"task": "说明", "responsible": "局长"}]})
    assert error_of(nested, 400)["field"] == "tasks[0].deadline"
    choice = office.post("/api/items", headers=headers, json={
        "source": "gossip", "reference": "x", "decision_date": "2026-02-27", "title": "x"})
    assert (error_of(choice, 400)["field"], error_of(choice, 400)["rule"]) == ("source", "request.bad_choice")
    assert error_of(office.post(f"/api/items/{item}/assign", headers=headers), 400)["rule"] == "request.body_required"
    assert error_of(office.get("/api/ledger", params={"open_only": "maybe"}), 400)["field"] == "open_only"
    assert error_of(office.get("/api/ledger", params={"kinds": "meeting"}), 400)["field"] == "kinds"
    # 404: unknown routes, ids and another district's records alike; 405 a wrong method
    assert error_of(office.get("/api/nothing-here"), 404)["rule"] == "http.not_found"
    assert error_of(office.get("/api/items/not-an-id"), 404)["rule"] == "http.not_found"
    assert error_of(office.get(f"/api/items/{foreign}"), 404) == error_of(
        office.get("/api/items/00000000-0000-0000-0000-000000000001"), 404)
    assert error_of(office.get(f"/api/items/{item}/urge"), 405)["rule"] == "http.method_not_allowed"
    # 422: bad input and broken rules, from the domain, with the field
    error = error_of(unit.post(f"/api/items/{item}/extension", headers=web.csrf_headers(unit),
                               json={"new_deadline": "2026-03-01", "reasons": "x"}), 422)
    assert (error["rule"], error["field"]) == ("extension.not_later", "new_deadline")
    assert error_of(office.post(f"/api/items/{item}/sign-off", headers=headers), 422)["rule"] == \
        "item.not_reported_complete"
    future = office.post(f"/api/items/{item}/urge", headers=headers, json={"on": "2027-01-01"})
    assert error_of(future, 422)["field"] == "on"
    # 403 from the rules
    assert error_of(unit.post(f"/api/items/{item}/urge", headers=web.csrf_headers(unit), json={}), 403)["rule"] == \
        "role.not_allowed"
    assert events_recorded(web.app) == before, "a refused request recorded something"

    # pages keep their behaviour: a redirect to the login, an HTML error page, a 404 page in Chinese
    page = anonymous.get("/office", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    page = unit.get("/office")
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    missing = office.get("/office/no-such-page")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "页面不存在" in missing.text


def test_days_asked_about_lie_between_2000_and_today(web):
    """A query as of 9999-12-31 once ran past a minute; now every day asked about is checked first."""
    office, leader = web.client("duchashi"), web.client("quzhang")
    item = web.item("整治背街小巷", lead="A", deadline=date(2026, 3, 31))
    asked = [
        (office, "/api/ledger", {"as_of": "9999-12-31"}, "as_of", "date.after_today"),
        (office, "/api/ledger", {"opened_from": "0001-01-01"}, "opened_from", "date.too_early"),
        (office, "/api/ledger", {"opened_to": "2957-01-01"}, "opened_to", "date.after_today"),
        (office, "/api/warnings", {"as_of": "2957-05-01"}, "as_of", "date.after_today"),
        (office, "/api/ranking", {"period": "2026", "as_of": "9999-12-31"}, "as_of", "date.after_today"),
        (office, "/api/escalation-queue", {"as_of": "1999-12-31"}, "as_of", "date.too_early"),
        (office, f"/api/items/{item}", {"as_of": "9999-12-31"}, "as_of", "date.after_today"),
        (leader, "/api/leader-view", {"day": "9999-12-31"}, "day", "date.after_today"),
    ]
    for client, path, params, field, rule in asked:
        error = error_of(client.get(path, params=params), 422)
        assert (error["field"], error["rule"]) == (field, rule), (path, params, error)
        assert re.search(r"[\u4e00-\u9fff]", error["message"]), error
    assert office.get("/api/ledger", params={"as_of": "2026-03-02"}).status_code == 200  # today itself is fine
    assert office.get("/api/warnings", params={"as_of": "2026-01-05"}).status_code == 200


def test_a_stale_expected_version_gets_409_and_records_nothing(web):
    office, unit = web.client("duchashi"), web.client("zhujianju")
    item = web.item("老旧小区改造", lead=None)
    version = get(office, f"/api/items/{item}")["version"]
    before = events_recorded(web.app)
    stale = office.post(f"/api/items/{item}/assign", headers=web.csrf_headers(office),
                        json={"lead_unit": str(web.world.unit_ids["A"]), "expected_version": version - 1})
    assert error_of(stale, 409)["rule"] == "concurrency.conflict" and events_recorded(web.app) == before
    assigned = post(web, office, f"/api/items/{item}/assign",
                    {"lead_unit": str(web.world.unit_ids["A"]), "expected_version": version})
    assert assigned["version"] == version + 1
    # the unit read version 2; the office urges meanwhile; the unit's sign-for on version 2 is refused
    seen = get(unit, f"/api/items/{item}")["version"]
    post(web, office, f"/api/items/{item}/urge", {"note": "请签收"})
    refused = unit.post(f"/api/items/{item}/sign-for", json={"expected_version": seen},
                        headers=web.csrf_headers(unit))
    assert error_of(refused, 409)["rule"] == "concurrency.conflict"
    assert "sign-for" in get(unit, f"/api/items/{item}")["actions"]
    signed = post(web, unit, f"/api/items/{item}/sign-for", {"expected_version": seen + 1})
    stale = unit.post(f"/api/items/{item}/progress", json={"percent": 10, "text": "x", "expected_version": seen},
                      headers=web.csrf_headers(unit))
    assert error_of(stale, 409)["rule"] == "concurrency.conflict"
    post(web, unit, f"/api/items/{item}/progress",
         {"percent": 10, "text": "方案已定", "expected_version": signed["version"]})


# -- whole cases ----------------------------------------------------------------------------------------------
def test_an_item_from_registration_to_sign_off(web):
    office, unit_a, unit_b = web.client("duchashi"), web.client("zhujianju"), web.client("qingchuan")
    ids = web.world.unit_ids
    created = post(web, office, "/api/items", {
        "source": "executive_meeting", "reference": "区政府第3次常务会议", "decision_date": "2026-02-27",
        "title": "整治背街小巷", "deadline": "2026-04-30"}, status=201)
    item = created["id"]
    assert (created["number"], created["status"], created["kind"]) == (
        "督〔2026〕1号", {"value": "registered", "label": "已登记"}, "item")
    assert get(office, f"/api/items/{item}")["actions"] == ["assign"]
    post(web, office, f"/api/items/{item}/assign", {"lead_unit": str(ids["A"]), "co_units": [str(ids["B"])]})
    post(web, office, f"/api/items/{item}/split", {"subtasks": [
        {"unit": str(ids["B"]), "title": "巷道照明", "deadline": "2026-04-15"}]})
    assert get(unit_a, "/api/inbox")["to_sign_for"][0]["entry_id"] == item.replace("-", "")
    for client in (unit_a, unit_b):
        post(web, client, f"/api/items/{item}/sign-for")
    post(web, unit_b, f"/api/items/{item}/progress", {"percent": 50, "text": "灯具已采购", "subtask": "S1"})
    post(web, unit_b, f"/api/items/{item}/subtask-completion", {"subtask": "S1", "summary": "照明已完工"})
    post(web, unit_a, f"/api/items/{item}/progress", {
        "percent": 80, "text": "路面已修复", "attachments": [uploaded(web, unit_a, "现场照片.jpg", JPEG)]})
    assert set(get(unit_a, f"/api/items/{item}")["actions"]) >= {"progress", "extension", "completion"}
    post(web, unit_a, f"/api/items/{item}/completion", {"summary": "已全部完成"})
    sent_back = post(web, office, f"/api/items/{item}/send-back", {"reasons": "缺少验收材料"})
    assert sent_back["status"]["value"] == "in_progress"
    post(web, unit_a, f"/api/items/{item}/completion", {"summary": "补充验收材料",
                                                       "attachments": [uploaded(web, unit_a, "验收单.pdf", PDF)]})
    assert {"sign-off", "send-back"} <= set(get(office, f"/api/items/{item}")["actions"])
    done = post(web, office, f"/api/items/{item}/sign-off", {"note": "核验通过"})
    assert done["status"] == {"value": "signed_off", "label": "已办结销号"}
    post(web, office, f"/api/items/{item}/commend", {"note": "提前完成"})

    found = get(unit_b, f"/api/items/{item}")
    assert (found["lead_unit"]["name"], [u["name"] for u in found["co_units"]]) == ("区住建局", ["晴川街"])
    assert found["subtasks"][0]["completed_on"] == "2026-03-02" and found["times_sent_back"] == 1
    assert [s["status"]["value"] for s in found["status_history"]][-1] == "signed_off"
    assert found["actions"] == [] and found["commendations"] == 1
    whats = [e["what"] for e in get(unit_b, f"/api/items/{item}/timeline")]
    assert whats[:4] == ["登记督办事项", "分解交办", "分解子任务", "签收"] and whats[-2:] == ["办结销号", "通报激励"]
    before_registration = get(office, f"/api/items/{item}", as_of="2026-03-01", status=404)
    assert before_registration["error"]["rule"] == "item.not_yet_registered"
    # the ledger: filters, closed entries, pages
    assert get(office, "/api/ledger", closed_only="true")["total"] == 1
    assert get(office, "/api/ledger", open_only="true", closed_only="true", status=422)["error"]["field"] == \
        "closed_only"
    web.item("第二项", lead="C")
    page = get(office, "/api/ledger", page_size=1, page=2)
    assert (page["total"], len(page["rows"]), page["rows"][0]["title"]) == (2, 1, "第二项")
    assert [r["title"] for r in get(unit_a, "/api/ledger")["rows"]] == ["整治背街小巷"]
    assert [r["title"] for r in get(office, "/api/ledger", unit=str(ids["C"]))["rows"]] == ["第二项"]
    assert [(r["kind"], r["status"]) for r in get(unit_b, "/api/ledger", kinds=["subtask"])["rows"]] == [
        ("subtask", "signed_off")]


def test_a_notice_and_a_rectification_task_through_the_api(web):
    office, unit_a, unit_b, v1 = (web.client(u) for u in ("duchashi", "zhujianju", "qingchuan", "fuquzhang"))
    ids = web.world.unit_ids
    item = web.item("推进老旧小区改造", lead="A", sign=True, deadline=date(2026, 4, 30))
    notice = post(web, office, "/api/notices", {
        "unit": str(ids["A"]), "subject_kind": "item", "subject_id": str(item), "title": "关于加快改造进度的督办通知",
        "tasks": [{"task": "说明进度", "responsible": "局长", "deadline": "2026-03-20"}]}, status=201)
    nid = notice["id"]
    assert notice["number"] == "督通〔2026〕1号"
    assert [n["id"] for n in get(unit_a, "/api/notices")] == [nid] and get(unit_b, "/api/notices") == []
    assert [n["id"] for n in get(v1, "/api/notices", open_only="true")] == [nid]
    post(web, unit_a, f"/api/notices/{nid}/acknowledge")
    post(web, unit_a, f"/api/notices/{nid}/reply", {"task": "T1", "text": "已完成60%"})
    post(web, office, f"/api/notices/{nid}/review", {"task": "T1", "accept": True})
    closed = post(web, office, f"/api/notices/{nid}/close")
    assert closed["status"]["value"] == "closed"
    found = get(unit_a, f"/api/notices/{nid}")
    assert found["tasks"][0]["state"]["value"] == "accepted" and found["unit"]["name"] == "区住建局"
    assert [e["what"] for e in get(unit_a, f"/api/notices/{nid}/timeline")][-1] == "督办通知办结"
    assert get(unit_a, f"/api/items/{item}/timeline")[-1]["record"] == "督通〔2026〕1号"

    task = post(web, office, "/api/rectifications", {
        "unit": str(ids["B"]), "source": "audit", "problem": "专项资金未及时拨付", "severity": "serious",
        "deadline": "2026-04-30", "source_ref": "审计报告〔2026〕2号"}, status=201)
    tid = task["id"]
    assert (task["number"], task["kind"]) == ("整改〔2026〕1号", "rectification")
    post(web, unit_b, f"/api/rectifications/{tid}/plan", {"plan": "本月底前拨付"})
    post(web, unit_b, f"/api/rectifications/{tid}/progress", {"percent": 50, "text": "已拨付一半"})
    post(web, office, f"/api/rectifications/{tid}/urge", {"note": "请抓紧"})
    post(web, office, f"/api/rectifications/{tid}/criticise", {"note": "进度滞后", "document": "通报〔2026〕1号"})
    post(web, v1, f"/api/rectifications/{tid}/interview", {"held_by": "分管副区长", "interviewee": "街道主任"})
    post(web, unit_b, f"/api/rectifications/{tid}/rectified", {
        "summary": "已全部拨付", "evidence": [uploaded(web, unit_b, "拨付凭证.pdf", PDF)]})
    post(web, office, f"/api/rectifications/{tid}/verify", {"passed": True})
    post(web, office, f"/api/rectifications/{tid}/sign-off")
    reopened = post(web, office, f"/api/rectifications/{tid}/reopen", {"finding": "回头看发现未拨付到位",
                                                                          "new_deadline": "2026-05-29"})
    assert reopened["status"]["value"] == "rectifying"
    found = get(unit_b, f"/api/rectifications/{tid}")
    assert (found["severity"]["label"], found["reopen_count"], found["interviews"]) == ("较重", 1, 1)
    assert get(unit_a, f"/api/rectifications/{tid}", status=404)["error"]["rule"] == "rectificationtask.not_found"
    assert [t["id"] for t in get(unit_b, "/api/rectifications", open_only="true")] == [tid]
    assert "回头看重新打开" in [e["what"] for e in get(office, f"/api/rectifications/{tid}/timeline")]
    # the unit's criticism counts in its score, line by line
    explained = get(office, f"/api/ranking/{ids['B']}", period="2026-03")
    assert explained["unit_name"] == "晴川街" and {line["fact"] for line in explained["lines"]} >= {"criticised"}
    assert get(unit_a, f"/api/ranking/{ids['B']}", status=403)["error"]["rule"] == "ranking.not_yours"
    view = get(v1, "/api/leader-view")
    assert view["units"] == ["区住建局", "晴川街"] and [r["title"] for r in view["open_items"]] == ["推进老旧小区改造"]
    assert isinstance(get(office, "/api/escalation-queue"), list)
    assert get(unit_a, "/api/escalation-queue", status=403)["error"]["rule"] == "role.not_allowed"


# -- inspections (督查检查) -----------------------------------------------------------------------------------
def test_an_inspection_from_the_plan_to_its_close(web):
    office, unit_a, unit_b, unit_c = (web.client(u) for u in ("duchashi", "zhujianju", "qingchuan", "chengguan"))
    v1, v2 = web.client("fuquzhang"), web.client("fuquzhang2")
    ids = web.world.unit_ids
    a, b, c = (str(ids[code]) for code in "ABC")
    before = events_recorded(web.app)
    bad = office.post("/api/inspections", headers=web.csrf_headers(office), json={
        "kind": "special", "title": "安全生产专项督查", "target_units": [a, b], "planned_month": "2026-4"})
    assert (error_of(bad, 400)["field"], error_of(bad, 400)["rule"]) == ("planned_month", "request.bad_format")
    bad = office.post("/api/inspections", headers=web.csrf_headers(office), json={
        "kind": "monthly", "title": "安全生产专项督查", "target_units": [a, b], "planned_month": "2026-04"})
    assert error_of(bad, 400)["field"] == "kind"
    refused = unit_a.post("/api/inspections", headers=web.csrf_headers(unit_a), json={
        "kind": "special", "title": "安全生产专项督查", "target_units": [a], "planned_month": "2026-04"})
    assert error_of(refused, 403)["rule"] == "role.not_allowed" and events_recorded(web.app) == before

    planned = post(web, office, "/api/inspections", {"kind": "special", "title": "安全生产专项督查",
                                                     "target_units": [a, b], "planned_month": "2026-04"}, status=201)
    iid = planned["id"]
    assert (planned["kind"], planned["number"], planned["status"]) == (
        "inspection", "督查〔2026〕1号", {"value": "planned", "label": "已计划"})
    found = get(office, f"/api/inspections/{iid}")
    assert (found["organiser"], [u["name"] for u in found["target_units"]], found["actions"]) == (
        None, ["区住建局", "晴川街"], ["conduct"])
    # who finds it in the list: the office, the units it targets, the leader of their portfolio
    for client, expected in [(office, [iid]), (unit_a, [iid]), (unit_b, [iid]), (unit_c, []), (v1, [iid]), (v2, [])]:
        assert [i["id"] for i in get(client, "/api/inspections")] == expected
    assert get(unit_c, f"/api/inspections/{iid}", status=404)["error"]["rule"] == "inspection.not_found"
    assert get(unit_a, f"/api/inspections/{iid}")["actions"] == []  # a target unit reads, never acts
    assert error_of(unit_a.post(f"/api/inspections/{iid}/conduct", headers=web.csrf_headers(unit_a)), 403)

    conducted = post(web, office, f"/api/inspections/{iid}/conduct")
    assert conducted["status"]["value"] == "conducted" and conducted["version"] == planned["version"] + 1
    before = events_recorded(web.app)
    out_of_scope = office.post(f"/api/inspections/{iid}/findings", headers=web.csrf_headers(office), json={
        "unit": c, "problem": "渣土乱倒", "severity": "general", "deadline": "2026-04-30"})
    assert error_of(out_of_scope, 422)["rule"] == "inspection.out_of_scope" and events_recorded(web.app) == before
    finding = post(web, office, f"/api/inspections/{iid}/findings", {
        "unit": b, "problem": "消防器材过期", "severity": "serious", "deadline": "2026-04-30"})
    assert (finding["kind"], finding["number"], finding["inspection"]) == ("rectification", "整改〔2026〕1号", iid)
    assert finding["inspection_version"] == conducted["version"] + 1
    task = get(unit_b, f"/api/rectifications/{finding['id']}")
    assert (task["source"]["value"], task["source_ref"], task["inspection"]) == (
        "special_inspection", "督查〔2026〕1号", iid)
    bad_score = office.post(f"/api/inspections/{iid}/results", headers=web.csrf_headers(office),
                            json={"results": [{"unit": a, "score": 120}]})
    assert (error_of(bad_score, 400)["field"], error_of(bad_score, 400)["rule"]) == (
        "results[0].score", "request.out_of_range")
    post(web, office, f"/api/inspections/{iid}/results", {"results": [
        {"unit": a, "score": 92.5}, {"unit": b, "score": 78, "problems": 1}]})

    # each reads the findings and results about the units they may see
    everything = get(office, f"/api/inspections/{iid}")
    assert [(r["unit"]["name"], r["score"], r["problems"]) for r in everything["results"]] == [
        ("区住建局", 92.5, 0), ("晴川街", 78, 1)]
    assert [(f["unit"]["name"], f["rectification"]) for f in everything["findings"]] == [("晴川街", finding["id"])]
    assert set(everything["actions"]) == {"findings", "results", "close"}
    of_a = get(unit_a, f"/api/inspections/{iid}")
    assert (of_a["findings"], [r["unit"]["name"] for r in of_a["results"]]) == ([], ["区住建局"])
    of_b = get(unit_b, f"/api/inspections/{iid}")
    assert [f["rectification"] for f in of_b["findings"]] == [finding["id"]] and len(of_b["results"]) == 1

    closed = post(web, office, f"/api/inspections/{iid}/close")
    assert closed["status"] == {"value": "closed", "label": "已完成"}
    assert get(office, f"/api/inspections/{iid}")["actions"] == []
    assert get(office, "/api/inspections", open_only="true") == []
    assert [i["id"] for i in get(office, "/api/inspections", unit=b)] == [iid]
    assert [e["what"] for e in get(unit_a, f"/api/inspections/{iid}/timeline")] == [
        "列入督查计划", "实施督查", "登记发现的问题", "录入督查结果", "结束督查"]
    assert get(web.client("jiwei"), f"/api/inspections/{iid}", status=404)["error"]["rule"] == "inspection.not_found"


def test_a_departments_proposal_is_approved_before_the_department_inspects(web):
    office, unit_a, unit_b, unit_c = (web.client(u) for u in ("duchashi", "zhujianju", "qingchuan", "chengguan"))
    ids = web.world.unit_ids
    b = str(ids["B"])
    body = {"kind": "unannounced", "title": "市容秩序暗访", "target_units": [b], "planned_month": "2026-03",
            "reasons": "群众反映集中"}
    assert error_of(office.post("/api/inspections/proposals", json=body, headers=web.csrf_headers(office)),
                    403)["rule"] == "role.not_allowed"
    no_reasons = unit_c.post("/api/inspections/proposals", json={**body, "reasons": " "},
                             headers=web.csrf_headers(unit_c))
    assert error_of(no_reasons, 422)["field"] == "reasons"
    proposal = post(web, unit_c, "/api/inspections/proposals", body, status=201)
    pid = proposal["id"]
    assert proposal["status"]["value"] == "proposed"
    found = get(unit_c, f"/api/inspections/{pid}")
    assert (found["organiser"]["name"], found["actions"]) == ("区城管局", [])
    assert found["reasons"] == "群众反映集中"  # the written reasons are kept with the proposal
    assert "理由：群众反映集中" in [f"{k}：{v}" for e in get(unit_c, f"/api/inspections/{pid}/timeline")
                                   for k, v in ((d["label"], d["value"]) for d in e["details"])]
    # unannounced: the unit it targets does not see it before it is conducted; another unit never
    assert get(unit_b, f"/api/inspections/{pid}", status=404)["error"]["rule"] == "inspection.not_found"
    assert get(unit_b, "/api/inspections") == []
    assert get(unit_a, f"/api/inspections/{pid}", status=404)["error"]["rule"] == "inspection.not_found"
    early = unit_c.post(f"/api/inspections/{pid}/conduct", headers=web.csrf_headers(unit_c))
    assert error_of(early, 422)["rule"] == "inspection.not_approved"

    assert get(office, f"/api/inspections/{pid}")["actions"] == ["decision"]
    self_approval = unit_c.post(f"/api/inspections/{pid}/decision", json={"approve": True},
                                headers=web.csrf_headers(unit_c))
    assert error_of(self_approval, 403)["rule"] == "role.not_allowed"
    no_reason = office.post(f"/api/inspections/{pid}/decision", json={"approve": False},
                            headers=web.csrf_headers(office))
    assert error_of(no_reason, 422)["rule"] == "inspection.refusal_reason_required"
    approved = post(web, office, f"/api/inspections/{pid}/decision", {"approve": True, "note": "同意，限于晴川街"})
    assert approved["status"]["value"] == "planned"
    assert get(unit_c, f"/api/inspections/{pid}")["actions"] == ["conduct"]
    post(web, unit_c, f"/api/inspections/{pid}/conduct")
    assert [i["id"] for i in get(unit_b, "/api/inspections")] == [pid]  # conducted: no longer hidden
    finding = post(web, unit_c, f"/api/inspections/{pid}/findings", {
        "unit": b, "problem": "占道经营", "severity": "general", "deadline": "2026-04-30"})
    assert get(unit_b, f"/api/rectifications/{finding['id']}")["source"]["value"] == "unannounced_inspection"
    assert [f["rectification"] for f in get(unit_c, f"/api/inspections/{pid}")["findings"]] == [finding["id"]]
    post(web, unit_c, f"/api/inspections/{pid}/results", {"results": [{"unit": b, "problems": 1}]})
    post(web, unit_c, f"/api/inspections/{pid}/close")
    assert [e["what"] for e in get(office, f"/api/inspections/{pid}/timeline")] == [
        "申请开展检查", "批准检查申请", "实施督查", "登记发现的问题", "录入督查结果", "结束督查"]


def test_a_stale_version_of_a_notice_a_task_or_an_inspection_gets_409_and_records_nothing(web):
    office, unit_a = web.client("duchashi"), web.client("zhujianju")
    ids = web.world.unit_ids

    def stale(client, url, body):
        before = events_recorded(web.app)
        answer = client.post(url, json=body, headers=web.csrf_headers(client))
        assert error_of(answer, 409)["rule"] == "concurrency.conflict", url
        assert events_recorded(web.app) == before, url

    # a notice: the office read it before the unit replied; its review on that version is refused
    item = web.item("老旧小区改造", lead="A", sign=True, deadline=date(2026, 4, 30))
    notice = post(web, office, "/api/notices", {
        "unit": str(ids["A"]), "subject_kind": "item", "subject_id": str(item), "title": "督办通知",
        "tasks": [{"task": "说明进度", "responsible": "局长", "deadline": "2026-03-20"}]}, status=201)
    nid, seen = notice["id"], notice["version"]
    stale(unit_a, f"/api/notices/{nid}/acknowledge", {"expected_version": seen - 1})
    seen = post(web, unit_a, f"/api/notices/{nid}/acknowledge", {"expected_version": seen})["version"]
    replied = post(web, unit_a, f"/api/notices/{nid}/reply", {"task": "T1", "text": "已完成", "expected_version": seen})
    stale(office, f"/api/notices/{nid}/review", {"task": "T1", "accept": True, "expected_version": seen})
    post(web, office, f"/api/notices/{nid}/review", {"task": "T1", "accept": True,
                                                     "expected_version": replied["version"]})

    # a rectification task: the office urges while the unit drafts its plan on the version it read
    task = post(web, office, "/api/rectifications", {"unit": str(ids["A"]), "source": "audit", "problem": "资金滞留",
                                                     "severity": "general", "deadline": "2026-04-30"}, status=201)
    tid = task["id"]
    seen = get(unit_a, f"/api/rectifications/{tid}")["version"]
    post(web, office, f"/api/rectifications/{tid}/urge", {"note": "请抓紧", "expected_version": seen})
    stale(unit_a, f"/api/rectifications/{tid}/plan", {"plan": "本月底前拨付", "expected_version": seen})
    post(web, unit_a, f"/api/rectifications/{tid}/plan", {"plan": "本月底前拨付", "expected_version": seen + 1})

    # an inspection: conduct, a finding (no task enters the ledger) and close on a stale version
    inspection = post(web, office, "/api/inspections", {"kind": "special", "title": "专项督查",
                                                        "target_units": [str(ids["A"])], "planned_month": "2026-03"},
                      status=201)
    iid, seen = inspection["id"], inspection["version"]
    stale(office, f"/api/inspections/{iid}/conduct", {"expected_version": seen - 1})
    conducted = post(web, office, f"/api/inspections/{iid}/conduct", {"expected_version": seen})
    tasks = len(listed(web.app, web.world.district, "rectification"))
    stale(office, f"/api/inspections/{iid}/findings", {"unit": str(ids["A"]), "problem": "台账不全",
                                                       "severity": "general", "deadline": "2026-04-30",
                                                       "expected_version": seen})
    assert len(listed(web.app, web.world.district, "rectification")) == tasks
    finding = post(web, office, f"/api/inspections/{iid}/findings", {
        "unit": str(ids["A"]), "problem": "台账不全", "severity": "general", "deadline": "2026-04-30",
        "expected_version": conducted["version"]})
    stale(office, f"/api/inspections/{iid}/close", {"expected_version": conducted["version"]})
    post(web, office, f"/api/inspections/{iid}/close", {"expected_version": finding["inspection_version"]})


def test_commands_on_notices_tasks_and_inspections_document_expected_version(app):
    components = TestClient(app=web_app(app)).get("/schema/openapi.json").json()["components"]["schemas"]
    for body in ("ReplyNotice", "ReviewReply", "CloseNotice", "RectificationPlan", "VerifyRectification",
                 "DecideInspection", "RecordFinding", "RecordResults", "ConductInspection"):
        assert "expected_version" in components[body]["properties"], body
    for body in ("IssueNotice", "RecordRectification", "PlanInspection", "ProposeInspection"):
        assert "expected_version" not in components[body]["properties"], body
    assert set(components["FindingResult"]["required"]) >= {"id", "kind", "version", "inspection",
                                                           "inspection_version"}


def test_the_default_deadline_follows_the_working_day_rules_and_records_nothing(web):
    office = web.client("duchashi")
    answer = office.get("/api/default-deadline", params={"source": "executive_meeting", "decision_date": "2026-04-30"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["deadline"] == "2026-06-01" and body["basis"] == "meeting_one_month"  # 30 May is a Saturday
    assert "会议后一个月" in body["basis_label"] and body["estimated"] is False
    counted = office.get("/api/default-deadline", params={"source": "leader_instruction", "decision_date": "2026-03-02",
                                                          "working_days": 5}).json()
    assert counted["deadline"] == "2026-03-09" and counted["basis"] == "working_days:5"
    refused = office.get("/api/default-deadline", params={"source": "leader_instruction"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "deadline"
    unknown = office.get("/api/default-deadline", params={"source": "gossip"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "source"
    assert web.client("zhujianju").get("/api/default-deadline").status_code == 403
    assert stored_items(web.app, web.world.district) == []


def test_the_api_and_the_form_refuse_the_same_command_alike_every_problem_at_once(web):
    """One command class (ReportProgress), one reading: the JSON body and the unit's form with the
    same bad values give the same problems (field, rule, message), all of them, and record nothing."""
    unit = web.client("zhujianju")
    item = web.item("老旧小区改造", lead="A", sign=True)
    before = events_recorded(web.app)
    answer = unit.post(f"/api/items/{item}/progress", json={"percent": 130, "text": ""},
                       headers=web.csrf_headers(unit))
    from_api = [(p["field"], p["rule"], p["message"]) for p in error_of(answer, 400)["problems"]]
    assert from_api == [("percent", "request.out_of_range", "完成进度应在0–100之间。"),
                        ("text", "request.missing_field", "请填写进展情况。")]
    page = unit.post(f"/unit/items/{item.hex}/progress", data=web.form(unit, percent="130", text=""),
                     files={"attachments": ("", b"")})
    assert page.status_code == 422
    shown = re.findall(r'<span class="field-error" role="alert" data-field="([^"]+)">([^<]*)</span>', page.text)
    assert shown == [(field, message) for field, _, message in from_api]
    assert events_recorded(web.app) == before
