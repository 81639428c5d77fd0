"""A document as the list of what it prints (公文内容块): title, paragraphs, headings, tables, the
signature — plain text and numbers, so an issued document can be frozen in an event (``as_record``)
and its Word file built again from that record alone, byte for byte (``render``: the same calls to
``documents.official`` in the same order, and ``official.save``'s fixed package timestamps).

A document builder writes to a :class:`Blocks` with the calls it would make on ``documents.official``
(``blocks.paragraph(text, indent=NO_INDENT, align=official.LEFT)`` …), then renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from documents import official

ALIGNS = {"center": official.CENTER, "left": official.LEFT, "right": official.RIGHT, "justify": official.JUSTIFY}
_ALIGN_NAMES = {v: k for k, v in ALIGNS.items()}


class Blocks:
    """The blocks of one document and its properties (title, author, subject, keywords, date)."""

    def __init__(self, *, title_text: str, author: str, subject: str, keywords: str, dated: date) -> None:
        self.meta = {"title_text": title_text, "author": author, "subject": subject, "keywords": keywords,
                     "dated": dated.isoformat()}
        self.items: list[dict[str, Any]] = []

    @property
    def dated(self) -> date:
        return date.fromisoformat(self.meta["dated"])

    def title(self, text: str) -> None:
        self.items.append({"block": "title", "text": text})

    def paragraph(self, text: str, *, indent=None, align=None) -> None:
        item: dict[str, Any] = {"block": "paragraph", "text": text}
        if indent is not None:
            item["indent"] = "none" if indent == official.NO_INDENT else "two"
        if align is not None:
            item["align"] = _ALIGN_NAMES[align]
        self.items.append(item)

    def paragraphs(self, text: str) -> None:
        """Free text (the office's own words): one body paragraph per line, blank lines dropped."""
        for line in text.splitlines():
            if line.strip():
                self.paragraph(line.strip())

    def heading(self, text: str, level: int = 1) -> None:
        self.items.append({"block": "heading", "text": text, "level": level})

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[int],
              *, left_columns: Sequence[int] = (), size: int | None = None) -> None:
        item: dict[str, Any] = {"block": "table", "headers": list(headers), "rows": [list(r) for r in rows],
                                "widths": list(widths_mm), "left": list(left_columns)}
        if size is not None:
            item["size"] = size
        self.items.append(item)

    def signature(self, issued_by: str, on: date) -> None:
        self.items.append({"block": "signature", "issued_by": issued_by, "on": on.isoformat()})

    def number_line(self, label: str) -> None:
        """The document's number (发文字号, 督报〔2026〕3号), centred below the title: given on issue."""
        at = next((n + 1 for n, b in enumerate(self.items) if b["block"] == "title"), 0)
        self.items.insert(at, {"block": "paragraph", "text": label, "indent": "none", "align": "center"})

    # -- freezing and building -------------------------------------------------------------------------
    def as_record(self) -> dict[str, Any]:
        """What an issued document's event holds: plain dicts, lists, text and numbers."""
        return {"meta": dict(self.meta), "blocks": [dict(b) for b in self.items]}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Blocks":
        meta = record["meta"]
        blocks = cls(title_text=meta["title_text"], author=meta["author"], subject=meta["subject"],
                     keywords=meta["keywords"], dated=date.fromisoformat(meta["dated"]))
        blocks.items = [dict(b) for b in record["blocks"]]
        return blocks

    def texts(self) -> list[str]:
        """Every text the document prints, in order (for a page that shows it, and for tests)."""
        found: list[str] = []
        for b in self.items:
            if b["block"] == "table":
                found += [" ".join(b["headers"]), *(" ".join(r) for r in b["rows"])]
            elif b["block"] == "signature":
                found.append(b["issued_by"])
            else:
                found.append(b["text"])
        return found


def render(blocks: Blocks) -> bytes:
    """The .docx bytes of ``blocks``: the same blocks give the same bytes."""
    meta = blocks.meta
    document = official.new_document(title_text=meta["title_text"], author=meta["author"], subject=meta["subject"],
                                     keywords=meta["keywords"], dated=blocks.dated)
    for b in blocks.items:
        kind = b["block"]
        if kind == "title":
            official.title(document, b["text"])
        elif kind == "paragraph":
            options: dict[str, Any] = {}
            if "indent" in b:
                options["indent"] = official.NO_INDENT if b["indent"] == "none" else official.INDENT
            if "align" in b:
                options["align"] = ALIGNS[b["align"]]
            official.paragraph(document, b["text"], **options)
        elif kind == "heading":
            official.heading(document, b["text"], level=b["level"])
        elif kind == "table":
            options = {"size": b["size"]} if "size" in b else {}
            official.table(document, b["headers"], b["rows"], b["widths"], left_columns=tuple(b["left"]), **options)
        elif kind == "signature":
            official.signature(document, b["issued_by"], date.fromisoformat(b["on"]))
        else:
            raise ValueError(f"unknown block {kind!r}")
    return official.save(document, blocks.dated)
