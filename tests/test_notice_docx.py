"""The supervision notice as a Word document (督办通知 .docx): downloaded from the office's notice page,
laid out as the district's official-document template says (title 2号方正小标宋简体, body 3号仿宋_GB2312,
headings 黑体 / 楷体_GB2312, margins 37/35/28/26 mm, fixed 28 pt line spacing), with the number, the
task / responsibility / deadline lists as a table and the reply deadline."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from urllib.parse import unquote

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from web_world import web  # noqa: F401  (the fixture)

from documents.notice_docx import DOCX, chinese_date

TASKS = [
    {"task": "说明背街小巷整治逾期原因", "responsible": "张明（区住建局局长）", "deadline": date(2026, 3, 20)},
    {"task": "制定整改方案并明确完成节点", "responsible": "李华（分管副局长）", "deadline": date(2026, 4, 15)},
]
TITLE = "关于加快背街小巷整治的督办通知"


@pytest.fixture
def issued(web):  # noqa: F811
    item = web.item("整治背街小巷", lead="A", sign=True)
    notice = web.app.issue_notice(unit=web.world.unit_ids["A"], subject_kind="item", subject_id=item, title=TITLE,
                                  tasks=TASKS, actor=web.world.office)
    return item, notice


def _east_asia(run) -> str | None:
    fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _download(web, notice):  # noqa: F811
    answer = web.client("duchashi").get(f"/office/notices/{notice.id.hex}/document.docx")
    assert answer.status_code == 200, answer.text[:300]
    return answer, Document(BytesIO(answer.content))


def test_the_office_downloads_the_notice_as_a_word_document(web, issued):  # noqa: F811
    item, notice = issued
    answer, document = _download(web, notice)
    assert answer.headers["content-type"].startswith(DOCX)
    disposition = unquote(answer.headers["content-disposition"])
    assert f"{notice.number_label}督办通知.docx" in disposition
    assert re.fullmatch(r"督\w?〔2026〕\d+号", notice.number_label)

    texts = [p.text for p in document.paragraphs]
    assert notice.number_label in texts  # 发文字号, a line of its own
    assert TITLE in texts
    assert "区住建局：" in texts  # 主送机关
    body = "\n".join(texts)
    subject = web.app.readable_item(item, web.world.office)
    assert subject.number_label in body and "整治背街小巷" in body
    assert notice.reply_deadline > date(2026, 3, 2)
    assert f"于{chinese_date(notice.reply_deadline)}前" in body  # 书面回复时限
    assert "书面回复" in body
    assert texts[-1] == chinese_date(notice.issued_on) == "2026年3月2日"  # 成文日期
    assert texts[-2].endswith("人民政府督查室")  # 落款

    (table,) = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "任务内容", "责任人", "完成时限"]
    assert rows[1:] == [
        ["1", "说明背街小巷整治逾期原因", "张明（区住建局局长）", "2026年3月20日"],
        ["2", "制定整改方案并明确完成节点", "李华（分管副局长）", "2026年4月15日"],
    ]


def test_the_document_follows_the_official_document_template(web, issued):  # noqa: F811
    _, notice = issued
    _, document = _download(web, notice)

    (section,) = document.sections
    for side, mm in {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}.items():
        assert abs(getattr(section, side) - Mm(mm)) <= Mm(0.5), side
    assert abs(section.page_width - Mm(210)) <= Mm(0.5) and abs(section.page_height - Mm(297)) <= Mm(0.5)

    by_text = {p.text: p for p in document.paragraphs}
    (title,) = by_text[TITLE].runs
    assert (title.font.name, _east_asia(title), title.font.size) == ("方正小标宋简体", "方正小标宋简体", Pt(22))

    heading1 = by_text["一、任务清单、责任清单、时限清单"].runs[0]
    assert (heading1.font.name, _east_asia(heading1), heading1.font.size) == ("黑体", "黑体", Pt(16))
    heading2 = by_text["（一）书面回复时限"].runs[0]
    assert (heading2.font.name, _east_asia(heading2), heading2.font.size) == ("楷体_GB2312", "楷体_GB2312", Pt(16))

    body = [p for p in document.paragraphs if p.text.startswith("为推动")]
    assert body
    for paragraph in body + [by_text[notice.number_label], by_text["区住建局："]]:
        for run in paragraph.runs:
            assert (run.font.name, _east_asia(run), run.font.size) == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))
    assert body[0].paragraph_format.first_line_indent == Pt(32)  # 首行缩进二字

    for paragraph in document.paragraphs:  # every paragraph outside the table: 固定值 28 磅
        fmt = paragraph.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY, paragraph.text
        assert fmt.line_spacing == Pt(28), paragraph.text

    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"

    for row in document.tables[0].rows:  # the table names its fonts too
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                assert _east_asia(run) in ("黑体", "仿宋_GB2312") and run.font.name == _east_asia(run)

    footer = section.footer._element.xml  # page numbers (— 1 —) as a PAGE field
    assert "PAGE" in footer


def test_the_notice_page_links_the_word_document(web, issued):  # noqa: F811
    _, notice = issued
    page = web.client("duchashi").get(f"/office/notices/{notice.id.hex}")
    assert page.status_code == 200
    assert f'href="/office/notices/{notice.id.hex}/document.docx"' in page.text
    assert "下载督办通知（Word）" in page.text


@pytest.mark.parametrize("username, status", [("guanliyuan", 200), ("zhujianju", 403), ("quzhang", 403),
                                              ("jiwei", 403), ("other-office", 404)])
def test_only_the_districts_office_and_admin_download_it(web, issued, username, status):  # noqa: F811
    _, notice = issued
    answer = web.client(username).get(f"/office/notices/{notice.id.hex}/document.docx")
    assert answer.status_code == status
    if status != 200:
        assert not answer.content.startswith(b"PK")  # no document leaks out with the refusal


def test_a_title_longer_than_a_document_property_may_be_still_makes_a_document():
    """Word's package keeps at most 255 characters per property; a long notice title is cut there
    (with an ellipsis) in the properties and kept whole in the text."""
    from documents.official import new_document

    document = new_document(title_text="关于" + "加快推进" * 80 + "的督办通知", author="督查室", subject="督办通知",
                            keywords="督办", dated=date(2026, 3, 2))
    assert len(document.core_properties.title) == 255 and document.core_properties.title.endswith("…")
