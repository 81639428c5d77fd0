"""The escalation backtest in reach (升级规则回测): a proposed rule set checked with clear Chinese errors,
tried beside the current one on the demo year (both stores) from the command line, the office's page
and the API — and nothing recorded."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from builders import events_recorded
from click.testing import CliRunner
from litestar.testing import TestClient
from web_helpers import login
from web_world import web_app

from domain.errors import InvalidInput
from domain.escalation import EscalationRules, Step
from domain.escalation_proposal import proposed_rules
from projections.backtest_comparison import compare_rules
from projections.escalation import EscalationQueries

TODAY = date(2026, 11, 24)
CURRENT = EscalationRules.load("2026-v1")
STRICTER = """version = "2027-draft"
title = "督办升级规则（拟议从严）"
urge_after_working_days = 1
urges_before_notice = 2
notice_after_working_days = 2
referral_after_working_days = 10
"""


# -- the proposed file, store-free --------------------------------------------------------------------------
def test_a_proposed_rule_file_is_read_like_the_stored_ones():
    rules = proposed_rules(STRICTER)
    assert (rules.title, rules.notice_after_working_days, rules.referral_after_working_days) == (
        "督办升级规则（拟议从严）", 2, 10)


@pytest.mark.parametrize("text, said", [
    ("", ["请粘贴或上传"]),
    ("urge_after_working_days = \n", ["第1行", "不符合TOML格式"]),
    ("urge_after_working_days = 0\nurges_before_notice = \"两次\"\nreferral_after_working_days = true\nspeed = 3\n",
     ["逾期几个工作日予以催办", "应在1至250之间，现为0", "催办几次后发督办通知", "应为整数",
      "缺少“逾期几个工作日发督办通知", "约谈后逾期几个工作日建议移交纪检监察", "含未知设置：speed"]),
])
def test_a_bad_rule_file_is_refused_with_every_problem_in_chinese(text, said):
    with pytest.raises(InvalidInput) as refused:
        proposed_rules(text)
    assert (refused.value.rule, refused.value.field) == ("escalation.bad_proposal", "proposed")
    missing = [words for words in said if words not in refused.value.message]
    assert not missing, refused.value.message


# -- the demo year, both stores ---------------------------------------------------------------------------
def test_a_stricter_rule_set_recommends_more_steps_per_unit_and_records_nothing(demo_read):
    app, read_side = demo_read.app, demo_read.read_side
    district = app.districts()[0].district
    before = events_recorded(app)
    found = compare_rules(EscalationQueries(read_side.read_models), district, "2026", TODAY, CURRENT,
                          proposed_rules(STRICTER))
    assert events_recorded(app) == before  # nothing recorded (demo_read also checks the read side stayed put)
    assert (found.first, found.last) == (date(2026, 1, 1), TODAY)
    # the current column is the plain backtest of the rules in force, counted per unit
    plain = EscalationQueries(read_side.read_models).backtest(district, date(2026, 1, 1), TODAY, CURRENT)
    assert {u.unit: u.current_total for u in found.units if u.current_total} == dict(Counter(r.unit for r in plain))
    # stricter: never fewer steps for any unit, more for some, and more in all
    assert all(u.proposed_total >= u.current_total for u in found.units), found.units
    assert any(u.proposed_total > u.current_total for u in found.units)
    assert sum(found.proposed_totals) > sum(found.current_totals)
    notice = list(Step).index(Step.NOTICE)
    assert found.proposed_totals[notice] > found.current_totals[notice]
    # the records where they differ: the proposal's notice comes earlier, or where the current gives none
    assert found.differing
    for record in found.differing:
        current, proposed = dict(record.current), dict(record.proposed)
        assert Step.NOTICE in proposed and (Step.NOTICE not in current or proposed[Step.NOTICE] < current[Step.NOTICE])


def test_the_command_line_shows_both_rule_sets_side_by_side(demo_read, tmp_path, monkeypatch):
    from duban.cli import main

    from conftest import PG_URL

    monkeypatch.delenv("DATABASE_URL", raising=False)
    if demo_read.kind == "sqlite":
        monkeypatch.setenv("DUBAN_DB", demo_read.env["SQLITE_DBNAME"])
    else:
        monkeypatch.setenv("DATABASE_URL", f"{PG_URL}?schema={demo_read.env['POSTGRES_SCHEMA']}")
    proposal = tmp_path / "proposal.toml"
    proposal.write_text(STRICTER, encoding="utf-8")
    before = events_recorded(demo_read.app)
    result = CliRunner().invoke(main, ["escalation", "backtest", "--rules", str(proposal), "--period", "2026-Q4"])
    assert result.exit_code == 0, result.output
    assert "升级规则回测" in result.output and "督办升级规则（拟议从严）" in result.output
    assert re.search(r"合计.*\d+/\d+", result.output) and "两套规则建议不同的记录" in result.output
    assert "未记录任何内容" in result.output and events_recorded(demo_read.app) == before
    proposal.write_text("urges_before_notice = 0\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["escalation", "backtest", "--rules", str(proposal), "--period", "2026"])
    assert refused.exit_code != 0 and "应在1至250之间" in refused.output and "缺少" in refused.output
    proposal.write_text(STRICTER, encoding="utf-8")
    bad_period = CliRunner().invoke(main, ["escalation", "backtest", "--rules", str(proposal), "--period", "2026-13"])
    assert bad_period.exit_code != 0 and "统计期间" in bad_period.output


# -- the office's page and the API, on the demo year (web tests: SQLite) -----------------------------------
@pytest.fixture
def office(demo):
    """The office's client on a copy of the demo year (SQLite), with an office account added."""
    from domain.actor import Actor, Role

    app, read_side = demo
    district = app.districts()[0].district
    app.add_user(username="duchashi", password="correct-horse-1", role=Role.OFFICE, district=district,
                 actor=Actor("admin", Role.ADMIN, district), display_name="督查室")
    read_side.catch_up()
    client = TestClient(app=web_app(app, worker=False))
    assert login(client, "duchashi").status_code in (302, 303)
    return app, client


