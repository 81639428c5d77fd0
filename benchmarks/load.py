"""A lean HTTP/1.1 load generator: asyncio streams, keep-alive connections, cookie jars.

Written for a machine whose cores the server under test shares: one event loop drives every
client, each client holds one keep-alive connection, and responses are parsed with a few
``readuntil``/``readexactly`` calls (Content-Length or chunked bodies).  No HTTP library is
imported; ``LoadResult.cpu_seconds`` reports what the generator itself used, so a reader can
judge how much of the machine it took from the server.

- ``HttpClient``: one connection; ``request`` sends the cookies of the jar it is given and keeps
  the ``Set-Cookie`` answers in it.
- ``login``: the login form (GET for the CSRF token, POST ``username``/``password``/``_csrf_token``).
- ``sample``: one client, sequential requests, latencies in seconds.
- ``run_load``: N clients in a closed loop for T seconds (each sends its next request when the
  previous answer arrived), then waits for the requests in flight.
- ``process_tree``/``rss_kib``: the resident memory of a server's processes, from ``/proc``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

Jar = dict[str, str]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class HttpError(Exception):
    pass


class HttpClient:
    """One keep-alive HTTP/1.1 connection to ``host:port`` (opened on first use, reopened if dropped)."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, jar: Jar | None = None, *, body: bytes = b"",
                      content_type: str | None = None, headers: dict[str, str] | None = None) -> Reply:
        started = time.perf_counter()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: */*"]
        if jar:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in jar.items()))
        if body or method in ("POST", "PUT", "PATCH"):
            head.append(f"Content-Length: {len(body)}")
        if content_type:
            head.append(f"Content-Type: {content_type}")
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        message = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: reconnect once
            reused = self._writer is not None
            try:
                reply = await asyncio.wait_for(self._exchange(message, method), self.timeout)
                break
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                await self.close()
                if not reused or attempt == 2:
                    raise HttpError(f"{method} {path}: {error.__class__.__name__}: {error}") from None
            except asyncio.TimeoutError:
                await self.close()
                raise HttpError(f"{method} {path}: no answer within {self.timeout:.0f} s") from None
        reply.seconds = time.perf_counter() - started
        if jar is not None:
            _keep_cookies(jar, reply.headers.get("set-cookie", ""))
        return reply

    async def _exchange(self, message: bytes, method: str) -> Reply:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(message)
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                # several Set-Cookie headers: kept one per line
                headers[name] = f"{headers[name]}\n{value.strip()}" if name in headers else value.strip()
        body = await self._body(headers, method, status)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Reply(status, headers, body, 0.0)

    async def _body(self, headers: dict[str, str], method: str, status: int) -> bytes:
        assert self._reader is not None
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                if size == 0:
                    while (await self._reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(await self._reader.readexactly(size))
                await self._reader.readexactly(2)
        if "content-length" in headers:
            return await self._reader.readexactly(int(headers["content-length"]))
        body = await self._reader.read()  # no length: the body ends with the connection
        await self.close()
        return body

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass


def _keep_cookies(jar: Jar, set_cookie: str) -> None:
    for line in filter(None, set_cookie.split("\n")):
        pair, *attributes = line.split(";")
        if "=" not in pair:
            continue
        name, value = (part.strip() for part in pair.split("=", 1))
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if expired or value in ("", '""', "null"):
            jar.pop(name, None)
        else:
            jar[name] = value


# -- logging in ----------------------------------------------------------------------------------------
class LoginFailed(Exception):
    pass


async def login(client: HttpClient, username: str, password: str) -> Jar:
    """A session through the real login form: its CSRF token, then the form POST (302 on success)."""
    jar: Jar = {}
    form = await client.request("GET", "/login", jar)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    if form.status != 200 or token is None:
        raise LoginFailed(f"GET /login answered {form.status} without a CSRF token")
    body = urlencode({"username": username, "password": password, "_csrf_token": token[1], "next": "/"}).encode()
    answer = await client.request("POST", "/login", jar, body=body, content_type="application/x-www-form-urlencoded")
    if answer.status not in (301, 302, 303) or "/login" in answer.headers.get("location", "/login"):
        raise LoginFailed(f"POST /login as {username} answered {answer.status}")
    return jar


def csrf_headers(jar: Jar) -> dict[str, str]:
    """What an API call that changes something carries: the ``csrftoken`` cookie echoed."""
    return {"X-CSRFToken": jar.get("csrftoken", "")}


# -- measuring ------------------------------------------------------------------------------------------
def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``samples``."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


@dataclass
class Sampled:
    path: str
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    capped: bool = False

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)


async def sample(client: HttpClient, path: str, jar: Jar, repeat: int, cap_seconds: float) -> Sampled:
    """``repeat`` sequential GETs of ``path`` after one warm-up; stops early (after at least 3)
    once ``cap_seconds`` have gone by, marking the result ``capped``."""
    result = Sampled(path)
    try:
        warm = await client.request("GET", path, jar)
    except HttpError as error:
        result.errors.append(str(error))
        return result
    if warm.status != 200:
        result.errors.append(f"HTTP {warm.status}")
        return result
    started = time.perf_counter()
    for n in range(repeat):
        if n >= 3 and time.perf_counter() - started > cap_seconds:
            result.capped = True
            break
        try:
            reply = await client.request("GET", path, jar)
        except HttpError as error:
            result.errors.append(str(error))
            continue
        if reply.status != 200:
            result.errors.append(f"HTTP {reply.status}")
        result.seconds.append(reply.seconds)
    return result


@dataclass
class LoadResult:
    clients: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # the load generator's own CPU time (user + system)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def note_error(self, what: str) -> None:
        self.errors += 1
        self.error_examples[what] = self.error_examples.get(what, 0) + 1


# A load request: (kind, method, path, jar, body, headers); the client sends it and counts a
# 2xx answer as success.
Request = tuple[str, str, str, Jar, bytes, dict[str, str]]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_load(host: str, port: int, clients: int, seconds: float,
                   next_request: Callable[[int, random.Random], Request],
                   during: Callable[[], Awaitable[None]] | None = None, seed: str = "load") -> LoadResult:
    """``clients`` closed-loop clients for ``seconds``; ``next_request(client, rng)`` says what each sends next.
    ``during`` (if given) runs beside them, e.g. to sample the server's memory."""
    result = LoadResult(clients)
    deadline = time.perf_counter() + seconds

    async def client_loop(number: int) -> None:
        rng = random.Random(f"{seed}-{number}")
        client = HttpClient(host, port)
        try:
            while time.perf_counter() < deadline:
                kind, method, path, jar, body, headers = next_request(number, rng)
                try:
                    reply = await client.request(method, path, jar, body=body, headers=headers,
                                                 content_type="application/json" if body else None)
                except HttpError as error:
                    result.note_error(str(error).split(": ", 1)[-1][:80])
                    continue
                if 200 <= reply.status < 300:
                    result.latencies.append(reply.seconds)
                    result.by_kind.setdefault(kind, []).append(reply.seconds)
                else:
                    result.note_error(f"{kind}: HTTP {reply.status}")
        finally:
            await client.close()

    cpu, started = _cpu(), time.perf_counter()
    side = asyncio.ensure_future(during()) if during else None
    await asyncio.gather(*(client_loop(n) for n in range(clients)))
    result.elapsed = time.perf_counter() - started
    result.cpu_seconds = _cpu() - cpu
    if side is not None:
        side.cancel()
        try:
            await side
        except asyncio.CancelledError:
            pass
    return result


# -- the server's memory ---------------------------------------------------------------------------------
def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="latin-1") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def status_kib(pid: int, field_name: str = "VmRSS") -> int | None:
    """A ``/proc/<pid>/status`` memory field in KiB (VmRSS now, VmHWM the peak), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="latin-1") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmd:
            return cmd.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


class MemoryWatch:
    """The largest resident size seen for each process of a tree, sampled every ``every`` seconds."""

    def __init__(self, root: int, every: float = 0.5) -> None:
        self.root, self.every = root, every
        self.peak_kib: dict[int, int] = {}

    def sample_now(self) -> None:
        for pid in process_tree(self.root):
            rss = status_kib(pid)
            if rss is not None:
                self.peak_kib[pid] = max(rss, self.peak_kib.get(pid, 0))

    async def run(self) -> None:
        while True:
            self.sample_now()
            await asyncio.sleep(self.every)
