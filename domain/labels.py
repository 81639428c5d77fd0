"""Enumerations whose members carry the Chinese label users read (e.g. ``UnitKind.SUBDISTRICT`` — 街道)."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import InvalidInput


class Labelled(StrEnum):
    """A string enum declared as ``NAME = "value", "中文"``: ``.value`` is stored, ``.label`` shown."""

    label: str

    def __new__(cls, value: str, label: str) -> "Labelled":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: str, *, rule: str, what: str, field: str) -> "Labelled":
        """The member named by ``text`` (its value or its Chinese label), else a clear error."""
        for member in cls:
            if text in (member.value, member.label):
                return member
        allowed = "、".join(m.label for m in cls)
        raise InvalidInput(rule, f"未知的{what}“{text}”，应为：{allowed}。", field=field)
