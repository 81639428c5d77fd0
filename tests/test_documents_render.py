"""The documents as a reader sees them: each opens in LibreOffice with nothing to say, converts to PDF
and renders to page images, and the rendered text shows the right title, lists and table rows.

Skips loudly without LibreOffice and poppler (fails under CI=true); see tests/renderer.py."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from renderer import render, require_renderer
from checks import case_file
from test_bulletin import SCHEME, march_in_the_district
from web_world import web  # noqa: F401  (the fixture)

from documents.bulletin_docx import bulletin_document
from documents.ledger_xlsx import LedgerSheet, ledger_workbook
from documents.notice_docx import notice_document

TASKS = [
    {"task": "说明背街小巷整治逾期原因", "responsible": "区住建局局长", "deadline": date(2026, 3, 20)},
    {"task": "制定整改方案并明确完成节点", "responsible": "分管副局长", "deadline": date(2026, 4, 15)},
]


@pytest.fixture(autouse=True)
def _renderer():
    require_renderer()  # before the district is built: a machine without LibreOffice skips at once


def _printed(shown) -> None:
    """Every page came out with something on it, and LibreOffice raised nothing about the file."""
    assert shown.messages == [], f"LibreOffice said: {shown.messages}"
    assert shown.pages, "no page rendered"
    for number, page in enumerate(shown.pages, start=1):
        assert page.width > page.height * 0.6, "pages are A4-shaped"
        assert page.inked > 0.0008, f"page {number} rendered blank (or only its page number)"


def test_the_supervision_notice_renders_with_its_number_title_and_task_table(web, tmp_path):  # noqa: F811
    item = web.item("整治背街小巷", lead="A", sign=True)
    notice = web.app.issue_notice(unit=web.world.unit_ids["A"], subject_kind="item", subject_id=item,
                                  title="关于加快背街小巷整治的督办通知", tasks=TASKS, actor=web.world.office)
    data = notice_document(notice, district_name="汉阳区", unit_name="区住建局", subject_label="督〔2026〕1号“整治背街小巷”")
    shown = render(data, ".docx", tmp_path, keep_as="notice")
    _printed(shown)
    lines = shown.lines
    assert lines[0] == notice.number_label
    assert "关于加快背街小巷整治的督办通知" in shown.words
    assert "区住建局：" in lines
    assert "序号任务内容责任人完成时限" in lines  # the table's header row, its cells side by side
    # each task's row: its number, the task (which may wrap within its cell), who, and the date on one line
    assert any(l.startswith("1说明背街小巷") and l.endswith("区住建局局长2026年3月20日") for l in lines)
    assert any(l.startswith("2制定整改方案") and l.endswith("分管副局长2026年4月15日") for l in lines)
    assert "说明背街小巷整治逾期原" in shown.words and "制定整改方案并明确完成" in shown.words
    assert "一、任务清单、责任清单、时限清单" in lines and "（一）书面回复时限" in lines
    assert lines[-2:] == ["区人民政府督查室", "2026年3月2日"] or lines[-3:-1] == ["区人民政府督查室", "2026年3月2日"]


def test_the_bulletin_renders_with_its_title_sections_and_tables(web, tmp_path):  # noqa: F811
    march_in_the_district(web)
    facts = web.reads().bulletins.bulletin(web.world.district, "汉阳区", "2026-03", SCHEME, date(2026, 4, 2))
    shown = render(bulletin_document(facts), ".docx", tmp_path, keep_as="bulletin")
    _printed(shown)
    lines = shown.lines
    assert "关于2026年3月督办事项办理情况的通报" in shown.words
    for heading in ("一、总体情况", "二、各单位办理情况", "三、综合排名", "四、通报激励", "五、通报批评",
                    "六、逾期未办结事项", "七、工作要求"):
        assert heading in lines, heading
    assert "状态件数" in lines and "办理中2" in lines and "合计3" in lines
    assert "1区住建局110100.0%0" in lines  # the units' table row by row
    assert "3区城管局100—1" in lines
    assert "1.区住建局：督〔2026〕1号“改造月湖片区口袋公园”（2026年3月20日）。" in shown.words
    assert "督〔2026〕2号整治背街小巷环境2026年3月10日15" in lines  # overdue, by unit
    assert "名次单位得分备注" in lines
    first = facts.ranking[0]
    assert first.unit_name == "区住建局" and f"1区住建局{first.score:g}" in lines  # the ranking table's first row


def test_the_ledger_workbook_renders_with_its_title_and_header_row(web, tmp_path):  # noqa: F811
    web.item("改造月湖片区口袋公园", lead="A", co=["B"])
    web.item("整治背街小巷环境", lead="C")
    rows = web.reads().ledger.rows(web.world.district, date(2026, 3, 2), kinds=("item",))
    data = ledger_workbook(rows, LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=date(2026, 3, 2)))
    assert load_workbook(BytesIO(data)).active.max_row == 4
    shown = render(data, ".xlsx", tmp_path, keep_as="ledger")
    _printed(shown)
    assert "汉阳区督办事项台账（截至2026年3月2日）" in shown.words
    assert "序号编号事项来源督办事项牵头单位协办单位分管领导办理时限" in shown.words
    assert "改造月湖片区口袋公园" in shown.words and "晴川街" in shown.words


def test_the_referral_dossier_renders_with_its_history_and_code(web, tmp_path):  # noqa: F811
    from datetime import date as day

    from documents.dossier_docx import dossier_document
    from domain.actor import Actor, Role
    from projections.dossier import referral_dossier

    app, world = web.app, web.world
    item = web.item("违规发放拆迁补贴问题", lead="A", sign=True, deadline=day(2026, 3, 20))
    app.clock.day = day(2026, 3, 23)
    app.tick()
    app.urge_item(item, "请抓紧办理", world.office)
    app.criticise_item(item, "逾期未办结", world.office, document="汉督通报〔2026〕3号")
    app.propose_referral(item, "长期推诿，问题严重", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V1", user="fuquzhang"))
    found, notices = case_file(app, item, Actor("jiwei", Role.DISCIPLINE, world.district))
    dossier = referral_dossier(app.store, found, notices)
    data = dossier_document(dossier, lead_unit="区住建局", produced_on=day(2026, 3, 23), records={})
    shown = render(data, ".docx", tmp_path, keep_as="dossier")
    _printed(shown)
    assert f"关于{found.number_label}“违规发放拆迁补贴问题”的移交材料" in shown.words
    for heading in ("一、基本情况", "二、已发文书", "三、办理全过程", "四、证明材料", "五、校验码"):
        assert heading in shown.lines, heading
    assert "牵头单位区住建局" in shown.lines
    assert "通报批评汉督通报〔2026〕3号逾期未办结2026年3月23日" in shown.lines
    assert f"校验码：{dossier.code.short}" in shown.lines
    history = [line for line in shown.lines if line[:10] in ("2026-03-02", "2026-03-23")]
    assert len(history) == len(dossier.entries)  # one row per event, its date on one line
    assert any(line.startswith("2026-03-23催办督查室") for line in history)
