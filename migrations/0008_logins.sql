-- Logins (登录): failed attempts, and whose each web session is.  Like web_sessions, kept in the
-- event store's database so every web process sees them; not a read model (a rebuild leaves them).
--
-- login_failures: one row per wrong password (or unknown user name), with the client address it
-- came from; an account or an address with too many rows within the window is refused for a while
-- (duban/logins.py).  A successful login, an administrator lifting the lock or resetting the
-- password deletes the account's rows; rows older than the window are deleted as new ones come.
-- failed_at: seconds since the epoch (UTC).
--
-- web_sessions.username: the account a session is logged in as, so that resetting a password or
-- disabling an account ends every session of it.  Sessions from before this column carry no owner:
-- they are ended here (everyone logs in once more).
-- depends: 0007_web_sessions

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    failed_at DOUBLE PRECISION NOT NULL
);

CREATE INDEX login_failures_username ON login_failures (username, failed_at);
CREATE INDEX login_failures_address ON login_failures (address, failed_at);
CREATE INDEX login_failures_failed_at ON login_failures (failed_at);

DELETE FROM web_sessions;
ALTER TABLE web_sessions ADD COLUMN username TEXT;
CREATE INDEX web_sessions_username ON web_sessions (username);
