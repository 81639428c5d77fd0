-- Deadlines that stay true (issue 13, point 2): loading a year's holiday schedule counts again every
-- deadline counted on an estimate; rm_deadline_changes lists each confirmation and correction (the
-- record, the old and the new day, the day it was recorded, the misses withdrawn with it), for the
-- office's page of deadline changes (时限调整记录).
--
-- Indexes: the open ledger's estimated deadlines (the ledger's footnote, the review's candidates),
-- and a district's facts of one kind up to a day (the ranking's 期末仍逾期未办结, read from the
-- deadline-missed facts by the day they happened).
--
-- No rebuild: no event recorded before this migration confirms or corrects a deadline, and the day a
-- watcher's fact happened is new with it (facts recorded before carry none and count on their
-- business date, as they did), so the empty table is exactly what replaying the events would write.
-- depends: 0006_queried_read_models

CREATE TABLE rm_deadline_changes (
    notification_id BIGINT PRIMARY KEY,
    district TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    lead_unit TEXT,
    basis TEXT NOT NULL,
    old_deadline TEXT NOT NULL,
    new_deadline TEXT NOT NULL,
    estimated INTEGER NOT NULL,
    changed_on TEXT NOT NULL,
    withdrawn INTEGER NOT NULL
);

CREATE INDEX rm_deadline_changes_district ON rm_deadline_changes (district, changed_on, notification_id);
CREATE INDEX rm_deadline_changes_entry ON rm_deadline_changes (entry_id, notification_id);
CREATE INDEX rm_ledger_estimated ON rm_ledger (district, kind) WHERE deadline_estimated = 1;
CREATE INDEX rm_unit_facts_fact ON rm_unit_facts (district, fact, on_date);
