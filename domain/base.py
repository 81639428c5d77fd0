"""What every aggregate of a district shares: its district, and business dates that only move forward."""

from __future__ import annotations

import copyreg
import io
import pickle
from datetime import date
from enum import Enum
from typing import Any
from uuid import NAMESPACE_URL, UUID, SafeUUID, uuid5

from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.utils import get_topic, resolve_topic

from domain.actor import Actor, Role
from domain.errors import NotAllowed, NotFound, RuleViolation
from domain.text import clean_fields

_NAMESPACE = uuid5(NAMESPACE_URL, "https://duban.invalid/")


def stable_id(*parts: object) -> UUID:
    """A deterministic id (UUID5) from its parts, e.g. ``stable_id("420105", "unit", "U01")``."""
    return uuid5(_NAMESPACE, "/".join(str(p) for p in parts))


_UNKNOWN_SAFETY = SafeUUID.unknown  # (an enum member read once: each read through the class is slow)


def _uuid_of(number: int) -> UUID:
    """A UUID from its 128-bit number, as a copy is read back (``_CopyPickler``)."""
    value = object.__new__(UUID)
    object.__setattr__(value, "int", number)
    object.__setattr__(value, "is_safe", _UNKNOWN_SAFETY)
    return value


class _CopyPickler(pickle.Pickler):
    """Pickle for copying a record in memory: a UUID (a record has one per report, unit, actor …)
    goes as its number, about twice as fast as pickle's own way through ``__getstate__``."""

    dispatch_table = {**copyreg.dispatch_table, UUID: lambda value: (_uuid_of, (value.int,))}


class DistrictSnapshot(Snapshot):
    """A snapshot (快照) of a district's aggregate that gives its enum fields back as enums: the
    JSON of a snapshot would bring a status or a source back as a plain string."""

    ENUMS = "_enum_topics"

    @classmethod
    def take(cls, aggregate: Any) -> "DistrictSnapshot":
        snapshot = super().take(aggregate)
        enums = {name: get_topic(type(value)) for name, value in snapshot.state.items() if isinstance(value, Enum)}
        if enums:
            snapshot.state[cls.ENUMS] = enums
        return snapshot

    def mutate(self, _: None) -> Any:
        aggregate = super().mutate(_)
        state = vars(aggregate)
        for name, topic in state.pop(self.ENUMS, {}).items():
            if state.get(name) is not None:
                state[name] = resolve_topic(topic)(state[name])
        return aggregate


class DistrictAggregate(Aggregate):
    """An aggregate that belongs to one district (区) and records business dates.

    Every event carries ``on`` (the business date it takes effect) and ``actor``; a command
    may be back-dated, but never to before the last fact already recorded, so the history
    read in order is also the history in business time.
    """

    Snapshot = DistrictSnapshot

    # Subclasses set ``self.district`` and ``self.last_on`` in their created event.
    # (No class-level annotations: the library would turn them into event fields.)

    class Event(Aggregate.Event):
        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            on = getattr(self, "on", None)
            if on is not None:
                aggregate.last_on = on

    # -- every fact recorded: its text cleaned first ---------------------------------------
    # The one place every command's text passes (the created event and every later one, the
    # escalation ladder's included): line breaks made plain, control characters refused
    # (``domain.text``) — so no document written from the record meets a character XML cannot hold.
    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        return super()._create(event_class, id=id, **clean_fields(kwargs))

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **clean_fields(kwargs))

    def __deepcopy__(self, memo: dict) -> "DistrictAggregate":
        """A copy (the store's cache answers copies): through pickle, several times faster than
        copying attribute by attribute, and every state here is plain values, lists and dicts."""
        buffer = io.BytesIO()
        _CopyPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(self)
        return pickle.loads(buffer.getbuffer())

    # -- guards shared by every aggregate -------------------------------------------------
    label = "记录"

    def check_district(self, actor: Actor) -> None:
        """Records of another district do not exist for the actor: the answer is exactly the one
        for a record that does not exist at all, since ids derive from district, year and number
        and a different answer would tell another district which numbers are in use."""
        if actor.district != self.district:
            raise not_found(type(self))

    def check_business_date(self, on: date, today: date) -> None:
        if on > today:
            raise RuleViolation(
                "date.in_future", f"业务日期{on.isoformat()}晚于今天{today.isoformat()}，不能预先登记。", field="on"
            )
        if on < self.last_on:
            raise RuleViolation(
                "date.before_last_fact",
                f"业务日期{on.isoformat()}早于该{self.label}已记录的最后日期{self.last_on.isoformat()}。",
                field="on",
            )


def not_found(cls: type) -> NotFound:
    return NotFound(f"{cls.__name__.lower()}.not_found", f"没有这条{getattr(cls, 'label', '记录')}。")


def ensure_role(actor: Actor, *roles: Role, doing: str) -> None:
    actor.must_be(*roles, doing=doing)


def refuse(rule: str, message: str) -> NotAllowed:
    return NotAllowed(rule, message)
