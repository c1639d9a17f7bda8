"""Bulk inserts for the hot path: COPY on PostgreSQL, ``executemany`` elsewhere.

The journal, inbox and outbox receive a row per message per hop; at thousands of messages
a second, COPY costs a fraction of row-by-row INSERT round trips. Rows whose key may exist
already (the inbox) go through :func:`insert_new`, which skips them instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

# Rows per statement on SQLite: three or four values a row stay far below its limit of
# 32,766 bound parameters.
_SQLITE_CHUNK = 2_000


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
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                if as_json:
                    values = list(row)
                    for i in as_json:
                        if values[i] is not None:
                            values[i] = orjson.dumps(values[i]).decode()
                    row = tuple(values)
                copy.write_row(row)
    except psycopg.Error as exc:
        # COPY goes round SQLAlchemy; wrap the driver's error as SQLAlchemy would, so that
        # a caller sees the same IntegrityError (or OperationalError…) whichever path ran.
        raise sa.exc.DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def insert_new(conn: Connection, table: sa.Table, key: str, values: Sequence[Any],
               **fixed: Any) -> set[Any]:
    """Insert a row per value of ``key`` (the other columns set to ``fixed``), skipping rows
    that would break a unique constraint; returns the values actually inserted.

    One statement (``INSERT … ON CONFLICT DO NOTHING RETURNING``), its rows in the order
    of ``values`` sorted, so that concurrent callers take the rows' locks in the same
    order and never deadlock over them. On PostgreSQL a row that another open transaction
    has just inserted makes this call wait for it: if that transaction commits, the row
    is a conflict and skipped; if it rolls back, the row is inserted here. This is what
    makes an inbox claim safe between processes.
    """
    keys = sorted(set(values))
    if not keys:
        return set()
    column = table.c[key]
    if conn.dialect.name == "postgresql":
        array = sa.cast(sa.bindparam(None, keys, type_=ARRAY(column.type)), ARRAY(column.type))
        unnested = sa.func.unnest(array).table_valued(sa.column(key, column.type)) \
            .render_derived(name="new_keys")
        source = sa.select(*(sa.literal(v, table.c[c].type) for c, v in fixed.items()),
                           unnested.c[key]).order_by(unnested.c[key])
        stmt = pg_insert(table).from_select([*fixed, key], source) \
            .on_conflict_do_nothing().returning(column)
        return set(conn.execute(stmt).scalars())
    inserted: set[Any] = set()
    for start in range(0, len(keys), _SQLITE_CHUNK):
        rows = [{**fixed, key: k} for k in keys[start:start + _SQLITE_CHUNK]]
        stmt = sqlite_insert(table).values(rows).on_conflict_do_nothing().returning(column)
        inserted.update(conn.execute(stmt).scalars())
    return inserted


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
