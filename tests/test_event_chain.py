"""The hash chain written with the events (issue 15, point 1), on both stores.

Each test tampers with the database directly, as someone with write access to it would, and
expects ``verify_chain`` to name the first bad event by its place; a checkpoint signed yesterday
still verifies today's longer chain; the standalone verifier (``tools/verify_chain.py``, standard
library only) agrees with the service.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from builders import DistrictBuilder
from domain.sources import SourceKind
from conftest import PG_URL
from duban.application import Duban
from duban.application.chain import canonical, genesis, next_link
from duban.application.checkpoints import Checkpoint, ensure_key
from duban.clock import FixedClock

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "420105"
YESTERDAY = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
TODAY = datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def chain_env(store_env, tmp_path):
    env = {**store_env, "DUBAN_SIGNING_KEY": str(tmp_path / "signing-key.pem")}
    ensure_key(Path(env["DUBAN_SIGNING_KEY"]))
    return env


@pytest.fixture
def world(chain_env):
    app = Duban(env=chain_env, clock=FixedClock(date(2026, 3, 2)))
    built = DistrictBuilder(app).units(A="晴川街", B="区住建局").build()
    for n in range(3):
        built.item(lead="A", sign=True, title=f"推进老旧小区改造第{n + 1}批")
    yield built
    app.close()


# -- tampering, as a writer to the database would ----------------------------------------------------
@contextmanager
def database(env):
    """A raw connection to the store's database; the events table's name and the placeholder."""
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        connection = sqlite3.connect(env["SQLITE_DBNAME"])
        try:
            with connection:
                yield connection, "stored_events", "rowid", "?", lambda record: record
        finally:
            connection.close()
        return
    import psycopg

    with psycopg.connect(PG_URL, autocommit=False) as connection:
        connection.execute(f"SET search_path TO {env['POSTGRES_SCHEMA']}")
        with connection.transaction():
            yield connection, "duban_events", "notification_id", "%s", lambda record: record
        connection.commit()


def placed(env, district=DISTRICT) -> list[tuple[str, int]]:
    """The district's events as the chain places them: (record, version) by place, from 1."""
    with database(env) as (db, _, _, p, _):
        rows = db.execute(f"SELECT originator_id, originator_version FROM event_chain WHERE district = {p} "
                          f"ORDER BY seq", (district,)).fetchall()
    return [(r[0], int(r[1])) for r in rows]


def _oid(env, record: str):
    from uuid import UUID

    return record if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite" else UUID(record)


