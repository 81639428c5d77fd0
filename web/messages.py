"""The message centre in the pages (消息中心): whose messages a signed-in user reads, and the header's
unread count (one indexed count; it changes only with the read models' position, which the page
cache's key already holds, so cached pages stay right)."""

from __future__ import annotations

from typing import Any

import structlog

from domain.reminders import ReminderRules, recipient_of

log = structlog.get_logger("duban.web.messages")


def unread_messages(request: Any, actor: Any) -> int | None:
    """The unread count for the header; None for a user without messages (纪检监察, 平台管理员)."""
    recipient = recipient_of(actor) if actor is not None else None
    if recipient is None or request is None:
        return None
    try:
        return request.app.state.served.reads.messages.unread_count(actor.district, recipient)
    except Exception as error:  # noqa: BLE001 - the header never breaks a page
        log.warning("messages.unread_count_failed", error=str(error))
        return None


def rule_label(rule: str) -> str:
    """A rule's label in people's words (the rule id stays in the API)."""
    return ReminderRules.load().label(rule)


__all__ = ["unread_messages", "rule_label"]
