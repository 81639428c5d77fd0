"""The office's scoring schemes and escalation rule sets (评分方案、升级规则): a new version adopted
from a date, recorded on the district's ``SchemeBook``; the shipped files stay the defaults."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.actor import Actor
from domain.errors import Problems
from domain.escalation import available_rules
from domain.scheme_book import SchemeBook, SchemeKind
from duban.application.base import Part
from projections.ranking import available_schemes


class SchemeCommands(Part):
    def adopt_scheme_version(self, kind: SchemeKind | str, settings: dict[str, Any], *, effective_from: date | None,
                             reason: str, actor: Actor, on: date | None = None) -> dict[str, Any]:
        """采用新版本: ``settings`` (every weight, threshold and step) as a new version of ``kind`` from
        ``effective_from``, with the reason; the settings as checked.  Every problem at once."""
        kind = kind if isinstance(kind, SchemeKind) else SchemeKind.parse(kind, rule="scheme.kind", what="方案类别",
                                                                          field="kind")
        day = self._on(on)
        adopted: list[dict[str, Any]] = []

        def work() -> list:
            book = self._scheme_book(actor, day)
            book.check_business_date(day, self._today())
            adopted[:] = [book.adopt(kind, settings, effective_from=effective_from, reason=reason,
                                     shipped=_shipped(kind), on=day, actor=actor)]
            return [book]

        self._run("adopt_scheme_version", actor, SchemeBook.id_for(actor.district), work)
        return adopted[0]

    def adoption_problems(self, actor: Actor, kind: SchemeKind | None = None, settings: dict[str, Any] | None = None,
                          effective_from: date | None = None, reason: str = "") -> Problems:
        """Every problem adopting a version would meet today (``AdoptSchemeVersion``), nothing recorded."""
        if kind is None or settings is None:
            return Problems()
        day = self._today()
        return self._scheme_book(actor, day).adoption_problems(kind, settings, effective_from=effective_from,
                                                               reason=reason, shipped=_shipped(kind), on=day)[0]

    def _scheme_book(self, actor: Actor, day: date) -> SchemeBook:
        """The district's book of versions (a new one when none is recorded yet)."""
        book = self._find(SchemeBook, SchemeBook.id_for(actor.district)) or SchemeBook.start(actor.district, day)
        book.check_district(actor)
        return book


def _shipped(kind: SchemeKind) -> list[str]:
    """The names of the versions of ``kind`` shipped with the system."""
    return available_schemes() if kind is SchemeKind.SCORING else available_rules()


__all__ = ["SchemeCommands"]
