"""The rules of a report the office owes (督查报告, 督查通报), given–when–then on the aggregate alone:
drafted at the period's end, edited by the office as often as it likes, issued once under a number
with what it prints frozen, never edited after; and the schedule of what is due on a day."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain_harness import event, given, when

from domain.actor import Actor, Role, system_actor
from domain.errors import NotAllowed
from domain.report_document import FreeText, ReportDocument, ReportKind, ReportStatus
from duban.application.reports import periods_ending

DISTRICT = "420105"
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district=DISTRICT)
UNIT = Actor(user="qingchuan", role=Role.UNIT, district=DISTRICT, unit=uuid4())
FRIDAY = date(2026, 9, 18)
PRINTED = {"meta": {"title_text": "t", "author": "a", "subject": "s", "keywords": "k", "dated": "2026-09-18"},
           "blocks": [{"block": "title", "text": "关于2026年第38周督查工作情况的报告"}]}
WORDS = FreeText(foreword="本周重点推进项目建设。", highlights="晴川街提前办结3件。", comments="请区长关注司法局逾期事项。")


def drafted() -> ReportDocument:
    return given(ReportDocument.draft(district=DISTRICT, kind=ReportKind.WEEKLY, period="2026-W38",
                                      period_last=FRIDAY, on=date(2026, 9, 19), actor=system_actor(DISTRICT)))


def issue(report: ReportDocument, number: int = 1) -> None:
    report.issue(year=2026, number=number, document=PRINTED, on=date(2026, 9, 21), actor=OFFICE)


def test_a_report_is_drafted_once_per_district_kind_and_period_after_the_period_ends():
    report = drafted()
    assert report.id == ReportDocument.id_for(DISTRICT, "weekly", "2026-W38")  # a restart finds it
    assert report.status is ReportStatus.DRAFT and report.free_text == FreeText()
    try:
        ReportDocument.draft(district=DISTRICT, kind=ReportKind.WEEKLY, period="2026-W38", period_last=FRIDAY,
                             on=date(2026, 9, 17), actor=OFFICE)
    except Exception as error:  # noqa: BLE001
        assert error.rule == "report.period_not_over"
    else:
        raise AssertionError("a week not over yet was drafted")


def test_given_a_draft_when_the_office_edits_it_then_its_words_are_recorded_and_it_is_edited():
    after = when(drafted(), lambda r: r.edit(WORDS, date(2026, 9, 21), OFFICE)).then(
        event("Edited", foreword="本周重点推进项目建设。", highlights="晴川街提前办结3件。"))
    assert after.status is ReportStatus.EDITED and after.free_text == WORDS


def test_given_a_draft_when_a_unit_edits_it_then_it_is_refused():
    when(drafted(), lambda r: r.edit(WORDS, date(2026, 9, 21), UNIT)).refused("role.not_allowed", NotAllowed)


def test_given_a_draft_when_a_text_is_too_long_then_it_is_refused_naming_the_part():
    when(drafted(), lambda r: r.edit(FreeText(comments="长" * 4001), date(2026, 9, 21), OFFICE)).refused(
        "report.text_too_long", field="comments")


def test_given_an_edited_draft_when_issued_then_it_is_numbered_and_what_it_prints_is_frozen():
    edited = given(drafted(), lambda r: r.edit(WORDS, date(2026, 9, 21), OFFICE))
    after = when(edited, lambda r: issue(r, 3)).then(event("Issued", number=3, label="督报〔2026〕3号", document=PRINTED))
    assert after.status is ReportStatus.ISSUED and after.document == PRINTED and after.issued_on == date(2026, 9, 21)


def test_given_an_issued_report_when_edited_or_issued_again_then_both_are_refused():
    issued = given(drafted(), issue)
    when(issued, lambda r: r.edit(WORDS, date(2026, 9, 22), OFFICE)).refused("report.issued")
    when(issued, lambda r: issue(r, 2)).refused("report.issued")


def test_given_a_draft_when_issued_with_nothing_to_print_then_it_is_refused():
    when(drafted(), lambda r: r.issue(year=2026, number=1, document={"meta": {}, "blocks": []}, on=date(2026, 9, 21),
                                      actor=OFFICE)).refused("report.empty")


def test_bulletins_are_numbered_in_their_own_register():
    bulletin = given(ReportDocument.draft(district=DISTRICT, kind=ReportKind.MONTHLY, period="2026-09",
                                          period_last=date(2026, 9, 30), on=date(2026, 10, 1), actor=OFFICE))
    when(bulletin, lambda r: issue(r, 1)).then(event("Issued", label="督通〔2026〕1号"))


def test_what_is_due_when_a_period_ends():
    assert periods_ending(FRIDAY) == [(ReportKind.WEEKLY, "2026-W38", FRIDAY)]
    assert periods_ending(date(2026, 9, 17)) == []
    assert [k for k, _, _ in periods_ending(date(2026, 6, 30))] == [ReportKind.MONTHLY, ReportKind.QUARTERLY,
                                                                    ReportKind.HALF_YEAR]
    assert [(k, p) for k, p, _ in periods_ending(date(2026, 12, 31))] == [
        (ReportKind.MONTHLY, "2026-12"), (ReportKind.QUARTERLY, "2026-Q4"), (ReportKind.YEAR_END, "2026")]
    assert [(k, p) for k, p, _ in periods_ending(date(2027, 4, 30))] == [(ReportKind.WEEKLY, "2027-W17"),
                                                                       (ReportKind.MONTHLY, "2027-04")]