@pytest.mark.stores("sqlite")
def test_the_office_page_and_the_api_compare_the_rule_sets_and_link_the_records(office):
    app, office = office
    before = events_recorded(app)
    page = office.get("/office/escalation-backtest")
    assert page.status_code == 200 and re.search(r'name="notice_after_working_days"[^>]*value="5"', page.text)
    # the page's example: the number fields, filled in with a stricter rule set, compared on a GET
    example = re.search(r'href="(/office/escalation-backtest\?[^"]+)"', page.text)[1].replace("&amp;", "&")
    typed = office.get(example)
    assert typed.status_code == 200 and "各单位建议步骤" in typed.text and "督办升级规则（拟议从严）" in typed.text
    wrong = office.get("/office/escalation-backtest", params={"period": "2026", "urge_after_working_days": "两天",
                                                              "urges_before_notice": "2", "notice_after_working_days": "2",
                                                              "referral_after_working_days": "10"})
    assert wrong.status_code == 422 and "应为整数" in wrong.text
    posted = office.post("/office/escalation-backtest", files={"file": ("拟议.toml", STRICTER.encode(), "text/plain")},
                         data={"period": "2026", "current": "2026-v1", "proposed": "",
                               "_csrf_token": office.cookies.get("csrftoken")})
    assert posted.status_code == 200, posted.text[:500]
    assert "各单位建议步骤" in posted.text and "督办升级规则（拟议从严）" in posted.text
    links = set(re.findall(r'href="(/office/(?:items|rectifications)/[0-9a-f-]+)"', posted.text))
    assert links, "the records on which the rule sets differ are linked"
    assert office.get(sorted(links)[0]).status_code == 200
    refused = office.post("/office/escalation-backtest", data={
        "period": "2026", "current": "2026-v1", "proposed": "notice_after_working_days = -1",
        "_csrf_token": office.cookies.get("csrftoken")})
    assert refused.status_code == 422 and "升级规则文件有误" in refused.text and "缺少" in refused.text

    answer = office.get("/api/escalation-backtest", params={"period": "2026", "proposed": STRICTER})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["proposed_rules"] == "2027-draft" and body["current_rules"] == "2026-v1"
    totals = {t["step"]["value"]: (t["current"], t["proposed"]) for t in body["totals"]}
    assert totals["notice"][1] > totals["notice"][0]
    assert all(u["proposed_total"] >= u["current_total"] for u in body["units"])
    assert body["differing"] and {d["kind"] for d in body["differing"]} <= {"item", "rectification"}
    bad = office.get("/api/escalation-backtest", params={"period": "2026", "proposed": "x = "})
    assert bad.status_code == 422 and bad.json()["error"]["rule"] == "escalation.bad_proposal"
    assert bad.json()["error"]["field"] == "proposed"
    assert events_recorded(app) == before
