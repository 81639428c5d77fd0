#!/usr/bin/env python3
"""Bootstrap: make .venv if needed, install duban into it, then run a command.

    python3 dev.py demo      # the web app with the demo district on the embedded SQLite store
    python3 dev.py test      # the whole test suite (SQLite and PostgreSQL), in its two tiers
    python3 dev.py test -m "not storage and not browser"   # pytest with your own arguments
    python3 dev.py duban …   # any duban command

Standard library only, so it works on a fresh machine with nothing but Python and git.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".duban-installed"


def ensure_installed() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"duban needs Python 3.11 or newer, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("· creating .venv", flush=True)
        venv.create(VENV, with_pip=False)  # pip comes with the packages below: seconds sooner than ensurepip
    print("· installing duban and its dependencies into .venv", flush=True)
    quiet = ["--quiet", "--disable-pip-version-check"]
    # uv (from PyPI, put into .venv by this Python's own pip) installs the packages in a tenth of
    # pip's time; else .venv's own pip does
    got_uv = subprocess.run([sys.executable, "-m", "pip", "--python", str(PY), "install", *quiet, "uv"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if not (got_uv and subprocess.run([str(PY), "-m", "uv", "pip", "install", "--quiet", "--python", str(PY),
                                       "pip", "-e", f"{ROOT}[test]"]).returncode == 0):
        if subprocess.run([str(PY), "-m", "pip", "--version"], capture_output=True).returncode != 0:
            subprocess.run([str(PY), "-m", "ensurepip", "--upgrade"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([str(PY), "-m", "pip", "install", *quiet, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def test_tiers() -> int:
    """The whole suite in its two tiers: the fast one (no database, no browser) with the coverage of
    domain/, then everything that needs a store or the browser on two processes (pytest-xdist; the
    tests of one module, the demo-year tests and the browser tests each stay on one process)."""
    pytest = [str(PY), "-m", "pytest"]
    fast = subprocess.call([*pytest, "-m", "not storage and not browser", "--cov=domain",
                            "--cov-report=term-missing:skip-covered"], cwd=ROOT)
    rest = subprocess.call([*pytest, "-m", "storage or browser", "-n", "2", "--dist", "loadgroup"], cwd=ROOT)
    return fast or rest


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    # Python keeps the modules it compiles (__pycache__, in .venv and in the tree; ignored by git)
    # even where PYTHONDONTWRITEBYTECODE is set, as on some build machines: else every process (each
    # test process, each server and command a test starts) compiled every module it imports again,
    # about 2 s of work a start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ensure_installed()
    command, rest = argv[0], argv[1:]
    if command == "test":
        if rest:  # a developer's own selection: pytest as asked
            return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
        return test_tiers()
    if command == "demo":  # builds the demo district, prints the address and demo logins, serves
        serve = [] if any(a in ("--serve", "--no-serve") for a in rest) else ["--serve"]
        return subprocess.call([str(BIN / "duban"), "demo", *serve, *rest], cwd=ROOT)
    if command == "duban":
        return subprocess.call([str(BIN / "duban"), *rest], cwd=ROOT)
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
