"""Is a code valid on a date: the version in force on that date, then the row's own period.

The version in force on a date is the newest loaded version issued (zglv/date) on or before
it; for a date before every version, the oldest (its rows carry their own DATEBEG, so it
still tells what was valid then). A row is valid when DATEBEG ≤ date ≤ DATEEND, an empty
DATEBEG or DATEEND open. A dictionary with no version loaded raises
:class:`~contracts.nsi.DictionaryNotLoaded`: never valid, never invalid.

Each version's keys and periods are read once and kept in memory (a version never changes);
the list of versions is re-read after ``max_age`` seconds, so a version loaded by another
process is seen without a restart. ПУМП asks this millions of times: a check answered from
memory is a dict lookup and a few integer comparisons (docs/nsi.md, "Speed").
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from contracts.nsi import DictionaryNotLoaded, Verdict
from handlers.nsi.models import nsi_rows, nsi_versions
from hub.context import Context
from storage.db import Database

_OPEN_BEGIN, _OPEN_END = 0, 10**7
"""Ordinals standing for an empty DATEBEG and DATEEND."""


@dataclass(frozen=True)
class _Version:
    id: int
    version: str
    issued: int
    """The ordinal of zglv/date."""


class _Rows:
    """One version's keys: for each, its periods as ordinals and the rows' ids."""

    def __init__(self, db: Database, version_id: int) -> None:
        self.periods: dict[str, list[tuple[int, int, int]]] = {}
        query = (sa.select(nsi_rows.c.id, nsi_rows.c.key, nsi_rows.c.datebeg,
                           nsi_rows.c.dateend)
                 .where(nsi_rows.c.version_id == version_id).order_by(nsi_rows.c.id))
        with db.read() as conn:
            for row_id, key, beg, end in conn.execute(query):
                self.periods.setdefault(key, []).append(
                    (beg.toordinal() if beg else _OPEN_BEGIN,
                     end.toordinal() if end else _OPEN_END, row_id))

    def find(self, key: str, day: int) -> tuple[bool, int | None]:
        """Whether a row of ``key`` is in force on ``day``, and the row's id (in force, else
        the last of the key's rows; None for a key not in the version)."""
        periods = self.periods.get(key)
        if not periods:
            return False, None
        for beg, end, row_id in periods:
            if beg <= day <= end:
                return True, row_id
        return False, periods[-1][2]


class Checker:
    """The :class:`contracts.nsi.Dictionaries` port over the configured database."""

    def __init__(self, db: Database, *, max_age: float = 60.0) -> None:
        self.db, self.max_age = db, max_age
        self._lock = threading.Lock()
        self._versions: dict[str, list[_Version]] = {}
        self._read_at = float("-inf")
        self._rows: dict[int, _Rows] = {}

    def _all_versions(self) -> dict[str, list[_Version]]:
        if time.monotonic() - self._read_at > self.max_age:
            with self._lock:
                query = (sa.select(nsi_versions.c.id, nsi_versions.c.code,
                                   nsi_versions.c.version, nsi_versions.c.issued)
                         .order_by(nsi_versions.c.code, nsi_versions.c.issued,
                                   nsi_versions.c.id))
                found: dict[str, list[_Version]] = {}
                with self.db.read() as conn:
                    for vid, code, version, issued in conn.execute(query):
                        found.setdefault(code, []).append(
                            _Version(vid, version, issued.toordinal()))
                self._versions, self._read_at = found, time.monotonic()
        return self._versions

    def forget(self) -> None:
        """Re-read the list of versions on the next check (after a load in this process)."""
        self._read_at = float("-inf")

    def in_force(self, code: str, on: date) -> _Version:
        """The version of ``code`` in force on ``on``."""
        versions = self._all_versions().get(code)
        if not versions:
            raise DictionaryNotLoaded(code)
        at = bisect.bisect_right([v.issued for v in versions], on.toordinal())
        return versions[max(at - 1, 0)]

    def _rows_of(self, version: _Version) -> _Rows:
        rows = self._rows.get(version.id)
        if rows is None:
            with self._lock:
                rows = self._rows.get(version.id) or _Rows(self.db, version.id)
                self._rows[version.id] = rows
        return rows

    def valid(self, code: str, key: str, on: date) -> bool:
        """Whether ``key`` of ``code`` is in force on ``on``."""
        version = self.in_force(code, on)
        return self._rows_of(version).find(key, on.toordinal())[0]

    def check(self, code: str, key: str, on: date) -> Verdict:
        """The version used, whether valid, and the row."""
        version = self.in_force(code, on)
        ok, row_id = self._rows_of(version).find(key, on.toordinal())
        data = None
        if row_id is not None:
            with self.db.read() as conn:
                data = conn.execute(sa.select(nsi_rows.c.data)
                                    .where(nsi_rows.c.id == row_id)).scalar_one()
        return Verdict(code, key, on, version.version, ok, data)

    def loaded(self) -> dict[str, list[str]]:
        """Each loaded dictionary's versions, oldest first."""
        return {code: [v.version for v in versions]
                for code, versions in sorted(self._all_versions().items())}


def port(ctx: Context) -> Checker:
    """The ``nsi.dictionaries`` port (``omshub.ports``) for the asking component."""
    return Checker(ctx.db)
