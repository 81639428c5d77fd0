-- Setting up a real district (issue 13, point 1): what the administrator's and the deployment
-- administrator's pages list.  单位简称 (rm_units.short_name) and 领导姓名 (rm_leaders.holder), and the
-- accounts (rm_accounts: who may log in, with which role, for which district, unit or post — never a
-- password), so a page lists a district's accounts with one query instead of loading every account.
-- The accounts recorded before this table are replayed into it:
-- rebuild: read models
-- depends: 0006_queried_read_models

ALTER TABLE rm_units ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE rm_leaders ADD COLUMN holder TEXT NOT NULL DEFAULT '';

CREATE TABLE rm_accounts (
    account_id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    district TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id TEXT,
    leader_id TEXT,
    disabled_on TEXT
);
CREATE INDEX rm_accounts_district ON rm_accounts (district, role);
