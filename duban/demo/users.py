"""Demo users for the demo district — for trying the app, never for a real deployment."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actor import Actor, Role
from duban.application import Duban
from duban.demo.seeds import SeedDistrict

DEMO_PASSWORD = "duban-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    note: str


def pilot_unit_code(seed: SeedDistrict) -> str:
    """The lead unit of the first task of the seed's last plan (the demo's second unit user)."""
    return seed.plans[-1].tasks[0].lead_unit_codes[0]


def vice_head_code(seed: SeedDistrict) -> str:
    """The vice head whose portfolio the demo leader ``fuquzhang`` holds."""
    return seed.leaders[2].code


def short_post(label: str, most: int = 20) -> str:
    """A post's label short enough for a display name: a long list of fields ends at a whole field with
    等 (副区长（公安、城市建设等）), never cut inside a word or an open bracket."""
    if len(label) <= most:
        return label
    cut = label.rfind("、", 0, most - 2)
    return label[:cut] + "等）" if cut > 0 and "（" in label[:cut] else label[:most - 1] + "…"


def add_demo_users(app: Duban, seed: SeedDistrict) -> list[DemoUser]:
    admin = Actor("admin", Role.ADMIN, seed.code)
    units = {u.code: u for u in seed.units}
    lead_of_pilot = pilot_unit_code(seed)
    wanted = [
        ("admin", Role.ADMIN, None, None, "系统管理员"),
        ("duchashi", Role.OFFICE, None, None, "督查室"),
        ("qingchuan", Role.UNIT, "U01", None, units["U01"].name),
        ("sifaju", Role.UNIT, lead_of_pilot, None, units[lead_of_pilot].name),
        ("quzhang", Role.LEADER, None, "L1", "区长（看全部单位）"),
        ("fuquzhang", Role.LEADER, None, vice_head_code(seed), short_post(seed.leaders[2].portfolio_label)),
        ("jiwei", Role.DISCIPLINE, None, None, "区纪委监委"),
    ]
    made = []
    for username, role, unit_code, leader_code, note in wanted:
        unit = app.unit_by_code(seed.code, unit_code).id if unit_code else None
        leader = app.leader_by_code(seed.code, leader_code).id if leader_code else None
        app.add_user(username=username, password=DEMO_PASSWORD, role=role, district=seed.code, actor=admin,
                     display_name=note, unit=unit, leader=leader)
        made.append(DemoUser(username, role, note))
    return made
