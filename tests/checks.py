"""Assertions shared by the storage tests: a refusal names its rule and records nothing."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.errors import NotFound


def versions(app, *ids):
    """The stored version of each aggregate (None when it does not exist), read back from the store."""
    found = []
    for i in ids:
        try:
            found.append(app.store.repository.get(i).version)
        except AggregateNotFoundError:
            found.append(None)
    return found


def refused(app, error, rule, action, *ids):
    """``action`` is refused with ``error``/``rule`` and none of ``ids`` changed in the store."""
    before = versions(app, *ids)
    with pytest.raises(error) as caught:
        action()
    assert caught.value.rule == rule
    assert versions(app, *ids) == before
    return caught.value


def never_recorded(read, record_id, actor) -> bool:
    """Whether ``read(record_id, actor)`` (``app.notice``, ``app.rectification`` …: the record by id,
    as its page opens it) answers as for a missing record: nothing was saved under that number."""
    try:
        read(record_id, actor)
    except NotFound:
        return True
    return False


def listed(app, district: str, kind: str, **filters) -> list[UUID]:
    """The ids of ``district``'s records of ``kind`` as its lists show them, by number: the ledger
    read model's entries (item, notice, rectification; ``filters`` as ``LedgerQueries.rows``, e.g.
    ``parent``) or the inspections list, caught up first."""
    reads = app.caught_up_queries()
    if kind == "inspection":
        return [row.id for row in reads.inspections.rows(district)]
    return [UUID(row.entry_id) for row in reads.ledger.rows(district, app.clock.today(), kinds=(kind,), **filters)]


def case_file(app, item_id, actor):
    """``app.case_file`` given the notices the ledger lists about the item, as the pages give them."""
    return app.case_file(item_id, actor, listed(app, actor.district, "notice", parent=item_id))


def verified(app, item_id, code: str, actor):
    """``app.verify_dossier`` given the notices the ledger lists about the item, as the pages give them."""
    return app.verify_dossier(item_id, code, actor, listed(app, actor.district, "notice", parent=item_id))


def stored_items(app, district: str, years=None) -> list:
    """The items saved in ``district``, oldest first (``stored_records``)."""
    return stored_records(app, district, "item", years)


def stored_records(app, district: str, kind: str, years=None) -> list:
    """The items (``kind`` "item") or rectification tasks ("rectification") saved in ``district``,
    oldest first: read back from the store by their numbers (what a test checks was saved or not;
    the application itself lists records from the read models).  ``years``: those years' records
    only (default: from the district's opening to today)."""
    from domain.item import SupervisedItem
    from domain.organisation import NumberRegister
    from domain.rectification import RectificationTask

    record = {"item": SupervisedItem, "rectification": RectificationTask}[kind]
    if years is None:
        today = app.clock.today().year
        years = range(min(app.district(district).opened_on.year, today), today + 1)
    found = []
    for year in years:
        register = _stored(app, NumberRegister.id_for(district, kind, year))
        for number in range(1, (register.highest if register is not None else 0) + 1):
            stored = _stored(app, record.id_for(district, year, number))
            if stored is not None:
                found.append(stored)
    return found


def _stored(app, aggregate_id):
    try:
        return app.store.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
