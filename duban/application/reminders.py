"""Reminders and push channels in the service (提醒与推送): the worker produces reminders and records
their deliveries; recipients mark them read; the office configures the push channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable
from uuid import UUID

from domain.actor import Actor, system_actor
from domain.errors import ConcurrentChange
from domain.push_channels import ChannelKind, PushChannels
from domain.reminders import Reminder
from duban.application.access import Unreadable
from duban.application.base import Part


@dataclass
class Produced:
    """What one run of the reminder job recorded (and skipped: produced before, by this worker or another)."""

    produced: int = 0
    skipped: int = 0


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


class ReminderCommands(Part):
    # -- producing (the worker) -------------------------------------------------------------------------
    def produce_reminders(self, district: str, candidates: Iterable, rules_version: str) -> Produced:
        """A reminder for each candidate (``projections.reminder_candidates.Candidate``) not yet
        recorded: the id is deterministic, so one produced before conflicts and is skipped."""
        actor = system_actor(district)
        outcome = Produced()
        channels = self._find(PushChannels, PushChannels.id_for(district), readonly=True)
        for c in candidates:
            reminder_id = Reminder.id_for(district, c.rule, c.record, c.recipient, c.day)
            if self._find(Reminder, reminder_id, readonly=True) is not None:
                outcome.skipped += 1
                continue
            targets = channels.for_recipient(c.recipient) if channels is not None and c.push else []

            def work(c=c, targets=targets):
                reminder = Reminder.produce(
                    district=district, rule=c.rule, rules_version=rules_version, record=c.record,
                    record_kind=c.record_kind, number=c.number, title=c.title, recipient=c.recipient, text=c.text,
                    link=c.link, day=c.day, at=now_utc(), actor=actor, channels=targets)
                return [reminder]

            try:
                self._run("produce_reminder", actor, reminder_id, work, retry=False)
                outcome.produced += 1
            except ConcurrentChange:
                outcome.skipped += 1
        return outcome

    # -- reading (the recipient) ------------------------------------------------------------------------
    def reminder(self, reminder_id: UUID, actor: Actor) -> Reminder:
        return self._own_reminder(reminder_id, actor)

    def _own_reminder(self, reminder_id: UUID, actor: Actor) -> Reminder:
        """The actor's own reminder; another's answers exactly as an unknown id (reminder ids derive
        from the record, the recipient and the day, so another answer would tell which exist)."""
        reminder = self._get(Reminder, reminder_id, actor)
        if not reminder.is_for(actor):
            raise Unreadable(Reminder, "reminder.not_yours", "这条提醒不是发给您的。")
        return reminder

    def mark_reminders_read(self, reminder_ids: list[UUID], actor: Actor) -> int:
        """已读: the reminders (the actor's own) marked read, all in one save; those read already are left."""
        day, at = self._today(), now_utc()
        marked: list[Reminder] = []

        def work():
            marked.clear()
            for reminder_id in reminder_ids:
                reminder = self._own_reminder(reminder_id, actor)
                if reminder.mark_read(actor, day, at):
                    marked.append(reminder)
            return list(marked)

        about = reminder_ids[0] if len(reminder_ids) == 1 else None
        self._run("mark_reminders_read", actor, about, work)
        return len(marked)

    # -- delivering (the worker) --------------------------------------------------------------------
    def push_channel_settings(self, district: str, channel: str) -> dict | None:
        """A configured channel's kind and settings (secrets included: the worker's alone), or None."""
        channels = self._find(PushChannels, PushChannels.id_for(district), readonly=True)
        found = channels.channels.get(channel) if channels is not None else None
        return dict(found) if found else None

    def delivery_attempts(self, district: str, reminder_id: UUID, channel: str) -> int | None:
        """How many attempts the reminder records on ``channel`` (None: delivered or given up), from
        the record itself: the read model may not have caught up with the last attempt yet."""
        reminder = self._find(Reminder, reminder_id, readonly=True)
        if reminder is None or reminder.district != district:
            return None
        found = reminder.deliveries.get(channel)
        if found is None:
            return 0
        return found["attempts"] if found["status"] == "retrying" else None

    def record_delivery(self, district: str, reminder_id: UUID, channel: str, attempt: int, error: str | None,
                        retry_at: datetime | None) -> None:
        """The outcome of one delivery attempt: delivered (``error`` None), to be retried at
        ``retry_at``, or failed for good (no ``retry_at``)."""
        actor = system_actor(district)

        def work():
            reminder = self._get(Reminder, reminder_id, actor)
            if error is None:
                reminder.record_delivered(channel, attempt, self._today(), now_utc(), actor)
            else:
                reminder.record_failed(channel, attempt, error, retry_at, self._today(), now_utc(), actor)
            return [reminder]

        self._run("record_delivery", actor, reminder_id, work)

    # -- push channels (the office) -------------------------------------------------------------------
    def configure_push_channel(self, kind: ChannelKind, recipient: str, settings: dict[str, str], actor: Actor,
                               on: date | None = None) -> str:
        """设置推送渠道: the channel of ``kind`` for a unit (``unit:<id>``), a leader (``leader:<id>``) or
        the office; its id (one per kind and recipient: configuring again replaces its settings)."""
        day = self._on(on)
        found: list[str] = []

        def work():
            channels = self._find(PushChannels, PushChannels.id_for(actor.district)) or PushChannels.start(
                actor.district, day)
            channels.check_district(actor)
            found[:] = [channels.configure(kind, recipient, settings, day, actor)]
            return [channels]

        self._run("configure_push_channel", actor, PushChannels.id_for(actor.district), work)
        return found[0]

    def remove_push_channel(self, channel: str, actor: Actor, on: date | None = None) -> None:
        return self._change("remove_push_channel", PushChannels, PushChannels.id_for(actor.district), actor, on,
                            lambda channels, day: channels.remove(channel, day, actor))


__all__ = ["ReminderCommands", "Produced"]
