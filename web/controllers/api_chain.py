"""JSON API for the record's verification (记录核验): the same check as the page ``/chain``."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from msgspec import Struct

from domain.actor import Role
from duban.application import Duban
from web.auth import actor_in
from web.controllers.api import ERRORS


class ChainProblemOut(Struct):
    """The first event that breaks the chain."""

    position: int  # its place in the district's chain, from 1
    kind: str  # edited | deleted | inserted | reordered | missing_link
    kind_label: str
    record: str  # the record's id (hex)
    record_label: str  # the record in people's words
    version: int


class CheckpointOut(Struct):
    sequence: int
    signed_at: str  # ISO, UTC
    length: int
    head: str
    signature_valid: bool
    matches: bool  # the chain's first ``length`` events are those signed
    reason: str  # why not, in Chinese ("" when it holds)


class ChainOut(Struct):
    district: str
    intact: bool
    length: int  # events verified before the first problem (all of them when intact)
    head: str
    problem: ChainProblemOut | None
    checkpoint: CheckpointOut | None  # the latest signed checkpoint, checked


class ChainApiController(Controller):
    path = "/api"
    tags = ["chain 记录核验"]

    @get("/chain", sync_to_thread=True, responses=ERRORS, summary="记录核验")
    def chain(self, request: Request, duban: NamedDependency[Duban]) -> ChainOut:
        """Recompute the district's hash chain and check its latest signed checkpoint."""
        actor = actor_in(request, Role.DISCIPLINE, Role.OFFICE, Role.ADMIN, doing="查看记录核验")
        latest = duban.latest_checkpoint(actor.district)
        result = duban.verify_chain(actor.district, latest, actor=actor)
        p, c = result.problem, result.checkpoint
        return ChainOut(
            actor.district, result.intact, result.length, result.head,
            None if p is None else ChainProblemOut(p.position, p.kind, p.kind_label, p.record,
                                                   duban.describe_record(p.record), p.version),
            None if c is None or latest is None else CheckpointOut(c.sequence, latest.signed_at, c.length, c.head,
                                                                   c.signature_valid, c.matches, c.reason))
