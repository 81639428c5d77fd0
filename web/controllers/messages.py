"""消息中心 (/messages): a signed-in user's reminders — those of their unit, their leader post or the
office — unread first, paged; opening one marks it read (a command) and goes to the record; all can
be marked read at once.  JSON under /api/messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from domain.actor import Actor
from domain.errors import NotAllowed
from domain.reminders import recipient_of
from duban.application import Duban
from web.context import Reads, done, page, today
from web.controllers.api import ERRORS
from web.forms import FormBody
from web.paging import Pager

PER_PAGE = 20


@dataclass(frozen=True)
class _Found:
    rows: list
    number: int
    pages: int
    total: int


def _recipient(actor: Actor) -> str:
    recipient = recipient_of(actor)
    if recipient is None:
        raise NotAllowed("role.not_allowed", f"{actor.role.label}没有消息中心。")
    return recipient


def _page_of(reads: Reads, actor: Actor, number: int) -> _Found:
    recipient = _recipient(actor)
    total = reads.messages.count(actor.district, recipient)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    number = min(max(number, 1), pages)
    rows = reads.messages.messages(actor.district, recipient, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    return _Found(rows, number, pages, total)


class MessagesController(Controller):
    path = "/messages"

    @get("/", sync_to_thread=True, cache=True)
    def list(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
             page_number: Annotated[int, QueryParameter(name="page")] = 1) -> Template:
        found = _page_of(reads, actor, page_number)
        return page("messages/list.html", actor, today(duban), pager=Pager.of_page(found, {}),
                    unread=reads.messages.unread_count(actor.district, _recipient(actor)))

    @post("/{reminder_id:uuid}/open", sync_to_thread=True)
    def open(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reminder_id: FromPath[UUID], data: FormBody) -> Redirect:
        """查看: marked read, then the record's page."""
        _recipient(actor)  # a role without a message centre: refused before any lookup
        reminder = duban.reminder(reminder_id, actor)
        duban.mark_reminders_read([reminder_id], actor)
        return Redirect(reminder.link or "/messages", status_code=303)

    @post("/read-all", sync_to_thread=True)
    def read_all(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reads: NamedDependency[Reads],
                 data: FormBody) -> Redirect:
        ids = [UUID(i) for i in reads.messages.unread_ids(actor.district, _recipient(actor))]
        marked = duban.mark_reminders_read(ids, actor) if ids else 0
        return done("/messages", f"已将{marked}条消息标为已读。")


class MessagesApiController(Controller):
    path = "/api/messages"
    tags = ["消息中心"]

    @get("/", sync_to_thread=True, responses=ERRORS, summary="我的消息（未读在前）")
    def list(self, actor: NamedDependency[Actor], reads: NamedDependency[Reads],
             page_number: Annotated[int, QueryParameter(name="page")] = 1) -> dict:
        found = _page_of(reads, actor, page_number)
        return {"unread": reads.messages.unread_count(actor.district, _recipient(actor)), "total": found.total,
                "page": found.number, "pages": found.pages,
                "messages": [{"id": str(UUID(m.reminder_id)), "rule": m.rule, "record": m.subject_id, "record_kind": m.subject_kind,
                              "number": m.number, "title": m.title, "text": m.text, "link": m.link,
                              "day": m.produced_on.isoformat(), "produced_at": m.produced_at, "read_at": m.read_at}
                             for m in found.rows]}

    @post("/{reminder_id:uuid}/read", sync_to_thread=True, responses=ERRORS, summary="标为已读", status_code=200)
    def read(self, actor: NamedDependency[Actor], duban: NamedDependency[Duban], reminder_id: FromPath[UUID]) -> dict:
        _recipient(actor)  # a role without a message centre: refused before any lookup
        return {"marked": duban.mark_reminders_read([reminder_id], actor)}


__all__ = ["MessagesController", "MessagesApiController"]
