-- The office's own versions of the scoring scheme and the escalation rule set (issue 16, point 3):
-- one row per version adopted, with its full settings (JSON), the date it takes effect, why and by
-- whom (the user name; pages show the account's display name).  Rankings, bulletins and the escalation queue look up the version in force on a period's
-- first day here (district, kind, effective date); without one they use the newest shipped file.
--
-- No rebuild: no event recorded before this migration adopts a version, so the empty table is
-- exactly what replaying the events would write.
-- depends: 0019_reports

CREATE TABLE rm_scheme_versions (
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    settings TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    adopted_on TEXT NOT NULL,
    adopted_by TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (district, kind, version)
);

CREATE INDEX rm_scheme_versions_in_force ON rm_scheme_versions (district, kind, effective_from, position);
-- who adopted a version is shown by name: found by user name
CREATE INDEX rm_accounts_username ON rm_accounts (district, username);
