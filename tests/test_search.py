"""Finding things (查找): a number however typed, title words, a unit's name, a reference (文号),
answered by the ledger read model in SQL within the district and what one may see — on both stores.
The words themselves are parsed without a database."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder

from domain.rectification import ProblemSource, Severity
from projections.ledger import ALL_KINDS, LedgerQueries
from projections.read_side import ReadSide
from projections.search import Search, normalise

MAR02, MAR20 = date(2026, 3, 2), date(2026, 3, 20)
I1, I2, I3 = "督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"
R1 = "整改〔2026〕1号"


# -- the words, store-free -----------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["督〔2026〕12号", "督[2026]12号", "督（2026）12号", "督【2026】12", " 督 [ 2026 ] 12号 "])
def test_a_number_is_understood_however_its_brackets_are_typed(typed):
    asked = Search.parse(typed)
    assert (asked.prefix, asked.year, asked.sequence) == ("督", 2026, 12)


def test_a_bare_number_asks_for_that_sequence_in_any_year_and_words_are_lower_cased():
    assert Search.parse("12").sequence == 12 and Search.parse("12").year is None
    assert Search.parse("老旧 小区").sequence is None and Search.parse("老旧 小区").words == ("老旧", "小区")
    assert normalise("Abc(2026)") == "abc〔2026〕"
    assert Search.parse("   ").empty and Search.parse("").empty


# -- the district, on both stores ----------------------------------------------------------------------
@pytest.fixture
def district(app, clock):
    """Units A 区住建局 and B 晴川街 under V1, C 区城管执法局 under V2, and on 2026-03-20:

    | number | lead (co) | title | reference |
    | 督1号 | A (B) | 老旧小区改造 | 汉政办〔2026〕3号 |
    | 督2号 | B | 背街小巷整治 | 区政府第1次常务会议 |
    | 督3号 | C | 13处违法建设整治 | 区长办公会 |
    | 整改1号 | C | 专项资金拨付滞后 | — |

    and another district whose item has the same words and number."""
    clock.set(MAR02)
    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管执法局")
             .leaders(V1="vice_head", V2="vice_head").place(A="V1", B="V1", C="V2").build())
    world.item(lead="A", co=["B"], title="老旧小区改造", reference="汉政办〔2026〕3号")
    world.item(lead="B", title="背街小巷整治", reference="区政府第1次常务会议")
    world.item(lead="C", title="13处违法建设整治", reference="区长办公会")
    app.record_rectification(unit=world.unit_ids["C"], source=ProblemSource.AUDIT, problem="专项资金拨付滞后",
                             severity=Severity.GENERAL, deadline=date(2026, 4, 30), actor=world.office, source_ref="审计")
    other = DistrictBuilder(app, district="420199", name="外区").units(A="外区住建局").build()
    for title in ("老旧小区改造", "背街小巷整治", "违法建设整治"):
        other.item(lead="A", title=title, reference="汉政办〔2026〕3号")
    clock.set(MAR20)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    return world, LedgerQueries(read_side.read_models, app.calendar())


def found(district, text: str, **filters) -> list[str]:
    world, q = district
    return [r.number for r in q.rows(world.district, MAR20, kinds=ALL_KINDS, text=text, sort="relevance", **filters)]


def test_search_by_number_however_typed(district):
    assert found(district, "督〔2026〕3号") == [I3]
    assert found(district, "督[2026]3号") == [I3]
    assert found(district, "整改〔2026〕1号") == [R1]  # the prefix tells a rectification task from an item
    assert found(district, "〔2026〕1号") == [R1, I1]


def test_a_bare_number_puts_that_number_first_then_other_matches(district):
    # 3: the item numbered 3 first, then 督1号, whose reference 汉政办〔2026〕3号 holds a 3
    assert found(district, "3") == [I3, I1]


def test_search_by_title_words_all_of_them(district):
    assert found(district, "小巷") == [I2]
    assert found(district, "老旧 改造") == [I1]
    assert found(district, "老旧 整治") == []
    assert found(district, "整治") == [I3, I2]  # newest first


def test_search_by_unit_lead_or_co_unit(district):
    assert found(district, "晴川街") == [I2, I1]  # lead of 2号, co-unit of 1号
    assert found(district, "城管") == [R1, I3]


def test_search_by_reference_however_its_brackets_are_typed(district):
    assert found(district, "汉政办〔2026〕3号") == [I1]
    assert found(district, "汉政办(2026)3号") == [I1]
    assert found(district, "常务会议") == [I2]


def test_a_leader_finds_only_their_portfolio_and_a_district_only_its_own(district):
    world, q = district
    v1_units = [world.unit_ids["A"], world.unit_ids["B"]]
    assert found(district, "整治", units=v1_units) == [I2]  # 督3号 is C's, in V2's portfolio
    assert found(district, "督〔2026〕3号", units=v1_units) == []
    assert q.count(world.district, MAR20, kinds=ALL_KINDS, text="整治") == 2  # the other district's not counted


def test_search_text_with_like_wildcards_is_taken_literally(district):
    assert found(district, "%") == [] and found(district, "_") == []
