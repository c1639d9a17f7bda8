"""What the embedded demo (``omshub up``) loads: the synthetic dictionaries.

The real ФФОМС dictionaries are not in the repository (``../shared`` is not shipped), so the
demo's «Справочники НСИ» shows the made-up ones of :mod:`contracts.nsi_synthetic` (the ones
the portal's simulator serves), each in version 1.0, and a second version of V012 so that
the page of changes has something to show. Never load these into production (docs/nsi.md).
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from datetime import date
from typing import IO

import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.nsi_synthetic import ISSUED, dictionary_xml, next_version, row_added, synthetic
from handlers.nsi.models import nsi_versions
from handlers.nsi.store import Source, load
from hub.settings import Settings
from storage.db import Database

CHANGED = "V012"
"""The dictionary given a second version in the demo."""
FIRST = "1.0"


def _source(code: str, version: str, data: bytes) -> Source:
    def opened() -> AbstractContextManager[IO[bytes]]:
        return io.BytesIO(data)

    return Source(f"демо: синтетический {code} {version}", f"{code}.xml", opened)


def _versions() -> list[tuple[str, str, bytes]]:
    """(code, version, XML) of every synthetic version the demo loads."""
    found = []
    for code, (short, tag, rows) in synthetic().items():
        found.append((code, FIRST, dictionary_xml(short, FIRST, ISSUED, tag, rows)))
        if code == CHANGED:
            second = next_version(FIRST)
            found.append((code, second, dictionary_xml(short, second, date(2025, 1, 1), tag,
                                                       row_added(code, rows))))
    return found


def load_dictionaries(db: Database, settings: Settings) -> str:
    """Load the synthetic dictionaries into an empty store; returns what was done."""
    with db.read() as conn:  # its tables: `omshub up` migrated before calling it
        if conn.execute(sa.select(nsi_versions.c.id).limit(1)).first() is not None:
            return "dictionaries already loaded: nothing loaded"
    published = _versions()
    with db.transaction() as conn:
        for code, version, data in published:
            load(conn, _source(code, version, data), by="omshub up (демо)", at=utcnow(),
                 code=code)
    return f"НСИ: {len(published)} synthetic dictionary versions (not the ФФОМС contents)"
