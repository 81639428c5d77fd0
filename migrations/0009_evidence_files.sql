-- Evidence files (证明材料): the content of every file attached to a record, content-addressed by
-- its SHA-256, in the event store's database (PostgreSQL).  The embedded store keeps them in a folder
-- beside its SQLite file instead (<db>.files/ab/cdef…), so on SQLite this table stays empty.
-- Not a read model: rebuilding the read models leaves it alone; nothing is ever deleted from it.
-- The same content is stored once; the events name it by sha256 (duban/application/files.py).
-- size: bytes; content: the file (PostgreSQL bytea; SQLite keeps a bound bytes value as a BLOB).
-- IF NOT EXISTS: the file store runs this very statement itself when a store is used for commands
-- before the read side's migrations ran on it.
-- depends: 0008_logins

CREATE TABLE IF NOT EXISTS evidence_files (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL
);
