"""Evidence files (证明材料): which files are accepted, judged by their content, and how large.

Units attach photos and documents to their reports, the office to its findings and verifications.
A file is accepted by what it *is*, never by its name or by the content type a browser sends:

- photos: JPEG, PNG, WebP (magic bytes) and HEIC/HEIF (an ISO media file whose ``ftyp`` box
  names a HEIF brand) — what phones take;
- PDF (``%PDF-`` near the start);
- Word and Excel (.docx, .xlsx): a zip holding ``[Content_Types].xml`` whose main part is a Word
  document or an Excel workbook (macro-enabled variants are refused);
- Word and Excel 97-2003 (.doc, .xls) and WPS (.wps, .et, .dps): an OLE compound file holding a
  ``WordDocument``, ``Workbook``/``Book`` or ``PowerPoint Document`` stream (an installer, also an
  OLE file, is refused) — read with ``olefile``.

Every file must also stay under a size limit, and the files of one step (one report, one finding,
one verification) together under another (``duban.settings`` sets both).  :func:`check_uploads`
judges a step's files all at once and refuses them with one Chinese message naming every file
that is wrong, so a form can say everything at once.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Iterable, Sequence

from domain.errors import InvalidInput
from domain.text import clean_text

MB = 1024 * 1024
ACCEPTED_WORDS = "照片（JPEG、PNG、HEIC、WebP）、PDF、Word（.docx、.doc）、Excel（.xlsx、.xls）或WPS文件（.wps、.et、.dps）"
LONGEST_NAME = 120  # characters of a file name kept (the extension is kept whole)

JPEG, PNG, WEBP, HEIC, HEIF, PDF = "image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
# the content types a stored file may have, with what people call them
KINDS = {
    JPEG: "照片", PNG: "照片", WEBP: "照片", HEIC: "照片", HEIF: "照片", PDF: "PDF文件",
    DOCX: "Word文档", XLSX: "Excel表格", DOC: "Word文档（或WPS文字）", XLS: "Excel表格（或WPS表格）",
    PPT: "WPS演示文稿",
}
PHOTOS = frozenset({JPEG, PNG, WEBP})  # what a browser shows in place (HEIC it mostly cannot)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_GENERIC = {b"mif1", b"msf1"}  # HEIF images whose codec the compatible brands name
_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class EvidenceLimits:
    """How large one file (``file_bytes``) and the files of one step together (``step_bytes``) may be."""

    file_bytes: int = 20 * MB
    step_bytes: int = 100 * MB


@dataclass(frozen=True)
class Upload:
    """A file as it arrived (上传的文件): the name the user's device gave it, and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class EvidenceFile:
    """A file accepted as evidence (证明材料): its name, size, the content type its content shows,
    and its SHA-256 — what the record keeps of it (:meth:`as_record`)."""

    name: str
    size: int
    content_type: str
    sha256: str

    def as_record(self) -> dict:
        return {"name": self.name, "size": self.size, "content_type": self.content_type, "sha256": self.sha256}


