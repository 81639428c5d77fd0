"""Enumerations read and write their Chinese labels (one mechanism for all of them)."""

import pytest

from domain.errors import InvalidInput
from domain.item import ItemStatus
from domain.organisation import UnitKind, parse_unit_kind
from domain.rectification import Severity, parse_severity
from domain.sources import SourceKind, parse_source_kind


def test_a_member_is_found_by_its_value_or_its_chinese_label():
    assert parse_unit_kind("街道") is parse_unit_kind("subdistrict") is UnitKind.SUBDISTRICT
    assert parse_source_kind("政协提案") is SourceKind.CPPCC_PROPOSAL
    assert parse_severity("严重") is Severity.SEVERE
    assert ItemStatus("signed_off").label == "已办结销号"
    assert str(ItemStatus.SIGNED_OFF) == "signed_off"  # the stored value stays the English word


def test_an_unknown_name_lists_every_allowed_label():
    with pytest.raises(InvalidInput) as caught:
        parse_source_kind("小道消息")
    assert caught.value.rule == "item.unknown_source" and caught.value.field == "source"
    assert all(kind.label in caught.value.message for kind in SourceKind)
