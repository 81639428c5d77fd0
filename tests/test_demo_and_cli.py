"""The demo district and the command line, as a newcomer meets them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from domain.actor import Role
from domain.item import ItemStatus
from duban.application import Duban
from duban.clock import FixedClock, SystemClock
from duban.demo.simulation import build_demo
from checks import stored_items, stored_records

TODAY = date(2026, 11, 24)


def test_demo_builds_the_seed_district_with_every_item_state(demo_read, seed):
    app, summary = demo_read.app, demo_read.summary  # the session's demo year (conftest)
    assert [u.name for u in app.units(seed.code)][:3] == ["晴川街", "建桥街", "鹦鹉街"]
    items = stored_items(app, seed.code)
    assert {i.status for i in items} == set(ItemStatus)
    titles = {i.title for i in items}
    assert "争取国家战略项目落户汉阳" in titles  # 项目策划年 task 1
    assert any(i.reference.startswith("阳政办〔2022〕7号") for i in items)  # the 3号建议案 plan
    assert any(i.reference.startswith("阳政办〔2022〕8号") for i in items)  # the law-enforcement pilot
    # every escalation step appears at least once
    assert sum(i.urges for i in items) and sum(i.criticisms for i in items)
    assert sum(i.interviews for i in items) and sum(i.commendations for i in items)
    assert any(i.referral == "approved" for i in items)
    assert any(i.extensions_granted for i in items) and any(i.times_sent_back for i in items)
    assert any(i.missed_deadlines for i in items) and any(i.missed_months for i in items)
    assert any(i.subtasks for i in items)
    assert summary.notices and summary.inspections >= 3
    rect = stored_records(app, seed.code, "rectification")
    assert any(t.reopen_count for t in rect) and any(t.verification_failures for t in rect)
    # the watcher has already recorded everything up to today
    assert app.tick(TODAY).recorded == 0


def test_demo_is_deterministic(demo_years, tmp_path, seed):
    """Two builds record the same history: the same records, each with the same events in the same
    order (so the same items, states and versions) — the session's builds on SQLite and on
    PostgreSQL, or without PostgreSQL (outside CI) a second build on SQLite."""

    def history(app):
        return [(n.originator_id, n.originator_version, n.topic)
                for n in app.store.recorder.select_notifications(start=1, limit=10**7)]

    first = history(demo_years.get("sqlite").app)
    try:
        second = history(demo_years.get("postgres").app)
    except pytest.skip.Exception:
        clock = FixedClock(TODAY)
        app = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "b.sqlite3")},
                    clock=clock)
        try:
            build_demo(app, clock, seed, TODAY)
            second = history(app)
        finally:
            app.close()
    assert len(first) > 1000 and first == second
    items = {(i.number_label, i.status.value) for i in stored_items(demo_years.get("sqlite").app, seed.code)}
    assert {status for _, status in items} == {s.value for s in ItemStatus}  # a year with every state


@pytest.mark.stores("sqlite")  # the commands on a SQLite file: a copy of the session's demo year
def test_cli_on_the_demo_year_prints_the_ledger_and_tick_records_nothing_twice(demo, store_env, tmp_path,
                                                                                monkeypatch):
    """The commands an operator runs on a year of work (what `duban demo` itself prints is tested
    where the wheel runs it, tests/test_deployment.py)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    from duban.cli import main

    runner = CliRunner()
    db = store_env["SQLITE_DBNAME"]
    # a business day that has not come is refused before anything is opened or recorded
    tomorrow = (SystemClock().today() + timedelta(days=1)).isoformat()
    future = runner.invoke(main, ["--db", str(db), "tick", "--today", tomorrow])
    assert future.exit_code == 2 and "--today 不能晚于今天（北京时间" in future.output, future.output
    first = runner.invoke(main, ["--db", str(db), "tick", "--today", "2026-11-25"])
    second = runner.invoke(main, ["--db", str(db), "tick", "--today", "2026-11-25"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "逾期 0，未按月报送 0，通知逾期 0，整改逾期 0，自动催办 0" in second.output
    assert first.output != second.output
    ledger = runner.invoke(main, ["--db", str(db), "ledger", "--today", TODAY.isoformat(), "--open-only"])
    assert ledger.exit_code == 0 and "已办结销号" not in ledger.output.split("状态统计")[0]
    ranked = runner.invoke(main, ["--db", str(db), "ranking", "--period", "2026", "--scheme", "2026-v1",
                                  "--explain", "区司法局"])
    assert ranked.exit_code == 0, ranked.output
    assert "综合排名" in ranked.output and "区司法局：基础分 100" in ranked.output and "逾期未办结" in ranked.output
    rebuilt = runner.invoke(main, ["--db", str(db), "projections", "rebuild"])
    assert rebuilt.exit_code == 0 and "已重建：事件" in rebuilt.output, rebuilt.output
    again = runner.invoke(main, ["--db", str(db), "ledger", "--today", TODAY.isoformat(), "--open-only"])
    assert again.stdout == ledger.stdout  # the rebuilt ledger prints exactly as before (logs go to stderr)
    past = runner.invoke(main, ["--db", str(db), "ledger", "--as-of", "2026-06-30", "--today", TODAY.isoformat()])
    assert past.exit_code == 0 and "截至 2026-06-30" in past.output
    exported = runner.invoke(main, ["--db", str(db), "ledger", "--today", TODAY.isoformat(), "--closed-only",
                                    "--xlsx", str(tmp_path / "closed.xlsx")])
    assert exported.exit_code == 0 and "已导出" in exported.output, exported.output
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "closed.xlsx").active
    assert "已销号台账" in sheet["A1"].value
    statuses = {r[9] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert statuses and statuses <= {"已办结销号", "终止办理", "已完成"}, statuses  # 已完成: a sub-task
    rectified = runner.invoke(main, ["--db", str(db), "ledger", "--today", TODAY.isoformat(), "--rectifications",
                                     "--xlsx", str(tmp_path / "rect.xlsx")])
    assert rectified.exit_code == 0
    assert all(str(r[1]).startswith("整改") for r in load_workbook(tmp_path / "rect.xlsx").active.iter_rows(
        min_row=3, values_only=True))
    bad = runner.invoke(main, ["--db", str(db), "ranking", "--period", "2026-13"])
    assert bad.exit_code != 0 and "统计期间" in bad.output
    quarter = runner.invoke(main, ["--db", str(db), "bulletin", "--period", "2026-Q3", "--today", TODAY.isoformat(),
                                   "--out", str(tmp_path / "q3.docx")])
    assert quarter.exit_code == 0 and "已生成通报" in quarter.output, quarter.output
    from docx import Document

    assert Document(tmp_path / "q3.docx").paragraphs[0].text == "关于2026年第三季度督办事项办理情况的通报"
    year = runner.invoke(main, ["--db", str(db), "bulletin", "--year", "2026", "--today", TODAY.isoformat(),
                                "--out", str(tmp_path / "bulletins")])
    assert year.exit_code == 0 and "生成通报" in year.output, year.output  # the progress bar's label
    written = sorted(f.name for f in (tmp_path / "bulletins").iterdir())
    assert len(written) == 11 + 4 + 1  # January to November, four quarters, the year
    assert "汉阳区2026年第三季度督办事项办理情况通报.docx" in written
    assert (tmp_path / "bulletins" / "汉阳区2026年第三季度督办事项办理情况通报.docx").read_bytes() == \
        (tmp_path / "q3.docx").read_bytes()  # the same period gives the same document
    future = runner.invoke(main, ["--db", str(db), "bulletin", "--period", "2027-01", "--today", TODAY.isoformat()])
    assert future.exit_code != 0 and "尚未开始" in future.output


def test_cli_calendar_load_then_show(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from duban.cli import main

    schedule = tmp_path / "2027.txt"
    schedule.write_text("# 2027\n2027-01-01 休 元旦\n2027-02-06..2027-02-12 休 春节\n2027-02-14 班 春节调休\n",
                        encoding="utf-8")
    db = str(tmp_path / "cal.sqlite3")
    runner = CliRunner()
    loaded = runner.invoke(main, ["--db", db, "calendar", "load", str(schedule)])
    assert loaded.exit_code == 0, loaded.output
    assert "已载入2027年" in loaded.output
    shown = runner.invoke(main, ["--db", db, "calendar", "show", "2027"])
    assert "有官方数据" in shown.output and "02-14" in shown.output
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-13-01 休\nhello\n", encoding="utf-8")
    refused = runner.invoke(main, ["--db", db, "calendar", "load", str(bad)])
    assert refused.exit_code != 0 and "第1行" in refused.output and "第2行" in refused.output


@pytest.mark.parametrize("command", [[], ["demo"], ["tick"], ["calendar"], ["calendar", "load"], ["ledger"],
                                     ["ranking"], ["projections"], ["projections", "rebuild"],
                                     ["escalation"], ["escalation", "backtest"]])
def test_every_command_has_help(command):
    from duban.cli import main

    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_duban_setup_opens_a_district_with_its_first_administrator_on_an_empty_store(tmp_path, monkeypatch):
    """A new office starts here: district and administrator are recorded together or not at all."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = tmp_path / "office.sqlite3"
    from duban.cli import main

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--db", str(db), *args])

    weak = run("setup", "--district", "420111", "--name", "洪山区", "--admin", "hs-admin", "--password", "short")
    assert weak.exit_code == 1 and "密码至少8位" in weak.output
    bad = run("setup", "--district", "4201", "--name", "洪山区", "--admin", "hs-admin", "--password", "long-enough-1")
    assert bad.exit_code == 1 and "区划代码应为6位数字" in bad.output

    def opened() -> tuple[list[str], object]:
        app = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)})
        try:
            return [d.district for d in app.districts()], app.user("hs-admin")
        finally:
            app.close()

    assert opened() == ([], None)  # neither half of a refused set-up was recorded

    done = run("setup", "--district", "420111", "--name", "洪山区", "--admin", "hs-admin", "--password",
               "long-enough-1", "--admin-name", "洪山区督查室管理员")
    assert done.exit_code == 0 and "已开设洪山区（420111）" in done.output, done.output
    districts, admin = opened()
    assert districts == ["420111"] and admin.role is Role.ADMIN and admin.district == "420111"
    again = run("setup", "--district", "420111", "--name", "洪山区", "--admin", "hs-admin2", "--password",
                "long-enough-1")
    assert again.exit_code == 1 and "区划代码420111已开设" in again.output
    assert opened()[0] == ["420111"]
    # the office can now be given its accounts
    added = run("users", "add", "hs-office", "--role", "office", "--district", "420111", "--password", "long-enough-2")
    assert added.exit_code == 0, added.output
