"""Demo seed data parsed at run time from the Hanyang district gazette (汉阳区政府公报 2022 年第 2 期).

The gazette text lives in ``shared/seeds`` beside the repository and is *never* copied into
the repo: every unit, leader portfolio, plan and task below is extracted from it when
:func:`load_seed_district` runs.  Only small keyword→unit tables are written by hand.

Judgement calls (documented here once):

* Units ``U01``..``U34`` follow the 34-row 任务分配表 of 阳政办〔2022〕3号; units referenced by task
  lists but absent from the table get ``U35``... in first-appearance order (plans in the order
  below, lead units before responsible units).
* Aliases: 区财政局 → 区财政局(区金融办), 区城管执法局 → 区城管局, 区自然资源和/与规划分局 → 规划汉阳分局,
  区生态环境分局 → 生态环境汉阳分局.  四新管委会 stays a unit of its own (the table only lists its 经发局).
* Group words: 各街道 / 区街道 (a typo in the pilot list) expand to the 11 subdistricts of the table.
  Groups that are not units (…责任单位, …成员单位, 各行政执法部门, 各职能部门, 区行政执法部门) are dropped.
* Responsible units never repeat a task's lead units.
* Leaders are roles, never persons (L1 区长, then the numbered lines of 阳政办〔2022〕4号 一(二)).
  The 区委常委 who "协助区长负责商务" is folded into L1, as is every "协助区长负责X" clause, because the
  区长 stays responsible.  L1 also keeps the 11 subdistricts and every unit no sector word maps to;
  bodies outside the government line (区委…, 区法院, 区检察院, 武汉… municipal enterprises) are in no portfolio.
* Deadlines: the 项目策划年 tasks carry no own dates, so each gets the end of the 项目策划 phase
  (4-9月 → 2022-09-30).  The 3号建议案 tasks get the end of the 实施办理 phase (4月中下旬-10月 → 2022-10-31).
  The pilot tasks use their own 完成时限 column; their phase is the 工作步骤 phase containing that month.
  The pilot table has no 牵头 column: its lead is the unit the plan names in "成立由…牵头" (区司法局).
* decision_date is the signing date of the issuing notice (first "YYYY年M月D日" of the document).
"""
from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Literal

SEED_FILE = "001_e8039465bbe16240.txt"
ENV_VAR = "DUBAN_SEEDS_DIR"
YEAR = 2022

UnitKind = Literal["subdistrict", "department", "institution"]  # 街道 / 区直部门 / 直属机构


class SeedsNotFound(FileNotFoundError):
    """种子文件缺失（shared/seeds 不在仓库旁，且未设置 DUBAN_SEEDS_DIR）。"""


@dataclass(frozen=True)
class SeedUnit:
    """责任单位：街道、区直部门或直属机构。"""
    code: str
    name: str
    kind: UnitKind


@dataclass(frozen=True)
class SeedLeader:
    """区政府领导的分管角色（不含真实姓名）：区长、常务副区长、副区长及其分管（联系）单位。"""
    code: str
    title: str
    portfolio_label: str
    unit_codes: tuple[str, ...]


@dataclass(frozen=True)
class SeedTask:
    """督办任务：牵头单位、责任单位、完成时限与所属阶段。"""
    key: str
    title: str
    lead_unit_codes: tuple[str, ...]
    responsible_unit_codes: tuple[str, ...]
    deadline: date | None
    phase: str | None


@dataclass(frozen=True)
class SeedPlan:
    """工作方案（重要文件或政协建议案）及其分解任务。"""
    key: str
    title: str
    source_kind: str
    reference: str
    decision_date: date
    tasks: tuple[SeedTask, ...]


@dataclass(frozen=True)
class SeedDistrict:
    """行政区：单位、区政府领导分工与工作方案。"""
    code: str
    name: str
    units: tuple[SeedUnit, ...]
    leaders: tuple[SeedLeader, ...]
    plans: tuple[SeedPlan, ...]


