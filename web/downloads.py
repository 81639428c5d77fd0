"""File downloads (导出文件): the answer that makes the browser save a document under a Chinese name."""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar.response import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, media_type: str, *, inline: bool = False) -> Response:
    """``filename`` may be Chinese: an ASCII fallback (``download.<extension>``, the extension kept only
    when it is plain ASCII) plus the RFC 5987 UTF-8 name.  ``inline``: shown in the browser (a photo)
    rather than saved."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    fallback = "download" + (f".{extension}" if re.fullmatch(r"[A-Za-z0-9]{1,10}", extension) else "")
    disposition = "inline" if inline else "attachment"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"})


def xlsx_download(content: bytes, filename: str) -> Response:
    return download(content, filename, XLSX)
