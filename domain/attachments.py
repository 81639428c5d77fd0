"""Attachments (附件, 证明材料) as a record keeps them: for each file its name, size, the content type
its content showed and its SHA-256, which names the stored file (``duban.application.files``).

A command records only files already stored and accepted (``domain.evidence``); the application
makes sure of that before the record is saved.  Records made before files were stored kept a typed
name and a size only (``sha256`` None): they stay readable, but no new one is accepted.
"""

from __future__ import annotations

from typing import Any

from domain.errors import require_input
from domain.evidence import KINDS, is_sha256

# the event fields that hold a step's files
FIELDS = ("attachments", "evidence")


def clean_attachments(attachments: list[dict] | None, *, field: str = "attachments") -> list[dict]:
    """The step's files as the event records them; each must be a stored, accepted file."""
    cleaned = []
    for i, a in enumerate(attachments or []):
        name = str(a.get("name", "")).strip()
        require_input(name, "attachment.name_required", f"第{i + 1}个附件缺少文件名。", field=field)
        size = a.get("size", 0)
        require_input(isinstance(size, int) and not isinstance(size, bool) and size >= 0, "attachment.bad_size",
                      f"附件“{name}”的大小无效。", field=field)
        require_input(is_sha256(a.get("sha256")) and a.get("content_type") in KINDS, "attachment.not_stored",
                      f"附件“{name}”没有上传文件，请选择文件上传后再报送。", field=field)
        cleaned.append({"name": name, "size": size, "content_type": a["content_type"], "sha256": a["sha256"]})
    return cleaned


def files_in(event: Any) -> list[dict]:
    """The files a recorded event holds (a report's attachments, a rectification's evidence …)."""
    found: list[dict] = []
    for name in FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, list):
            found.extend(a for a in value if isinstance(a, dict))
    return found