# ---- hand-written keyword tables -------------------------------------------------------------
_ALIASES = {
    "区财政局": "区财政局(区金融办)",
    "区城管执法局": "区城管局",
    "区自然资源和规划分局": "规划汉阳分局",
    "区自然资源与规划分局": "规划汉阳分局",
    "区生态环境分局": "生态环境汉阳分局",
}
_ALL_SUBDISTRICTS = ("各街道", "区街道")
_DROPPED_GROUPS = ("各行政执法部门", "各职能部门", "区行政执法部门")  # plus …责任单位 / …成员单位
_ENTERPRISES = ("汉阳投发", "汉阳市政")
_OUTSIDE_GOVERNMENT = ("区委", "区法院", "区检察院", "武汉")
# 安全生产分工中的行业（领域）词 → 单位名称
_SECTOR_UNITS = {
    "发展改革": ("区发改局",), "财政": ("区财政局(区金融办)",), "安全生产和应急管理": ("区应急局",),
    "人力资源": ("区人资局", "区人才服务中心"), "税务": ("区税务局",), "公安": ("区公安分局",),
    "城市建设": ("区建设局",), "自然资源和规划": ("规划汉阳分局",), "房管": ("区房管局",),
    "生态环境": ("生态环境汉阳分局",), "司法": ("区司法局",),
    "政务服务和大数据管理": ("区行政审批局", "区大数据中心"), "市场监管": ("区市场监管局",),
    "教育": ("区教育局",), "民政": ("区民政局",), "文化体育旅游": ("区文旅局",),
    "工业及信息化": ("区科经局",), "科技": ("区科经局",), "汉阳经济开发区": ("汉阳经济开发区",),
    "企业服务中心": ("区企业服务中心",), "卫生健康": ("区卫健委",), "城市管理": ("区城管局",),
    "城市园林绿化": ("区园林局",), "商务": ("区商务局",),
}

_CN_NUM = "一二三四五六七八九十"
_PAREN = re.compile(r"[（(][^）)]*[）)]")


# ---- locating the source ---------------------------------------------------------------------
def default_seeds_dir() -> Path:
    """种子目录：环境变量 DUBAN_SEEDS_DIR，否则为仓库旁的 ../shared/seeds。"""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]  # duban/demo/seeds.py → repo root
    return repo_root.parent / "shared" / "seeds"


def _read_source(seeds_dir: Path | None) -> str:
    path = (seeds_dir if seeds_dir is not None else default_seeds_dir()) / SEED_FILE
    if not path.is_file():
        raise SeedsNotFound(
            f"seed document not found: {path} — put shared/seeds beside the repository "
            f"or set {ENV_VAR} to the directory holding {SEED_FILE}"
        )
    return path.read_text(encoding="utf-8")


