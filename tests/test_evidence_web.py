"""Evidence files on the pages and in the API: a unit attaches a photo and a PDF to its completion
report, the office sees and downloads them when it verifies, nobody else gets them; a program renamed
to a photo and files over the limits are refused in Chinese with nothing recorded; the referral
dossier lists every file with its SHA-256.  On both stores."""

from __future__ import annotations

import hashlib
import html
import io
import re
import uuid
from datetime import date
from urllib.parse import quote

from builders import events_recorded
from checks import case_file
from evidence_samples import EXE, JPEG, PDF, PNG
from web_world import web  # noqa: F401  (the fixture)

from domain.evidence import MB, EvidenceLimits
from web.headers import CONTENT_SECURITY_POLICY

ACCEPT = 'accept="image/*,.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.dps"'
LINK = re.compile(r'<a href="(/files/[0-9a-f]{32}/[0-9a-f]{64})">([^<]+)</a>')


def complete_with(web, item, *files, summary="口袋公园已建成开放", username="zhujianju"):
    client = web.client(username)
    return client.post(f"/unit/items/{item.hex}/completion", data=web.form(client, summary=summary),
                       files=[("attachments", f) for f in files], follow_redirects=False)


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<span class="field-error" role="alert" data-field="{name}">([^<]*)</span>', page)
    return html.unescape(found[1]) if found else ""


def _page(text: str) -> str:
    return re.sub(r'name="_csrf_token" value="[^"]*"', "", text)


def files_on(page: str) -> dict[str, str]:
    """name -> download link, as a page lists a record's files."""
    return {html.unescape(name): href for href, name in LINK.findall(page)}


def test_the_office_sees_and_downloads_the_files_of_a_completion_report_others_get_404(web):
    item = web.item("改造月湖片区口袋公园", lead="A", co=["B"], sign=True)
    form = web.client("zhujianju").get(f"/unit/items/{item.hex}").text
    completion = form.split(f'action="/unit/items/{item.hex}/completion"', 1)[1].split("</form>", 1)[0]
    assert completion.startswith(' enctype="multipart/form-data"')
    assert f'<input type="file" name="attachments" multiple {ACCEPT}>' in completion

    answer = complete_with(web, item, ("验收现场照片.jpg", JPEG, "image/jpeg"), ("验收报告.pdf", PDF, "application/pdf"))
    assert answer.status_code == 303, answer.text[:300]

    # the unit's own page lists what it sent, with sizes
    unit_page = web.client("zhujianju").get(answer.headers["location"]).text
    assert set(files_on(unit_page)) == {"验收现场照片.jpg", "验收报告.pdf"}
    assert f"{len(PDF) / 1024:.1f} KB" in unit_page

    # the office verifies: the completion report shows its files beside the sign-off
    office = web.client("duchashi")
    page = office.get(f"/office/items/{item.hex}").text
    report = page.split("<h3>办结报告</h3>", 1)[1].split("<h3>", 1)[0]
    links = files_on(report)
    assert set(links) == {"验收现场照片.jpg", "验收报告.pdf"} and "证明材料（2份）" in report
    assert "办结销号" in page and 'name="attachments"' in page.split('action-sign-off', 1)[1].split("</form>", 1)[0]

    pdf = office.get(links["验收报告.pdf"])
    assert (pdf.status_code, pdf.content) == (200, PDF)
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.headers["content-disposition"] == (
        f"attachment; filename=\"download.pdf\"; filename*=UTF-8''{quote('验收报告.pdf')}")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    photo = office.get(links["验收现场照片.jpg"])
    assert (photo.status_code, photo.content, photo.headers["content-type"]) == (200, JPEG, "image/jpeg")
    assert photo.headers["content-disposition"].startswith("inline; ")  # a photo opens in place

    # who may read the item gets its files: the co-unit, the leader in charge, the district head
    for username in ("qingchuan", "fuquzhang", "quzhang"):
        assert web.client(username).get(links["验收报告.pdf"]).content == PDF, username
    # anyone else gets exactly what a missing file gets
    sha = links["验收报告.pdf"].rsplit("/", 1)[1]
    for username in ("chengguan", "fuquzhang2", "jiwei", "other-office", "other-unit"):
        client = web.client(username)
        refused, missing = client.get(links["验收报告.pdf"]), client.get(f"/files/{uuid.uuid4().hex}/{sha}")
        assert (refused.status_code, _page(refused.text)) == (404, _page(missing.text)), username
        assert "没有这份证明材料" in refused.text and "验收报告" not in refused.text
        api, api_missing = client.get("/api" + links["验收报告.pdf"]), client.get(f"/api/files/{uuid.uuid4()}/{sha}")
        assert api.status_code == 404 and api.json() == api_missing.json(), username
        assert api.json()["error"]["rule"] == "evidence.not_found"
    # the API serves it too, and its history names the files with their links
    assert web.client("zhujianju").get("/api" + links["验收报告.pdf"]).content == PDF
    (step,) = [e for e in office.get(f"/api/items/{item}/timeline").json() if e["what"] == "报告办结"]
    assert [(f["name"], f["size"], f["content_type"], f["href"]) for f in step["files"]] == [
        ("验收现场照片.jpg", len(JPEG), "image/jpeg", f"/api/files/{item}/{hashlib.sha256(JPEG).hexdigest()}"),
        ("验收报告.pdf", len(PDF), "application/pdf", f"/api/files/{item}/{sha}")]


