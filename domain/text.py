"""Free text as the record keeps it (文本规范): line breaks made plain, control characters refused.

Everything people type — titles, references, descriptions, progress texts, replies, reasons,
notes, names — ends up in the documents the office prints (the .xlsx ledger, the .docx notice,
bulletin and dossier), and XML (so Excel and Word) cannot hold most control characters.  So every
text a command records passes :func:`clean_text` once, on its way into an event (see
``DistrictAggregate``, whose event triggering calls :func:`clean_fields` for every aggregate):

- the line breaks other programs write become a plain ``\\n``: ``\\r\\n`` and ``\\r``, Word's soft
  line break ``\\x0b`` (Shift+Enter) and page break ``\\x0c``, and the Unicode line and paragraph
  separators U+2028 / U+2029; in a one-line field (a title, a reference, a name) every line
  break — and a tab — becomes one space instead;
- any other control character (C0 but tab and newline, DEL, C1), a lone surrogate or a
  non-character (U+FFFE, U+FFFF) is refused: :class:`InvalidInput` with the rule
  ``text.control_character``, the field and a Chinese message naming it and the character.
"""

from __future__ import annotations

import re
from typing import Any

from domain.errors import InvalidInput

RULE = "text.control_character"
# the event fields (and the keys of nested records: sub-tasks, notice tasks, attachments) that are one
# line of text; every other text may hold line breaks
ONE_LINE_FIELDS = frozenset({
    "title", "reference", "source_ref", "name", "display_name", "username", "portfolio_label", "held_by",
    "interviewee", "document", "responsible", "code",
})
# what the field is called where people typed it (the message names it); unknown fields say 填写的内容
FIELD_LABELS = {
    "title": "标题", "reference": "来源依据", "source_ref": "问题来源依据", "description": "事项内容",
    "text": "填写的内容", "summary": "情况说明", "reasons": "理由", "reason": "原因", "note": "意见",
    "comment": "评价意见", "plan": "整改方案", "problem": "问题描述", "finding": "发现的问题",
    "held_by": "约谈人", "interviewee": "被约谈人", "document": "文号", "name": "名称",
    "display_name": "姓名", "username": "用户名", "portfolio_label": "分管领域", "code": "代码",
    "tasks": "任务清单", "task": "任务内容", "responsible": "责任人", "subtasks": "子任务",
    "attachments": "附件", "evidence": "佐证材料", "results": "督查结果", "source": "来源",
}
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")  # fast path
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029]")
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")  # after line breaks are plain
_ONE_LINE_BREAKS = re.compile("[ \t]*[\n\t][ \t\n]*")


def clean_text(value: str, field: str | None = None, *, one_line: bool | None = None,
               label: str | None = None) -> str:
    """``value`` with its line breaks made plain (spaces in a one-line field), or InvalidInput
    (``text.control_character``) naming ``label`` (default: the field's label) and the character.

    ``one_line`` defaults to whether ``field`` is one of :data:`ONE_LINE_FIELDS`."""
    if one_line is None:
        one_line = field in ONE_LINE_FIELDS
    if _SUSPECT.search(value) is None and not (one_line and ("\n" in value or "\t" in value)):
        return value
    text = _LINE_BREAK.sub("\n", value)
    found = _REFUSED.search(text)
    if found is not None:
        what = label or FIELD_LABELS.get(field or "", "填写的内容")
        raise InvalidInput(RULE, f"“{what}”中含有不能保存的控制字符（U+{ord(found[0]):04X}），请删除后重新填写。",
                           field=field)
    if one_line:
        text = _ONE_LINE_BREAKS.sub(" ", text)
    return text


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """An event's fields with every text in them cleaned (:func:`clean_text`), nested lists and
    records included (a sub-task's title is one line, its field for the message is ``subtasks``);
    the same dict when nothing needed cleaning."""
    cleaned = None
    for name, value in fields.items():
        new = _clean_value(value, name, name)
        if new is not value:
            if cleaned is None:
                cleaned = dict(fields)
            cleaned[name] = new
    return fields if cleaned is None else cleaned


def _clean_value(value: Any, field: str, key: str) -> Any:
    """``value`` cleaned (the same object when unchanged); ``key`` says whether text is one line."""
    if isinstance(value, str):
        new = clean_text(value, field, one_line=key in ONE_LINE_FIELDS)
        return value if new == value else new
    if isinstance(value, list | tuple):
        items = [_clean_value(v, field, key) for v in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return type(value)(items) if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        changed = {k: _clean_value(v, field, k if isinstance(k, str) else key) for k, v in value.items()}
        if all(changed[k] is v for k, v in value.items()):
            return value
        return changed
    return value
