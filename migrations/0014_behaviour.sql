-- Behaviour analytics (issue 15, point 2): how units work, one row per event that shows it.
-- * rm_behaviour: each behaviour fact with the event that said it (notification_id) — an item
--   assigned to a unit (assigned: status holds lead/co), signed for (sign_for: started_on = the
--   assignment), a progress report (progress: amount = percent, previous = the percent before,
--   deadline = the deadline then), an extension asked for (extension), a completion sent back
--   (send_back), a notice task replied to (notice_reply: started_on = the notice's issue day), and
--   the time an item or rectification task spent in a state (state: status, started_on .. happened_on).
--   Times in working days are counted at query time from rm_workdays (the ordinals), so a loaded
--   holiday schedule counts them again without a rebuild.
-- * rm_behaviour_track: each record's current state, since when and its progress: what the next
--   event's facts are measured from.
--
-- Rebuilt: filled from the events recorded before this migration.
-- rebuild: read models
-- depends: 0012_found_defects

CREATE TABLE rm_behaviour (
    notification_id INTEGER NOT NULL,
    measure TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    district TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    started_on TEXT,
    status TEXT,
    amount INTEGER NOT NULL,
    previous INTEGER,
    deadline TEXT,
    PRIMARY KEY (notification_id, measure, unit_id)
);

CREATE INDEX rm_behaviour_period ON rm_behaviour (district, measure, happened_on, unit_id);
CREATE INDEX rm_behaviour_entry ON rm_behaviour (entry_id, measure, unit_id);

CREATE TABLE rm_behaviour_track (
    entry_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    progress INTEGER NOT NULL
);
