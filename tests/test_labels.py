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


def test_the_office_chooses_a_leader_by_post_and_name_never_by_code():
    from types import SimpleNamespace

    from domain.leadership import LeaderTitle
    from web.controllers.oversight_support import leader_options

    def post(title, label, active=True):
        return SimpleNamespace(id=SimpleNamespace(hex=label or "x"), title=title, portfolio_label=label,
                               code="L9", active=active)

    posts = [post(LeaderTitle.VICE_HEAD, "副区长张华"), post(LeaderTitle.VICE_HEAD, "分管城建、交通"),
             post(LeaderTitle.DISTRICT_HEAD, ""), post(LeaderTitle.VICE_HEAD, "副区长李四", active=False)]
    reads = SimpleNamespace(directory=SimpleNamespace(leaders=lambda district: posts))
    assert [words for _, words in leader_options(reads, "420111")] == ["副区长张华", "副区长（分管城建、交通）", "区长"]


def test_a_long_post_is_shortened_at_a_whole_field_for_a_display_name():
    from duban.demo.users import short_post

    assert short_post("副区长（公安、城市建设、自然资源和规划、住房保障）") == "副区长（公安、城市建设等）"
    assert short_post("区长（全面工作、审计）") == "区长（全面工作、审计）"
