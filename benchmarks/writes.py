"""Write throughput: a unit reporting progress, beside the database's raw single-row commit rate.

At each concurrency C, for ``seconds`` each:

- **raw**: C threads, each on its own connection to the same database, each inserting one row
  into a throwaway table (``bench_raw_insert``) and committing, again and again;
- **service**: C threads sharing one ``Duban`` (as the web process shares one), each calling
  ``report_item_progress`` as a unit user on items of its own (no two clients touch one item);
- **HTTP**: C asyncio clients, each logged in as its unit's user, each POSTing
  ``/api/items/{id}/progress`` with the ``csrftoken`` cookie echoed in ``X-CSRFToken``, on the
  same items of its own.

Rates are successful commands (or commits) per second of wall time; refusals are counted apart.

Two things to keep in mind reading them.  The reports go to the same items at every measurement and,
with ``--reuse``, at every run: a kept history's items grow by thousands of reports from run to run,
which no real item has (compare runs on fresh histories).  And the service's threads are not held
back by the GIL (the process uses a fraction of one core at 8 and 32 clients): every save takes the
events table's lock and links the district's hash chain, so saves commit one after another, each
waiting for its flush to disk; one process's concurrent saves share a transaction (group commit,
``duban.application.pg_recorder``), which is all the concurrency a district's writes get.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from domain.actor import Actor, Role
from domain.errors import DomainError
from load import HttpClient, HttpError, Jar, csrf_headers, login
from stores import Location

RAW_TABLE = "bench_raw_insert"
TEXT = "本周按计划推进，已完成阶段性任务，下一步加快实施。"


@dataclass
class Rate:
    clients: int
    done: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def refused(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Client:
    """One writer: a unit (its index, id and user name) and the items only it reports on."""

    unit_index: int
    unit_id: str
    username: str
    items: list[str]


def allocate(manifest: dict[str, Any], clients: int) -> list[Client]:
    """``clients`` writers, each a unit's user with items no other writer reports on (an item of
    several units goes to one writer only): distinct units first, those with the most items open for
    reports, an equal share of the items each."""
    reportable = {int(k): v for k, v in manifest["reportable"].items()}
    total = len({i for v in reportable.values() for i in v})
    if total < clients:
        raise RuntimeError(f"{total} items open for progress reports: too few for {clients} writers")
    share = max(1, total // clients)
    taken: set[str] = set()
    used: dict[int, int] = {}
    chosen = []
    for _ in range(clients):
        free = {u: [i for i in items if i not in taken] for u, items in reportable.items()}
        unit = max(free, key=lambda u: (bool(free[u]), -used.get(u, 0), len(free[u]), -u))
        mine = free[unit][:share]
        if not mine:
            raise RuntimeError(f"no items left for writer {len(chosen) + 1} of {clients}")
        taken.update(mine)
        used[unit] = used.get(unit, 0) + 1
        chosen.append(Client(unit, manifest["units"][unit], manifest["unit_users"][unit], mine))
    return chosen


# -- raw INSERT + COMMIT ---------------------------------------------------------------------------------
def prepare_raw_table(location: Location) -> None:
    conn = location.connect()
    try:
        conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        if location.kind == "postgres":
            conn.execute(f"CREATE TABLE {RAW_TABLE} (id BIGSERIAL PRIMARY KEY, client INTEGER NOT NULL,"
                         " payload TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())")
        else:
            conn.execute(f"CREATE TABLE {RAW_TABLE} (id INTEGER PRIMARY KEY, client INTEGER NOT NULL,"
                         " payload TEXT NOT NULL, at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
        conn.commit()
    finally:
        conn.close()


def drop_raw_table(location: Location) -> None:
    conn = location.connect()
    try:
        conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        conn.commit()
    finally:
        conn.close()


def _threads(clients: int, seconds: float, work: Callable[[int, float, Rate], None]) -> Rate:
    """``clients`` threads running ``work(n, deadline, rate)`` from one start signal."""
    rate = Rate(clients)
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def run(n: int) -> None:
        start.wait()
        work(n, deadline[0], rate)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    rate.seconds = time.perf_counter() - started
    return rate


def raw_insert_rate(location: Location, clients: int, seconds: float) -> Rate:
    """Single-row INSERT + COMMIT per statement, ``clients`` connections at once."""
    payload = json.dumps({"percent": 50, "text": TEXT}, ensure_ascii=False)
    lock = threading.Lock()
    connections = [location.connect() for _ in range(clients)]

    def work(n: int, deadline: float, rate: Rate) -> None:
        conn, done = connections[n], 0
        statement = f"INSERT INTO {RAW_TABLE} (client, payload) VALUES ({location.placeholder}, {location.placeholder})"
        while time.perf_counter() < deadline:
            try:
                conn.execute(statement, (n, payload))
                conn.commit()
                done += 1
            except Exception as error:  # noqa: BLE001 - counted, not fatal (e.g. SQLite busy)
                conn.rollback()
                with lock:
                    rate.refused(error.__class__.__name__)
        with lock:
            rate.done += done

    try:
        return _threads(clients, seconds, work)
    finally:
        for conn in connections:
            conn.close()


# -- through the application service --------------------------------------------------------------------
def service_write_rate(app, writers: list[Client], district: str, seconds: float, on: date) -> Rate:
    """``report_item_progress`` from ``len(writers)`` threads sharing ``app``."""
    lock = threading.Lock()

    def work(n: int, deadline: float, rate: Rate) -> None:
        writer = writers[n]
        actor = Actor(writer.username, Role.UNIT, district, unit=uuid.UUID(writer.unit_id))
        items = [uuid.UUID(i) for i in writer.items]
        done, k = 0, random.Random(n).randrange(len(items))
        while time.perf_counter() < deadline:
            k = (k + 1) % len(items)
            try:
                app.report_item_progress(items[k], 50, TEXT, actor, on=on)
                done += 1
            except DomainError as error:
                with lock:
                    rate.refused(getattr(error, "rule", error.__class__.__name__))
        with lock:
            rate.done += done

    return _threads(len(writers), seconds, work)


# -- through the HTTP API ---------------------------------------------------------------------------------
async def log_in_writers(port: int, writers: list[Client], password: str) -> list[Jar]:
    async def one(writer: Client) -> Jar:
        client = HttpClient("127.0.0.1", port)
        try:
            return await login(client, writer.username, password)
        finally:
            await client.close()
    return list(await asyncio.gather(*(one(w) for w in writers)))


async def http_write_rate(port: int, writers: list[Client], jars: list[Jar], seconds: float) -> Rate:
    """``POST /api/items/{id}/progress`` from ``len(writers)`` clients on keep-alive connections."""
    rate = Rate(len(writers))
    body = json.dumps({"percent": 50, "text": TEXT}, ensure_ascii=False).encode()
    deadline = time.perf_counter() + seconds

    async def one(n: int) -> None:
        writer, jar = writers[n], jars[n]
        client = HttpClient("127.0.0.1", port)
        k = random.Random(n).randrange(len(writer.items))
        try:
            while time.perf_counter() < deadline:
                k = (k + 1) % len(writer.items)
                try:
                    reply = await client.request("POST", f"/api/items/{uuid.UUID(writer.items[k])}/progress", jar,
                                                 body=body, content_type="application/json",
                                                 headers=csrf_headers(jar))
                except HttpError as error:
                    rate.refused(str(error)[-60:])
                    continue
                if reply.status == 200:
                    rate.done += 1
                else:
                    rate.refused(f"HTTP {reply.status}")
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(len(writers))))
    rate.seconds = time.perf_counter() - started
    return rate
