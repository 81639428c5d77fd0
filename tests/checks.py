"""Assertions shared by the storage tests: a refusal names its rule and records nothing."""

from __future__ import annotations

import pytest
from eventsourcing.application import AggregateNotFoundError


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


def stored_items(app, district: str, years=None) -> list:
    """The items saved in ``district``, oldest first: read back from the store by their numbers (what
    a test checks was saved or not; the application itself lists records from the read models).
    ``years``: those years' items only (default: from the district's opening to today)."""
    from domain.item import SupervisedItem
    from domain.organisation import NumberRegister

    if years is None:
        today = app.clock.today().year
        years = range(min(app.district(district).opened_on.year, today), today + 1)
    found = []
    for year in years:
        register = _stored(app, NumberRegister.id_for(district, "item", year))
        for number in range(1, (register.highest if register is not None else 0) + 1):
            item = _stored(app, SupervisedItem.id_for(district, year, number))
            if item is not None:
                found.append(item)
    return found


def _stored(app, aggregate_id):
    try:
        return app.store.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
