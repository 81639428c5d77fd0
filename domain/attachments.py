"""Attachment metadata (附件): name, size and optional checksum.  The files themselves live elsewhere."""

from __future__ import annotations

from domain.errors import require_input


def clean_attachments(attachments: list[dict] | None, *, field: str = "attachments") -> list[dict]:
    cleaned = []
    for i, a in enumerate(attachments or []):
        name = str(a.get("name", "")).strip()
        require_input(name, "attachment.name_required", f"第{i + 1}个附件缺少文件名。", field=field)
        size = a.get("size", 0)
        require_input(isinstance(size, int) and size >= 0, "attachment.bad_size", f"附件“{name}”的大小无效。", field=field)
        cleaned.append({"name": name, "size": size, "sha256": a.get("sha256")})
    return cleaned