def test_a_renamed_program_is_refused_in_chinese_and_nothing_is_recorded(web):
    item = web.item("改造月湖片区口袋公园", lead="A", sign=True)
    before = events_recorded(web.app)
    answer = complete_with(web, item, ("验收现场照片.jpg", JPEG, "image/jpeg"), ("验收照片.jpg", EXE, "image/jpeg"))
    assert answer.status_code == 422
    message = field_error(answer.text, "attachments")
    assert message.startswith("文件“验收照片.jpg”不是可接受的证明材料类型。请上传照片（JPEG、PNG、HEIC、WebP）、PDF")
    assert "本次未保存任何内容" in message and "验收现场照片.jpg" not in message
    assert "口袋公园已建成开放</textarea>" in answer.text  # what was typed stays
    assert "未保存，请重新选择文件" in answer.text
    assert events_recorded(web.app) == before
    assert web.app.files.size(hashlib.sha256(JPEG).hexdigest()) is None  # not even the good photo was kept
    # the API's upload answers the same refusal in its shape
    client = web.client("zhujianju")
    api = client.post("/api/files", files={"files": ("验收照片.jpg", EXE, "image/jpeg")}, headers=web.csrf_headers(client))
    assert api.status_code == 422
    assert api.json()["error"]["rule"] == "evidence.type_not_accepted" and api.json()["error"]["field"] == "files"
    assert "文件“验收照片.jpg”不是可接受的证明材料类型" in api.json()["error"]["message"]
    assert web.app.files.size(hashlib.sha256(EXE).hexdigest()) is None


