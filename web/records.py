"""Records with what the read side lists about them: an item's notices (督办通知) found in the
ledger read model, each then loaded on its own and checked by the application's read rules."""

from __future__ import annotations

from uuid import UUID

from domain.actor import Actor, Role
from domain.item import SupervisedItem
from domain.notice import SupervisionNotice
from duban.application import Duban
from web.context import Reads, today, visible_filters


def notice_ids(reads: Reads, actor: Actor, subject: UUID) -> list[UUID]:
    """The notices about ``subject`` the actor may see (the discipline body: every one of a case
    referred to it), oldest first."""
    day = today(reads.app)
    filters = {} if actor.role is Role.DISCIPLINE else visible_filters(reads, actor, day, {})
    return [UUID(r.entry_id) for r in reads.ledger.rows(actor.district, day, kinds=("notice",), parent=subject,
                                                          **filters)]


def case_file(duban: Duban, reads: Reads, item_id: UUID, actor: Actor) -> tuple[SupervisedItem, list[SupervisionNotice]]:
    """The item ``actor`` may read and the notices about it they may read (404 as for a missing record, as the rules say)."""
    duban.readable_item(item_id, actor)  # refused before anything is listed
    return duban.case_file(item_id, actor, notice_ids=notice_ids(reads, actor, item_id))


def notices_about(duban: Duban, reads: Reads, subject: UUID, actor: Actor) -> list[SupervisionNotice]:
    """The notices about a rectification task (or item) the actor may read, each loaded on its own."""
    return [duban.readable_notice(n, actor) for n in notice_ids(reads, actor, subject)]


__all__ = ["notice_ids", "case_file", "notices_about"]
