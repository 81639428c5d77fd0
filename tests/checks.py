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
