"""Each role's area is guarded once, by a litestar guard, and the actor arrives by injection (issue 12,
point 3): a page added to an area cannot forget its role check, and no handler reads the signed-in
user by hand.  Checked on the source (no store needed) and on the guards themselves."""

from __future__ import annotations

import ast
from pathlib import Path
from uuid import uuid4

import pytest
from litestar.exceptions import NotAuthorizedException

from domain.actor import Actor, Role
from domain.errors import NotAllowed
from web import auth

CONTROLLERS = Path(__file__).resolve().parent.parent / "web" / "controllers"
# the guard each area's controllers carry
AREA_GUARDS = {"/office": {"OFFICE_AREA"}, "/unit": {"UNIT_AREA"}, "/leader": {"LEADER_AREA", "REPORT_READERS"},
               "/discipline": {"DISCIPLINE_AREA"}, "/admin/users": {"USERS_AREA"},
               "/admin": {"ORGANISATION_AREA", "USERS_AREA"}, "/platform": {"PLATFORM_AREA"}}
# helpers that read the signed-in user from the request: a route handler takes ``actor`` instead
BY_HAND = {"actor_of", "office_actor", "unit_actor", "leader_actor", "actor_in"}
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete"}


def _controllers():
    for path in sorted(CONTROLLERS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "Controller" for b in node.bases):
                yield path.name, node


def _class_value(cls: ast.ClassDef, name: str) -> ast.expr | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == name for t in stmt.targets):
            return stmt.value
    return None


def _routes(cls: ast.ClassDef):
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and any(
                getattr(getattr(d, "func", d), "id", "") in ROUTE_DECORATORS for d in node.decorator_list):
            yield node


def _area(path: str) -> str | None:
    return next((a for a in sorted(AREA_GUARDS, key=len, reverse=True) if path == a or path.startswith(a + "/")), None)


def test_every_area_controller_carries_its_areas_guard():
    unguarded = []
    for module, cls in _controllers():
        path = _class_value(cls, "path")
        area = _area(path.value) if isinstance(path, ast.Constant) and isinstance(path.value, str) else None
        if area is None:
            continue
        guards = _class_value(cls, "guards")
        named = {getattr(g, "id", "") for g in getattr(guards, "elts", [])}
        if not named & AREA_GUARDS[area]:
            unguarded.append(f"{module}:{cls.name} ({path.value})")
    assert not unguarded, f"area controllers without their area's guard: {unguarded}"


def test_route_handlers_in_guarded_areas_take_the_actor_by_injection():
    by_hand = []
    for module, cls in _controllers():
        if _class_value(cls, "guards") is None:
            continue
        for route in _routes(cls):
            for node in ast.walk(route):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in BY_HAND:
                    by_hand.append(f"{module}:{cls.name}.{route.name} calls {node.func.id}")
    assert not by_hand, f"handlers reading the signed-in user by hand: {by_hand}"


class _Connection:
    def __init__(self, user) -> None:
        self.user = user


class _Account:
    def __init__(self, role: Role) -> None:
        self.role = role

    def as_actor(self) -> Actor:
        return Actor(user="someone", role=self.role, district="420105",
                     unit=uuid4() if self.role is Role.UNIT else None)


@pytest.mark.parametrize("guard, allowed", [
    (auth.OFFICE_AREA, {Role.OFFICE, Role.ADMIN}), (auth.UNIT_AREA, {Role.UNIT}), (auth.LEADER_AREA, {Role.LEADER}),
    (auth.DISCIPLINE_AREA, {Role.DISCIPLINE}), (auth.USERS_AREA, {Role.ADMIN}),
    (auth.PLATFORM_AREA, {Role.DEPLOYMENT_ADMIN}),
])
def test_an_area_guard_lets_in_its_roles_only_and_says_why_in_chinese(guard, allowed, monkeypatch):
    monkeypatch.setattr(auth, "UserAccount", _Account)
    for role in Role:
        if role in allowed:
            guard(_Connection(_Account(role)), None)  # passes
            continue
        with pytest.raises(NotAllowed) as refused:
            guard(_Connection(_Account(role)), None)
        assert refused.value.rule == "role.not_allowed" and "\u4e00" <= refused.value.message[0] <= "\u9fff"
    with pytest.raises(NotAuthorizedException):
        guard(_Connection(None), None)
