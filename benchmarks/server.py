"""The web application (and, when duban has one, its worker) as subprocesses of the benchmark.

Only duban's command line is used, and its help is read first so the benchmark adapts to what
this version offers: ``duban serve --host --port`` always; ``--workers N`` and ``--today D`` when
``duban serve --help`` lists them; ``duban worker`` when ``duban --help`` lists it.  The store
comes from the environment (``DATABASE_URL=…?schema=…`` or ``DUBAN_DB=…``).  Each subprocess
runs in its own session (process group) and is stopped by that group's id; its output goes to a
log file whose tail is shown when it fails to start.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def duban_command() -> list[str]:
    """The ``duban`` script of the running interpreter's environment (the worktree's .venv)."""
    script = Path(sys.executable).parent / "duban"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from duban.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any store setting of its own, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB")}
    env.update(extra)
    return env


@dataclass
class Features:
    """What this version of duban's command line offers."""

    worker: bool = False
    serve_workers: bool = False
    serve_today: bool = False

    @classmethod
    def read(cls, env: dict[str, str]) -> "Features":
        def help_of(*args: str) -> str:
            done = subprocess.run([*duban_command(), *args, "--help"], env=env, cwd=ROOT, capture_output=True,
                                  text=True, timeout=120)
            return done.stdout
        top, serve = help_of(), help_of("serve")
        return cls(worker=re.search(r"^\s+worker\b", top, re.M) is not None,
                   serve_workers="--workers" in serve, serve_today="--today" in serve)


@dataclass
class Process:
    """A subprocess in its own process group, its output in ``log``."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the group, SIGKILL after ``grace`` seconds."""
        if self.popen is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if self.popen.poll() is not None:
                break
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        try:  # children left in the group after the leader exited
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def wait_healthy(process: Process, port: int, timeout: float, path: str = "/healthz") -> float:
    """Seconds until ``GET path`` answers 200; raises with the log's tail if the process dies or times out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if not process.running():
            raise RuntimeError(f"{process.name} exited with {process.popen.returncode if process.popen else '?'}:\n"
                               f"{process.tail()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
                if answer.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{process.name} not healthy after {timeout:.0f} s:\n{process.tail()}")


@dataclass
class DubanServer:
    """``duban serve`` (and ``duban worker`` when offered) on one store."""

    store_env: dict[str, str]
    features: Features
    folder: Path
    today: str
    web_workers: int
    timeout: float
    port: int = 0
    processes: list[Process] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def start(self) -> None:
        env = subprocess_env({**self.store_env, "DUBAN_SECRET": os.urandom(16).hex()})  # one secret for every worker
        self.port = free_port()
        if self.features.worker:
            today = ["--today", self.today] if self.features.serve_today else []  # the history's day, as the server's
            worker = Process("duban worker", [*duban_command(), "worker", *today], env, self.folder / "worker.log")
            worker.start()
            self.processes.append(worker)
            self.notes.append("`duban worker` started beside the server")
        else:
            self.notes.append("no `duban worker` command: read models caught up by the benchmark before the server "
                              "started (and by the server itself)")
        args = [*duban_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.features.serve_workers:
            args += ["--workers", str(self.web_workers)]
            self.notes.append(f"`duban serve --workers {self.web_workers}`")
        else:
            self.notes.append("`duban serve` has no --workers: one web process")
        if self.features.serve_today:
            args += ["--today", self.today]
            self.notes.append(f"`duban serve --today {self.today}` (the history's last day)")
        else:
            self.notes.append("`duban serve` has no --today: the server's today is the real date")
        web = Process("duban serve", args, env, self.folder / "serve.log")
        web.start()
        self.processes.append(web)
        seconds = wait_healthy(web, self.port, self.timeout)
        self.notes.append(f"server healthy {seconds:.1f} s after start")

    @property
    def web(self) -> Process:
        return next(p for p in self.processes if p.name == "duban serve")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
