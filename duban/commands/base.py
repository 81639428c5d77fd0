"""Commands as data (指令): one typed class per command, and the one way to read it from a request.

A command class is a msgspec ``Struct``: its fields are what the command takes, each field's Chinese
name is its ``Meta(title=…)`` (shown beside the field in a form and in the API's errors), and its
constraints (``ge``/``le``, ``min_length``/``max_length``) are checked before the command runs.
The JSON API decodes the class from the request body, the HTML form decodes the same class from
the posted fields, and both refuse bad input the same way (:func:`decode`): every problem at once,
each as an ``InvalidInput`` naming the field, its rule and a Chinese message, gathered in an
``InputProblems``.  The OpenAPI schema is generated from the same classes.

The application runs a command with ``Duban.execute`` (``duban.application.handlers``).
"""

from __future__ import annotations

import re
import typing
from datetime import date
from enum import Enum
from typing import Annotated, Any, Callable, ClassVar, Iterable, Mapping, TypeVar, Union, get_args, get_origin
from uuid import UUID

import msgspec
from msgspec import Meta, Struct

from domain.errors import DomainError, InputProblems, InvalidInput

C = TypeVar("C", bound="Command")

MISSING = object()
TRUE_WORDS = frozenset({"1", "on", "true", "yes", "是"})
FALSE_WORDS = frozenset({"0", "off", "false", "no", "否"})


class Command(Struct, kw_only=True, forbid_unknown_fields=True):
    """A command (指令).  ``on`` names its business date (业务日期): default today, never in the
    future, never before the record's last fact."""

    on: Annotated[date | None, Meta(title="业务日期")] = None

    #: The application's method that handles this command (``Duban.execute``).
    handler: ClassVar[str] = ""
    #: The name the handler gives the record the command is aimed at, where it is not its first
    #: parameter (empty: the first).
    target: ClassVar[str] = ""
    #: The application's method that finds the problems only the application can find in the fields
    #: (a user name taken, a weak password …), reported with the fields' own at once (empty: none;
    #: ``Duban.input_problems``).
    checks: ClassVar[str] = ""


class VersionedCommand(Command, kw_only=True, forbid_unknown_fields=True):
    """A command on an existing record: ``expected_version`` is the ``version`` last read; if the
    record changed since, nothing is recorded and the answer is 409 (a form carries it hidden)."""

    expected_version: Annotated[int | None, Meta(title="页面版本")] = None


class Attachment(Struct, forbid_unknown_fields=True):
    """A file (附件, 证明材料) uploaded first (``POST /api/files``, or with the form), cited by its
    SHA-256 under the name to record.  The file is judged again as stored; ``size`` and
    ``content_type`` may be echoed from the upload's answer but the stored file's own are recorded.
    A file not uploaded is refused (422 ``attachment.not_stored``)."""

    name: Annotated[str, Meta(title="文件名")]
    sha256: Annotated[str, Meta(title="文件校验码")]
    size: int | None = None
    content_type: str | None = None


Attachments = Annotated[list[Attachment], Meta(title="附件")]


def field_label(cls: type[Struct], name: str) -> str:
    """The Chinese name of a command's field (its ``Meta(title=…)``), or the field's own name."""
    for field in msgspec.structs.fields(cls):
        if field.name == name:
            return _title(field.type) or name
    return name


# -- reading a command ------------------------------------------------------------------------------
Checks = Callable[[dict[str, Any]], Iterable[DomainError]]
"""The problems only the application finds, given the fields read well by name (``Command.checks``)."""


def decode(cls: type[C], data: Any, *, form: bool = False, checks: Checks | None = None) -> C:
    """The command ``cls`` from ``data`` (a JSON object, or a posted form's fields with ``form``), or
    ``InputProblems`` naming every field that is missing, unknown or of the wrong kind — and, with
    ``checks``, every problem it finds in the fields read well, about a field not already blamed.

    A form's fields are text: they are read leniently (``"12"`` is 12, ``"on"`` is true, an empty
    field is not given), and a list of objects comes as ``name[0].field`` keys."""
    if not isinstance(data, Mapping):
        raise InvalidInput("request.body_required", "缺少请求体（JSON对象）。")
    problems: list[DomainError] = []
    kept: dict[str, list[int]] = {}
    read: dict[str, Any] = {}
    value = _struct(cls, _nested(data, kept) if form else dict(data), "", problems, form, read)
    if checks is not None:
        blamed = {p.field for p in problems}
        problems += [p for p in checks(plain(value) if value is not None else read) if p.field not in blamed]
    if problems:
        raise InputProblems([_as_posted(p, kept) for p in problems])
    return value  # type: ignore[return-value]


