-- Ledger (台账) read model: one row per supervised item, sub-task, rectification task and notice,
-- its history (one state per event, for "as of date D"), and the organisation it names.
-- Dialect-neutral SQL: applied by yoyo-migrations to SQLite and PostgreSQL alike.

CREATE TABLE rm_units (
    unit_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    retired_on TEXT
);

CREATE TABLE rm_leaders (
    leader_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    label TEXT NOT NULL,
    left_on TEXT
);

CREATE TABLE rm_portfolio (
    district TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    leader_id TEXT NOT NULL,
    effective TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (unit_id, position)
);

CREATE TABLE rm_ledger (
    entry_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT,
    number TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    source TEXT NOT NULL,
    reference TEXT NOT NULL,
    title TEXT NOT NULL,
    lead_unit TEXT,
    co_units TEXT NOT NULL,
    deadline TEXT,
    deadline_estimated INTEGER NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    progress_text TEXT,
    progress_on TEXT,
    urges INTEGER NOT NULL,
    notices INTEGER NOT NULL,
    criticisms INTEGER NOT NULL,
    interviews INTEGER NOT NULL,
    commendations INTEGER NOT NULL,
    times_sent_back INTEGER NOT NULL,
    deadlines_missed INTEGER NOT NULL,
    reports_missed INTEGER NOT NULL,
    referral TEXT,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    last_on TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE INDEX rm_ledger_district ON rm_ledger (district, kind, status);

CREATE TABLE rm_ledger_history (
    entry_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    district TEXT NOT NULL,
    on_date TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

CREATE INDEX rm_ledger_history_asof ON rm_ledger_history (district, on_date);
