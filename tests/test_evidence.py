"""Evidence files (证明材料) judged by what they are and how large, not by their names (no store)."""

from __future__ import annotations

import hashlib

import pytest

from evidence_samples import EXE, HEIC, JPEG, PDF, PNG, WEBP, docx, ole, xlsx, zip_of
from domain.attachments import clean_attachments
from domain.errors import InvalidInput
from domain.evidence import MB, EvidenceLimits, Upload, check_uploads, size_words, sniff

LIMITS = EvidenceLimits(file_bytes=20 * MB, step_bytes=100 * MB)
MACRO_DOCX = zip_of({"[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" '
                                            b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                     "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize("name, content, content_type", [
    ("现场照片.jpg", JPEG, "image/jpeg"),
    ("截图.png", PNG, "image/png"),
    ("IMG_0001.HEIC", HEIC, "image/heic"),
    ("照片.webp", WEBP, "image/webp"),
    ("验收报告.pdf", PDF, "application/pdf"),
    ("整改报告.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("情况说明.doc", ole("WordDocument"), "application/msword"),
    ("情况说明.wps", ole("WordDocument"), "application/msword"),
    ("明细.xls", ole("Workbook"), "application/vnd.ms-excel"),
    ("明细.et", ole("Book"), "application/vnd.ms-excel"),
    ("汇报.dps", ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
])
def test_every_accepted_kind_is_known_by_its_content(name, content, content_type):
    # given a file of an accepted kind, when a step's files are checked, then it is accepted as what it is
    (found,) = check_uploads([Upload(name, content)], LIMITS)
    assert (found.name, found.size, found.content_type) == (name, len(content), content_type)
    assert found.sha256 == hashlib.sha256(content).hexdigest()


def test_the_name_does_not_decide_but_the_content_does():
    # a PDF named like a photo is a PDF; a photo without an extension is a photo
    assert check_uploads([Upload("照片.jpg", PDF)], LIMITS)[0].content_type == "application/pdf"
    assert check_uploads([Upload("照片", PNG)], LIMITS)[0].content_type == "image/png"


@pytest.mark.parametrize("name, content", [
    ("整改照片.jpg", EXE),  # a program renamed to a photo
    ("报告.pdf", b"just some text, not a PDF"),
    ("材料.docx", zip_of({"a.txt": b"hello"})),  # a zip, but no Office document
    ("宏.docx", MACRO_DOCX),  # a macro-enabled Word file
    ("安装包.doc", ole("\u4840\u3b3f\u4840")),  # an OLE file with no document stream (an installer is one)
    ("坏的.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # an OLE header on nothing
    ("动画.heic", b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif"),  # AVIF is not HEIF here
])
def test_a_file_whose_content_is_not_accepted_is_refused_naming_it(name, content):
    assert sniff(content) is None
    with pytest.raises(InvalidInput) as refused:
        check_uploads([Upload(name, content)], LIMITS, field="evidence")
    assert refused.value.rule == "evidence.type_not_accepted" and refused.value.field == "evidence"
    assert f"文件“{name}”不是可接受的证明材料类型" in refused.value.message
    assert "照片（JPEG、PNG、HEIC、WebP）、PDF、Word" in refused.value.message and "本次未保存任何内容" in refused.value.message


def test_every_file_refused_is_named_at_once_and_nothing_is_accepted():
    small = EvidenceLimits(file_bytes=1000, step_bytes=5000)
    with pytest.raises(InvalidInput) as refused:
        check_uploads([Upload("好照片.png", PNG), Upload("程序.jpg", EXE), Upload("大图.pdf", PDF + b" " * 2000),
                       Upload("空.pdf", b"")], small)
    message = refused.value.message
    assert refused.value.rule == "evidence.type_not_accepted"  # the first problem names the rule
    assert "文件“程序.jpg”不是可接受的证明材料类型" in message
    assert "文件“大图.pdf”大小为" in message and "超过单个文件" in message
    assert "文件“空.pdf”是空文件" in message
    assert "好照片.png" not in message


def test_a_file_over_its_limit_is_refused_with_both_sizes():
    limits = EvidenceLimits(file_bytes=2 * MB, step_bytes=10 * MB)
    big = PDF + b"0" * (3 * MB)
    with pytest.raises(InvalidInput) as refused:
        check_uploads([Upload("扫描件.pdf", big)], limits)
    assert refused.value.rule == "evidence.file_too_large"
    assert refused.value.message.startswith("文件“扫描件.pdf”大小为3.0 MB，超过单个文件2 MB的上限")
    assert check_uploads([Upload("刚好.pdf", PDF + b"0" * (2 * MB - len(PDF)))], limits)[0].size == 2 * MB


def test_the_files_of_one_step_together_stay_under_the_step_limit():
    limits = EvidenceLimits(file_bytes=2 * MB, step_bytes=3 * MB)
    part = PDF + b"0" * (int(1.2 * MB) - len(PDF))  # 1.2 MB each: each fine, three too many together
    assert len(check_uploads([Upload("一.pdf", part), Upload("二.pdf", part)], limits)) == 2
    with pytest.raises(InvalidInput) as refused:
        check_uploads([Upload("一.pdf", part), Upload("二.pdf", part), Upload("三.pdf", part)], limits)
    assert refused.value.rule == "evidence.step_too_large"
    assert "本次所附3个文件共3.6 MB，超过每次报送3 MB的上限" in refused.value.message


def test_the_name_kept_is_the_last_part_of_a_path_on_one_line():
    (found,) = check_uploads([Upload("C:\\Users\\科员\\Desktop\\现场 照片.png", PNG)], LIMITS)
    assert found.name == "现场 照片.png"
    (long,) = check_uploads([Upload("很长的名字" * 40 + ".png", PNG)], LIMITS)
    assert len(long.name) <= 120 and long.name.endswith(".png")
    with pytest.raises(InvalidInput) as refused:
        check_uploads([Upload("坏\x07名字.png", PNG)], LIMITS)
    assert refused.value.rule == "text.control_character" and "文件名" in refused.value.message


def test_a_record_keeps_only_stored_files():
    stored = {"name": "照片.png", "size": 73, "content_type": "image/png", "sha256": "ab" * 32}
    assert clean_attachments([stored]) == [stored]
    for typed in ({"name": "照片.png", "size": 73}, {**stored, "sha256": "xyz"}, {**stored, "content_type": "text/html"}):
        with pytest.raises(InvalidInput) as refused:
            clean_attachments([typed])
        assert refused.value.rule == "attachment.not_stored"


def test_sizes_read_in_kilobytes_and_megabytes():
    assert [size_words(n) for n in (500, 2048, 1536 * 1024, 25 * MB + MB // 3)] == [
        "0.5 KB", "2.0 KB", "1.5 MB", "25.3 MB"]
