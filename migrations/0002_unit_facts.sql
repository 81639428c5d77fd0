-- Unit facts: one row per fact that counts for or against a unit (综合排名 → 绩效考核记分),
-- naming the event that produced it, so every line of a score can be traced.
-- depends: 0001_ledger

CREATE TABLE rm_unit_facts (
    notification_id INTEGER NOT NULL,
    fact TEXT NOT NULL,
    district TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    on_date TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    event TEXT NOT NULL,
    amount REAL NOT NULL,
    PRIMARY KEY (notification_id, fact, unit_id)
);

CREATE INDEX rm_unit_facts_period ON rm_unit_facts (district, on_date);

CREATE TABLE rm_inspections (
    inspection_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL
);
