-- Web sessions (登录会话): litestar's server-side session store, kept in the event store's
-- database so that a login survives a restart of the web process and every web worker knows
-- every session.  Not a read model: rebuilding the read models leaves this table alone.
-- data: the serialised session (bytes).  PostgreSQL stores them as bytea; SQLite gives a BYTEA
-- column NUMERIC affinity, which keeps a bound bytes value as a BLOB, unchanged.
-- expires_at: seconds since the epoch (UTC), NULL for a value that never expires.
-- depends: 0005_ledger_registration

CREATE TABLE web_sessions (
    session_key TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    expires_at DOUBLE PRECISION
);

CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);
