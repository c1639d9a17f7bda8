"""Valid-time versions: read as of a date, and overwrite an interval without losing a value.

A version row is current knowledge while ``superseded_at`` is NULL. Changing the value for
``[start, end)`` supersedes the current rows that overlap it and records new rows: the
untouched parts of the old values (before ``start``, after ``end``) and the new value.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

_FACT_BITS = random.Random()
"""Seeded from the system's randomness once a process (again in a forked child, as the
``random`` module does for its own generator); a fact id needs uniqueness, not secrecy."""
os.register_at_fork(after_in_child=_FACT_BITS.seed)


def new_fact_id() -> str:
    """A new fact id (what the versions of one policy or attachment share): 32 hex digits,
    the milliseconds since the epoch then 80 random bits. Time-ordered, so the ``fact_id``
    indexes take new facts at their end rather than at random pages (a file of thousands of
    new policies touches a few pages, not thousands), and no system call per id."""
    return f"{time.time_ns() // 1_000_000:012x}{_FACT_BITS.getrandbits(80):020x}"


VERSION_COLUMNS = frozenset({"id", "person_id", "valid_from", "valid_to", "recorded_at",
                             "superseded_at", "change_id", "superseded_by"})


def values_of(table: sa.Table, row: RowMapping) -> dict[str, Any]:
    """The fact's own values of a version row (without the versioning columns)."""
    return {c.name: row[c.name] for c in table.columns if c.name not in VERSION_COLUMNS}


def as_of(conn: Connection, table: sa.Table, person_id: int, on: date,
          *where: sa.ColumnElement[bool], known_at: datetime | None = None) -> list[RowMapping]:
    """Rows valid on ``on`` — as currently known, or as known at ``known_at``."""
    c = table.c
    query = sa.select(table).where(c.person_id == person_id, c.valid_from <= on,
                                   sa.or_(c.valid_to.is_(None), c.valid_to > on), *where)
    if known_at is None:
        query = query.where(c.superseded_at.is_(None))
    else:
        query = query.where(c.recorded_at <= known_at, sa.or_(
            c.superseded_at.is_(None), c.superseded_at > known_at))
    return list(conn.execute(query.order_by(c.valid_from, c.id)).mappings())


def current(conn: Connection, table: sa.Table, person_id: int,
            *where: sa.ColumnElement[bool]) -> list[RowMapping]:
    """Every current-knowledge row of a person (all valid times), oldest validity first."""
    c = table.c
    return list(conn.execute(sa.select(table).where(
        c.person_id == person_id, c.superseded_at.is_(None), *where)
        .order_by(c.valid_from, c.id)).mappings())


def supersede(conn: Connection, table: sa.Table, ids: Sequence[int], at: datetime,
              change_id: int) -> None:
    """Mark rows as no longer current knowledge (their values stay)."""
    if ids:
        conn.execute(table.update().where(table.c.id.in_(ids), table.c.superseded_at.is_(None))
                     .values(superseded_at=at, superseded_by=change_id))


def insert(conn: Connection, table: sa.Table, person_id: int, values: dict[str, Any],
           valid_from: date, valid_to: date | None, at: datetime, change_id: int) -> None:
    """Record a new current version."""
    conn.execute(table.insert(), {**values, "person_id": person_id, "valid_from": valid_from,
                                  "valid_to": valid_to, "recorded_at": at,
                                  "change_id": change_id})


def overwrite(conn: Connection, table: sa.Table, person_id: int, values: dict[str, Any],
              start: date, end: date | None, at: datetime, change_id: int,
              *where: sa.ColumnElement[bool], until_next: bool = True) -> list[RowMapping]:
    """Make ``values`` the value for ``[start, end)``; return the rows it replaced.

    With ``end`` None and ``until_next``, the new value lasts until the next version that
    starts after ``start`` (a correction of the past does not erase later changes).
    """
    rows = current(conn, table, person_id, *where)
    if end is None and until_next:
        later = [r["valid_from"] for r in rows if r["valid_from"] > start]
        end = min(later) if later else None
    hit = [r for r in rows if (end is None or r["valid_from"] < end)
           and (r["valid_to"] is None or r["valid_to"] > start)]
    supersede(conn, table, [r["id"] for r in hit], at, change_id)
    for r in hit:
        old = values_of(table, r)
        if r["valid_from"] < start:
            insert(conn, table, person_id, old, r["valid_from"], start, at, change_id)
        if end is not None and (r["valid_to"] is None or r["valid_to"] > end):
            insert(conn, table, person_id, old, end, r["valid_to"], at, change_id)
    insert(conn, table, person_id, values, start, end, at, change_id)
    return hit


def replace_version(conn: Connection, table: sa.Table, row: RowMapping,
                    changes: dict[str, Any], valid_to: date | None, at: datetime,
                    change_id: int) -> None:
    """Supersede one version with a copy carrying ``changes`` and a new ``valid_to``."""
    supersede(conn, table, [row["id"]], at, change_id)
    insert(conn, table, row["person_id"], {**values_of(table, row), **changes},
           row["valid_from"], valid_to, at, change_id)
