"""File downloads (导出文件): the answer that makes the browser save a document under a Chinese name."""

from __future__ import annotations

from urllib.parse import quote

from litestar.response import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, media_type: str) -> Response:
    """``filename`` may be Chinese: an ASCII fallback plus the RFC 5987 UTF-8 name."""
    fallback = "download." + filename.rsplit(".", 1)[-1]
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"})


def xlsx_download(content: bytes, filename: str) -> Response:
    return download(content, filename, XLSX)
