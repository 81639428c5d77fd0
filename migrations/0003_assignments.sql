-- Who must act on what (承办关系): each unit assigned to an item or sub-task, and when it signed for it.
-- depends: 0002_unit_facts

CREATE TABLE rm_assignments (
    entry_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    district TEXT NOT NULL,
    role TEXT NOT NULL,
    assigned_on TEXT NOT NULL,
    signed_on TEXT,
    PRIMARY KEY (entry_id, unit_id)
);

CREATE INDEX rm_assignments_unit ON rm_assignments (district, unit_id);
