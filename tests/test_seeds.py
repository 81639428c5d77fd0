"""Seed data parsed at run time from the Hanyang gazette (shared/seeds/001_…txt)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from duban.demo import seeds
from duban.demo.seeds import (
    SEED_FILE,
    SeedDistrict,
    SeedsNotFound,
    default_seeds_dir,
    load_seed_district,
    parse_cn_date,
)

SUBDISTRICTS = ["晴川街", "建桥街", "鹦鹉街", "洲头街", "五里墩街", "琴断口街",
                "江汉二桥街", "永丰街", "龙阳街", "四新街", "江堤街"]
# Person names of the district leaders in 阳政办〔2022〕4号 — they must never reach the seed data.
LEADER_PERSON_NAMES = ["郭笑撰", "彭焚", "张斌", "李津", "赵亮", "黄翀", "易雄才"]


@pytest.fixture(scope="module")
def source_text() -> str:
    path = default_seeds_dir() / SEED_FILE
    if not path.is_file():
        pytest.skip(f"shared/seeds not found beside the repo: {path} (set DUBAN_SEEDS_DIR)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def district(source_text: str) -> SeedDistrict:
    return load_seed_district()


@pytest.fixture(scope="module")
def code_of(district: SeedDistrict):
    by_name = {u.name: u.code for u in district.units}
    return lambda name: by_name[name]


def plan(district: SeedDistrict, key: str):
    return next(p for p in district.plans if p.key == key)


def task(district: SeedDistrict, plan_key: str, task_key: str):
    return next(t for t in plan(district, plan_key).tasks if t.key == task_key)


# ---- locating the source -----------------------------------------------------------------------
def test_default_seeds_dir_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DUBAN_SEEDS_DIR", str(tmp_path))
    assert default_seeds_dir() == tmp_path
    monkeypatch.delenv("DUBAN_SEEDS_DIR")
    repo_root = Path(seeds.__file__).resolve().parents[2]
    assert default_seeds_dir() == repo_root.parent / "shared" / "seeds"


def test_missing_seeds_dir_raises(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(SeedsNotFound) as err:
        load_seed_district(missing)
    assert isinstance(err.value, FileNotFoundError)
    assert str(missing) in str(err.value) and "DUBAN_SEEDS_DIR" in str(err.value)


def test_env_var_is_used_by_loader(monkeypatch, tmp_path):
    monkeypatch.setenv("DUBAN_SEEDS_DIR", str(tmp_path))
    with pytest.raises(SeedsNotFound, match="DUBAN_SEEDS_DIR"):
        load_seed_district()


@pytest.mark.parametrize("text, expected", [
    ("2022年6月底", date(2022, 6, 30)),
    ("6月", date(2022, 6, 30)),
    ("2月", date(2022, 2, 28)),
    ("2022年5月9日", date(2022, 5, 9)),
    ("2022 年 4 月 6 日", date(2022, 4, 6)),
    ("年底", date(2022, 12, 31)),
])
def test_parse_cn_date(text, expected):
    assert parse_cn_date(text) == expected


# ---- units -------------------------------------------------------------------------------------
def test_the_34_table_units_come_first_in_table_order(district):
    table = district.units[:34]
    assert [u.code for u in table] == [f"U{i:02d}" for i in range(1, 35)]
    assert (table[0].code, table[0].name, table[0].kind) == ("U01", "晴川街", "subdistrict")
    assert [u.name for u in table[:11]] == SUBDISTRICTS
    assert [u.name for u in table if u.kind == "subdistrict"] == SUBDISTRICTS
    assert table[11].name == "汉阳经济开发区" and table[33].name == "生态环境汉阳分局"
    assert table[17].name == "区财政局(区金融办)"


def test_unit_codes_names_and_kinds(district):
    codes = [u.code for u in district.units]
    assert codes == [f"U{i:02d}" for i in range(1, len(codes) + 1)]
    names = [u.name for u in district.units]
    assert len(set(names)) == len(names)
    assert "区财政局" not in names and "区城管执法局" not in names  # aliases folded
    assert all(len(n) <= 15 and "、" not in n and "（" not in n for n in names)
    kinds = {u.name: u.kind for u in district.units}
    for name in ["区大数据中心", "区会展业发展服务中心", "区企业服务中心", "区人才服务中心",
                 "汉阳经济开发区", "四新生态新城管委会经发局"]:
        assert kinds[name] == "institution", name
    for name in ["区发改局", "区卫健委", "规划汉阳分局", "区税务局", "区公安分局"]:
        assert kinds[name] == "department", name
    extras = names[34:]
    assert {"区税务局", "汉阳投发", "区公安分局", "区司法局"} <= set(extras)
    assert extras.index("汉阳市政") < extras.index("汉阳投发") < extras.index("区税务局")


# ---- plans -------------------------------------------------------------------------------------
def test_project_planning_plan(district, code_of):
    p = plan(district, "project_planning_2022")
    assert p.source_kind == "important_document"
    assert p.reference == "阳政办〔2022〕3号" and p.decision_date == date(2022, 4, 6)
    assert "项目策划年" in p.title
    assert [t.key for t in p.tasks] == [str(i) for i in range(1, 28)]
    assert all(t.deadline == date(2022, 9, 30) for t in p.tasks)

    t1 = p.tasks[0]
    assert t1.title == "争取国家战略项目落户汉阳"
    assert t1.lead_unit_codes == tuple(code_of(n) for n in ("区发改局", "区科经局", "区商务局"))
    assert t1.responsible_unit_codes == ()  # "区招商引资及投资工作绩效考核责任单位" is a group, dropped
    t3 = p.tasks[2]
    assert code_of("区财政局(区金融办)") in t3.lead_unit_codes
    t4 = p.tasks[3]
    assert t4.lead_unit_codes == (code_of("四新生态新城管委会经发局"),)
    assert {code_of(n) for n in ("江堤街", "洲头街", "永丰街", "区会展业发展服务中心")} \
        == set(t4.responsible_unit_codes)
    assert p.tasks[4].lead_unit_codes == tuple(code_of(n) for n in SUBDISTRICTS + ["汉阳经济开发区"])
    assert p.tasks[6].responsible_unit_codes == tuple(code_of(n) for n in SUBDISTRICTS)  # 各街道
    assert set(p.tasks[7].responsible_unit_codes) >= {code_of("四新街"), code_of("江堤街")}  # wrapped line
    assert p.tasks[12].responsible_unit_codes[0] == code_of("区税务局")


def test_traffic_proposal_plan(district, code_of):
    p = plan(district, "traffic_proposal_3")
    assert p.source_kind == "cppcc_proposal"
    assert p.reference == "阳政办〔2022〕7号" and p.decision_date == date(2022, 4, 15)
    assert "3号建议案" in p.title
    assert [t.key for t in p.tasks] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4",
                                         "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2"]
    assert all(t.deadline == date(2022, 10, 31) and t.phase == "实施办理阶段" for t in p.tasks)
    assert task(district, "traffic_proposal_3", "1.1").lead_unit_codes == (code_of("规划汉阳分局"),)
    assert task(district, "traffic_proposal_3", "2.4").lead_unit_codes == (code_of("规划汉阳分局"),)
    assert task(district, "traffic_proposal_3", "1.4").lead_unit_codes == (code_of("区城管局"),)
    t41 = task(district, "traffic_proposal_3", "4.1")
    assert t41.title == "探索“碳积分”奖励政策"
    assert t41.lead_unit_codes == (code_of("生态环境汉阳分局"),)
    assert set(t41.responsible_unit_codes) >= {code_of(n) for n in SUBDISTRICTS}


def test_law_enforcement_pilot_plan(district, code_of):
    p = plan(district, "law_enforcement_pilot")
    assert p.source_kind == "important_document"
    assert p.reference == "阳政办〔2022〕8号" and p.decision_date == date(2022, 4, 30)
    assert [t.key for t in p.tasks] == [str(i) for i in range(1, 24)]
    assert all(t.lead_unit_codes == (code_of("区司法局"),) for t in p.tasks)
    deadlines = {t.key: t.deadline for t in p.tasks}
    assert deadlines["1"] == date(2022, 5, 31) and deadlines["2"] == date(2022, 4, 30)
    assert deadlines["4"] == date(2022, 6, 30) and deadlines["5"] == date(2022, 4, 30)
    assert deadlines["22"] == deadlines["23"] == date(2022, 10, 31)
    assert task(district, "law_enforcement_pilot", "9").phase == "组织实施阶段"
    assert task(district, "law_enforcement_pilot", "23").phase == "评估总结阶段"
    assert task(district, "law_enforcement_pilot", "1").responsible_unit_codes == (code_of("区委编办"),)
    assert set(task(district, "law_enforcement_pilot", "7").responsible_unit_codes) \
        == {code_of("区法院"), code_of("区检察院")}
    t18 = task(district, "law_enforcement_pilot", "18")  # "区街道" in the source means every 街道
    assert set(t18.responsible_unit_codes) >= {code_of(n) for n in SUBDISTRICTS + ["区应急局"]}


def test_every_task_is_assigned_dated_and_references_known_units(district):
    known = {u.code for u in district.units}
    for p in district.plans:
        assert len({t.key for t in p.tasks}) == len(p.tasks)
        for t in p.tasks:
            assert t.lead_unit_codes or t.responsible_unit_codes, (p.key, t.key)
            assert t.deadline is not None and t.deadline.year == 2022, (p.key, t.key)
            assert 0 < len(t.title) <= 60
            assert not set(t.lead_unit_codes) & set(t.responsible_unit_codes)
            assert set(t.lead_unit_codes) | set(t.responsible_unit_codes) <= known


# ---- leaders -----------------------------------------------------------------------------------
def test_leaders_are_roles(district):
    titles = [l.title for l in district.leaders]
    assert titles.count("区长") == 1 and titles.count("常务副区长") == 1
    assert set(titles) <= {"区长", "常务副区长", "副区长"}
    assert [l.code for l in district.leaders] == [f"L{i}" for i in range(1, len(titles) + 1)]
    assert district.leaders[0].title == "区长"
    executive = next(l for l in district.leaders if l.title == "常务副区长")
    assert executive.portfolio_label.startswith("常务副区长（发展改革、财政")
    names = {u.code: u.name for u in district.units}
    assert {"区发改局", "区财政局(区金融办)", "区人资局"} <= {names[c] for c in executive.unit_codes}
    assert any({"区建设局", "区房管局"} <= {names[c] for c in l.unit_codes}
               and "城市建设" in l.portfolio_label for l in district.leaders if l.title == "副区长")


def test_no_person_names_in_seed_data(district, source_text):
    for name in LEADER_PERSON_NAMES:
        assert name in source_text  # the guard is meaningful: the names are in the source
        assert name not in repr(district), name
        for leader in district.leaders:
            assert name not in leader.title + leader.portfolio_label


def test_every_table_unit_in_exactly_one_portfolio(district, code_of):
    held = [c for l in district.leaders for c in l.unit_codes]
    assert len(held) == len(set(held))  # no unit in two portfolios
    table = [u.code for u in district.units[:34]]
    assert all(held.count(c) == 1 for c in table)
    head = district.leaders[0]
    assert {code_of(n) for n in SUBDISTRICTS} <= set(head.unit_codes)
    assert code_of("区商务局") in head.unit_codes  # 区委常委 assisting the 区长 folded into L1


def test_loading_is_deterministic(district):
    assert load_seed_district() == district


def test_a_missing_seeds_folder_fails_the_demo_tests_under_ci_and_skips_them_otherwise(monkeypatch, tmp_path):
    """The ``seed`` fixture (tests/conftest.py): CI must not pass by skipping every demo test."""
    from conftest import load_seed

    monkeypatch.setenv("DUBAN_SEEDS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match="CI=true requires the seed documents") as failed:
        load_seed(in_ci=True)
    assert str(tmp_path / "nowhere") in str(failed.value)
    with pytest.raises(pytest.skip.Exception, match="shared/seeds not found"):
        load_seed(in_ci=False)
    monkeypatch.delenv("DUBAN_SEEDS_DIR")
    assert load_seed(in_ci=False).code == "420105"  # found beside the repository (skips where they are not)
