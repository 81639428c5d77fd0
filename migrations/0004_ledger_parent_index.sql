-- Sub-tasks and notices are found by their parent entry on every progress event (roll-up);
-- without this index each lookup scans the whole ledger and catch-up grows quadratically.
-- depends: 0003_assignments

CREATE INDEX rm_ledger_parent ON rm_ledger (parent_id);
