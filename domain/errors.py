"""Domain errors: every refused command names the rule it broke, in plain words.

The ``rule`` is a stable English identifier (for the API and logs); the
``message`` is the plain-Chinese sentence a user reads.  Nothing is recorded
when one of these is raised.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused.  Base of every error the domain raises on purpose."""

    status = "refused"

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(f"[{rule}] {message}")
        self.rule = rule
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"rule": self.rule, "message": self.message, "field": self.field}


class RuleViolation(DomainError):
    """The command breaks a business rule (违反规则), e.g. an extension after the deadline."""


class InvalidInput(DomainError):
    """The command's data is malformed or incomplete (输入有误)."""

    status = "invalid"


class NotAllowed(DomainError):
    """The actor's role or unit may not do this (无权操作)."""

    status = "forbidden"


class NotFound(DomainError):
    """No such record in the actor's district (不存在).  Other districts' data is
    reported as not found, never as forbidden, so nothing leaks across districts."""

    status = "not_found"


class DamagedRecord(DomainError):
    """A record's stored events no longer replay (事件缺失或被改动): one was deleted, reordered or
    edited in the database.  The record cannot be read; the chain's verification names the event."""

    status = "damaged"

    def __init__(self, what: str) -> None:
        super().__init__("record.damaged", f"该{what}的记录不完整或已被改动，无法读取；请到“记录核验”页面查看。")


class ConcurrentChange(DomainError):
    """Someone else changed the record first (并发修改); reload and try again."""

    status = "conflict"

    def __init__(self, what: str) -> None:
        super().__init__(
            "concurrency.conflict",
            f"{what}已被他人修改，本次操作未保存，请刷新后重试。",
        )


def require(condition: object, rule: str, message: str, *, field: str | None = None) -> None:
    """Raise :class:`RuleViolation` unless ``condition`` holds."""
    if not condition:
        raise RuleViolation(rule, message, field=field)


def require_input(condition: object, rule: str, message: str, *, field: str | None = None) -> None:
    """Raise :class:`InvalidInput` unless ``condition`` holds."""
    if not condition:
        raise InvalidInput(rule, message, field=field)


class InputProblems(InvalidInput):
    """Several problems with one command's input (输入有误), each naming its field, reported
    together: a form shows every one beside its field at once.  ``rule``, ``message`` and
    ``field`` are the first problem's (the API's one error); ``problems`` holds them all."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        super().__init__(first.rule, " ".join(p.message for p in problems), field=first.field)
        self.problems = list(problems)


class Problems:
    """Collects the input problems of one command, to raise them together (:meth:`raise_any`)."""

    def __init__(self) -> None:
        self.found: list[DomainError] = []

    def check(self, condition: object, rule: str, message: str, *, field: str | None = None) -> bool:
        if not condition:
            self.found.append(InvalidInput(rule, message, field=field))
        return bool(condition)

    def attempt(self, read, default=None):
        """``read()``, or ``default`` with its InvalidInput (or every one of its InputProblems) kept."""
        try:
            return read()
        except InputProblems as problems:
            self.found.extend(problems.problems)
        except InvalidInput as problem:
            self.found.append(problem)
        return default

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise InputProblems(self.found)
