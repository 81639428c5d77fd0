"""The worker's delivery job (推送任务): each reminder sent on the push channels configured for its
recipient when it was produced, retried with exponential backoff, and given up (失败, shown to the
office) after ``MAX_ATTEMPTS``.  Every attempt's outcome is recorded on the reminder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import structlog

from duban.push import PushFailed, send
from projections.messages import MessageQueries

log = structlog.get_logger("duban.delivery")
MAX_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 60.0  # then 2, 4 … times as long


class DeliveryJob:
    def __init__(self, app, read_models, *, max_attempts: int = MAX_ATTEMPTS,
                 first_retry_seconds: float = FIRST_RETRY_SECONDS) -> None:
        self.app = app
        self.messages = MessageQueries(read_models)
        self.max_attempts = max_attempts
        self.first_retry_seconds = first_retry_seconds

    def retry_after(self, attempt: int) -> timedelta:
        """The pause after failed attempt ``attempt`` (1, 2 …): doubling each time."""
        return timedelta(seconds=self.first_retry_seconds * 2 ** (attempt - 1))

    def run(self, district: str, now: datetime | None = None) -> int:
        """Send what is due in ``district``; how many attempts were made."""
        now = now or datetime.now(timezone.utc)
        due = self.messages.deliveries_due(district, now.isoformat(timespec="microseconds"))
        sent = 0
        for delivery in due:
            if self.app.delivery_attempts(district, UUID(delivery.reminder_id), delivery.channel_id) != delivery.attempts:
                continue  # attempted since the read model was written (it is catching up): not again
            sent += 1
            attempt = delivery.attempts + 1
            channel = self.app.push_channel_settings(district, delivery.channel_id)
            error: str | None = None
            if channel is None:
                error, attempt = "推送渠道已删除", self.max_attempts
            else:
                try:
                    send(channel["kind"], channel["settings"], delivery.title or "督办提醒", delivery.text)
                except PushFailed as failed:
                    error = str(failed)
                    cause = failed.__cause__
                    log.info("delivery.failed_cause", channel=delivery.channel_id,
                             cause=f"{type(cause).__name__}: {cause}" if cause else error)
            retry_at = now + self.retry_after(attempt) if error is not None and attempt < self.max_attempts else None
            self.app.record_delivery(district, UUID(delivery.reminder_id), delivery.channel_id, attempt, error, retry_at)
            log.info("delivery.attempt", district=district, reminder=delivery.reminder_id, channel=delivery.channel_id,
                     attempt=attempt, outcome="delivered" if error is None else ("retrying" if retry_at else "failed"),
                     error=error)
        return sent


__all__ = ["DeliveryJob", "MAX_ATTEMPTS"]
