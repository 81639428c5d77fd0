"""Paging (分页) for the pages' lists: 50 rows a page, links that keep the other filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any, Generic, Sequence, TypeVar
from urllib.parse import urlencode

PER_PAGE = 50
T = TypeVar("T")


@dataclass
class Pager(Generic[T]):
    """One page (第 N / M 页) of ``rows``; links keep the other query parameters."""

    rows: list[T]
    number: int
    pages: int
    total: int
    query: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Sequence[T], number: int, query: dict[str, Any], per_page: int = PER_PAGE) -> "Pager[T]":
        pages = max(ceil(len(rows) / per_page), 1)
        number = min(max(number, 1), pages)
        kept = {k: str(v) for k, v in query.items() if v not in (None, "", False) and k not in ("page", "done")}
        start = (number - 1) * per_page
        return cls(list(rows[start:start + per_page]), number, pages, len(rows), kept)

    @classmethod
    def of_page(cls, found: Any, query: dict[str, Any]) -> "Pager[T]":
        """A page the database answered (``projections.ledger.LedgerPage``)."""
        kept = {k: str(v) for k, v in query.items() if v not in (None, "", False) and k not in ("page", "done")}
        return cls(list(found.rows), found.number, found.pages, found.total, kept)

    def link(self, number: int) -> str:
        return "?" + urlencode({**self.query, "page": number})

    @property
    def previous(self) -> str | None:
        return self.link(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.link(self.number + 1) if self.number < self.pages else None
