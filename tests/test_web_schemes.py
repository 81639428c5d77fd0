"""The office's scoring schemes on the web (issue 16, point 3): the versions listed, a new one made
from the one in force in a form, previewed on a past month beside it, refused with every problem at
once, adopted from a date; the ranking and the bulletin then name the version they use."""

from __future__ import annotations

import re
from datetime import date

from web_world import web  # noqa: F401  (the fixture)


def a_month_of_urging(web):  # noqa: F811
    """March 2026: A's item misses its deadline and is urged twice; B's is signed off on time."""
    app, world, clock = web.app, web.world, web.app.clock
    late = web.item("整治背街小巷环境", lead="A", sign=True, deadline=date(2026, 3, 6))
    done = web.item("改造月湖片区口袋公园", lead="B", sign=True, deadline=date(2026, 3, 31))
    clock.day = date(2026, 3, 5)
    app.report_completion(done, "口袋公园已建成开放", world.unit("B"))
    app.sign_off_item(done, world.office)
    clock.day = date(2026, 3, 9)
    app.tick()
    app.urge_item(late, "请抓紧", world.office)
    app.urge_item(late, "再次催办", world.office)
    clock.day = date(2026, 4, 1)
    app.tick()


def field_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input name="([^"]+)" type="[^"]*" value="([^"]*)"', html))


def test_the_office_makes_previews_and_adopts_a_scheme_that_the_ranking_then_names(web):  # noqa: F811
    a_month_of_urging(web)
    web.reads()
    office = web.client("duchashi")
    listed = office.get("/office/schemes").text
    assert "2026-v1" in listed and "2026-v2" in listed and "现行：2026-v2（随系统提供）" in listed
    form = office.get("/office/schemes/new?kind=scoring").text
    values = field_values(form)
    # prefilled from the version in force, each weight beside the rule it expresses
    assert values["points.urged"] == "-0.5" and values["base"] == "100" and "每被催办一次" in form
    values |= {"version": "2026-督查室-1", "title": "督查督办绩效考核记分办法（加重催办扣分）", "points.urged": "-4",
               "period": "2026-03"}
    preview = office.post("/office/schemes/new", data=web.form(office, **values, action="preview"))
    assert preview.status_code == 200
    assert "2026年3月：现行与拟议对比" in preview.text and "现行：2026-v2（随系统提供）" in preview.text
    rows = re.findall(r'<tr( class="changed")?>\s*<td class="head">([^<]+)</td>', preview.text)
    assert ("", "晴川街") in rows and (' class="changed"', "区住建局") in rows  # only A was urged
    # every problem of the form at once, nothing recorded
    bad = values | {"points.urged": "很多", "base": "", "effective_from": "2026-03-01", "reason": ""}
    refused = office.post("/office/schemes/new", data=web.form(office, **bad, action="adopt"))
    assert refused.status_code == 422
    assert set(re.findall(r'data-field="([^"]+)"', refused.text)) >= {"points.urged", "base", "reason", "confirmed"}
    adopt = values | {"action": "adopt", "reason": "加重催办扣分", "confirmed": "on"}
    past = office.post("/office/schemes/new", data=web.form(office, **(adopt | {"effective_from": "2026-03-01"})))
    assert past.status_code == 422 and "生效日期不能早于今天" in past.text
    adopted = office.post("/office/schemes/new", data=web.form(office, **(adopt | {"effective_from": "2026-04-01"})),
                          follow_redirects=False)
    assert adopted.status_code == 303
    web.reads()
    listed = office.get("/office/schemes").text
    assert "2026-督查室-1" in listed and "督查室于2026-04-01采用" in listed and "加重催办扣分" in listed
    scoring = re.search(r'<section class="card" id="scoring">.*?</section>', listed, re.S).group(0)
    assert "现行：2026-督查室-1（督查室于2026-04-01采用）" in scoring  # in force from today
    # the ranking of March keeps the shipped scheme, April's is under the office's; both named
    head = web.client("quzhang")
    march = head.get("/leader/ranking?period=2026-03").text
    assert "评分方案：2026-v2（随系统提供）" in march
    april = head.get("/leader/ranking?period=2026-04").text
    assert "评分方案：2026-督查室-1（督查室于2026-04-01采用）" in april
    assert "评分方案：2026-v2（随系统提供）" in office.get("/office/bulletin?period=2026-03").text
    ranked = head.get("/api/ranking?period=2026-04").json()
    assert ranked["scheme"] == "2026-督查室-1"
    assert head.get("/api/ranking?period=2026-03").json()["scheme"] == "2026-v2"