def _as_posted(problem: DomainError, kept: dict[str, list[int]]) -> DomainError:
    """A problem of a form's row named by the row's number as posted (blank rows were left out)."""
    found = re.fullmatch(r"(\w+)\[(\d+)\](.*)", problem.field or "")
    if not found or found[1] not in kept or int(found[2]) >= len(kept[found[1]]):
        return problem
    field = f"{found[1]}[{kept[found[1]][int(found[2])]}]{found[3]}"
    return type(problem)(problem.rule, problem.message, field=field)


def _struct(cls: type[Struct], data: Mapping[str, Any], prefix: str, problems: list[DomainError],
            form: bool, found: dict[str, Any] | None = None) -> Struct | None:
    """The struct ``cls`` from ``data``, or None with its problems noted; ``found`` keeps the fields
    read well, by name."""
    found = {} if found is None else found
    known = set()
    for field in msgspec.structs.fields(cls):
        known.add(field.encode_name)
        path = f"{prefix}{field.encode_name}"
        raw = data.get(field.encode_name, MISSING)
        if form:
            raw = _form_value(raw, field.type)
        if raw is MISSING or (raw is None and form):
            if field.required:
                problems.append(_missing(field.type, path))
            continue
        converted = _value(field.type, raw, path, problems, form)
        if converted is not MISSING:
            found[field.name] = converted
    if not form:
        for name in data:
            if name not in known:
                problems.append(InvalidInput("request.unknown_field", f"未知的字段“{prefix}{name}”。",
                                             field=f"{prefix}{name}"))
    if problems:
        return None
    try:
        return cls(**found)
    except (TypeError, ValueError) as error:  # a check in __post_init__
        problems.append(InvalidInput("request.bad_value", str(error), field=prefix.rstrip(".") or None))
        return None


def _value(kind: Any, raw: Any, path: str, problems: list[DomainError], form: bool) -> Any:
    base = _unwrap(kind)
    item = _list_item(base)
    if item is not None and _is_struct(item):
        if not isinstance(raw, list):
            problems.append(_bad(kind, path))
            return MISSING
        before = len(problems)
        rows = [_struct(item, row, f"{path}[{i}].", problems, form) if isinstance(row, Mapping)
                else problems.append(_bad(item, f"{path}[{i}]")) for i, row in enumerate(raw)]
        if len(problems) > before:
            return MISSING
        try:  # the list's own constraints (at least one row …)
            return msgspec.convert([msgspec.to_builtins(r) for r in rows], kind, strict=not form)
        except msgspec.ValidationError as error:
            problems.append(_bad(kind, path, str(error)))
            return MISSING
    try:
        return msgspec.convert(raw, kind, strict=not form)
    except msgspec.ValidationError as error:
        problems.append(_bad(kind, path, str(error)))
        return MISSING


def _form_value(raw: Any, kind: Any) -> Any:
    """A posted field as the command's type reads it: trimmed text, no empty strings, lists as lists."""
    base = _unwrap(kind)
    if _list_item(base) is not None:
        if raw is MISSING or raw is None:
            return MISSING
        values = raw if isinstance(raw, list) else [raw]
        if values and all(isinstance(v, (dict, Mapping)) for v in values):
            return values
        return [str(v).strip() for v in values if str(v).strip()]
    if isinstance(raw, list):
        raw = raw[0] if raw else MISSING
    if raw is MISSING or raw is None:
        return MISSING
    if isinstance(raw, str):
        raw = raw.strip()
        if raw and _accepts(base, bool):
            return raw.lower() in TRUE_WORDS if raw.lower() in TRUE_WORDS | FALSE_WORDS else raw
        if raw == "":
            return "" if _accepts(base, str) and not _optional(base) else MISSING
    return raw


def _nested(data: Mapping[str, Any], kept: dict[str, list[int]]) -> dict[str, Any]:
    """Form keys ``tasks[0].task`` → ``{"tasks": [{"task": …}]}``; other keys as they are.  A row left
    blank is no row; ``kept`` notes, per list, the posted number of each row kept."""
    found: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in data.items():
        if key == "_csrf_token":
            continue
        m = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", key)
        if m:
            rows.setdefault(m[1], {}).setdefault(int(m[2]), {})[m[3]] = value[0] if isinstance(value, list) else value
        else:
            found[key] = value
    for name, numbered in rows.items():
        found[name], kept[name] = [], []
        for number, row in sorted(numbered.items()):
            cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
            if any(v not in ("", None) for v in cleaned.values()):  # a blank row of a form is no row
                found[name].append({k: v for k, v in cleaned.items() if v not in ("", None)})
                kept[name].append(number)
    return found


