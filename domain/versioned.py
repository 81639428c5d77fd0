"""Versioned configuration files (scoring schemes, escalation rules): one TOML file per version,
so a past period can be judged again under a new version while the old one stays available."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput


def versions(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))


def read_version(folder: Path, version: str, *, rule: str, what: str, field: str) -> dict[str, Any]:
    """The settings of ``version`` in ``folder``; an unknown (or path-like) version is refused."""
    path = folder / f"{version}.toml"
    if not re.fullmatch(r"[\w.-]+", version) or not path.exists():
        raise InvalidInput(rule, f"没有{what}版本“{version}”，现有：{'、'.join(versions(folder))}。", field=field)
    return tomllib.loads(path.read_text(encoding="utf-8"))
