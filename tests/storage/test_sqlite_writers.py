"""The embedded footprint's SQLite with a second process beside the hub (a CLI command).

A write transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), so another
process waits its turn; with a deferred BEGIN, a transaction that had read and then wrote
after the other committed failed at once with "database is locked" (CI saw ``omshub smev3
api-system disable`` fail so beside a running hub).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import Database


def test_a_write_transaction_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    with db.transaction() as conn:
        conn.execute(sa.text("CREATE TABLE systems (code TEXT, enabled INT)"))
        conn.execute(sa.text("INSERT INTO systems VALUES ('IS_LK', 1)"))
    other = sqlite3.connect(tmp_path / "hub.db", timeout=0, isolation_level=None)
    try:
        with db.transaction() as conn:
            conn.execute(sa.text("SELECT enabled FROM systems")).all()
            # Another process cannot slip a write in between this read and this write.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            conn.execute(sa.text("UPDATE systems SET enabled = 0"))
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
        # A reader takes no write lock.
        with db.read() as conn:
            assert conn.execute(sa.text("SELECT enabled FROM systems")).scalar() == 0
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        db.dispose()