def edit(env, place: int) -> None:
    record, version = placed(env)[place - 1]
    with database(env) as (db, table, _, p, _):
        state = bytes(db.execute(f"SELECT state FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                                 (_oid(env, record), version)).fetchone()[0])
        changed = state.replace(b'"on"', b'"on" ', 1) if b'"on"' in state else state + b" "
        db.execute(f"UPDATE {table} SET state = {p} WHERE originator_id = {p} AND originator_version = {p}",
                   (changed, _oid(env, record), version))


def delete(env, place: int) -> None:
    record, version = placed(env)[place - 1]
    with database(env) as (db, table, _, p, _):
        db.execute(f"DELETE FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                   (_oid(env, record), version))


def swap(env, first: int, second: int) -> None:
    """Swap two events' notification ids: the store now reads them in the other order."""
    (r1, v1), (r2, v2) = placed(env)[first - 1], placed(env)[second - 1]
    with database(env) as (db, table, nid, p, _):
        def nid_of(record, version):
            return db.execute(f"SELECT {nid} FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                              (_oid(env, record), version)).fetchone()[0]

        a, b = nid_of(r1, v1), nid_of(r2, v2)
        db.execute(f"UPDATE {table} SET {nid} = -1 WHERE {nid} = {p}", (a,))
        db.execute(f"UPDATE {table} SET {nid} = {p} WHERE {nid} = {p}", (a, b))
        db.execute(f"UPDATE {table} SET {nid} = {p} WHERE {nid} = -1", (b,))


def insert_after_last(env) -> None:
    """A new event for the district's last record, written without its link."""
    record, version = placed(env)[-1]
    with database(env) as (db, table, _, p, _):
        topic, state = db.execute(f"SELECT topic, state FROM {table} WHERE originator_id = {p} "
                                  f"AND originator_version = {p}", (_oid(env, record), version)).fetchone()
        db.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES ({p}, {p}, {p}, {p})",
                   (_oid(env, record), version + 1, topic, bytes(state)))


def relink(env) -> None:
    """Rewrite the district's whole chain consistently over the (altered) events — what someone
    who knows the algorithm would do to hide an edit; only a checkpoint kept outside catches it."""
    with database(env) as (db, table, nid, p, _):
        rows = db.execute(f"SELECT c.seq, e.originator_id, e.originator_version, e.topic, e.state FROM event_chain c "
                          f"JOIN {table} e ON e.originator_version = c.originator_version AND "
                          + ("e.originator_id = c.originator_id" if p == "?" else
                             "replace(e.originator_id::text, '-', '') = c.originator_id")
                          + f" WHERE c.district = {p} ORDER BY c.seq", (DISTRICT,)).fetchall()
        link = genesis(DISTRICT)
        for seq, record, version, topic, state in rows:
            link = next_link(link, canonical(record, version, topic, bytes(state)))
            db.execute(f"UPDATE event_chain SET link = {p} WHERE district = {p} AND seq = {p}",
                       (link.hex(), DISTRICT, seq))


# -- detection -----------------------------------------------------------------------------------------
def test_an_untouched_chain_verifies_and_every_event_is_linked_in_its_district(world, chain_env):
    result = world.app.verify_chain(DISTRICT)
    assert result.intact and result.problem is None
    assert result.length == len(placed(chain_env)) > 10
    other = world.app.verify_chain("*")  # the deployment's own records: the list of districts
    assert other.intact and other.length >= 1


@pytest.mark.parametrize("place", [4, 9])
def test_an_edited_event_is_named_by_its_place(world, chain_env, place):
    edit(chain_env, place)
    result = world.app.verify_chain(DISTRICT)
    assert (result.problem.position, result.problem.kind) == (place, "edited")
    assert result.length == place - 1 and not result.intact


def test_a_deleted_middle_event_is_named_by_its_place(world, chain_env):
    record, version = placed(chain_env)[6]
    delete(chain_env, 7)
    problem = world.app.verify_chain(DISTRICT).problem
    assert (problem.position, problem.kind, problem.record, problem.version) == (7, "deleted", record, version)
    described = world.app.describe_record(record)  # in people's words, never the id
    assert record not in described and described


def test_two_events_swapped_are_named_as_reordered_at_the_first(world, chain_env):
    swap(chain_env, 5, 8)
    problem = world.app.verify_chain(DISTRICT).problem
    assert (problem.position, problem.kind) == (5, "reordered")


def test_an_event_inserted_without_its_link_is_named(world, chain_env):
    length = len(placed(chain_env))
    insert_after_last(chain_env)
    problem = world.app.verify_chain(DISTRICT).problem
    assert (problem.position, problem.kind) == (length + 1, "inserted")


def test_a_chain_rewritten_to_hide_an_edit_is_caught_by_yesterdays_checkpoint(world, chain_env):
    signed = {c.district: c for c in world.app.sign_checkpoints(YESTERDAY)}[DISTRICT]
    edit(chain_env, 3)
    relink(chain_env)
    result = world.app.verify_chain(DISTRICT, signed)
    assert result.problem is None  # the links alone now agree with the altered events …
    assert result.checkpoint.signature_valid and not result.checkpoint.matches  # … the checkpoint does not
    assert not result.intact and "前" in result.checkpoint.reason


# -- checkpoints ---------------------------------------------------------------------------------------
def test_yesterdays_checkpoint_verifies_todays_longer_chain_as_an_unaltered_prefix(world, chain_env):
    yesterday = {c.district: c for c in world.app.sign_checkpoints(YESTERDAY)}[DISTRICT]
    exported = Checkpoint.from_json(world.app.latest_checkpoint(DISTRICT).to_json())  # the file kept outside
    world.app.clock.set(date(2026, 3, 3))
    world.item(lead="B", sign=True, title="整治背街小巷")
    assert world.app.sign_checkpoints(YESTERDAY) == []  # once a day
    today = {c.district: c for c in world.app.sign_checkpoints(TODAY)}[DISTRICT]
    assert today.length > yesterday.length and today.sequence == 2
    result = world.app.verify_chain(DISTRICT, exported)
    assert result.intact and result.length > exported.length
    assert result.checkpoint.signature_valid and result.checkpoint.matches


def test_a_forged_checkpoint_is_refused(world, chain_env, tmp_path):
    signed = {c.district: c for c in world.app.sign_checkpoints(YESTERDAY)}[DISTRICT]
    moved = Checkpoint(signed.district, signed.length - 1, signed.head, signed.signed_at, signed.public_key,
                       signed.signature, signed.sequence)
    other_key = tmp_path / "other.pem"
    ensure_key(other_key)
    from duban.application.checkpoints import load_key

    foreign = Checkpoint(DISTRICT, signed.length, signed.head, signed.signed_at).signed_with(load_key(other_key))
    for forged in (moved, foreign):
        check = world.app.verify_chain(DISTRICT, forged).checkpoint
        assert not check.signature_valid and not check.matches and "签名" in check.reason
    assert world.app.verify_chain(DISTRICT, signed).intact


def test_events_deleted_at_the_end_with_their_links_are_caught_by_the_checkpoint(world, chain_env):
    signed = {c.district: c for c in world.app.sign_checkpoints(YESTERDAY)}[DISTRICT]
    gone = placed(chain_env)[signed.length - 1:]  # the last event signed and everything after it
    with database(chain_env) as (db, table, _, p, _):
        db.execute(f"DELETE FROM event_chain WHERE district = {p} AND seq >= {p}", (DISTRICT, signed.length))
        for record, version in gone:
            db.execute(f"DELETE FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                       (_oid(chain_env, record), version))
    result = world.app.verify_chain(DISTRICT, signed)
    assert result.problem is None and result.length == signed.length - 1  # a shorter chain, whole in itself …
    assert not result.checkpoint.matches and not result.intact  # … shorter than the one signed
    assert "少于" in result.checkpoint.reason


# -- the standalone verifier agrees --------------------------------------------------------------------
def standalone(app, tmp_path, checkpoint: Checkpoint | None = None) -> dict:
    export = tmp_path / "chain.jsonl"
    export.write_text("\n".join(app.export_chain(DISTRICT)) + "\n", encoding="utf-8")
    args = [sys.executable, "-I", str(ROOT / "tools" / "verify_chain.py"), str(export)]
    if checkpoint is not None:
        (tmp_path / "checkpoint.json").write_text(checkpoint.to_json(), encoding="utf-8")
        args += ["--checkpoint", str(tmp_path / "checkpoint.json")]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    answer = json.loads(done.stdout)
    answer["exit"] = done.returncode
    return answer


@pytest.mark.parametrize("tamper", ["none", "edited", "deleted", "reordered", "inserted"])
def test_the_standalone_verifier_agrees_with_the_service(world, chain_env, tmp_path, tamper):
    signed = {c.district: c for c in world.app.sign_checkpoints(YESTERDAY)}[DISTRICT]
    {"none": lambda: None, "edited": lambda: edit(chain_env, 6), "deleted": lambda: delete(chain_env, 6),
     "reordered": lambda: swap(chain_env, 6, 7), "inserted": lambda: insert_after_last(chain_env)}[tamper]()
    service = world.app.verify_chain(DISTRICT, signed)
    alone = standalone(world.app, tmp_path, signed)
    assert alone["length"] == service.length and alone["head"] == service.head
    if tamper == "none":
        assert service.intact and alone["kind"] is None and alone["checkpoint"] is True and alone["exit"] == 0
    else:
        assert (alone["position"], alone["kind"]) == (service.problem.position, service.problem.kind)
        assert service.problem.kind == tamper and alone["exit"] == 1


# -- existing stores and concurrent writers -----------------------------------------------------------
def test_a_store_from_before_the_chain_is_linked_in_stored_order_at_first_start(world, chain_env):
    before = placed(chain_env)
    with database(chain_env) as (db, _, _, _, _):
        links = db.execute("SELECT district, seq, link FROM event_chain ORDER BY district, seq").fetchall()
        db.execute("DELETE FROM event_chain")  # as a store made before migration 0013
    Duban(env=chain_env).close()  # the first start links them
    with database(chain_env) as (db, _, _, _, _):
        again = db.execute("SELECT district, seq, link FROM event_chain ORDER BY district, seq").fetchall()
    assert [tuple(r) for r in again] == [tuple(r) for r in links] and placed(chain_env) == before
    assert world.app.verify_chain(DISTRICT).intact


def test_an_event_slipped_in_after_the_chain_exists_is_not_linked_at_the_next_start(world, chain_env):
    length = len(placed(chain_env))
    insert_after_last(chain_env)
    Duban(env=chain_env).close()
    assert world.app.verify_chain(DISTRICT).problem.position == length + 1


def test_concurrent_writers_in_one_district_do_not_fork_the_chain(world, chain_env):
    apps = [Duban(env=chain_env, clock=FixedClock(date(2026, 3, 2))) for _ in range(2)]
    errors = []

    def write(app):
        try:
            for n in range(6):
                app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="区政府第2次常务会议", decision_date=date(2026, 3, 2),
                                  title=f"并发登记{n}", deadline=None, actor=world.office)
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=write, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for app in apps:
        app.close()
    assert errors == []
    result = world.app.verify_chain(DISTRICT)
    assert result.intact and result.length == len(placed(chain_env))


# -- the command line ----------------------------------------------------------------------------------
@pytest.mark.parametrize("tamper", ["none", "edited"])
def test_duban_verify_and_the_standalone_verifier_agree_from_the_exported_files(world, chain_env, tmp_path, tamper):
    from click.testing import CliRunner
    from processes import cli_env

    from duban.cli import main

    world.app.sign_checkpoints(YESTERDAY)
    env = {**cli_env(chain_env), "DUBAN_SIGNING_KEY": chain_env["DUBAN_SIGNING_KEY"]}
    runner = CliRunner()
    checkpoint_file, export_file = tmp_path / "检查点.json", tmp_path / "chain.jsonl"
    exported = runner.invoke(main, ["checkpoint", "export", "--district", DISTRICT, "--out", str(checkpoint_file)],
                             env=env)
    assert exported.exit_code == 0, exported.output
    if tamper == "edited":
        edit(chain_env, 5)
    assert runner.invoke(main, ["chain", "export", "--district", DISTRICT, "--out", str(export_file)],
                         env=env).exit_code == 0
    verified = runner.invoke(main, ["verify", "--checkpoint", str(checkpoint_file), "--json"], env=env)
    answer = json.loads(verified.output.strip().splitlines()[-1])
    alone = subprocess.run([sys.executable, "-I", str(ROOT / "tools" / "verify_chain.py"), str(export_file),
                            "--checkpoint", str(checkpoint_file)], capture_output=True, text=True, timeout=60)
    standalone_answer = json.loads(alone.stdout)
    assert verified.exit_code == alone.returncode == (0 if tamper == "none" else 1)
    assert (answer["problem"] or {}).get("position") == standalone_answer["position"]
    assert answer["length"] == standalone_answer["length"] and answer["head"] == standalone_answer["head"]
    assert answer["checkpoint"]["signature_valid"]
    assert answer["checkpoint"]["matches"] == bool(standalone_answer["checkpoint"]) == (tamper == "none")
    words = runner.invoke(main, ["verify", "--district", DISTRICT], env=env).output
    assert ("记录链完整" in words) == (tamper == "none")
    if tamper == "edited":
        assert "第5条事件处断开：该事件内容被改动" in words


def test_the_worker_signs_each_districts_checkpoint_once_a_day(world, chain_env):
    import time

    from duban.worker import Worker

    app = Duban(env=chain_env, clock=FixedClock(date(2026, 3, 2)))
    worker = Worker(app, standby_seconds=0.1).start()
    try:
        deadline = time.monotonic() + 30
        while not world.app.checkpoints(DISTRICT) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert app.sign_checkpoints() == []  # the same day again: nothing more is signed
    app.close()
    signed = world.app.checkpoints(DISTRICT)
    assert len(signed) == 1 and signed[0].signature_valid(world.app.public_key())
    assert world.app.verify_chain(DISTRICT, signed[0]).intact


def test_the_demo_year_copied_without_links_is_linked_at_first_start_and_verifies(demo):
    app, _ = demo  # its events were copied in without their links, as in a store from before the chain
    result = app.verify_chain(DISTRICT)
    assert result.intact and result.length > 1000
    assert sum(app.verify_chain(d).length for d in app.chain_districts()) == app.store.recorder.max_notification_id()
