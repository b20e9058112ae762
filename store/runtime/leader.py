"""One holder per deployment for a named role (a channel's sender, the minute sweep).

PostgreSQL: a session-level ``pg_try_advisory_lock`` on a connection this object keeps open;
the server releases it the instant that connection dies (a SIGKILLed worker included), so a
standby that retries every second takes over within about a second.

SQLite (one host): an exclusive ``flock`` on a file next to the database; the kernel releases
it when the process dies. An in-memory database has a single process: always the holder.

Methods block on the database: call them from a thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import contextlib

import fcntl
import hashlib
import logging
import os
from typing import IO, Optional

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` from a role name."""
    return int.from_bytes(hashlib.blake2b(f"thidua:{name}".encode(), digest_size=8).digest(), "big", signed=True)


class Leadership:
    """Try for, check and give up one named role."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._conn: Optional[Connection] = None
        self._file: Optional[IO[bytes]] = None
        self._always = False
        self.held = False

    def ensure(self) -> bool:
        """True if this process holds the role now (taking it if free)."""
        if self.held and self._still_held():
            return True
        self._drop()
        self.held = self._try_acquire()
        return self.held

    def release(self) -> None:
        """Give the role up at once (a clean stop hands over without waiting)."""
        if self._conn is not None and self.held:
            # A failed unlock is harmless: closing the connection below releases the lock anyway.
            with contextlib.suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.name)})
        self._drop()

    # -- backends --------------------------------------------------------------
    def _try_acquire(self) -> bool:
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            return self._pg_acquire()
        if dialect == "sqlite":
            return self._file_acquire()
        self._always = True  # another backend: a single process is assumed
        return True

    def _pg_acquire(self) -> bool:
        try:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.name)}).scalar())
        except Exception as exc:
            log.warning("leader %s: database unreachable: %s", self.name, type(exc).__name__)
            return False
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def _file_acquire(self) -> bool:
        path = self.engine.url.database
        if not path or path == ":memory:":
            self._always = True
            return True
        handle = open(f"{os.path.abspath(path)}.{self.name.replace(':', '-')}.lock", "ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def _still_held(self) -> bool:
        if self._always or self._file is not None:
            return True
        if self._conn is None:
            return False
        try:  # the lock lives as long as this connection does
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("leader %s: lost the database connection; stepping down", self.name)
            return False

    def _drop(self) -> None:
        self.held = False
        self._always = False
        if self._conn is not None:
            # invalidate: the DBAPI connection really closes (never back to the pool holding the
            # lock); a connection already broken may fail to, which is fine.
            with contextlib.suppress(Exception):
                self._conn.invalidate()
                self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None
