"""Given–when–then for the aggregates (聚合规则测试): a rule tested on the aggregate alone, with no
store and no service — given its past, when a command (a method call), then the new events, or
the refusal with the rule's name and nothing recorded.

    from domain_harness import creating, given, when

    item = given(SupervisedItem.register(...), lambda i: i.assign(A, [B], DAY, OFFICE))
    when(item, lambda i: i.request_extension(LATER, "征收受阻", DAY, unit_a)).then(
        "ExtensionRequested", new_deadline=LATER, reasons="征收受阻")
    when(item, lambda i: i.request_extension(LATER, " ", DAY, unit_a)).refused("extension.reasons_required")
    creating(lambda: Unit.register("U01", " ", UnitKind.SUBDISTRICT, DAY, OFFICE)).refused("unit.name_required")

The past is the aggregate built by calling its methods (``given(aggregate, *commands)``) or
replayed from events (``given(events=[...])``, events as another aggregate's ``collect_events()``
gave them); ``creating`` is ``when`` for a command that creates the aggregate.  ``when`` runs
the command on a copy, so one past serves several cases; the outcome's ``aggregate`` is the
state after the command.  In the style of the eventsourcing library's own
aggregate examples (call a method, inspect ``collect_events()``) and of Commanded's aggregate
cases (``assert_events(initial_events, command, expected_events)``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from domain.errors import DomainError


def given(aggregate: Any = None, *commands: Callable[[Any], object], events: Iterable[Any] = ()) -> Any:
    """The aggregate after its past: ``aggregate`` with ``commands`` applied in turn, or the
    aggregate ``events`` replay to.  Its events are the past: none is left pending."""
    if aggregate is None:
        for past in events:
            aggregate = past.mutate(aggregate)
        assert aggregate is not None, "given(): an aggregate or its events"
    for command in commands:
        command(aggregate)
    aggregate.collect_events()
    return aggregate


def history(aggregate: Any) -> list:
    """The events of an aggregate built in memory, oldest first (they are collected: it is left
    with none pending) — a past to hand to ``given(events=…)``."""
    return list(aggregate.collect_events())


@dataclass
class Expected:
    """An event the command should record: its class name and the fields it must carry."""

    name: str
    fields: dict = field(default_factory=dict)

    def mismatch(self, actual: Any) -> str | None:
        if type(actual).__name__ != self.name:
            return f"expected {self.name}, got {type(actual).__name__}"
        wrong = {k: getattr(actual, k, "<missing>") for k, v in self.fields.items()
                 if getattr(actual, k, "<missing>") != v}
        if wrong:
            return f"{self.name}: expected {self.fields}, got {wrong}"
        return None


def event(name: str, /, **fields: Any) -> Expected:
    """``event("ExtensionGranted", new_deadline=date(2026, 4, 30))`` for ``then``."""
    return Expected(name, fields)


@dataclass
class Outcome:
    aggregate: Any  # the state after the command (after a refusal: as before)
    events: list  # the new events
    error: DomainError | None

    def then(self, *expected: str | Expected, **fields: Any) -> Any:
        """The command recorded exactly these events, in order (names, or ``event(...)`` with
        fields; ``then("Name", field=value)`` for one event).  Returns the aggregate after it."""
        if self.error is not None:
            raise AssertionError(f"the command was refused: [{self.error.rule}] {self.error.message}")
        wanted = [e if isinstance(e, Expected) else Expected(e) for e in expected]
        if fields:
            assert len(wanted) == 1, "then(name, **fields) names one event"
            wanted[0].fields.update(fields)
        names = [type(e).__name__ for e in self.events]
        assert len(self.events) == len(wanted), f"expected events {[w.name for w in wanted]}, got {names}"
        for want, actual in zip(wanted, self.events):
            problem = want.mismatch(actual)
            assert problem is None, problem
        return self.aggregate

    def refused(self, rule: str, error: type[DomainError] = DomainError, *, field: str | None = None) -> DomainError:
        """The command was refused by ``rule`` (an ``error``, naming ``field`` if given) and
        recorded nothing."""
        if self.error is None:
            raise AssertionError(f"expected a refusal by {rule!r}, the command recorded "
                                 f"{[type(e).__name__ for e in self.events]}")
        assert self.error.rule == rule, f"expected rule {rule!r}, got {self.error.rule!r}: {self.error.message}"
        assert isinstance(self.error, error), f"expected {error.__name__}, got {type(self.error).__name__}"
        if field is not None:
            assert self.error.field == field, f"expected field {field!r}, got {self.error.field!r}"
        assert self.error.message, "a refusal says why, in Chinese"
        return self.error


def creating(command: Callable[[], Any]) -> Outcome:
    """``when`` for a command that creates the aggregate (``lambda: Unit.register(...)``): there is
    no past; then its first events, or the refusal (nothing created)."""
    try:
        aggregate = command()
    except DomainError as error:
        return Outcome(None, [], error)
    return Outcome(aggregate, list(aggregate.collect_events()), None)


def when(aggregate: Any, command: Callable[[Any], object]) -> Outcome:
    """Run ``command`` on a copy of ``aggregate`` (the given past stays as it was)."""
    trial = copy.deepcopy(aggregate)
    version = trial.version
    try:
        command(trial)
    except DomainError as error:
        assert not trial.pending_events and trial.version == version, "a refused command recorded events"
        return Outcome(aggregate, [], error)
    return Outcome(trial, list(trial.collect_events()), None)
