"""The persons an OPLIST names, locked and read at once (ERZ-1).

The record-by-record path (:func:`handlers.erz.oplist.records.process`) reads a person in
about ten queries; a file of 20,000 records names thousands of registered persons. They are
read here in a few queries for the whole file: their ids by ЕНП, then the persons locked
``FOR UPDATE`` (as ``Register`` locks a person before changing it) in the order of their ids
— so that two files naming the same persons wait for each other rather than deadlock —
then the current knowledge of each version table asked for, every valid time, in
``(valid_from, id)`` order.

:func:`states_of` derives from those rows the very :class:`PersonState` that
``queries.person_as_of`` gives; the bulk edits (:mod:`handlers.erz.oplist.edits`) take the
rows themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.erz.register import PersonState
from handlers.erz import models as m
from handlers.erz.register import queries
from storage.bulk import among

CHUNK = 5000
"""Persons per query (one array parameter each)."""

Rows = dict[int, list[RowMapping]]
"""Current rows of one version table by person id, in ``(valid_from, id)`` order."""


@dataclass
class FileRead:
    """What the register holds of the persons a file names."""

    ids: dict[str, int]
    """ЕНП → person id, of the ЕНП the register knows (their persons are locked)."""
    rows: dict[sa.Table, Rows]
    """Current knowledge by version table (only the tables read)."""

    def of(self, table: sa.Table, pid: int) -> list[RowMapping]:
        """The person's current rows of ``table`` (empty when the table was not read)."""
        return self.rows.get(table, {}).get(pid, [])


def read_persons(conn: Connection, enps: Sequence[str],
                 tables: Sequence[sa.Table]) -> FileRead:
    """Lock the registered persons among ``enps`` and read their current rows of ``tables``."""
    ids: dict[str, int] = {}
    p = m.persons.c
    for start in range(0, len(enps), CHUNK):
        found = conn.execute(sa.select(p.id, p.enp).where(
            among(conn, p.enp, enps[start:start + CHUNK])))
        ids.update({r.enp: int(r.id) for r in found})
    pids = sorted(ids.values())
    for start in range(0, len(pids), CHUNK):  # locked in the order of the ids, throughout
        conn.execute(sa.select(p.id).where(among(conn, p.id, pids[start:start + CHUNK]))
                     .order_by(p.id).with_for_update()).all()
    rows: dict[sa.Table, Rows] = {}
    for table in tables:
        by_person: Rows = defaultdict(list)
        t = table.c
        for start in range(0, len(pids), CHUNK):
            for row in conn.execute(sa.select(table).where(
                    among(conn, t.person_id, pids[start:start + CHUNK]),
                    t.superseded_at.is_(None)).order_by(t.valid_from, t.id)).mappings():
                by_person[row["person_id"]].append(row)
        rows[table] = by_person
    return FileRead(ids, rows)


def valid_on(rows: list[RowMapping], on: date) -> list[RowMapping]:
    """The rows whose valid time holds ``on``."""
    return [r for r in rows if r["valid_from"] <= on
            and (r["valid_to"] is None or r["valid_to"] > on)]


def states_of(read: FileRead, wanted: dict[str, date]
              ) -> dict[tuple[str, date], PersonState | None]:
    """``queries.person_as_of`` of each wanted ``(ЕНП, date)`` from what was read: None for
    an ЕНП the register does not know; aspects whose table was not read are empty."""
    out: dict[tuple[str, date], PersonState | None] = {}
    for enp, on in wanted.items():
        pid = read.ids.get(enp)
        if pid is None:
            out[enp, on] = None
            continue

        def rows(table: sa.Table, pid: int = pid, on: date = on) -> list[RowMapping]:
            return valid_on(read.of(table, pid), on)

        out[enp, on] = queries.state_from(pid, enp, on, rows)
    return out
