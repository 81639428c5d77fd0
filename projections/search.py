"""Finding things (查找): what the search box asks of the ledger read model, as SQL.

A search is words (标题、单位名称、文号) or a number: ``督〔2026〕12号`` however its brackets are typed
(``督[2026]12号``, ``督(2026)12号`` …), ``〔2026〕12号`` or just ``12``.  Every word must appear in the
entry's number, title, reference (文号), or the name (or 简称) of its lead unit or a co-unit; the
text and the words are compared normalised (brackets made one kind, Latin letters lower case), on
both stores alike.  Entries whose number is the one asked come first.  It is always one more
condition of a district's ledger query (``projections.ledger``), so visibility, paging and counts
stay in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_LENGTH = 100  # characters of a search kept
MAX_WORDS = 6
# bracket variants people type for 〔〕 (the printed form of numbers and 文号)
OPENING = "[【(（{［"
CLOSING = "]】)）}］"
_NUMBER = re.compile(r"^(?P<prefix>[^\d〔]*)〔(?P<year>\d{4})〕(?P<n>\d{1,6})号?$")
_SEQUENCE = re.compile(r"^(?P<n>\d{1,6})号?$")


def normalise(text: str) -> str:
    """``text`` as the search compares it: brackets 〔〕, no spaces around them, lower case."""
    for opening in OPENING:
        text = text.replace(opening, "〔")
    for closing in CLOSING:
        text = text.replace(closing, "〕")
    return re.sub(r"\s*([〔〕])\s*", r"\1", text).strip().lower()


def normalised_sql(column: str) -> str:
    """The SQL expression of ``column`` normalised like :func:`normalise` (bracket kinds, case)."""
    expression = f"COALESCE({column}, '')"
    for opening in OPENING:
        expression = f"REPLACE({expression}, '{opening}', '〔')"
    for closing in CLOSING:
        expression = f"REPLACE({expression}, '{closing}', '〕')"
    return f"LOWER({expression})"


def _like(word: str) -> str:
    """A LIKE pattern containing ``word`` (its own % _ and \\ escaped)."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Search:
    """One search, parsed: the words, and the number asked (if the search is one)."""

    text: str
    words: tuple[str, ...]
    sequence: int | None = None  # 12 of 督〔2026〕12号, or of a plain 12
    year: int | None = None
    prefix: str = ""  # 督, 督通, 整改 … (empty: any)

    @classmethod
    def parse(cls, text: str) -> "Search":
        text = normalise((text or "")[:MAX_LENGTH])
        words = tuple(dict.fromkeys(w for w in text.split() if w))[:MAX_WORDS]
        number = _NUMBER.match(text) or _SEQUENCE.match(text)
        if number is None:
            return cls(text, words)
        found = number.groupdict()
        return cls(text, words, int(found["n"]), int(found["year"]) if found.get("year") else None,
                   (found.get("prefix") or "").strip())

    @property
    def empty(self) -> bool:
        return not self.words

    def number_sql(self) -> tuple[str, list[Any]]:
        """The condition "this entry's number is the one asked" (a sub-task's too), or FALSE."""
        if self.sequence is None:
            return "1 = 0", []
        # sort_key: kind-year-number(6 digits)[-sub-task], e.g. 1-2026-000012-1
        year = f"{self.year:04d}" if self.year is not None else "____"
        key = f"_-{year}-{self.sequence:06d}"
        condition = "(l.sort_key LIKE ? OR l.sort_key LIKE ?)"
        params: list[Any] = [key, key + "-%"]
        if self.prefix:
            condition = f"({condition} AND {normalised_sql('l.number')} LIKE ?)"
            params.append(self.prefix.replace("%", "").replace("_", "") + "〔%")
        return condition, params

    def where(self, district: str) -> tuple[str, list[Any]]:
        """The condition on a ledger row ``l`` of ``district``: the number asked, or every word found."""
        units = ("SELECT un.unit_id FROM rm_units un WHERE un.district = ? AND ("
                 f"{normalised_sql('un.name')} LIKE ? ESCAPE '\\' OR {normalised_sql('un.short_name')} LIKE ? ESCAPE '\\')")
        fields = " OR ".join(f"{normalised_sql(c)} LIKE ? ESCAPE '\\'" for c in ("l.number", "l.title", "l.reference"))
        parts, params = [], []
        for word in self.words:
            pattern = _like(word)
            parts.append(f"({fields} OR l.lead_unit IN ({units}) OR l.entry_id IN (SELECT a.entry_id FROM rm_assignments a"
                         f" WHERE a.district = ? AND a.unit_id IN ({units})))")
            params += [pattern, pattern, pattern, district, pattern, pattern, district, district, pattern, pattern]
        words = " AND ".join(parts) or "1 = 0"
        number, number_params = self.number_sql()
        return f"({number} OR ({words}))", [*number_params, *params]


__all__ = ["MAX_LENGTH", "Search", "normalise", "normalised_sql"]
