"""Two `duban serve` processes on one database, each asked to run a worker, under reads and writes
from a third process: one worker acts, no read fails, and the read models equal a rebuild."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from processes import cli_env, free_port, logged_in, wait_until_serving
from builders import DistrictBuilder
from web_helpers import PASSWORD

from domain.actor import Role
from duban.application import Duban
from duban.clock import FixedClock
from duban.worker import caught_up_read_side
from projections.read_side import ReadSide

pytestmark = pytest.mark.storage
TODAY = date(2026, 3, 2)
DUBAN = os.path.join(os.path.dirname(sys.executable), "duban")


def test_two_servers_on_one_database_answer_every_read_and_keep_the_read_models_true(store_env):
    app = Duban(env=store_env, clock=FixedClock(TODAY))
    world = DistrictBuilder(app).units(A="区住建局", B="晴川街").build()
    app.add_user(username="office1", password=PASSWORD, role=Role.OFFICE, district=world.district, actor=world.admin)
    for n in range(20):
        world.item(lead="A" if n % 2 else "B", sign=True, title=f"事项{n}")

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_DB", "DUBAN_SECRET")}
    env.update(cli_env(store_env), DUBAN_SECRET="s" * 32)
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([DUBAN, "serve", "--worker", "--port", str(port), "--today", TODAY.isoformat()],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60  # for both
        for base, server in zip(bases, servers):
            wait_until_serving(f"{base}/healthz", server, deadline - time.monotonic())
        clients = [logged_in(base, "office1", PASSWORD) for base in bases]

        writing = threading.Event()
        writing.set()

        def write() -> None:  # a third process's writes (the command line, another web process)
            try:
                for n in range(40):
                    item = world.item(lead="A" if n % 2 else "B", sign=True, title=f"新事项{n}")
                    app.report_item_progress(item, 40, "推进中", world.unit("A" if n % 2 else "B"))
            finally:
                writing.clear()

        writer = threading.Thread(target=write)
        writer.start()
        answers: list[int] = []
        while writing.is_set() or len(answers) < 40:
            for client in clients:
                answers.append(client.get("/api/ledger", params={"page_size": 50}).status_code)
                answers.append(client.get("/office/ledger").status_code)
        writer.join()
        assert answers.count(200) == len(answers), {code: answers.count(code) for code in set(answers)}

        wanted = app.store.recorder.max_notification_id()
        reader = ReadSide(app.store, writer=False)
        deadline = time.monotonic() + 30
        while reader.position() < wanted:
            assert time.monotonic() < deadline, "the acting worker did not catch up within 30 s"
            time.sleep(0.1)
        shown = clients[1].get("/api/ledger", params={"page_size": 500}).json()
        assert shown["total"] == 60  # every item, whichever server answers
    finally:
        for server in servers:
            server.terminate()
        outputs = [server.communicate(timeout=30)[0] for server in servers]
    assert all(server.returncode in (0, -15) for server in servers), [o[-3000:] for o in outputs]  # uvicorn re-raises SIGTERM
    assert "Traceback" not in "".join(outputs), outputs
    live = caught_up_read_side(app)
    dumped = live.dump()
    live.rebuild()
    assert live.dump() == dumped
    app.close()
