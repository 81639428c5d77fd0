"""Deployment: the compose file and image, and `duban serve` on the embedded store."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest
import yaml
from processes import free_port, logged_in, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
DUBAN = Path(sys.executable).with_name("duban")


def test_compose_runs_postgres_and_the_app_which_waits_for_it():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    app = services["app"]
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    url = app["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:5432/" in url
    assert app["command"][:2] == ["duban", "serve"] and "0.0.0.0" in app["command"]
    assert app["command"][app["command"].index("--workers") + 1] == "2"
    assert any(str(p).endswith(":8000") for p in app["ports"])
    assert "DUBAN_SECRET" in app["environment"]
    worker = services["worker"]  # the read models and the daily watch, beside the web processes
    assert worker["command"] == ["duban", "worker"] and worker["environment"]["DATABASE_URL"] == url
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_image_installs_the_wheel_and_serves():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.1[1-9]", dockerfile, re.M)
    assert "pip install -e" not in dockerfile and re.search(r"pip install \S*duban-\*\.whl", dockerfile)
    copied = re.findall(r"^COPY (\S+)", dockerfile, re.M)
    for path in copied:
        assert (ROOT / path).exists(), f"the Dockerfile copies {path}, which is not in the repository"
    for needed in ("domain", "duban", "projections", "migrations", "web", "documents", "pyproject.toml"):
        assert needed in copied, f"the image lacks {needed}"
    assert 'CMD ["duban", "serve"]' in dockerfile


@pytest.mark.slow
@pytest.mark.storage  # `duban serve` in a process of its own, on its own SQLite store
def test_duban_serve_applies_migrations_and_serves_the_login_page(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DUBAN_DB"] = str(tmp_path / "events.sqlite3")
    process = subprocess.Popen([str(DUBAN), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer = wait_until_serving(f"http://127.0.0.1:{port}/login", process, 30)
        page, headers = answer.text, answer.headers
        assert "登录" in page and 'name="_csrf_token"' in page
        static = httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=5)
        assert static.status_code == 200
        static_headers = static.headers
        # no server banner; the security headers on pages and static files alike (web/headers.py)
        for served in (headers, static_headers):
            assert served.get("server") is None, f"duban serve names its server: {served.get('server')}"
            assert served.get("date") and served.get("x-frame-options") == "DENY"
            assert "frame-ancestors 'none'" in served.get("content-security-policy", "")
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in output
    import sqlite3

    with sqlite3.connect(tmp_path / "events.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "rm_ledger" in tables, f"the read-model migrations were not applied: {sorted(tables)}"


@pytest.mark.slow
@pytest.mark.storage  # `duban serve` in a process of its own, on its own SQLite store
def test_duban_serve_with_workers_runs_uvicorn_without_its_server_banner(tmp_path, monkeypatch):
    """``duban serve --workers N`` hands uvicorn the app's factory and the options every uvicorn
    serving the app gets (``web.asgi.UVICORN_OPTIONS``): no ``Server: uvicorn`` header."""
    import structlog
    import uvicorn
    from click.testing import CliRunner

    from duban.cli import main

    ran: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(app=app, **options))
    saved_env, saved_logging = dict(os.environ), structlog.get_config()  # serve sets both for its workers
    try:
        os.environ.pop("DATABASE_URL", None)
        result = CliRunner().invoke(main, ["--db", str(tmp_path / "events.sqlite3"), "--log-file",
                                           str(tmp_path / "log.jsonl"), "serve", "--workers", "2", "--no-worker"])
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        structlog.configure(**saved_logging)
    assert result.exit_code == 0, result.output
    assert (ran["app"], ran["factory"], ran["workers"]) == ("web.asgi:create_app_from_env", True, 2)
    assert ran["server_header"] is False, ran


@pytest.mark.slow
@pytest.mark.storage  # `duban demo --serve` in a process of its own, on its own SQLite store
def test_the_readme_demo_command_serves_the_demo_district_and_prints_address_and_logins(demo_served):
    """What `python3 dev.py demo` runs, `duban demo --serve`: the demo district, then the app, with
    the logins printed (the session's served demo, tests/crawl.py, which the crawls read too)."""
    base = demo_served.base
    assert "登录" in httpx.get(base + "/login", timeout=10).text
    # each demo user finds today's work waiting
    for username, path, waiting in (("qingchuan", "/unit", "冬季道路结冰路段巡查与应急处置"),
                                    ("fuquzhang", "/leader/approvals", "背街小巷路灯修复"),
                                    ("quzhang", "/leader/approvals", "违规占道经营整治"),
                                    ("duchashi", "/office/ledger?status=completion_reported", "防汛物资仓库清点补充")):
        assert waiting in _page_as(username, base, path), f"{username} does not find {waiting} on {path}"
    output = demo_served.output.read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{demo_served.port}/" in output
    for username in ("duchashi", "qingchuan", "quzhang", "fuquzhang", "jiwei", "admin"):
        assert username in output, f"the demo login {username} is not printed"
    assert "duban-demo-2026" in output and "仅供演示" in output
    assert "今日待办" in output


def _page_as(username: str, base: str, path: str) -> str:
    """``path`` as ``username`` sees it, logged in through the login form."""
    from duban.demo.users import DEMO_PASSWORD

    client = logged_in(base, username, DEMO_PASSWORD)
    try:
        return client.get(path).text
    finally:
        client.close()


def test_the_store_settings_say_how_writers_wait_and_how_many_connections_a_process_opens(tmp_path):
    from duban.settings import postgres_env, store_env

    sqlite = store_env({"DUBAN_DB": str(tmp_path / "duban.sqlite3")})
    assert sqlite["SQLITE_LOCK_TIMEOUT"] == "5"  # another process's writer is waited for, not "database is locked"
    pg = postgres_env("postgresql://duban:secret@db:5432/duban")
    assert (pg["POSTGRES_POOL_SIZE"], pg["POSTGRES_MAX_OVERFLOW"]) == ("5", "10")
    tuned = postgres_env("postgresql://duban:secret@db:5432/duban?schema=s&pool_size=3&max_overflow=4")
    assert (tuned["POSTGRES_SCHEMA"], tuned["POSTGRES_POOL_SIZE"], tuned["POSTGRES_MAX_OVERFLOW"]) == ("s", "3", "4")


@pytest.mark.slow
@pytest.mark.storage  # builds the wheel, then the demo and the server from it on SQLite
def test_the_wheel_installed_in_a_fresh_environment_runs_the_demo_and_the_server(tmp_path, seed):
    """Not an editable install: the wheel alone (migrations, schemes, rules, templates and static
    files as package data) builds the demo district and serves it, from a folder outside the tree."""
    from duban.demo.seeds import default_seeds_dir

    source = tmp_path / "source"  # a copy, so the build leaves nothing in the tree
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "var", "test-output", "build", "*.egg-info", "__pycache__", "tests", "benchmarks"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(source)], check=True, capture_output=True, text=True)
    wheel = next(wheels.glob("duban-*.whl"))

    fresh = tmp_path / "fresh"
    python, duban = fresh / "bin" / "python", fresh / "bin" / "duban"
    # installed by uv where dev.py put it beside pytest (a venv without pip of its own: seconds
    # sooner), else by the new venv's pip
    uv = importlib.util.find_spec("uv") is not None
    subprocess.run([sys.executable, "-m", "venv", *(["--without-pip"] if uv else []), str(fresh)], check=True)
    installer = ([sys.executable, "-m", "uv", "pip", "install", "--python", str(python)] if uv
                 else [str(python), "-m", "pip", "install"])
    subprocess.run([*installer, "--quiet", "--no-deps", str(wheel)], check=True, capture_output=True, text=True)
    # the dependencies from this environment, without its editable duban (a plain path line: the
    # .pth files there, the editable finder among them, are not run)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB", "PYTHONPATH")}
    env["DUBAN_SEEDS_DIR"] = str(default_seeds_dir())
    where = subprocess.run([str(python), "-c", "import projections.database as d, web.app as w; "
                            "print(d.__file__); print(d.MIGRATIONS); print(w.HERE)"],
                           cwd=elsewhere, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert all(path.startswith(str(fresh)) for path in where), where  # the wheel's files, not the tree's

    db = elsewhere / "demo.sqlite3"
    built = subprocess.run([str(duban), "demo", "--no-serve", "--today", "2026-06-30", "--db", str(db),
                            "--log-file", str(elsewhere / "demo.jsonl")],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    # it prints the ledger (the items of every state) and the demo logins
    assert "督办台账" in built.stdout and "督〔2026〕1号" in built.stdout
    for label in ("已办结销号", "办理中", "待签收", "终止办理"):
        assert label in built.stdout, f"no item {label} in the printed ledger"
    assert "duban-demo-2026" in built.stdout and "今日待办" in built.stdout

    port = free_port()
    server = subprocess.Popen([str(duban), "--db", str(db), "serve", "--port", str(port), "--today", "2026-06-30"],
                              cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "登录" in wait_until_serving(f"http://127.0.0.1:{port}/login", server, 120).text
        base = f"http://127.0.0.1:{port}"
        assert "督〔2026〕1号" in _page_as("duchashi", base, "/office/ledger")
        assert httpx.get(f"{base}/static/app.css", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.communicate(timeout=30)
