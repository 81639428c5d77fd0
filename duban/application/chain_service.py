"""The hash chain's commands and checks (记录链): sign the daily checkpoints, verify a district's
chain (against a checkpoint file too), export the chain for the standalone verifier, and name the
checkpoint a dossier is covered by.  The web and the CLI call these; none of them reads the store."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from uuid import UUID

import structlog
from eventsourcing.utils import resolve_topic

from domain.actor import Actor, Role, system_actor
from domain.checkpoint import ChainCheckpoints
from domain.errors import DamagedRecord, NotAllowed
from duban.application.base import Part
from duban.application.chain import record_hex
from duban.application.chain_reader import ChainReader
from duban.application.checkpoints import Checkpoint, key_path, load_key, public_hex
from duban.application.verification import CheckpointCheck, Verification, walk
from duban.clock import CHINA as BEIJING

log = structlog.get_logger("duban.chain")
READERS = (Role.OFFICE, Role.ADMIN, Role.DISCIPLINE)  # who may see the verification page


class ChainUnavailable(RuntimeError):
    """The in-memory store keeps no chain."""


class ChainCommands(Part):
    # -- reading -----------------------------------------------------------------------------------
    def _chain_reader(self) -> ChainReader:
        if not getattr(self.store, "chained", False):
            raise ChainUnavailable("this store keeps no hash chain (the in-memory store)")
        found = self.__dict__.get("_chain_reader_")
        if found is None:
            found = self.__dict__.setdefault("_chain_reader_", ChainReader(self.store.recorder))
        return found

    def chain_districts(self) -> list[str]:
        return self._chain_reader().districts()

    def public_key(self) -> str:
        """This deployment's public key (hex), from its signing key file."""
        return public_hex(load_key(key_path(self.env)))

    def checkpoints(self, district: str) -> list[Checkpoint]:
        """Every checkpoint signed for ``district``, oldest first (none while its record is damaged:
        the chain's verification names the event that damaged it)."""
        try:
            record = self._find(ChainCheckpoints, ChainCheckpoints.id_for(district), readonly=True)
        except DamagedRecord:
            return []
        return [Checkpoint.of_record(district, s) for s in record.signed] if record else []

    def latest_checkpoint(self, district: str) -> Checkpoint | None:
        signed = self.checkpoints(district)
        return signed[-1] if signed else None

    def checkpoint_covering(self, district: str, records: list[tuple[UUID, int]]) -> Checkpoint | None:
        """The first checkpoint whose chain holds every ``(record, version)`` (a dossier's records
        as the dossier shows them); None until the next daily checkpoint signs them."""
        if not getattr(self.store, "chained", False):
            return None
        reader = self._chain_reader()
        places = [reader.seq_of(record_hex(record), version) for record, version in records]
        if not places or None in places:
            return None
        last = max(places)  # type: ignore[type-var]
        return next((c for c in self.checkpoints(district) if c.length >= last), None)

    # -- verifying ---------------------------------------------------------------------------------
    def verify_chain(self, district: str, checkpoint: Checkpoint | None = None,
                     actor: Actor | None = None) -> Verification:
        """Recompute ``district``'s chain; with ``checkpoint``, check the signature against this
        deployment's key (else the key the district's checkpoint record names) and that the chain's
        first ``checkpoint.length`` links end in its head.  An ``actor`` reads its own district only."""
        if actor is not None:
            actor.must_be(*READERS, doing="核验记录链")
            if actor.district != district:
                raise NotAllowed("chain.other_district", "只能核验本区的记录链。")
        started = time.perf_counter()
        reader = self._chain_reader()
        keep = [checkpoint.length] if checkpoint else []
        result = walk(district, reader.stored_events(district), reader.chain_rows(district), keep)
        if checkpoint is not None:
            result.checkpoint = self._check_checkpoint(result, checkpoint)
        log.info("chain_verified", command="verify_chain", aggregate_id=None, district=district,
                 actor=actor.user if actor else "cli", intact=result.intact, length=result.length,
                 problem=result.problem.kind if result.problem else None,
                 position=result.problem.position if result.problem else None,
                 ms=round((time.perf_counter() - started) * 1000, 1))
        return result

    def _check_checkpoint(self, result: Verification, checkpoint: Checkpoint) -> CheckpointCheck:
        try:
            key = self.public_key()
        except (FileNotFoundError, ValueError):
            latest = self.latest_checkpoint(checkpoint.district)
            key = latest.public_key if latest else checkpoint.public_key
        signature_valid = checkpoint.district == result.district and checkpoint.signature_valid(key)
        check = CheckpointCheck(checkpoint.sequence, checkpoint.length, checkpoint.head, checkpoint.signed_at,
                                signature_valid, matches=False)
        if not signature_valid:
            check.reason = "检查点的签名不是本系统的签名，或检查点内容被改动。"
        elif checkpoint.length in result.links:
            check.matches = result.links[checkpoint.length] == checkpoint.head
            if not check.matches:
                check.reason = f"前{checkpoint.length}条事件与签名时不同。"
        elif result.problem is not None and result.problem.position <= checkpoint.length:
            check.reason = f"第{result.problem.position}条事件{result.problem.kind_label}，检查点覆盖的记录已不完整。"
        else:
            check.reason = f"记录链只有{result.length}条事件，少于检查点覆盖的{checkpoint.length}条。"
        return check

    def describe_record(self, record: str) -> str:
        """A record in people's words (督办事项 督〔2026〕3号「…」), from its first stored event."""
        first = self._chain_reader().first_event(record)
        if first is None:
            return "一条已不在库中的记录"
        try:
            module, name = first.topic.split(":", 1)
            cls = resolve_topic(f"{module}:{name.split('.')[0]}")
            label = getattr(cls, "label", "记录")
        except Exception:  # noqa: BLE001 - a topic no longer importable still gets a name
            label = "记录"
        try:
            state = json.loads(first.state)
        except ValueError:
            state = {}
        number = state.get("number")
        year = state.get("year")
        named = state.get("title") or state.get("name") or state.get("display_name") or state.get("problem") or ""
        parts = [label]
        if isinstance(number, int) and isinstance(year, int):
            prefix = {"督办事项": "督", "督办通知": "督通", "督查检查": "督查"}.get(label)
            parts.append(f"{prefix}〔{year}〕{number}号" if prefix else f"{year}年第{number}号")
        if isinstance(named, str) and named:
            parts.append(f"「{named[:40]}」")
        return " ".join(parts)

    # -- signing -----------------------------------------------------------------------------------
    def sign_checkpoints(self, now: datetime | None = None, key_file: Path | None = None) -> list[Checkpoint]:
        """Sign today's checkpoint for every chain not yet signed today (Beijing time) — the worker's
        daily job; what it signs is kept on each district's checkpoint record."""
        if not getattr(self.store, "chained", False):
            return []
        now = now or datetime.now(timezone.utc)
        key = load_key(key_file or key_path(self.env))
        signed = []
        for district in self.chain_districts():
            latest = self.latest_checkpoint(district)
            if latest and datetime.fromisoformat(latest.signed_at).astimezone(BEIJING).date() == \
                    now.astimezone(BEIJING).date():
                continue
            signed.append(self.sign_checkpoint(district, now, key))
        return signed

    def sign_checkpoint(self, district: str, now: datetime, key) -> Checkpoint:
        actor = system_actor(district)
        record_id = ChainCheckpoints.id_for(district)
        day = now.astimezone(BEIJING).date()
        made: list[Checkpoint] = []

        def work():
            record = self._find(ChainCheckpoints, record_id) or ChainCheckpoints.start(district, day)
            length, head = self._chain_reader().head(district) or (0, "")
            checkpoint = Checkpoint(district, length, head, now.isoformat(timespec="seconds"),
                                    sequence=len(record.signed) + 1).signed_with(key)
            record.sign(checkpoint.length, checkpoint.head, checkpoint.signed_at, checkpoint.public_key,
                        checkpoint.signature, day, actor)
            made[:] = [checkpoint]
            return [record]

        self._run("sign_checkpoint", actor, record_id, work)
        return made[0]

    # -- exporting ---------------------------------------------------------------------------------
    def export_chain(self, district: str) -> Iterator[str]:
        """JSON lines for the standalone verifier (``tools/verify_chain.py``): first the district's
        stored events in notification order (``"event"``: record, version, topic, state as base64),
        then its chain rows in order (``"link"``: seq, record, version, link)."""
        reader = self._chain_reader()
        yield json.dumps({"format": "duban chain export v1", "district": district})
        for e in reader.stored_events(district):
            yield json.dumps({"event": {"notification_id": e.notification_id, "record": e.record, "version": e.version,
                                        "topic": e.topic, "state": base64.b64encode(e.state).decode("ascii")}})
        for r in reader.chain_rows(district):
            yield json.dumps({"link": {"seq": r.position, "record": r.record, "version": r.version, "link": r.link}})


__all__ = ["ChainCommands", "ChainUnavailable", "READERS"]
