"""The signed checkpoints of a district's hash chain (链检查点记录).

Each day the worker signs, for each district, the chain's length and head link with the
deployment's Ed25519 key (``duban.application.checkpoints``); this record keeps every checkpoint
signed, one record per district.  A checkpoint never shrinks the chain it covers: a later one
with a shorter chain, or the same length with another head, is refused.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import require


class ChainCheckpoints(DistrictAggregate):
    label = "链检查点记录"

    @staticmethod
    def id_for(district: str) -> UUID:
        return stable_id(district, "chain-checkpoints")

    @classmethod
    def start(cls, district: str, on: date) -> "ChainCheckpoints":
        return cls(id=cls.id_for(district), district=district, on=on)

    @event("Started")
    def __init__(self, id: UUID, district: str, on: date) -> None:
        self.district = district
        self.signed: list[dict] = []  # every checkpoint, oldest first

    @property
    def latest(self) -> dict | None:
        return self.signed[-1] if self.signed else None

    def sign(self, length: int, head: str, signed_at: str, public_key: str, signature: str, on: date,
             actor: Actor) -> None:
        """Keep a signed checkpoint (签名检查点): the chain's ``length`` and ``head`` link at ``signed_at``."""
        actor.must_be(Role.SYSTEM, doing="签署链检查点")
        last = self.latest
        require(last is None or length > last["length"] or (length == last["length"] and head == last["head"]),
                "checkpoint.chain_shrank", "检查点覆盖的事件数不能少于上一个检查点。")
        self._signed(sequence=len(self.signed) + 1, length=length, head=head, signed_at=signed_at,
                     public_key=public_key, signature=signature, on=max(on, self.last_on), actor=actor.as_record())

    @event("Signed")
    def _signed(self, sequence: int, length: int, head: str, signed_at: str, public_key: str, signature: str,
                on: date, actor: dict) -> None:
        self.signed.append({"sequence": sequence, "length": length, "head": head, "signed_at": signed_at,
                            "public_key": public_key, "signature": signature})


__all__ = ["ChainCheckpoints"]
