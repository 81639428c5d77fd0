"""Template filters: dates, labels and the like, in Chinese."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.evidence import megabytes, size_words
from duban.clock import beijing_time
from web.uploads import ACCEPT, LIMITS
from web.messages import rule_label, unread_messages
from web.confirmations import statement as confirmation_statement


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def register_filters(env) -> None:
    env.filters["day"] = _day
    env.filters["beijing"] = beijing_time
    env.filters["filesize"] = size_words
    env.globals["evidence_accept"] = ACCEPT  # what the file fields of the forms accept, and their limits
    env.globals["evidence_limits"] = {"file": megabytes(LIMITS.file_bytes), "step": megabytes(LIMITS.step_bytes)}
    env.globals["colour_names"] = {"red": "红", "yellow": "黄", "blue": "蓝", "none": ""}
    env.globals["unread_messages"] = unread_messages  # the header's 消息 count (web.messages)
    env.globals["confirmation"] = confirmation_statement  # an irreversible step's sentence (web.confirmations)
    env.filters["rule_label"] = rule_label
    env.filters["uuid_text"] = lambda hex_id: str(UUID(hex_id))
