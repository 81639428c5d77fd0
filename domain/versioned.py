"""Versioned configuration files (scoring schemes, escalation rules): one TOML file per version,
so a past period can be judged again under a new version while the old one stays available."""

from __future__ import annotations

import re
import tomllib
from copy import deepcopy
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput


def versions(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))


def read_version(folder: Path, version: str, *, rule: str, what: str, field: str) -> dict[str, Any]:
    """The settings of ``version`` in ``folder``; an unknown (or path-like) version is refused.
    A file is parsed once and again only when it changes."""
    path = folder / f"{version}.toml"
    if not re.fullmatch(r"[\w.-]+", version) or not path.exists():
        raise InvalidInput(rule, f"没有{what}版本“{version}”，现有：{'、'.join(versions(folder))}。", field=field)
    return deepcopy(_parsed(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _parsed(path: Path, modified: int) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))
