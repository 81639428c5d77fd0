"""The web layer only calls the application and the read side's queries (issue 12, point 3): no
module under ``web/`` imports the event-sourcing library or the stores, composes the read side
itself, or reaches into the application's event store.  Checked on the source, no store needed."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"

# modules the web may not import: the event-sourcing library, the event store, the read side's
# writer and catch-up, and the database drivers (no SQL outside projections/ and migrations/)
FORBIDDEN_MODULES = ("eventsourcing", "duban.application.store", "duban.application.pg_recorder",
                     "projections.read_side", "projections.runner", "projections.database",
                     "sqlite3", "psycopg", "psycopg_pool")
# the event store's own attributes: whatever object they are read from, it is the event store
EVENT_STORE_ATTRIBUTES = ("recorder", "repository", "notification_log")
# names the web layer gives the application (``duban`` in handlers, ``reads.app``, ``request.app.state.duban``)
APPLICATION_NAMES = ("duban", "app", "application")


def _forbidden_import(node: ast.AST) -> str | None:
    names = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    for name in names:
        if any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES):
            return f"imports {name}"
    return None


def _is_application(node: ast.AST) -> bool:
    """Whether ``node`` names the application: ``duban``, ``app``, ``x.app``, ``x.state.duban``."""
    if isinstance(node, ast.Name):
        return node.id in APPLICATION_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in APPLICATION_NAMES
    return False


def _event_store_access(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Attribute):
        return None
    if node.attr == "store" and _is_application(node.value):
        return f"reads the application's event store ({ast.unparse(node)})"
    if node.attr in EVENT_STORE_ATTRIBUTES:
        return f"reaches into an event store ({ast.unparse(node)})"
    return None


def violations(source: str, name: str = "<source>") -> list[str]:
    """Every place in ``source`` that breaks the web layer's rule, as ``name:line: what``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        problem = _forbidden_import(node) or _event_store_access(node)
        if problem:
            found.append((node.lineno, f"{name}:{node.lineno}: {problem}"))
    return [line for _, line in sorted(found)]


def test_the_checker_catches_each_way_past_the_application():
    caught = violations(
        "import eventsourcing\n"
        "from eventsourcing.persistence import Tracking\n"
        "from projections.read_side import ReadSide\n"
        "entries = timeline(duban.store, ids)\n"
        "position = reads.app.store.recorder.max_notification_id()\n"
        "log = request.app.state.duban.store\n"
        "ReadSide(app.store, writer=False)\n")
    assert [line.split(":")[1] for line in caught] == ["1", "2", "3", "4", "5", "5", "6", "7"]


def test_a_page_cache_keeping_its_own_store_is_no_event_store_access():
    assert violations("self.store = BoundedMemoryStore(10)\nstores = {'pages': pages.store}\n") == []


def test_no_web_module_reaches_past_the_application_and_the_read_queries():
    modules = sorted(WEB.rglob("*.py"))
    assert len(modules) > 20  # the web layer is where it should be
    found = [v for path in modules for v in violations(path.read_text(encoding="utf-8"), str(path.relative_to(WEB.parent)))]
    assert found == []
