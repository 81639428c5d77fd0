"""Free text and control characters (issue 10, point 6).

One ``\\x0b`` (Word's soft line break) in a title made the ledger .xlsx, the notice .docx and the
referral dossier .docx answer 500 for everyone.  Two lines of defence: every text a command records
is cleaned on the way in (line breaks made plain, other control characters refused with the rule
``text.control_character``), and every document writer drops what XML cannot hold, for events
recorded before.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from builders import DistrictBuilder, refused
from checks import case_file
from docx import Document
from openpyxl import Workbook, load_workbook
from web_world import web  # noqa: F401  (the fixture)

import domain.base
from documents.dossier_docx import dossier_document
from documents.item_import import read_items
from documents.ledger_xlsx import LedgerSheet, ledger_workbook
from documents.notice_docx import notice_document
from documents.xml_text import xml_text
from domain.actor import Actor, Role
from domain.errors import InvalidInput
from domain.sources import SourceKind
from domain.text import RULE, clean_text
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

TODAY = date(2026, 3, 2)
DECIDED = date(2026, 2, 27)


def _world(app):
    return DistrictBuilder(app).units(A="区住建局").leaders(HEAD="district_head").place(A="HEAD").build()


def _register(app, world, **fields):
    values = dict(source=SourceKind.EXECUTIVE_MEETING, reference="区政府第3次常务会议", decision_date=DECIDED,
                  title="整治背街小巷", deadline=date(2026, 4, 30), actor=world.office)
    values.update(fields)
    return app.register_item(**values)


# -- the rule itself ---------------------------------------------------------------------------------
def test_line_breaks_become_plain_and_one_line_fields_get_spaces():
    assert clean_text("第一段\x0b第二段\r\n第三段\r第四段\x0c第五段\u2028第六段\u2029第七段", "description") == \
        "第一段\n第二段\n第三段\n第四段\n第五段\n第六段\n第七段"
    assert clean_text("整治\x0b背街小巷", "title") == "整治 背街小巷"
    assert clean_text("整治 \r\n\t 背街\n小巷", "title") == "整治 背街 小巷"
    assert clean_text("列一\t列二\n", "text") == "列一\t列二\n"  # tab and newline are kept in running text
    unchanged = "改造月湖片区口袋公园（一期）"
    assert clean_text(unchanged, "title") is unchanged


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\uffff"])
def test_other_control_characters_are_refused_naming_the_field(character):
    with pytest.raises(InvalidInput) as refusal:
        clean_text(f"整治{character}背街小巷", "title")
    assert (refusal.value.rule, refusal.value.field) == (RULE, "title") == ("text.control_character", "title")
    assert "“标题”" in refusal.value.message and f"U+{ord(character):04X}" in refusal.value.message


# -- at input: every command, through the service ---------------------------------------------------
def test_an_item_registered_with_a_soft_line_break_is_recorded_clean(app):
    world = _world(app)
    item = _register(app, world, title="整治\x0b背街小巷", reference="区政府第3次\u2028常务会议",
                     description="第一段\x0b第二段\r\n第三段")
    stored = app.item(item.id, world.office)
    assert (stored.title, stored.reference, stored.description) == (
        "整治 背街小巷", "区政府第3次 常务会议", "第一段\n第二段\n第三段")
    # nested text (a sub-task's title, a notice's task list) and later commands are cleaned alike
    app.assign_item(item.id, world.unit_ids["A"], [], world.office)
    app.split_item(item.id, [{"unit": world.unit_ids["A"], "title": "摸底\x0b调查", "deadline": date(2026, 4, 1)}],
                   world.office)
    app.sign_for_item(item.id, world.unit("A"))
    app.report_item_progress(item.id, 30, "已完成\x0b摸底\r\n正在施工", world.unit("A"))
    stored = app.item(item.id, world.office)
    assert stored.subtasks["S1"]["title"] == "摸底 调查"
    assert stored.reports[-1]["text"] == "已完成\n摸底\n正在施工"


def test_a_control_character_is_refused_with_its_rule_and_field_and_nothing_is_recorded(app):
    world = _world(app)
    with refused(world, InvalidInput, "text.control_character") as refusal:
        _register(app, world, title="整治\x01背街小巷")
    assert refusal.value.field == "title" and "“标题”" in refusal.value.message
    item = _register(app, world)
    app.assign_item(item.id, world.unit_ids["A"], [], world.office)
    app.sign_for_item(item.id, world.unit("A"))
    with refused(world, InvalidInput, "text.control_character", item=item.id) as refusal:
        app.report_item_progress(item.id, 30, "已完成\x07摸底", world.unit("A"))
    assert refusal.value.field == "text"
    with refused(world, InvalidInput, "text.control_character", item=item.id) as refusal:
        app.urge_item(item.id, "请抓紧\x1b办理", world.office)  # the escalation ladder's events too
    assert refusal.value.field == "note"
    with refused(world, InvalidInput, "text.control_character") as refusal:
        app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item.id, title="督办通知",
                         tasks=[{"task": "说明\x02原因", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                         actor=world.office)
    assert refusal.value.field == "tasks"


@pytest.mark.stores("sqlite")  # a web test (the module's rules run in memory)
def test_the_api_cleans_a_soft_line_break_and_refuses_a_control_character(web):  # noqa: F811
    office = web.client("duchashi")
    headers = web.csrf_headers(office)
    body = {"source": "executive_meeting", "reference": "区政府第3次常务会议", "decision_date": "2026-02-27",
            "deadline": "2026-04-30"}
    created = office.post("/api/items", headers=headers, json={**body, "title": "整治\u000b背街小巷"})
    assert created.status_code == 201, created.text
    assert office.get(f"/api/items/{created.json()['id']}").json()["title"] == "整治 背街小巷"
    answer = office.post("/api/items", headers=headers, json={**body, "title": "整治\u0001背街小巷"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert (error["rule"], error["field"]) == ("text.control_character", "title") and "标题" in error["message"]


def test_an_imported_row_is_cleaned_like_a_command_and_a_control_character_is_an_error_on_its_cell():
    book = Workbook()
    sheet = book.active
    sheet.append(["事项来源", "来源依据", "决策日期", "督办事项", "事项内容", "牵头单位"])
    sheet.append(["区政府常务会议", "第3次\u2028常务会议", DECIDED, "整治\u2029背街小巷", "第一段\r\n第二段", "区住建局"])
    sheet.append(["区政府常务会议", "第3次常务会议", DECIDED, "修缮\x7f学校", "", "区住建局"])
    data = BytesIO()
    book.save(data)
    plan = read_items(data.getvalue(), {"区住建局": domain.base.stable_id("unit", "A")})
    assert len(plan.rows) == 1
    row = plan.rows[0]
    assert (row.reference, row.title, row.description) == ("第3次 常务会议", "整治 背街小巷", "第一段\n第二段")
    assert plan.messages() == ["第3行 D列（督办事项）：“督办事项”中含有不能保存的控制字符（U+007F），请删除后重新填写"]


# -- on export: what was recorded before still exports --------------------------------------------------
@pytest.mark.stores("sqlite", "postgres")  # needs a real store: the documents read the read models
def test_an_item_recorded_with_a_raw_soft_line_break_still_exports_to_xlsx_and_docx(app, monkeypatch):
    """Events recorded before commands cleaned their text hold the raw characters: every document
    written from them drops what XML cannot hold instead of failing."""
    world = _world(app)
    raw = "整治\x0b背街\x01小巷"
    with monkeypatch.context() as patched:  # as recorded before the fix: no cleaning on the way in
        patched.setattr(domain.base, "clean_fields", lambda fields: fields, raising=False)
        item = _register(app, world, title=raw, reference="区政府第3次\x0b常务会议", description="第一段\x0b第二段")
        app.assign_item(item.id, world.unit_ids["A"], [], world.office)
        app.sign_for_item(item.id, world.unit("A"))
        app.report_item_progress(item.id, 30, "已完成\x0c摸底", world.unit("A"))
        notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item.id,
                                  title="关于\x0b督办的通知",
                                  tasks=[{"task": "说明\x0b原因", "responsible": "局\x0b长", "deadline": date(2026, 3, 20)}],
                                  actor=world.office)
        app.propose_referral(item.id, "长期\x0b不反馈", world.office)
        app.decide_referral(item.id, True, "同意\x0b移交", world.leader("HEAD"))
    assert app.item(item.id, world.office).title == raw  # really recorded raw
    expected = "整治\n背街小巷"

    read_side = ReadSide(app.store)
    read_side.catch_up()
    rows = LedgerQueries(read_side.read_models, app.calendar()).rows(world.district, TODAY, kinds=("item",))
    data = ledger_workbook(rows, LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=TODAY))
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["D3"].value == expected and sheet["M3"].value == "区政府第3次\n常务会议"

    found = app.item(item.id, world.office)
    document = Document(BytesIO(notice_document(
        notice, district_name="汉阳区", unit_name="区住建局", subject_label=f"{found.number_label}“{found.title}”")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"“{expected}”" in text and "关于\n督办的通知" in text
    assert "说明\n原因" in [c.text for c in document.tables[0].rows[1].cells]

    case, notices = case_file(app, item.id, Actor("jiwei", Role.DISCIPLINE, world.district))
    dossier = app.referral_dossier(case, notices)
    document = Document(BytesIO(dossier_document(dossier, lead_unit="区住建局", produced_on=TODAY, records={})))
    assert any(f"“{expected}”" in p.text for p in document.paragraphs)
    assert document.core_properties.title.endswith("移交材料")


def test_xml_text_drops_what_xml_cannot_hold_and_keeps_the_rest():
    assert xml_text("整治\x0b背街\x0c小巷") == "整治\n背街\n小巷"
    assert xml_text("a\x00b\x01c\x1fd\ud800e\ufffef") == "abcdef"
    kept = "列一\t列二\n第二行\r（一）"
    assert xml_text(kept) is kept
