"""Reports drafted on schedule, edited and issued (issue 16, point 2), on both stores: the worker's
daily job drafts September's bulletin once; the office writes its foreword and issues it; issuing
numbers it in the bulletins' register and freezes what it prints, so the Word file produced again
after more events (a unit renamed, which a fresh bulletin would print) is the same, byte for byte."""

from __future__ import annotations

import time
from datetime import date
from io import BytesIO
from uuid import UUID

import pytest
from docx import Document

from documents.blocks import render
from documents.bulletin_docx import bulletin_blocks
from domain.actor import Actor, Role
from domain.leadership import LeaderTitle
from domain.push_channels import ChannelKind
from domain.errors import DomainError
from domain.report_document import ReportDocument, ReportStatus
from projections.queries import ReadQueries
from projections.ranking import latest_scheme

FOREWORD = "十月，全区督查工作聚焦项目建设和民生实事。"


def _text(docx: bytes) -> str:
    document = Document(BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.slow
def test_a_drafted_bulletin_edited_and_issued_is_numbered_frozen_and_the_same_after_more_events(demo, seed):
    app, read_side = demo
    read_side.catch_up()
    office = Actor(user="duchashi", role=Role.OFFICE, district=seed.code)

    # the day after September's last day the worker drafts its bulletins; a restart drafts nothing again
    made = app.draft_due_reports(seed.code, date(2026, 9, 30), date(2026, 10, 1))
    assert [(r.kind.value, r.period) for r in made] == [("monthly", "2026-09"), ("quarterly", "2026-Q3")]
    assert app.draft_due_reports(seed.code, date(2026, 9, 30), date(2026, 10, 2)) == []
    report_id = made[0].id
    read_side.catch_up()
    listed = {r.report_id: r for r in ReadQueries(read_side.read_models).reports.page(seed.code).rows}
    assert (listed[report_id.hex].period, listed[report_id.hex].status) == ("2026-09", ReportStatus.DRAFT)

    app.edit_report(report_id, office, foreword=FOREWORD, comments="各单位要对照通报逐项整改。")
    # the district head's post has a 企业微信 robot: the issued bulletin is sent there (issue 16, point 2)
    [head] = [leader for leader in app.leaders(seed.code) if leader.title is LeaderTitle.DISTRICT_HEAD]
    app.configure_push_channel(ChannelKind.WECOM, f"leader:{head.id.hex}",
                               {"webhook": "http://127.0.0.1:9/cgi-bin/webhook/send?key=head"}, office)
    issued = app.issue_report(report_id, office)
    assert issued.number_label == "督通〔2026〕1号" and issued.status is ReportStatus.ISSUED
    frozen = app.report_docx(app.report_document(report_id, office))
    words = _text(frozen)
    assert FOREWORD in words and "督通〔2026〕1号" in words and "2026年9月" in words
    with pytest.raises(DomainError) as refused:
        app.edit_report(report_id, office, foreword="改一改")
    assert refused.value.rule == "report.issued"
    read_side.catch_up()
    told = [m for m in ReadQueries(read_side.read_models).messages.messages(seed.code, f"leader:{head.id.hex}")
            if m.subject_id == report_id.hex]
    assert [(m.rule, m.number, m.text, m.link) for m in told] == [
        ("document_issued", "督通〔2026〕1号", "2026年9月月度督查通报已印发（督通〔2026〕1号），请审阅。", "/leader/reports")]
    reminder = app.reminder(UUID(told[0].reminder_id), Actor(user="quzhang", role=Role.LEADER, district=seed.code,
                                                             leader=head.id))
    assert reminder.channels, "sent on the head's push channel"
    row = ReadQueries(read_side.read_models).reports.page(seed.code, issued_only=True).rows[0]
    assert (row.number_label, row.issued_on, row.status) == ("督通〔2026〕1号", date(2026, 11, 24),
                                                            ReportStatus.ISSUED)

    # more events: a unit the bulletin names is renamed; a bulletin built now would print the new name
    fresh_facts = ReadQueries(read_side.read_models).bulletins.bulletin(seed.code, "汉阳区", "2026-09",
                                                                        latest_scheme(), date(2026, 11, 24))
    named = fresh_facts.ranking[0]
    app.rename_unit(app.unit_by_code(seed.code, next(u.code for u in seed.units if u.name == named.unit_name)).id,
                    "新更名的单位", office, on=date(2026, 11, 24))
    read_side.catch_up()
    renamed = ReadQueries(read_side.read_models).bulletins.bulletin(seed.code, "汉阳区", "2026-09",
                                                                    latest_scheme(), date(2026, 11, 24))
    assert "新更名的单位" in _text(render(bulletin_blocks(renamed)))
    again = app.report_docx(app.report_document(report_id, office))
    assert again == frozen and "新更名的单位" not in _text(again)
    # the number is the register's: the next bulletin issued takes the next one (October's, drafted
    # by the demo's worker already: drafting it again answers the same draft)
    second = app.draft_report("monthly", "2026-10", office)
    assert second.drafted_on == date(2026, 11, 1)
    assert app.issue_report(second.id, office).number_label == "督通〔2026〕2号"
    assert isinstance(app.report_document(second.id, office), ReportDocument)


def test_the_workers_daily_watch_drafts_the_weekly_report_once_across_restarts(app, clock, store_env):
    from builders import DistrictBuilder

    from domain.errors import NotFound
    from duban.application import Duban
    from duban.clock import FixedClock
    from duban.worker import Worker

    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局").build()
    office = Actor(user="duchashi", role=Role.OFFICE, district=world.district)
    day = FixedClock(date(2026, 3, 10))
    weekly = ReportDocument.id_for(world.district, "weekly", "2026-W11")  # 3月9日至3月13日

    def run_worker() -> None:
        service = Duban(env=store_env, clock=day)
        worker = Worker(service, standby_seconds=0.1).start()
        try:
            deadline = time.monotonic() + 20
            while service.days_to_watch(world.district, day.today()):
                assert time.monotonic() < deadline, "the worker did not watch the days"
                time.sleep(0.05)
        finally:
            worker.stop()
            service.close()

    run_worker()
    with pytest.raises(NotFound):  # Tuesday: no period has ended since the first watch
        app.report_document(weekly, office)
    day.day = date(2026, 3, 14)  # down over Friday: the Saturday's watch drafts the week that ended
    run_worker()
    drafted = app.report_document(weekly, office)
    assert (drafted.period, drafted.drafted_on, drafted.version) == ("2026-W11", date(2026, 3, 14), 1)
    # a worker stopped after drafting but before the day was marked watched drafts nothing again
    assert app.draft_due_reports(world.district, date(2026, 3, 13), date(2026, 3, 14)) == []
    assert app.report_document(weekly, office).version == 1
