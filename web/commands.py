"""Reading a command (``duban.commands``) from a request: the API's JSON body and the HTML forms go
through the same class and the same checks, so both refuse bad input alike, every problem at once."""

from __future__ import annotations

import typing
from typing import Any, TypeVar

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.utils.scope.state import ScopeState

from domain.actor import Actor
from domain.errors import DomainError, InputProblems
from duban.application import Duban
from duban.commands.base import Checks, Command, decode
from web.auth import actor_of
from web.confirmations import unconfirmed
from web.context import reads_of

C = TypeVar("C", bound=Command)


def form_command(cls: type[C], data: dict[str, Any] | None, *, app: Duban | None = None,
                 actor: Actor | None = None, **given: Any) -> C:
    """The command ``cls`` from a posted form (its hidden ``version`` is the expected version; files
    are passed on separately, see :func:`form_files`); ``given`` are fields the page fixes itself
    (the record a notice is about …).  A command whose class names its ``checks`` is checked by
    ``app`` for ``actor`` too, every problem at once."""
    fields = {("expected_version" if k == "version" else k): v for k, v in (data or {}).items()
              if k != "_csrf_token" and not _is_file(v)}
    missing = unconfirmed(cls, data)  # an irreversible step not confirmed (web.confirmations)
    try:
        command = decode(cls, {**fields, **given}, form=True, checks=_checks(cls, app, actor))
    except DomainError as error:
        if missing is None:
            raise
        earlier = list(error.problems) if isinstance(error, InputProblems) else [error]
        raise InputProblems([*earlier, missing]) from None
    if missing is not None:
        raise missing
    return command


def form_files(data: dict[str, Any] | None, *names: str) -> dict[str, list]:
    """The files chosen in the form's fields ``names`` (as ``web.uploads.uploads`` reads them)."""
    from web.uploads import uploads_of
    return {name: uploads_of(data or {}, name) for name in names}


def _checks(cls: type[Command], app: Duban | None, actor: Actor | None) -> Checks | None:
    """What the application finds in the fields of ``cls`` (its ``checks``), if it names any."""
    if not cls.checks:
        return None
    if app is None or actor is None:
        raise TypeError(f"{cls.__name__} is checked by the application: give app and actor")
    return lambda fields: app.input_problems(cls, fields, actor)


def _is_file(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, UploadFile) for v in values)


def command_class(request: Request) -> type[Command] | None:
    """The command class the route takes as its body, if it takes one."""
    field = getattr(request.route_handler, "parsed_data_field", None)
    kind = getattr(field, "annotation", None)
    for member in (kind, *typing.get_args(kind)):
        if isinstance(member, type) and issubclass(member, Command):
            return member
    return None


def body_problems(request: Request) -> list[DomainError] | None:
    """Every problem of the request's JSON body read as its route's command, with what the
    application finds in the fields read well (its ``checks``) (None: no command, or a body that is
    not even JSON)."""
    cls = command_class(request)
    if cls is None:
        return None
    parsed = ScopeState.from_scope(request.scope).json
    if not isinstance(parsed, dict):
        return None
    checks = _checks(cls, reads_of(request).app, actor_of(request)) if cls.checks else None
    try:
        decode(cls, parsed, checks=checks)
    except InputProblems as error:
        return list(error.problems)
    except DomainError as error:
        return [error]
    return None


__all__ = ["body_problems", "command_class", "form_command", "form_files"]