# -- what a file is ---------------------------------------------------------------------------------
def sniff(content: bytes) -> str | None:
    """The content type ``content`` is, among the accepted ones; None if it is none of them."""
    head = content[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _heif(content)
    if content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(content)
    if head.startswith(_OLE):
        return _ole(content)
    return None


def _heif(content: bytes) -> str | None:
    """An ISO media file (``ftyp`` box) that is a HEIF image: its major brand, or a generic one
    (mif1, msf1) with an HEVC brand among the compatible ones; AVIF and videos are not."""
    size = int.from_bytes(content[:4], "big")
    box = content[8:max(16, min(size, 4096))]
    major, compatible = box[:4], {box[i:i + 4] for i in range(8, len(box) - 3, 4)}
    if major in _HEIF_BRANDS:
        return HEIC
    if major in _HEIF_GENERIC:
        return HEIC if compatible & _HEIF_BRANDS else (None if b"avif" in compatible else HEIF)
    return None


def _ooxml(content: bytes) -> str | None:
    """A Word document or an Excel workbook (Office Open XML): a zip whose ``[Content_Types].xml``
    names the main part; a macro-enabled one is not accepted."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            with archive.open("[Content_Types].xml") as types:
                declared = types.read(256 * 1024)  # a zip bomb is read no further
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    if b"macroEnabled" in declared:
        return None
    return next((kind for main, kind in _OOXML_MAIN.items() if main in declared), None)


def _ole(content: bytes) -> str | None:
    """Word, Excel or WPS 97-2003 (an OLE compound file): by the document stream it holds."""
    import olefile  # parses the compound file's directory (an installer is one too)

    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except Exception:  # noqa: BLE001 - any damage means "not a document we can accept"
        return None
    try:
        streams = {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001
        return None
    finally:
        ole.close()
    return next((kind for stream, kind in _OLE_STREAMS if stream in streams), None)


# -- the checks ----------------------------------------------------------------------------------------
def megabytes(size: int) -> str:
    """``25.3 MB``, ``20 MB`` — as the messages say sizes."""
    value = size / MB
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"


def size_words(size: int) -> str:
    """A file's size as pages and documents show it: ``0.5 KB``, ``356.2 KB``, ``2.4 MB``."""
    if size < MB:
        return f"{max(size, 0) / 1024:.1f} KB"
    return f"{size / MB:.1f} MB"


def file_name(name: str, field: str) -> str:
    """The name to keep: the last part of a path some browsers send, one line, at most
    ``LONGEST_NAME`` characters (the extension kept); control characters are refused."""
    base = re.split(r"[\\/]", str(name or ""))[-1].strip()
    base = clean_text(base, field, one_line=True, label="文件名").strip() or "未命名文件"
    if len(base) > LONGEST_NAME:
        stem, dot, extension = base.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        base = base[:LONGEST_NAME - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return base


def check_uploads(uploads: Sequence[Upload], limits: EvidenceLimits, *, field: str = "attachments") -> list[EvidenceFile]:
    """The files of one step, each judged by its content and size, and all of them together by the
    step's limit; InvalidInput naming every file refused (rule ``evidence.type_not_accepted``,
    ``evidence.file_too_large``, ``evidence.empty_file`` — the first found — or
    ``evidence.step_too_large``), so nothing is stored unless every file is accepted."""
    accepted: list[EvidenceFile] = []
    problems: list[tuple[str, str]] = []
    for upload in uploads:
        name = file_name(upload.name, field)
        size = len(upload.content)
        if size == 0:
            problems.append(("evidence.empty_file", f"文件“{name}”是空文件"))
            continue
        if size > limits.file_bytes:
            problems.append(("evidence.file_too_large",
                             f"文件“{name}”大小为{megabytes(size)}，超过单个文件{megabytes(limits.file_bytes)}的上限"))
            continue
        kind = sniff(upload.content)
        if kind is None:
            problems.append(("evidence.type_not_accepted", f"文件“{name}”不是可接受的证明材料类型"))
            continue
        accepted.append(EvidenceFile(name, size, kind, hashlib.sha256(upload.content).hexdigest()))
    if problems:
        advice = f"请上传{ACCEPTED_WORDS}，单个文件不超过{megabytes(limits.file_bytes)}"
        raise InvalidInput(problems[0][0], "；".join(text for _, text in problems) + f"。{advice}。本次未保存任何内容。",
                           field=field)
    check_step(accepted, limits, field=field)
    return accepted


def check_step(files: Iterable[EvidenceFile], limits: EvidenceLimits, *, field: str = "attachments") -> None:
    """The files of one step together within ``limits.step_bytes``."""
    found = list(files)
    total = sum(f.size for f in found)
    if total > limits.step_bytes:
        raise InvalidInput("evidence.step_too_large",
                           f"本次所附{len(found)}个文件共{megabytes(total)}，超过每次报送{megabytes(limits.step_bytes)}的上限。"
                           "请分次报送或压缩后重新上传，本次未保存任何内容。", field=field)


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


__all__ = ["ACCEPTED_WORDS", "EvidenceFile", "EvidenceLimits", "KINDS", "PHOTOS", "Upload", "check_step",
           "check_uploads", "file_name", "is_sha256", "megabytes", "size_words", "sniff"]
