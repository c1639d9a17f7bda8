"""Bulk inserts for the hot path: COPY on PostgreSQL, ``executemany`` elsewhere.

The journal, inbox and outbox receive a row per message per hop; at thousands of messages
a second, COPY costs a fraction of row-by-row INSERT round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection


def insert_rows(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` inside the current transaction."""
    if not rows:
        return
    columns = tuple(rows[0])
    copy_rows(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def copy_rows(conn: Connection, table: sa.Table, columns: Sequence[str],
              rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows``, each the values of ``columns`` in order, into ``table`` inside the
    current transaction: COPY on PostgreSQL, one ``executemany`` elsewhere (and for a
    handful of rows). Values of JSON columns are plain data (dicts, lists…) either way."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) < 8:
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    as_json = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            if as_json:
                values = list(row)
                for i in as_json:
                    if values[i] is not None:
                        values[i] = orjson.dumps(values[i]).decode()
                row = tuple(values)
            copy.write_row(row)


def among(conn: Connection, column: sa.ColumnElement[Any], values: Sequence[Any]
          ) -> sa.ColumnElement[bool]:
    """``column IN values`` for many values: one array parameter (``= ANY(…)``) on
    PostgreSQL, where thousands of placeholders cost more to send and parse than the query
    itself; a plain ``IN`` elsewhere."""
    if conn.dialect.name != "postgresql":
        return column.in_(values)
    array = sa.cast(sa.bindparam(None, list(values), type_=ARRAY(column.type)),
                    ARRAY(column.type))
    return column == sa.any_(array)