def test_only_the_office_adopts_and_other_districts_do_not_see_its_versions(web):  # noqa: F811
    assert web.client("zhujianju").get("/office/schemes").status_code == 403
    admin = web.client("guanliyuan")
    assert admin.get("/office/schemes").status_code == 200
    assert 'value="adopt"' not in admin.get("/office/schemes/new?kind=scoring").text
    office = web.client("duchashi")
    values = field_values(office.get("/office/schemes/new?kind=scoring").text) | {
        "version": "2026-督查室-9", "action": "adopt", "effective_from": "2026-03-02", "reason": "试行", "confirmed": "on"}
    adopted = office.post("/office/schemes/new", data=web.form(office, **values), follow_redirects=False)
    assert adopted.status_code == 303
    web.reads()
    assert "2026-督查室-9" not in web.client("other-office").get("/office/schemes").text


def test_an_escalation_rule_set_is_previewed_with_the_backtest_and_adopted(web):  # noqa: F811
    a_month_of_urging(web)
    web.reads()
    office = web.client("duchashi")
    values = field_values(office.get("/office/schemes/new?kind=escalation").text)
    assert values["notice_after_working_days"] == "5"
    values |= {"kind": "escalation", "version": "2026-督查室-1", "notice_after_working_days": "2", "period": "2026-03"}
    preview = office.post("/office/schemes/new", data=web.form(office, **values, action="preview"))
    assert preview.status_code == 200, re.findall(r"role=\"alert\"[^>]*>([^<]+)", preview.text)
    assert "各单位建议步骤（现行 / 拟议）" in preview.text
    values |= {"action": "adopt", "effective_from": "2026-04-01", "reason": "从严督办", "confirmed": "on"}
    adopted = office.post("/office/schemes/new", data=web.form(office, **values), follow_redirects=False)
    assert adopted.status_code == 303
    web.reads()
    assert "升级规则：2026-督查室-1（督查室于2026-04-01采用）" in office.get("/office").text


def test_the_api_lists_the_versions_and_adopts_one_with_every_problem_named(web):  # noqa: F811
    office = web.client("duchashi")
    listed = office.get("/api/schemes?kind=scoring").json()
    assert listed["in_force"] == "2026-v2" and [v["version"] for v in listed["versions"]] == ["2026-v1", "2026-v2"]
    settings = {**listed["versions"][-1]["settings"], "version": "2026-督查室-1"}
    bad = {**settings, "base": -5, "points": {**settings["points"], "urged": "x"}}
    refused = office.post("/api/schemes", json={"kind": "scoring", "settings": bad, "effective_from": "2026-03-01",
                                                "reason": ""}, headers=web.csrf_headers(office))
    assert refused.status_code == 422
    assert {(p["field"], p["rule"]) for p in refused.json()["error"]["problems"]} == {
        ("base", "scheme.too_small"), ("points.urged", "scheme.not_a_number"), ("reason", "scheme.reason_required"),
        ("effective_from", "scheme.effective_past")}
    adopted = office.post("/api/schemes", json={"kind": "scoring", "settings": settings, "effective_from": "2026-04-01",
                                                "reason": "年度修订"}, headers=web.csrf_headers(office))
    assert adopted.status_code == 201 and adopted.json()["version"] == "2026-督查室-1"
    web.reads()
    versions = office.get("/api/schemes?kind=scoring").json()["versions"]
    assert (versions[-1]["source"], versions[-1]["effective_from"]) == ("督查室于2026-03-02采用", "2026-04-01")
    admin = web.client("guanliyuan")
    answer = admin.post("/api/schemes", json={"kind": "scoring", "settings": settings, "effective_from": "2026-05-01",
                                              "reason": "再改"}, headers=web.csrf_headers(admin))
    assert answer.status_code == 403 and answer.json()["error"]["rule"] == "role.not_allowed"
