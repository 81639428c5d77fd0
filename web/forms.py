"""HTML forms: read a page's query fields (filters, periods), and show a refusal beside its field.

A command's fields are read as its class (``web.commands.form_command``); a page's own query
fields through :class:`Form` (a bad value raises ``InvalidInput`` naming the field, in Chinese).
On any ``DomainError`` a handler re-renders its page
with :meth:`Form.refused`: the message sits beside the field, every typed value is kept, and
nothing was recorded (the application saves all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Iterable, TypeVar
from uuid import UUID

from litestar.enums import RequestEncodingType
from litestar.params import Body

from domain.errors import ConcurrentChange, DomainError, InputProblems, InvalidInput
from domain.labels import Labelled
from web.errors import status_of

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""The annotation of a handler's ``data`` for an HTML form post."""

E = TypeVar("E", bound=Labelled)


EARLIEST_DAY = date(2000, 1, 1)
"""No record is older: a day asked about before it is a typing error (or a probe)."""


def asked_day(value: date | None, today: date, field: str, label: str = "查询日期") -> date | None:
    """A day a query is asked about (as of, from, to): between 2000-01-01 and today, or refused,
    so no query is asked to walk the years up to 9999."""
    if value is None:
        return None
    if value > today:
        raise InvalidInput("date.after_today", f"{label}不能晚于今天（{today.isoformat()}）。", field=field)
    if value < EARLIEST_DAY:
        raise InvalidInput("date.too_early", f"{label}不能早于{EARLIEST_DAY.isoformat()}。", field=field)
    return value


def seen_version(form: "Form", record: Any) -> int | None:
    """The version of ``record`` the page showed (the form's hidden ``version``), for the command
    to carry as its expected version; a page already out of date is refused at once (409)."""
    seen = form.integer("version", "页面版本", required=False)
    if seen is not None and seen != record.version:
        raise ConcurrentChange(record.label)
    return seen


@dataclass
class FormState:
    """What a page needs to draw one form again: the values typed and the refusal, if any.

    ``action`` names the form on a page that holds several (the item page's actions)."""

    action: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    error: DomainError | None = None

    def for_action(self, action: str) -> "FormState":
        """This state if it belongs to the form ``action``, else an empty one."""
        return self if self.action == action else NO_FORM

    def value(self, name: str, default: Any = "") -> Any:
        found = self.values.get(name, default)
        return default if found is None else found

    def chosen(self, name: str) -> list[str]:
        found = self.values.get(name, [])
        return [found] if isinstance(found, str) else list(found)

    @property
    def errors(self) -> list[DomainError]:
        """Every problem of the refusal: several when the command reported them together
        (``domain.errors.InputProblems``), each shown beside its own field."""
        if self.error is None:
            return []
        return list(self.error.problems) if isinstance(self.error, InputProblems) else [self.error]

    def error_for(self, name: str) -> str:
        """The message to show beside ``name`` (empty when the refusal concerns another field)."""
        return " ".join(e.message for e in self.errors if e.field == name)

    def general_error(self, fields: Iterable[str]) -> str:
        """The message to show above the form when no field of it is to blame."""
        known = set(fields)
        return " ".join(e.message for e in self.errors if e.field not in known)


NO_FORM = FormState()


class Form:
    """Typed access to a posted form; every problem raises ``InvalidInput`` with the field."""

    def __init__(self, data: dict[str, Any] | None, action: str = "") -> None:
        self.data = {k: v for k, v in (data or {}).items() if k != "_csrf_token"}
        self.action = action

    def _raw(self, name: str) -> str:
        value = self.data.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value).strip()

    def day(self, name: str, label: str, *, required: bool = True) -> date | None:
        value = self._raw(name)
        if not value:
            if required:
                raise InvalidInput("form.required", f"请填写{label}。", field=name)
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("form.bad_date", f"{label}应为日期，格式如 2026-03-02。", field=name) from None

    def integer(self, name: str, label: str, *, required: bool = True, low: int | None = None,
                high: int | None = None) -> int | None:
        value = self._raw(name)
        if not value:
            if required:
                raise InvalidInput("form.required", f"请填写{label}。", field=name)
            return None
        try:
            number = int(value)
        except ValueError:
            raise InvalidInput("form.bad_number", f"{label}应为整数。", field=name) from None
        if (low is not None and number < low) or (high is not None and number > high):
            span = f"{low}–{high}" if low is not None and high is not None else (
                f"不小于{low}" if low is not None else f"不大于{high}")
            raise InvalidInput("form.out_of_range", f"{label}应在{span}之间。" if "–" in span else f"{label}应{span}。",
                               field=name)
        return number

    def choice(self, name: str, label: str, kind: type[E]) -> E:
        value = self._raw(name)
        if not value:
            raise InvalidInput("form.required", f"请选择{label}。", field=name)
        return kind.parse(value, rule="form.bad_choice", what=label, field=name)  # type: ignore[return-value]

    def uuid(self, name: str, label: str, *, required: bool = True) -> UUID | None:
        value = self._raw(name)
        if not value:
            if required:
                raise InvalidInput("form.required", f"请选择{label}。", field=name)
            return None
        return self._parse_uuid(value, name, label)

    def flag(self, name: str) -> bool:
        return self._raw(name).lower() in ("1", "on", "true", "yes", "是")

    @staticmethod
    def _parse_uuid(value: str, name: str, label: str) -> UUID:
        try:
            return UUID(value)
        except ValueError:
            raise InvalidInput("form.bad_choice", f"{label}无效，请重新选择。", field=name) from None

    def refused(self, error: DomainError, *, secret: Iterable[str] = ()) -> FormState:
        """The state to draw the form again with: what was typed (but the ``secret`` fields: a
        password typed is never drawn again) and why it was refused."""
        hidden = set(secret)
        return FormState(action=self.action, values={k: v for k, v in self.data.items() if k not in hidden},
                         error=error)

    @staticmethod
    def status(error: DomainError) -> int:
        return status_of(error)


__all__ = ["Form", "FormBody", "FormState", "NO_FORM"]