def _documents(text: str) -> list[str]:
    """Split the gazette at the stand-alone document numbers (阳政办〔2022〕N号)."""
    starts = [m.start() for m in re.finditer(r"(?m)^阳政办?〔\d{4}〕\d+号\s*$", text)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _document(docs: list[str], title_pattern: str) -> str:
    for doc in docs:
        title = next(line for line in doc.splitlines()[1:] if line.strip())
        if re.search(title_pattern, title):
            return doc
    raise ValueError(f"no document titled like {title_pattern!r} in {SEED_FILE}")


def _between(doc: str, start: str, end: str) -> str:
    a = re.search(start, doc)
    b = re.search(end, doc[a.end():]) if a else None
    if not a or not b:
        raise ValueError(f"section {start!r}..{end!r} not found")
    return doc[a.end(): a.end() + b.start()]


# ---- dates and phases ------------------------------------------------------------------------
def parse_cn_date(text: str, year: int = YEAR) -> date:
    """解析中文日期：'2022年6月底'→6-30，'6月'→月末，'5月9日'→5-9，'年底'→12-31。"""
    text = re.sub(r"\s+", "", text)
    m = re.search(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日)?", text)
    if not m:
        if "年底" in text or "年末" in text:
            return date(year, 12, 31)
        raise ValueError(f"not a Chinese date: {text!r}")
    y, mo = int(m.group(1) or year), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else calendar.monthrange(y, mo)[1]
    return date(y, mo, day)


def _phases(doc: str) -> list[tuple[str, int, int]]:
    """(name, first month, last month) of each phase under 时间步骤/工作安排/工作步骤."""
    section = _between(doc, rf"[{_CN_NUM}]、(?:时间步骤|工作安排|工作步骤)", rf"\n[{_CN_NUM}]、")
    pattern = rf"(?m)^\s*(?:[（(][{_CN_NUM}]+[)）]|\d+\.)\s*([^\s（()）。，]{{2,12}}?)\s*[（(]([^）)\n]{{1,20}})[)）]"
    phases = []
    for name, span in re.findall(pattern, section):
        months = [int(n) for n in re.findall(r"\d{1,2}", re.sub(r"\d{4}年", "", span))]
        if months:
            phases.append((name, months[0], months[-1]))
    return phases


def _phase_end(phases: list[tuple[str, int, int]], keyword: str) -> tuple[str, date]:
    name, _, last = next(p for p in phases if keyword in p[0])
    return name, date(YEAR, last, calendar.monthrange(YEAR, last)[1])


def _decision_date(doc: str) -> date:
    m = re.search(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", doc)
    if m:
        return date(*map(int, m.groups()))
    return parse_cn_date(re.search(r"20\d\d年\d{1,2}月", doc).group())  # fallback: a nearby month


def _reference(doc: str) -> str:
    return doc.split("\n", 1)[0].strip()


def _plan_title(doc: str) -> str:
    return re.search(r"《([^》]+)》已经区", doc).group(1)


# ---- units -----------------------------------------------------------------------------------
def _kind(name: str) -> UnitKind:
    if name.endswith(("街", "街道")):
        return "subdistrict"
    if "管委会" in name or name.endswith(("中心", "开发区", "集团")) or name in _ENTERPRISES:
        return "institution"
    return "department"


def _short_title(text: str) -> str:
    return re.split(r"[，。；]", text, maxsplit=1)[0].strip()[:60]


class _Registry:
    """Unit names → codes; the 34-row table first, other units in first-appearance order."""

    def __init__(self, table_names: list[str]):
        self.names: list[str] = []
        for name in table_names:
            self.code(name)
        self.subdistricts = [n for n in self.names if _kind(n) == "subdistrict"]

    def code(self, name: str) -> str:
        if name not in self.names:
            self.names.append(name)
        return f"U{self.names.index(name) + 1:02d}"

    def resolve(self, raw: str) -> list[str]:
        """单位名称 → 规范名称列表（'各街道'展开为全部街道；非单位的群组名称被丢弃）。"""
        name = re.sub(r"\s+", "", raw).replace("（", "(").replace("）", ")")
        if not name:
            return []
        if name in _ALL_SUBDISTRICTS:
            return list(self.subdistricts)
        if name in _DROPPED_GROUPS or name.endswith(("责任单位", "成员单位")):
            return []  # a group of units, not a unit
        return [_ALIASES.get(name, name)]

    def codes(self, raws: list[str], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
        out: list[str] = []
        for raw in raws:
            for name in self.resolve(raw):
                code = self.code(name)
                if code not in out and code not in exclude:
                    out.append(code)
        return tuple(out)

    def units(self) -> tuple[SeedUnit, ...]:
        return tuple(SeedUnit(self.code(n), n, _kind(n)) for n in self.names)


def _split_units(text: str) -> list[str]:
    return [u for u in re.split(r"[、，,]", text) if u.strip()]


def _allocation_table(doc: str) -> list[str]:
    rows = re.findall(r"(?m)^(\d{1,2})\t([^\t\n]+)\t", doc.split("任务分配表")[-1])
    if [int(n) for n, _ in rows] != list(range(1, len(rows) + 1)) or len(rows) != 34:
        raise ValueError(f"expected the 34-row allocation table, found {len(rows)} rows")
    return [name.strip() for _, name in rows]


# ---- plans -----------------------------------------------------------------------------------
_ROLE = r"(牵头部门|牵头单位|责任单位)[：:]"


def _bracket_task(reg: _Registry, key: str, text: str, deadline: date, phase: str) -> SeedTask:
    """Task text ending in （牵头…：…；责任单位：…） → SeedTask."""
    m = re.search(r"[（(\[]\s*(" + _ROLE + r".*)$", text)
    body, roles = (text[: m.start()], m.group(1).rstrip(")）]")) if m else (text, "")
    lead: list[str] = []
    resp: list[str] = []
    for role, units in re.findall(_ROLE + r"(.*?)(?=[；;，,]?\s*(?:牵头|责任)\S{2}[：:]|$)", roles):
        (lead if role.startswith("牵头") else resp).extend(_split_units(units.strip("；;，, ")))
    lead_codes = reg.codes(lead)
    return SeedTask(key, _short_title(body), lead_codes, reg.codes(resp, lead_codes), deadline, phase)


def _numbered_items(section: str, marker: str) -> list[tuple[str, str]]:
    """(number, joined text) of the items starting a line with ``<n><marker>``; sub-headings dropped."""
    section = re.sub(rf"(?m)^\s*[（(][{_CN_NUM}]+[)）].*$", "", section)
    parts = re.split(rf"(?m)^(\d{{1,2}}){marker}\s*", section)
    return [(n, "".join(t.split("\n")).strip()) for n, t in zip(parts[1::2], parts[2::2])]


def _planning_plan(reg: _Registry, doc: str) -> SeedPlan:
    phase, deadline = _phase_end(_phases(doc), "项目策划")
    section = _between(doc, r"三、工作重点", r"\n四、")
    tasks = [_bracket_task(reg, n, t, deadline, phase) for n, t in _numbered_items(section, r"\.")]
    return SeedPlan("project_planning_2022", _plan_title(doc), "important_document",
                    _reference(doc), _decision_date(doc), tuple(tasks))


def _traffic_plan(reg: _Registry, doc: str) -> SeedPlan:
    phase, deadline = _phase_end(_phases(doc), "实施办理")
    section = _between(doc, r"三、主要任务", r"\n四、")
    chunks = re.split(rf"(?m)^\s*[（(]([{_CN_NUM}])[)）].*$", section)
    tasks = []
    for cn, chunk in zip(chunks[1::2], chunks[2::2]):
        for n, text in _numbered_items(chunk, "、"):
            tasks.append(_bracket_task(reg, f"{_CN_NUM.index(cn) + 1}.{n}", text, deadline, phase))
    return SeedPlan("traffic_proposal_3", _plan_title(doc), "cppcc_proposal",
                    _reference(doc), _decision_date(doc), tuple(tasks))


def _spread(values: list[str], n: int, what: str) -> list[str]:
    if len(values) == n:
        return values
    if len(values) == 1:
        return values * n
    raise ValueError(f"cannot match {len(values)} {what} to {n} measures")


def _pilot_plan(reg: _Registry, doc: str) -> SeedPlan:
    phases = _phases(doc)
    lead = reg.codes([re.search(r"成立由(\S+?)牵头", doc).group(1)])
    annex = doc[doc.index("工作任务\t工作举措"):]
    tasks = []
    for line in annex.splitlines():
        cells = line.split("\t")
        if len(cells) < 3 or cells[-3].strip() == "工作举措":
            continue
        measures_cell, units_cell, deadlines_cell = (c.strip() for c in cells[-3:])
        parts = re.split(r"(?:^|(?<=\s))(\d{1,2})\s*[.．]\s*", re.sub(r"</?p>", " ", measures_cell).strip())
        measures = list(zip(parts[1::2], parts[2::2]))
        groups = _spread(units_cell.split(), len(measures), "unit groups")
        deadlines = _spread(deadlines_cell.split(), len(measures), "deadlines")
        for (n, text), group, when in zip(measures, groups, deadlines):
            deadline = parse_cn_date(when)
            phase = next((p for p, a, b in phases if a <= deadline.month <= b), None)
            responsible = reg.codes(_split_units(group), lead)
            tasks.append(SeedTask(n, _short_title(text), lead, responsible, deadline, phase))
    return SeedPlan("law_enforcement_pilot", _plan_title(doc), "important_document",
                    _reference(doc), _decision_date(doc), tuple(tasks))


# ---- leaders ---------------------------------------------------------------------------------
def _sectors(text: str) -> list[str]:
    return [s.strip() for s in _PAREN.sub("", text).split("、") if s.strip()]


def _leaders(reg: _Registry, doc: str) -> tuple[SeedLeader, ...]:
    """区政府领导安全生产分工（阳政办〔2022〕4号 一(二)）→ 分管角色，不含姓名。"""
    section = _between(doc, r"（二）根据", r"（三）")
    head_sectors = ["全面工作"]
    roles: list[tuple[str, list[str]]] = []
    for _, line in _numbered_items(section, r"\."):
        head_sectors += [s for c in re.findall(r"协助区长[\u4e00-\u9fff]{0,3}?负责([^；。]*?)(?:等方面|部门)", line)
                         for s in _sectors(c)]
        own = re.search(r"负责([^；。]*?)等(?:工作等)?部门", line)
        if "副区长" in line and own:  # a 区委常委 only assisting the 区长 is folded into L1
            roles.append(("常务副区长" if "常务副区长" in line else "副区长", _sectors(own.group(1))))
    roles.insert(0, ("区长", head_sectors))

    known = set(reg.names)
    held: list[list[str]] = []
    taken: set[str] = set()
    for _, sectors in roles:
        names = [u for s in sectors for u in _SECTOR_UNITS.get(s, ()) if u in known and u not in taken]
        held.append(list(dict.fromkeys(names)))
        taken.update(names)
    held[0] += [n for n in reg.names if n not in taken and not n.startswith(_OUTSIDE_GOVERNMENT)]
    return tuple(
        SeedLeader(f"L{i + 1}", title, f"{title}（{'、'.join(sectors)}）",
                   tuple(sorted((reg.code(n) for n in names), key=lambda c: int(c[1:]))))
        for i, ((title, sectors), names) in enumerate(zip(roles, held))
    )


# ---- entry point -----------------------------------------------------------------------------
def load_seed_district(seeds_dir: Path | None = None) -> SeedDistrict:
    """解析政府公报，返回汉阳区的单位、领导分工与三个工作方案。"""
    docs = _documents(_read_source(seeds_dir))
    planning = _document(docs, r"项目策划年")
    reg = _Registry(_allocation_table(planning))
    builders: list[tuple[Callable[[_Registry, str], SeedPlan], str]] = [
        (_planning_plan, r"项目策划年"),
        (_traffic_plan, r"3\s*号建议案"),
        (_pilot_plan, r"行政执法协调监督"),
    ]
    plans = tuple(build(reg, _document(docs, pattern)) for build, pattern in builders)
    leaders = _leaders(reg, _document(docs, r"安全生产责任"))
    return SeedDistrict("420105", "汉阳区", reg.units(), leaders, plans)