# -- the Chinese words for a problem ------------------------------------------------------------------
def _missing(kind: Any, path: str) -> InvalidInput:
    label = _title(kind) or path
    base = _unwrap(kind)
    chosen = _is_choice(base) or _accepts(base, UUID) or _accepts(base, bool) or (
        _list_item(base) is not None and _accepts(_list_item(base), UUID))
    verb = "请选择" if chosen else "请填写"
    return InvalidInput("request.missing_field", f"{verb}{label}。", field=path)


def _bad(kind: Any, path: str, detail: str = "") -> InvalidInput:
    label = _title(kind) or f"字段“{path}”"
    base = _unwrap(kind)
    meta = _metas(kind)
    low = next((m.ge for m in meta if m.ge is not None), None)
    high = next((m.le for m in meta if m.le is not None), None)
    longest = next((m.max_length for m in meta if m.max_length is not None), None)
    if "length <=" in detail and longest is not None and _accepts(base, str):
        return InvalidInput("request.too_long", f"{label}不能超过{longest}字。", field=path)
    if "length >=" in detail and _list_item(base) is not None:
        verb = "选择" if _accepts(_list_item(base), UUID) or _is_choice(_list_item(base)) else "填写"
        return InvalidInput("request.missing_field", f"请至少{verb}一项{label}。", field=path)
    if "length >=" in detail:
        return InvalidInput("request.missing_field", f"请填写{label}。", field=path)
    if (">=" in detail or "<=" in detail) and (low is not None or high is not None):
        span = f"应在{low}–{high}之间" if low is not None and high is not None else (
            f"应不小于{low}" if low is not None else f"应不大于{high}")
        return InvalidInput("request.out_of_range", f"{label}{span}。", field=path)
    if "regex" in detail:
        example = next((m.examples[0] for m in meta if m.examples), None)
        shown = f"，格式如 {example}" if example else ""
        return InvalidInput("request.bad_format", f"{label}的格式不对{shown}。", field=path)
    if _accepts(base, date):
        return InvalidInput("request.bad_date", f"{label}应为日期，格式如 2026-03-02。", field=path)
    if _accepts(base, UUID) or (_list_item(base) is not None and _accepts(_list_item(base), UUID)):
        return InvalidInput("request.bad_id", f"{label}无效，请重新选择。", field=path)
    if _is_choice(base):
        return InvalidInput("request.bad_choice", f"{label}的取值无效，请重新选择。", field=path)
    if _accepts(base, bool):
        return InvalidInput("request.bad_type", f"{label}应为“是”或“否”。", field=path)
    if _accepts(base, int) or _accepts(base, float):
        word = "整数" if _accepts(base, int) and not _accepts(base, float) else "数字"
        return InvalidInput("request.bad_type", f"{label}应为{word}。", field=path)
    if _accepts(base, str):
        return InvalidInput("request.bad_type", f"{label}应为文本。", field=path)
    return InvalidInput("request.bad_type", f"{label}的格式不对。", field=path)


# -- reading a field's type --------------------------------------------------------------------------
def _metas(kind: Any) -> list[Meta]:
    """The field's ``Meta`` annotations, the optional value's own among them."""
    found: list[Meta] = []
    while get_origin(kind) is Annotated:
        args = get_args(kind)
        found += [a for a in args[1:] if isinstance(a, Meta)]
        kind = args[0]
    for member in get_args(kind) if _is_union(kind) else ():
        if get_origin(member) is Annotated:
            found += _metas(member)
    return found


def _is_union(kind: Any) -> bool:
    return get_origin(kind) is Union or type(kind).__name__ == "UnionType"


def _title(kind: Any) -> str | None:
    return next((m.title for m in _metas(kind) if m.title), None)


def _unwrap(kind: Any) -> Any:
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind


def _members(kind: Any) -> tuple[Any, ...]:
    kind = _unwrap(kind)
    if _is_union(kind):
        return tuple(_unwrap(a) for a in get_args(kind))
    return (kind,)


def _optional(kind: Any) -> bool:
    return type(None) in _members(kind)


def _accepts(kind: Any, wanted: type) -> bool:
    return any(m is wanted for m in _members(kind))


def _is_choice(kind: Any) -> bool:
    return any((isinstance(m, type) and issubclass(m, Enum)) or get_origin(m) is typing.Literal
               for m in _members(kind))


def _list_item(kind: Any) -> Any:
    for member in _members(kind):
        if get_origin(member) is list:
            return _unwrap(get_args(member)[0])
    return None


def _is_struct(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Struct)


def plain(command: Struct) -> dict[str, Any]:
    """The command's fields as keyword arguments (nested structs as dicts, the date and ids kept)."""
    return {f: _plain(getattr(command, f)) for f in command.__struct_fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, Struct):
        return plain(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


__all__ = ["Attachment", "Attachments", "Checks", "Command", "VersionedCommand", "decode", "field_label", "plain"]
