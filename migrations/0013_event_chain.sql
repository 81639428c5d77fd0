-- The hash chain (哈希链) written with the events (issue 15, point 1; duban/application/chain.py):
-- one row per event, written by the event store's recorder in the transaction that inserts the
-- event.  seq: the event's place in its district's chain (1, 2, 3 …); link: SHA-256 of the previous
-- link and the event's canonical bytes, as 64 hex digits; originator_id: the record's id as 32 hex
-- digits; notification_id: the event's notification id when it was written.
-- Not a read model: rebuilding the read models leaves it alone; nothing is ever updated or deleted.
-- (district, seq) as the key: two writers cannot both give out a district's next place.
-- IF NOT EXISTS: the recorder runs these very statements itself when a store is written to before
-- the read side's migrations ran on it.
-- depends: 0012_found_defects

CREATE TABLE IF NOT EXISTS event_chain (
    district TEXT NOT NULL,
    seq BIGINT NOT NULL,
    notification_id BIGINT NOT NULL,
    originator_id TEXT NOT NULL,
    originator_version BIGINT NOT NULL,
    link TEXT NOT NULL,
    PRIMARY KEY (district, seq)
);

CREATE UNIQUE INDEX IF NOT EXISTS event_chain_event ON event_chain (originator_id, originator_version);