def test_files_over_the_limits_are_refused_and_nothing_is_recorded(web):
    item = web.item("改造月湖片区口袋公园", lead="A", sign=True)
    web.app.evidence_limits = EvidenceLimits(file_bytes=MB, step_bytes=MB + MB // 2)
    before = events_recorded(web.app)
    big = complete_with(web, item, ("扫描件.pdf", PDF + b"0" * int(1.2 * MB), "application/pdf"))
    assert big.status_code == 422
    assert field_error(big.text, "attachments").startswith("文件“扫描件.pdf”大小为1.2 MB，超过单个文件1 MB的上限")
    part = PDF + b"1" * int(0.8 * MB)
    two = complete_with(web, item, ("一.pdf", part, "application/pdf"), ("二.pdf", part, "application/pdf"))
    assert two.status_code == 422
    assert field_error(two.text, "attachments").startswith("本次所附2个文件共1.6 MB，超过每次报送1.5 MB的上限")
    assert events_recorded(web.app) == before
    client = web.client("zhujianju")
    api = client.post("/api/files", files=[("files", ("一.pdf", part, "application/pdf")),
                                           ("files", ("二.pdf", part, "application/pdf"))],
                      headers=web.csrf_headers(client))
    assert (api.status_code, api.json()["error"]["rule"]) == (422, "evidence.step_too_large")
    assert web.app.files.size(hashlib.sha256(part).hexdigest()) is None


def test_a_body_over_the_upload_limit_is_refused_as_it_arrives():
    """The routes taking files refuse a larger body before reading it (413), in Chinese."""
    from litestar import Litestar, Request, post
    from litestar.testing import TestClient

    from web.uploads import too_large

    @post(["/api/upload", "/upload"], request_max_body_size=1000, exception_handlers={413: too_large})
    async def upload(request: Request) -> dict:
        await request.body()
        return {}

    with TestClient(Litestar([upload])) as client:
        answer = client.post("/api/upload", content=b"x" * 5000)
    assert answer.status_code == 413
    assert answer.json()["error"]["rule"] == "evidence.step_too_large"
    assert "超过每次报送100 MB的上限" in answer.json()["error"]["message"]


def test_the_api_uploads_then_cites_on_one_validation_path(web):
    item = web.item("改造月湖片区口袋公园", lead="A", sign=True)
    client, office = web.client("zhujianju"), web.client("duchashi")
    stored = client.post("/api/files", files=[("files", ("现场.png", PNG, "image/png")),
                                              ("files", ("报告.pdf", PDF, "application/octet-stream"))],
                         headers=web.csrf_headers(client))
    assert stored.status_code == 201, stored.text
    assert [(f["name"], f["size"], f["content_type"]) for f in stored.json()["files"]] == [
        ("现场.png", len(PNG), "image/png"), ("报告.pdf", len(PDF), "application/pdf")]  # by content, not as sent
    cited = [{"name": "验收现场.png", "sha256": stored.json()["files"][0]["sha256"]}]
    done = client.post(f"/api/items/{item}/completion", json={"summary": "已完成", "attachments": cited},
                       headers=web.csrf_headers(client))
    assert done.status_code == 200, done.text
    # a hash never uploaded is refused, and so is an upload by a role that attaches nothing
    never = office.post(f"/api/items/{item}/sign-off", json={"attachments": [{"name": "核查.jpg", "sha256": "0" * 64}]},
                        headers=web.csrf_headers(office))
    assert (never.status_code, never.json()["error"]["rule"]) == (422, "attachment.not_stored")
    leader = web.client("quzhang")
    assert leader.post("/api/files", files={"files": ("a.png", PNG, "image/png")},
                       headers=web.csrf_headers(leader)).status_code == 403
    # the office signs off with its own photo of the check; both steps list their files
    (check,) = office.post("/api/files", files={"files": ("现场核查.jpg", JPEG, "image/jpeg")},
                           headers=web.csrf_headers(office)).json()["files"]
    signed = office.post(f"/api/items/{item}/sign-off", json={"note": "核验通过", "attachments": [check]},
                         headers=web.csrf_headers(office))
    assert signed.status_code == 200, signed.text
    steps = {e["what"]: [f["name"] for f in e["files"]] for e in office.get(f"/api/items/{item}/timeline").json()
             if e["files"]}
    assert steps == {"报告办结": ["验收现场.png"], "办结销号": ["现场核查.jpg"]}


def test_the_referral_dossier_lists_every_file_with_its_hash(web):
    from docx import Document

    from documents.dossier_docx import dossier_document
    from domain.actor import Actor, Role

    app, world = web.app, web.world
    item = web.item("违规发放拆迁补贴问题", lead="A", sign=True, deadline=date(2026, 3, 20))
    client = web.client("zhujianju")
    answer = client.post(f"/unit/items/{item.hex}/progress", data=web.form(client, percent="30", text="已核查部分补贴"),
                         files=[("attachments", ("补贴发放台账.pdf", PDF, "application/pdf"))], follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    app.urge_item(item, "请抓紧办理", world.office)
    app.propose_referral(item, "长期推诿，问题严重", world.office)
    app.decide_referral(item, True, "同意移交", world.leader("V1", user="fuquzhang"))
    sha = hashlib.sha256(PDF).hexdigest()

    jiwei = web.client("jiwei")
    page = jiwei.get(f"/discipline/items/{item.hex}").text
    evidence = page.split('id="evidence"', 1)[1].split("</section>", 1)[0]
    assert "补贴发放台账.pdf" in evidence and sha in evidence and f"{len(PDF) / 1024:.1f} KB" in evidence
    assert "证明材料 <small>1份</small>" in evidence
    assert jiwei.get(f"/files/{item.hex}/{sha}").content == PDF  # the case is referred: its files too
    dossier = jiwei.get(f"/api/dossiers/{item}").json()
    assert [(f["name"], f["size"], f["sha256"]) for f in dossier["files"]] == [("补贴发放台账.pdf", len(PDF), sha)]

    found, notices = case_file(app, item, Actor("jiwei", Role.DISCIPLINE, world.district))
    content = dossier_document(app.referral_dossier(found, notices), lead_unit="区住建局",
                               produced_on=date(2026, 3, 2), records={})
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("四、证明材料") < texts.index("五、校验码")
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["补贴发放台账.pdf", f"{len(PDF) / 1024:.1f} KB", "2026-03-02 报送进展", sha] in rows


def test_every_page_of_a_record_lists_the_files_of_its_steps(web):
    """A notice reply's, a rectification's and the office's verification files, on the unit's, the
    office's, the leader's and (once referred) the discipline body's pages, each with its link."""
    from domain.rectification import ProblemSource, Severity

    app, world = web.app, web.world
    unit = web.client("zhujianju")
    item = web.item("改造月湖片区口袋公园", lead="A", sign=True)
    notice = app.issue_notice(unit=world.unit_ids["A"], subject_kind="item", subject_id=item, title="督办通知",
                              tasks=[{"task": "说明进度", "responsible": "局长", "deadline": date(2026, 3, 20)}],
                              actor=world.office)
    app.acknowledge_notice(notice.id, world.unit("A"))
    form = unit.get(f"/unit/notices/{notice.id.hex}").text
    assert 'enctype="multipart/form-data"' in form and f'<input type="file" name="attachments" multiple {ACCEPT}>' in form
    replied = unit.post(f"/unit/notices/{notice.id.hex}/reply", data=web.form(unit, task="T1", text="已说明进度"),
                        files=[("attachments", ("进度说明.pdf", PDF, "application/pdf"))], follow_redirects=False)
    assert replied.status_code == 303, replied.text[:300]
    assert "进度说明.pdf" in files_on(unit.get(f"/unit/notices/{notice.id.hex}").text)
    assert "进度说明.pdf" in files_on(web.client("duchashi").get(f"/office/notices/{notice.id.hex}").text)

    office = web.client("duchashi")
    recorded = office.post("/office/rectifications", data=web.form(
        office, unit=world.unit_ids["A"].hex, source=ProblemSource.MEDIA.value, problem="工地扬尘污染",
        severity=Severity.SERIOUS.value, deadline="2026-04-30"),
        files=[("attachments", ("媒体报道截图.png", PNG, "image/png"))], follow_redirects=False)
    assert recorded.status_code == 303, recorded.text[:300]
    task = recorded.headers["location"].rsplit("/", 1)[1].split("?")[0]
    unit_task = unit.get(f"/unit/rectifications/{task}").text
    assert "媒体报道截图.png" in files_on(unit_task)  # the unit sees the problem's evidence
    app.submit_rectification_plan(uuid.UUID(task), "洒水降尘", world.unit("A"))
    done = unit.post(f"/unit/rectifications/{task}/rectified", data=web.form(unit, summary="已全部覆盖"),
                     files=[("evidence", ("覆盖后照片.jpg", JPEG, "image/jpeg"))], follow_redirects=False)
    assert done.status_code == 303, done.text[:300]
    page = office.get(f"/office/rectifications/{task}").text
    verify = page.split('action="/office/rectifications/', 1)[1].split("</form>", 1)[0]
    assert "覆盖后照片.jpg" in files_on(verify)  # the office sees the unit's evidence as it verifies
    checked = office.post(f"/office/rectifications/{task}/verify", data=web.form(
        office, passed="true", note="现场复核通过", version=str(app.readable_rectification(
            uuid.UUID(task), world.office).version)),
        files=[("attachments", ("复核现场.jpg", JPEG, "image/jpeg"))], follow_redirects=False)
    assert checked.status_code == 303, checked.text[:300]
    for username, url in (("duchashi", f"/office/rectifications/{task}"), ("zhujianju", f"/unit/rectifications/{task}"),
                          ("fuquzhang", f"/leader/rectifications/{task}")):
        shown = files_on(web.client(username).get(url).text)
        assert {"媒体报道截图.png", "覆盖后照片.jpg", "复核现场.jpg"} <= set(shown), (username, shown)
    app.propose_rectification_referral(uuid.UUID(task), "屡查屡犯", world.office)
    app.decide_rectification_referral(uuid.UUID(task), True, "同意", world.leader("V1"))
    referred = web.client("jiwei").get(f"/discipline/rectifications/{task}").text
    assert hashlib.sha256(JPEG).hexdigest() in referred and "覆盖后照片.jpg" in files_on(referred)
