"""Evidence files kept beside the events (a folder beside the SQLite file, a table on PostgreSQL), and
the promise that an event never cites a file that is not stored — on both stores."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from pathlib import Path

import pytest

from builders import DistrictBuilder, events_recorded
from evidence_samples import EXE, JPEG, PDF, PNG, Upload
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.evidence import MB, EvidenceLimits
from duban.application.access import Unreadable
from duban.application.files import FolderFileStore, TableFileStore, open_file_store

PHOTO, REPORT = Upload("现场照片.png", PNG), Upload("验收报告.pdf", PDF)


@pytest.fixture
def world(app, clock):
    clock.set(date(2026, 3, 2))
    return DistrictBuilder(app).units(A="区住建局", B="晴川街").build()


def test_a_file_is_stored_once_by_its_hash_and_read_back(app, store_env):
    files = app.files
    assert isinstance(files, TableFileStore if "postgres" in store_env["PERSISTENCE_MODULE"] else FolderFileStore)
    sha = hashlib.sha256(PNG).hexdigest()
    assert (files.read(sha), files.size(sha)) == (None, None)  # missing: nothing, not an error
    assert files.put(sha, PNG) is True
    assert files.put(sha, PNG) is False  # the same content twice: stored once
    assert (files.read(sha), files.size(sha)) == (PNG, len(PNG))
    with pytest.raises(ValueError):
        files.put("ab" * 32, PNG)  # never kept under a hash that is not its own
    # another process on the same store reads it
    other = open_file_store(store_env)
    try:
        assert other.read(sha) == PNG and other.read(hashlib.sha256(JPEG).hexdigest()) is None
    finally:
        other.close()


@pytest.mark.parametrize("store_env", ["sqlite"], indirect=True)  # the folder is the embedded store's
def test_the_embedded_store_keeps_files_in_a_folder_beside_its_database(app, store_env, world):
    (stored,) = app.store_evidence([PHOTO], world.office)
    path = Path(store_env["SQLITE_DBNAME"] + ".files") / stored.sha256[:2] / stored.sha256[2:]
    assert path.read_bytes() == PNG
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".incoming")]  # no half-written file left


def test_a_completion_report_records_its_files_which_read_back(app, world):
    item = world.item(lead="A", sign=True)
    app.report_completion(item, "已全部完成", world.unit("A"), attachments=[PHOTO, REPORT])
    (entry,) = [e for e in app.history([item]) if e.what == "报告办结"]
    assert [(f.name, f.size, f.content_type) for f in entry.files] == [
        ("现场照片.png", len(PNG), "image/png"), ("验收报告.pdf", len(PDF), "application/pdf")]
    found, content = app.evidence_file(item, entry.files[1].sha256, world.office)
    assert (found["name"], content) == ("验收报告.pdf", PDF)
    # the lead unit reads it; a unit the item is not assigned to gets what a missing file gets
    assert app.evidence_file(item, entry.files[0].sha256, world.unit("A"))[1] == PNG
    with pytest.raises(Unreadable) as foreign:  # logged as what it is, answered as a missing file
        app.evidence_file(item, entry.files[0].sha256, world.unit("B"))
    with pytest.raises(NotFound) as missing:
        app.evidence_file(uuid.uuid4(), entry.files[0].sha256, world.unit("B"))
    with pytest.raises(NotFound) as not_named:
        app.evidence_file(item, hashlib.sha256(JPEG).hexdigest(), world.office)
    assert foreign.value.answer.as_dict() == missing.value.as_dict() == not_named.value.as_dict()
    assert missing.value.rule == "evidence.not_found"


def test_a_refused_file_records_nothing_and_stores_nothing(app, world):
    item = world.item(lead="A", sign=True)
    before = events_recorded(app)
    with pytest.raises(InvalidInput) as refused:
        app.report_completion(item, "已完成", world.unit("A"), attachments=[PHOTO, Upload("验收照片.jpg", EXE)])
    assert refused.value.rule == "evidence.type_not_accepted" and "“验收照片.jpg”" in refused.value.message
    assert events_recorded(app) == before
    assert app.files.size(hashlib.sha256(PNG).hexdigest()) is None  # the good photo was not stored either


def test_over_the_limits_nothing_is_recorded_or_stored(app, world):
    item = world.item(lead="A", sign=True)
    app.evidence_limits = EvidenceLimits(file_bytes=MB, step_bytes=MB + MB // 2)
    big = Upload("扫描件.pdf", PDF + b"0" * MB)
    part = PDF + b"1" * (MB * 8 // 10)
    before = events_recorded(app)
    with pytest.raises(InvalidInput) as one:
        app.report_completion(item, "已完成", world.unit("A"), attachments=[big])
    with pytest.raises(InvalidInput) as step:
        app.report_completion(item, "已完成", world.unit("A"), attachments=[Upload("一.pdf", part), Upload("二.pdf", part)])
    assert (one.value.rule, step.value.rule) == ("evidence.file_too_large", "evidence.step_too_large")
    assert events_recorded(app) == before
    assert app.files.size(hashlib.sha256(part).hexdigest()) is None


def test_a_cited_file_must_be_stored_and_is_judged_again(app, world):
    item = world.item(lead="A", sign=True)
    (stored,) = app.store_evidence([REPORT], world.unit("A"))
    before = events_recorded(app)
    with pytest.raises(InvalidInput) as not_stored:
        app.report_item_progress(item, 50, "进展", world.unit("A"),
                                 attachments=[{"name": "照片.jpg", "sha256": hashlib.sha256(JPEG).hexdigest()}])
    assert not_stored.value.rule == "attachment.not_stored" and events_recorded(app) == before
    app.report_item_progress(item, 50, "进展", world.unit("A"),
                             attachments=[{"name": "三月进展.pdf", "sha256": stored.sha256, "size": 1}])
    (entry,) = [e for e in app.history([item]) if e.what == "报送进展"]
    assert [(f.name, f.size, f.content_type, f.sha256) for f in entry.files] == [
        ("三月进展.pdf", len(PDF), "application/pdf", stored.sha256)]  # the stored file's size, not the one cited


def test_a_command_refused_after_its_upload_leaves_only_an_unreferenced_file(app, world):
    item = world.item(lead="A", sign=False)  # not signed for: a completion report is refused
    before = events_recorded(app)
    with pytest.raises(RuleViolation):
        app.report_completion(item, "已完成", world.unit("A"), attachments=[PHOTO])
    assert events_recorded(app) == before  # no event, so nothing cites the file kept
    assert app.files.read(hashlib.sha256(PNG).hexdigest()) == PNG


def test_the_office_attaches_files_to_a_finding_and_a_verification(app, world):
    from domain.inspection import InspectionKind
    from domain.rectification import Severity

    inspection = app.plan_inspection(kind=InspectionKind.SPECIAL, title="消防安全专项督查",
                                     target_units=[world.unit_ids["A"]], planned_month="2026-03", actor=world.office)
    app.conduct_inspection(inspection.id, world.office)
    task = app.record_inspection_finding(inspection.id, unit=world.unit_ids["A"], problem="消防通道堵塞",
                                         severity=Severity.GENERAL, deadline=date(2026, 4, 30), actor=world.office,
                                         attachments=[Upload("通道堵塞现场.jpg", JPEG)])
    app.submit_rectification_plan(task.id, "清理通道", world.unit("A"))
    app.report_rectified(task.id, "已清理", [PHOTO], world.unit("A"))
    app.verify_rectification(task.id, True, world.office, note="现场复核通过", attachments=[REPORT])
    files = {e.what: [f.name for f in e.files] for e in app.history([task.id]) if e.files}
    assert files == {"问题入账": ["通道堵塞现场.jpg"], "报告整改完成": ["现场照片.png"], "核验通过": ["验收报告.pdf"]}
    assert app.evidence_file(task.id, hashlib.sha256(JPEG).hexdigest(), world.unit("A"))[1] == JPEG


def test_a_record_from_before_files_were_stored_still_reads_as_a_typed_name(app, world):
    """Older events kept a typed name and size only (no file): they stay readable, naming no file."""
    from domain.item import SupervisedItem

    item_id = world.item(lead="A", sign=True)
    item = app.store.repository.get(item_id)
    item._progress_reported(unit=world.unit_ids["A"], percent=10, text="已摸底", subtask=None, on=date(2026, 3, 2),
                            actor=world.unit("A").as_record(),
                            attachments=[{"name": "现场照片.jpg", "size": 2048, "sha256": "ab" * 32}])
    app.store.save(item)
    (entry,) = [e for e in app.history([item_id]) if e.what == "报送进展"]
    assert [(f.name, f.size, f.stored) for f in entry.files] == [("现场照片.jpg", 2048, False)]
    with pytest.raises(NotFound):
        app.evidence_file(item_id, "ab" * 32, world.office)
    assert isinstance(app.item(item_id, world.office), SupervisedItem)
