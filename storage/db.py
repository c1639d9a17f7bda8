"""Engines and transactions for SQLite (embedded default) and PostgreSQL via psycopg 3."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Database:
    """One engine per process; ``transaction()`` yields a connection inside BEGIN…COMMIT.

    SQLite allows one writer at a time: the embedded footprint runs every component in one
    process, so writes are serialised with a lock instead of failing with "database is
    locked" under load.
    """

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 60}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        if self.is_sqlite:
            _private_sqlite_file(sa.engine.make_url(self.url).database)
        self.engine: Engine = sa.create_engine(self.url, **kwargs)
        self._write_lock = threading.RLock() if self.is_sqlite else None
        if self.is_sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", _sqlite_begin_immediate)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction, committed on success and rolled back on error."""
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.connect() as conn:
            # BEGIN IMMEDIATE: the write lock is taken at the start, waiting (busy_timeout)
            # for another process's writer — a CLI beside a running hub — instead of failing
            # at once with "database is locked" when a deferred transaction that has read
            # tries to write after the other committed (WAL's stale snapshot).
            conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (no lock on SQLite: WAL readers do not block)."""
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        """Close pooled connections (after fork, at shutdown)."""
        self.engine.dispose()


SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _private_sqlite_file(path: str | None) -> None:
    """Create the SQLite file readable by its owner alone, and make existing files so.

    SQLite gives its -wal, -shm and -journal files the mode of the database file, so a
    database created 0600 keeps its companions private; those of an older install are
    fixed here too. It holds personal data: no other local user may read it.
    """
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.exists(path) and os.path.isdir(os.path.dirname(path) or "."):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for suffix in SQLITE_COMPANIONS:
        try:
            os.chmod(path + suffix, os.stat(path + suffix).st_mode & 0o700)
        except OSError:  # absent, or not ours to change
            continue


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the console read while components write; the driver's own transaction
    # handling is switched off so that "begin" below controls it.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin_immediate(conn: Connection) -> None:
    """BEGIN IMMEDIATE for :meth:`Database.transaction`, a plain (deferred) BEGIN otherwise:
    a reader takes no write lock."""
    immediate = conn.get_execution_options().get("sqlite_immediate")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
