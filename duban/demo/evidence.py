"""The demo's evidence files (证明材料): small real files the simulated units attach to their reports,
so the demo's pages list files that download and open (a one-page PDF, a small photo)."""

from __future__ import annotations

import struct
import zlib

from domain.evidence import Upload


def pdf(title: str) -> bytes:
    """A one-page PDF whose document title is ``title`` (its page is blank)."""
    encoded = title.encode("utf-16-be").hex().upper()
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>", f"<</Title<FEFF{encoded}>>>".encode()]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R/Info 4 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def photo(width: int = 64, height: int = 48) -> bytes:
    """A small PNG "photo": a green field over grey ground."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + (b"\x4c\xaf\x50" if y < height * 2 // 3 else b"\x9e\x9e\x9e") * width
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def progress_files(month: str) -> list[Upload]:
    return [Upload(f"进展材料-{month}.pdf", pdf(f"进展材料 {month}"))]


def completion_files() -> list[Upload]:
    return [Upload("办结报告.pdf", pdf("办结报告")), Upload("验收现场照片.png", photo())]


def reply_files() -> list[Upload]:
    return [Upload("回复.pdf", pdf("督办通知回复"))]


def rectification_files(what: str) -> list[Upload]:
    return [Upload(f"{what}.png", photo()), Upload(f"{what}说明.pdf", pdf(what))]
