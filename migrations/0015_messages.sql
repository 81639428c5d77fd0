-- Reminders as records and the message centre (issue 14, points 1 and 2):
-- * rm_messages: each reminder (提醒) as its recipient reads it (a unit, a leader's post, the office),
--   read or not; the header's unread count is one indexed count of the unread rows;
-- * rm_deliveries: each reminder's delivery on each push channel configured for its recipient
--   when it was produced (pending, retrying, delivered, failed), for the worker's sending and the
--   office's list of failures;
-- * rm_record_activity: what happened to a record that someone is reminded of (交办, 退回, 延期审批,
--   进展, 报办结, 销号), by day, for the worker's reminder job;
-- * rm_push_channels: the push channels the office configured (推送渠道), never their secrets.
--
-- Rebuilt: rm_record_activity is filled from events recorded before this migration.
-- rebuild: read models
-- depends: 0006_queried_read_models

CREATE TABLE rm_messages (
    reminder_id TEXT PRIMARY KEY,
    notification_id BIGINT NOT NULL,
    district TEXT NOT NULL,
    recipient TEXT NOT NULL,
    rule TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    produced_on TEXT NOT NULL,
    produced_at TEXT NOT NULL,
    read_at TEXT
);

CREATE INDEX rm_messages_recipient ON rm_messages (district, recipient, notification_id);
CREATE INDEX rm_messages_unread ON rm_messages (district, recipient) WHERE read_at IS NULL;
CREATE INDEX rm_messages_day ON rm_messages (district, produced_on, recipient);

CREATE TABLE rm_deliveries (
    reminder_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    district TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL,
    retry_at TEXT,
    last_at TEXT NOT NULL,
    PRIMARY KEY (reminder_id, channel_id)
);

CREATE INDEX rm_deliveries_due ON rm_deliveries (district, retry_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX rm_deliveries_failed ON rm_deliveries (district, last_at) WHERE status = 'failed';

CREATE TABLE rm_record_activity (
    notification_id BIGINT PRIMARY KEY,
    district TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    activity TEXT NOT NULL,
    on_date TEXT NOT NULL
);

CREATE INDEX rm_record_activity_day ON rm_record_activity (district, on_date, notification_id);
CREATE INDEX rm_record_activity_position ON rm_record_activity (notification_id, district);

CREATE TABLE rm_push_channels (
    channel_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    target TEXT NOT NULL,
    signed INTEGER NOT NULL,
    configured_on TEXT NOT NULL,
    removed_on TEXT
);

CREATE INDEX rm_push_channels_district ON rm_push_channels (district, recipient);
