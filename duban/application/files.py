"""Where evidence files (证明材料) are kept: beside the events, content-addressed by SHA-256.

One interface (:class:`FileStore`), two places, chosen by the event store's settings exactly as the
event store and the read models are (``PERSISTENCE_MODULE``):

- the embedded store (SQLite): a folder next to the database file, ``<db>.files/ab/cdef…`` (the
  first two hex digits of the hash name a sub-folder, the other 62 the file).  A file is written
  under a temporary name, flushed to disk and renamed into place, so a reader never meets half a
  file;
- PostgreSQL: the table ``evidence_files`` (migration 0009) in the store's schema, one row per
  content.

Storing the same content twice stores it once (the hash is the key).  Files are stored before the
command that cites them saves its events; a command refused afterwards leaves the file stored
and unreferenced (harmless: it names no record and nobody can be served it), but an event never
cites a file that is not stored.  Nothing is ever deleted, like the events.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from pathlib import Path
from typing import Mapping, Protocol

import structlog

log = structlog.get_logger("duban.files")


class FileStore(Protocol):
    """Evidence files by their SHA-256 (lower-case hex)."""

    def put(self, sha256: str, content: bytes) -> bool:
        """Keep ``content`` (whose SHA-256 is ``sha256``); False when it was already kept."""

    def read(self, sha256: str) -> bytes | None:
        """The content, or None if no such file is kept."""

    def size(self, sha256: str) -> int | None:
        """The content's size in bytes, or None if no such file is kept."""

    def close(self) -> None: ...


def _checked(sha256: str, content: bytes) -> None:
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError("the content does not have the SHA-256 it is stored under")


class FolderFileStore:
    """Files in a folder beside the SQLite database: ``<root>/ab/cdef…``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def put(self, sha256: str, content: bytes) -> bool:
        _checked(sha256, content)
        path = self._path(sha256)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".incoming-{uuid.uuid4().hex}"
        try:
            with open(temporary, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)  # atomic: the file appears whole or not at all
        finally:
            temporary.unlink(missing_ok=True)
        return True

    def read(self, sha256: str) -> bytes | None:
        try:
            content = self._path(sha256).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if hashlib.sha256(content).hexdigest() != sha256:  # damaged on disk: as good as missing, and said loudly
            log.error("evidence_file_damaged", sha256=sha256, path=str(self._path(sha256)))
            return None
        return content

    def size(self, sha256: str) -> int | None:
        try:
            return self._path(sha256).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None

    def close(self) -> None:
        pass


class MemoryFileStore:
    """Files of a store that lives in memory (``SQLITE_DBNAME=:memory:``), gone with it."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, sha256: str, content: bytes) -> bool:
        _checked(sha256, content)
        with self._lock:
            if sha256 in self._files:
                return False
            self._files[sha256] = bytes(content)
            return True

    def read(self, sha256: str) -> bytes | None:
        return self._files.get(sha256)

    def size(self, sha256: str) -> int | None:
        found = self._files.get(sha256)
        return None if found is None else len(found)

    def close(self) -> None:
        pass


class TableFileStore:
    """Files in the table ``evidence_files`` of the PostgreSQL store (its schema), through a small
    connection pool of its own (``duban.sessions.open_database``).  Each statement commits on its
    own, so a file is kept before the command citing it saves."""

    MIGRATION = "0009_evidence_files.sql"

    def __init__(self, env: Mapping[str, str]) -> None:
        from duban.sessions import open_database

        self._db = open_database(env, pool_size=2)
        self._ready = False

    def _execute(self, statement: str, params: tuple = ()) -> list:
        if not self._ready:
            self._ensure_table()
        rows, _ = self._db.execute(statement, params)
        return rows

    def _ensure_table(self) -> None:
        """The table, made by its migration's own statement (idempotent) when the read side's
        migrations have not run on this database yet (a store used for commands alone)."""
        from projections.database import MIGRATIONS

        text = (MIGRATIONS / self.MIGRATION).read_text(encoding="utf-8")
        statement = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        try:
            self._db.execute(statement.strip().rstrip(";"))
        except Exception:  # noqa: BLE001 - two processes creating it at once: one wins, which is all we need
            rows, _ = self._db.execute("SELECT to_regclass('evidence_files') IS NOT NULL")
            if not (rows and rows[0][0]):
                raise
        self._ready = True

    def put(self, sha256: str, content: bytes) -> bool:
        _checked(sha256, content)
        rows = self._execute("INSERT INTO evidence_files (sha256, size, content) VALUES (?, ?, ?) "
                             "ON CONFLICT (sha256) DO NOTHING RETURNING sha256", (sha256, len(content), content))
        return bool(rows)

    def read(self, sha256: str) -> bytes | None:
        rows = self._execute("SELECT content FROM evidence_files WHERE sha256 = ?", (sha256,))
        return bytes(rows[0][0]) if rows else None

    def size(self, sha256: str) -> int | None:
        rows = self._execute("SELECT size FROM evidence_files WHERE sha256 = ?", (sha256,))
        return int(rows[0][0]) if rows else None

    def close(self) -> None:
        self._db.close()


def open_file_store(env: Mapping[str, str]) -> FileStore:
    """The file store beside the event store ``env`` describes (``Duban.env``)."""
    module = env.get("PERSISTENCE_MODULE") or ""
    if "postgres" in module:
        return TableFileStore(env)
    if "sqlite" in module:
        name = str(env.get("SQLITE_DBNAME") or "")
        if not name or ":memory:" in name or name.startswith("file::memory:"):
            return MemoryFileStore()
        return FolderFileStore(Path(f"{name}.files"))
    raise ValueError("evidence files need the SQLite or PostgreSQL store")


__all__ = ["FileStore", "FolderFileStore", "MemoryFileStore", "TableFileStore", "open_file_store"]
