"""Text as the documents can hold it: the one helper every writer in ``documents`` passes text through.

Commands clean text on the way in (``domain.text``), but events recorded before that — or by a
path that skipped it — may still hold characters XML 1.0 forbids, and one such character made every
export fail (openpyxl raises IllegalCharacterError, python-docx/lxml refuse the string).  So, as a
second line of defence, :func:`xml_text` drops them: Word's soft line break ``\\x0b`` and page break
``\\x0c`` become a plain line break, every other forbidden character (C0 controls but tab, newline and
carriage return; lone surrogates; U+FFFE, U+FFFF) is removed.

:func:`text_cell` keeps a spreadsheet cell holding text a string cell: openpyxl takes a string
beginning with ``=`` for a formula (``=HYPERLINK(…)``, DDE) and ``#N/A`` for an error value, so a
title typed that way would be written as a live formula.  The visible text stays exactly what was
typed.
"""

from __future__ import annotations

import re
from typing import Any

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WORD_BREAK = re.compile("[\x0b\x0c]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (Word's line and page breaks as ``\\n``)."""
    if _FORBIDDEN.search(value) is None:
        return value
    return _FORBIDDEN.sub("", _WORD_BREAK.sub("\n", value))


def cell_value(value: Any) -> Any:
    """What a spreadsheet cell may be given: text made safe (:func:`xml_text`), anything else as is."""
    return xml_text(value) if isinstance(value, str) else value


def text_cell(cell: Any) -> None:
    """A cell given text stays a string cell (data type ``s``), never a formula or an error value."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
