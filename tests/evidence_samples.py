"""Small real files of every kind evidence may be (and some it may not), made here, for the tests.

``PNG`` is a real 2×2 picture, ``JPEG`` a real 1×1 photo, ``PDF`` a one-page document; ``docx()``
and ``xlsx()`` are written by python-docx and openpyxl; ``ole(stream)`` is an OLE compound file
(the container of Word/Excel 97-2003 and WPS files) holding one stream of that name.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib

from domain.evidence import Upload


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = _png()
JPEG = base64.b64decode(  # a 1×1 baseline JPEG
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
HEIC = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 64
WEBP = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8 " + b"\x00" * 26
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
ZIP_WITHOUT_OFFICE = None  # see zip_of()


def docx(text: str = "整改情况说明") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["序号", "问题", "整改情况"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def ole(stream: str = "WordDocument", size: int = 4096) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) with one stream of ``size`` bytes
    (at least 4096, so it lives in ordinary sectors, not the mini stream)."""
    sector = 512
    data_sectors = -(-size // sector)
    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sect, end] + [3 + i for i in range(data_sectors - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no_stream, no_stream, child) + b"\x00" * 16 + struct.pack("<I", 0)
                + b"\x00" * 16 + struct.pack("<II", start, length) + b"\x00" * 4)

    empty = b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", no_stream, no_stream, no_stream) \
        + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16 + b"\x00" * 12
    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, no_stream, 2, size) + empty + empty
    body = (b"\xec\xa5" + b"\x00" * (size - 2)).ljust(data_sectors * sector, b"\x00")
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def upload(name: str, content: bytes) -> Upload:
    return Upload(name, content)


PHOTO = Upload("整改前后对比照片.png", PNG)
REPORT_PDF = Upload("整改报告.pdf", PDF)
