"""Reminders as records (提醒): who is reminded of which record, under which rule, when it was
produced, delivered (or failed) on each push channel, and read.

The worker produces them from versioned rules (``domain/reminder_rules/``, kept like the escalation
rules).  A reminder's id derives from its district, rule, record, recipient and day, so the same
reminder produced twice (a restarted worker, two attempts) is the same record: the second save
conflicts and is skipped.  Recipients are a unit (every account of the unit reads it), a leader's
post, or the office (督查室).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

from eventsourcing.domain import event

from domain.actor import Actor, Role
from domain.base import DistrictAggregate, stable_id
from domain.errors import require
from domain.versioned import read_version

RULES = Path(__file__).resolve().parent / "reminder_rules"
DEFAULT_RULES = "2026-v1"
OFFICE = "office"
RECIPIENT_KINDS = ("unit", "leader", "office")


def recipient_of(actor: Actor) -> str | None:
    """The recipient whose messages ``actor`` reads: its unit, its leader post, or the office."""
    if actor.role is Role.UNIT and actor.unit is not None:
        return f"unit:{actor.unit.hex}"
    if actor.role is Role.LEADER and actor.leader is not None:
        return f"leader:{actor.leader.hex}"
    if actor.role in (Role.OFFICE, Role.ADMIN):
        return OFFICE
    return None


@dataclass(frozen=True)
class ReminderRule:
    """One rule: its id (API only), label (people's words), recipients and text template."""

    rule: str
    label: str
    to: tuple[str, ...]
    text: str
    push: bool = True  # sent on the push channels too (else only in the day's digest)

    def words(self, **values: object) -> str:
        return self.text.format(**values)


@dataclass(frozen=True)
class ReminderRules:
    """A version of the reminder rules (提醒规则)."""

    version: str
    title: str
    due_soon_working_days: int
    rules: dict[str, ReminderRule]

    @classmethod
    def load(cls, version: str = DEFAULT_RULES) -> "ReminderRules":
        data = read_version(RULES, version, rule="reminder.unknown_rules", what="提醒规则", field="rules")
        rules = {name: ReminderRule(name, r["label"], tuple(r["to"]), r["text"], bool(r.get("push", True)))
                 for name, r in data["rules"].items()}
        return cls(data["version"], data["title"], int(data["due_soon_working_days"]), rules)

    def label(self, rule: str) -> str:
        found = self.rules.get(rule)
        return found.label if found else "提醒"


class Reminder(DistrictAggregate):
    """提醒: one message to one recipient about one record under one rule, for one day."""

    label = "提醒"

    @staticmethod
    def id_for(district: str, rule: str, record: str, recipient: str, day: date) -> UUID:
        return stable_id(district, "reminder", rule, record, recipient, day.isoformat())

    @classmethod
    def produce(cls, *, district: str, rule: str, rules_version: str, record: str, record_kind: str, number: str,
                title: str, recipient: str, text: str, link: str, day: date, at: datetime,
                actor: Actor, channels: list[str] | None = None) -> "Reminder":
        """``channels``: the push channels configured for the recipient now (推送渠道), to deliver on."""
        actor.must_be(Role.SYSTEM, doing="生成提醒")
        require(recipient == OFFICE or recipient.split(":", 1)[0] in RECIPIENT_KINDS, "reminder.recipient",
                "提醒的接收对象应为承办单位、领导或督查室。")
        return cls(id=cls.id_for(district, rule, record, recipient, day), district=district, rule=rule,
                   rules_version=rules_version, subject_id=record, subject_kind=record_kind, number=number,
                   title=title, recipient=recipient, text=text, link=link, channels=list(channels or []), on=day,
                   at=at.isoformat(timespec="microseconds"), actor=actor.as_record())

    @event("Produced")
    def __init__(self, id: UUID, district: str, rule: str, rules_version: str, subject_id: str, subject_kind: str,
                 number: str, title: str, recipient: str, text: str, link: str, channels: list[str], on: date,
                 at: str, actor: dict) -> None:
        self.district = district
        self.rule = rule
        self.rules_version = rules_version
        self.subject_id = subject_id
        self.subject_kind = subject_kind
        self.number = number
        self.title = title
        self.recipient = recipient
        self.text = text
        self.link = link
        self.produced_at = at
        self.channels = list(channels)
        self.read_at: str | None = None
        self.deliveries: dict[str, dict] = {}  # channel id -> {"status", "attempts", "error", "at"}

    # -- read (已读) ---------------------------------------------------------------------------------
    def is_for(self, actor: Actor) -> bool:
        return actor.district == self.district and recipient_of(actor) == self.recipient

    def mark_read(self, actor: Actor, on: date, at: datetime) -> bool:
        """The recipient has read it; False (nothing recorded) when it was read already."""
        require(self.is_for(actor), "reminder.not_yours", "这条提醒不是发给您的。")
        if self.read_at is not None:
            return False
        self._read(on=max(on, self.last_on), at=at.isoformat(timespec="microseconds"), actor=actor.as_record())
        return True

    @event("Read")
    def _read(self, on: date, at: str, actor: dict) -> None:
        self.read_at = at

    # -- delivery on a push channel (推送) -----------------------------------------------------------
    def record_delivered(self, channel: str, attempt: int, on: date, at: datetime, actor: Actor) -> None:
        actor.must_be(Role.SYSTEM, doing="登记推送结果")
        self._delivered(channel=channel, attempt=attempt, on=max(on, self.last_on), at=at.isoformat(timespec="microseconds"),
                        actor=actor.as_record())

    @event("Delivered")
    def _delivered(self, channel: str, attempt: int, on: date, at: str, actor: dict) -> None:
        self.deliveries[channel] = {"status": "delivered", "attempts": attempt, "error": "", "at": at}

    def record_failed(self, channel: str, attempt: int, error: str, retry_at: datetime | None, on: date,
                      at: datetime, actor: Actor) -> None:
        """An attempt failed: ``retry_at`` when it is tried again, None when it is given up (失败)."""
        actor.must_be(Role.SYSTEM, doing="登记推送结果")
        self._failed(channel=channel, attempt=attempt, error=error[:500],
                     retry_at=retry_at.isoformat(timespec="microseconds") if retry_at else None, on=max(on, self.last_on),
                     at=at.isoformat(timespec="microseconds"), actor=actor.as_record())

    @event("DeliveryFailed")
    def _failed(self, channel: str, attempt: int, error: str, retry_at: str | None, on: date, at: str,
                actor: dict) -> None:
        self.deliveries[channel] = {"status": "retrying" if retry_at else "failed", "attempts": attempt,
                                    "error": error, "at": at}


__all__ = ["Reminder", "ReminderRules", "ReminderRule", "recipient_of", "OFFICE"]
