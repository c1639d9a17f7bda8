"""Bulk inserts for the hot path: COPY on PostgreSQL, ``executemany`` elsewhere.

The journal, inbox and outbox receive a row per message per hop; at thousands of messages
a second, COPY costs a fraction of row-by-row INSERT round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_rows(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` inside the current transaction."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) < 8:
        conn.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))
