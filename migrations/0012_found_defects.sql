-- Issue 13, point 6 (defects a new office found):
-- * the closed ledger (已办结销号台账) sorts by its sign-off date (销号日期, ``sort=closed`` or
--   ``closed_desc``) in the database: an index on the closed rows in that order;
-- * a signed-off item shows 100 % progress (``domain.item.DONE_PERCENT``): the ledger projector
--   writes it on 办结销号 (the replaced state keeps the last reported figure), so rows projected
--   before this migration are rebuilt from the events.
-- rebuild: read models
-- depends: 0006_queried_read_models

CREATE INDEX rm_ledger_closed_on ON rm_ledger (district, closed_on, sort_key) WHERE closed_on IS NOT NULL;
