-- Read models that are queried, not loaded: every list, count, filter, sort and page is SQL.
--
-- * rm_ledger gains the columns the queries filter on (still_due: the deadline is running) and the
--   facts pages list without loading aggregates (a pending extension request, a referral proposal,
--   the subject of a notice and its tasks' states, a task's severity, the first day of the
--   completion being checked);
-- * rm_ledger_history keeps every state that has been replaced, as typed columns with the days it
--   was the state at the end of the day [last_on, valid_to) (never rewritten); with the current
--   states in rm_ledger, "as of a day" is a WHERE clause, not a scan of JSON;
-- * rm_workdays numbers the working days (day -> running count), so working-day arithmetic is SQL;
-- * rm_fact_totals adds up each unit's facts per month, quarter and year for the ranking;
-- * rm_month_end holds what closed states contributed to each month's end (the trend and the
--   ranking's "still overdue at the end of the period");
-- * rm_inspections lists the inspections with what their list and read rule need.
-- rebuild: read models
-- depends: 0005_ledger_registration

DROP TABLE rm_ledger_history;
DROP TABLE rm_ledger;

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
    still_due INTEGER NOT NULL,
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
    version INTEGER NOT NULL,
    decision_date TEXT,
    description TEXT,
    subject_kind TEXT,
    completion_on TEXT,
    extension_to TEXT,
    extension_on TEXT,
    extension_reasons TEXT,
    referral_on TEXT,
    referral_reasons TEXT,
    last_urged_on TEXT,
    severity TEXT,
    tasks TEXT
);

CREATE INDEX rm_ledger_order ON rm_ledger (district, kind, sort_key);
CREATE INDEX rm_ledger_open ON rm_ledger (district, kind, sort_key) WHERE closed_on IS NULL;
CREATE INDEX rm_ledger_closed ON rm_ledger (district, kind, sort_key) WHERE closed_on IS NOT NULL;
CREATE INDEX rm_ledger_lead ON rm_ledger (district, lead_unit, kind);
CREATE INDEX rm_ledger_due ON rm_ledger (district, deadline) WHERE still_due = 1;
CREATE INDEX rm_ledger_parent ON rm_ledger (parent_id);
CREATE INDEX rm_ledger_last ON rm_ledger (district, last_on);

CREATE TABLE rm_ledger_history (
    entry_id TEXT NOT NULL,
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
    still_due INTEGER NOT NULL,
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
    version INTEGER NOT NULL,
    decision_date TEXT,
    description TEXT,
    subject_kind TEXT,
    completion_on TEXT,
    extension_to TEXT,
    extension_on TEXT,
    extension_reasons TEXT,
    referral_on TEXT,
    referral_reasons TEXT,
    last_urged_on TEXT,
    severity TEXT,
    tasks TEXT,
    valid_to TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

CREATE INDEX rm_ledger_history_valid ON rm_ledger_history (district, valid_to, last_on);

CREATE TABLE rm_workdays (
    day TEXT PRIMARY KEY,
    ordinal INTEGER NOT NULL,
    workday INTEGER NOT NULL,
    estimated INTEGER NOT NULL
);

CREATE TABLE rm_calendar_years (
    schedule_id TEXT PRIMARY KEY,
    year INTEGER NOT NULL
);

CREATE TABLE rm_fact_totals (
    district TEXT NOT NULL,
    period TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    fact TEXT NOT NULL,
    n INTEGER NOT NULL,
    amount_centi INTEGER NOT NULL,
    below_centi INTEGER NOT NULL,
    PRIMARY KEY (district, period, unit_id, fact)
);

CREATE TABLE rm_month_end (
    district TEXT NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    opened INTEGER NOT NULL,
    signed_off INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    overdue_missed INTEGER NOT NULL,
    PRIMARY KEY (district, month, kind, unit_id)
);

DROP TABLE rm_inspections;
CREATE TABLE rm_inspections (
    inspection_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    planned_month TEXT NOT NULL,
    organiser TEXT,
    targets TEXT NOT NULL,
    findings INTEGER NOT NULL,
    conducted_on TEXT
);
CREATE INDEX rm_inspections_district ON rm_inspections (district, sort_key);

CREATE INDEX rm_unit_facts_unit ON rm_unit_facts (district, unit_id, on_date);
CREATE INDEX rm_unit_facts_entry ON rm_unit_facts (entry_id, fact);
CREATE INDEX rm_portfolio_district ON rm_portfolio (district, effective);
CREATE INDEX rm_units_district ON rm_units (district, code);

CREATE TABLE rm_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
