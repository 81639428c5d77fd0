"""Three-colour warning (三色预警) over the open ledger: rows with their warnings, and counts per
colour for each unit or leader, all answered by the ledger query in SQL (the rule itself is in
``projections.colours``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from projections.colours import NO_WARNING, Colour, ColourWarning, WarningRules, colour_of
from projections.ledger import ALL_KINDS, LedgerQueries, LedgerRow


@dataclass(frozen=True)
class WarnedRow:
    """A ledger row with its warning."""

    row: LedgerRow
    warning: ColourWarning

    @property
    def colour(self) -> Colour:
        return self.warning.colour


@dataclass
class ColourTally:
    """Open entries per colour for one unit or one leader."""

    key: str  # unit or leader id (hex); "" for entries without one
    name: str
    counts: Counter = field(default_factory=Counter)

    @property
    def red(self) -> int:
        return self.counts[Colour.RED]

    @property
    def yellow(self) -> int:
        return self.counts[Colour.YELLOW]

    @property
    def blue(self) -> int:
        return self.counts[Colour.BLUE]

    @property
    def none(self) -> int:
        return self.counts[Colour.NONE]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def warning_for(row: LedgerRow) -> ColourWarning:
    """The warning the ledger query gave ``row`` (closed entries get no colour)."""
    return row.warning if row.is_open else NO_WARNING


class WarningQueries:
    """Three-colour warnings on the open ledger."""

    def __init__(self, ledger: LedgerQueries, rules: WarningRules | None = None) -> None:
        self.ledger = ledger if rules is None else LedgerQueries(ledger.read_models, ledger.calendar, rules)
        self.rules = self.ledger.rules

    def rows(self, district: str, today: date, *, as_of: date | None = None,
             kinds: tuple[str, ...] = ALL_KINDS, **filters) -> list[WarnedRow]:
        """Every open entry with its warning, judged on ``as_of`` (or ``today``); ``filters`` as for
        :meth:`LedgerQueries.rows` (unit, leader, status, source, period, colour, sort)."""
        rows = self.ledger.rows(district, today, as_of=as_of, kinds=kinds, open_only=True, **filters)
        return [WarnedRow(r, r.warning) for r in rows]

    def counts(self, district: str, today: date, *, kinds: tuple[str, ...] = ALL_KINDS, **filters) -> Counter:
        """Open entries per colour."""
        found = self.ledger.warning_counts(district, today, kinds=kinds, open_only=True, **filters)
        return _colours(found.get("", Counter()))

    def by_unit(self, district: str, today: date, **options) -> dict[str, ColourTally]:
        """Open entries per colour for each lead unit (a sub-task counts for its own unit)."""
        return self._tally(district, today, "unit", options)

    def by_leader(self, district: str, today: date, **options) -> dict[str, ColourTally]:
        """Open entries per colour for each leader in charge of the lead unit on the query day."""
        return self._tally(district, today, "leader", options)

    def _tally(self, district: str, today: date, by: str, options: dict) -> dict[str, ColourTally]:
        options.setdefault("kinds", ALL_KINDS)
        found = self.ledger.warning_counts(district, today, by=by, open_only=True, **options)
        names = self.ledger.names(district, by)
        return {key: ColourTally(key, names.get(key, ""), _colours(rules)) for key, rules in sorted(found.items())}


def _colours(rules: Counter) -> Counter:
    counted = Counter()
    for rule, n in rules.items():
        counted[colour_of(rule)] += n
    return counted


__all__ = ["Colour", "ColourWarning", "WarningRules", "WarnedRow", "ColourTally", "WarningQueries", "warning_for"]
