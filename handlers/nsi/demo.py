"""What the embedded demo (``omshub up``) loads: the simulator's synthetic dictionaries.

The real ФФОМС dictionaries are not in the repository (``../shared`` is not shipped), so the
demo's «Справочники НСИ» shows the made-up ones of :mod:`handlers.nsi.simulator.synthetic`,
each loaded as the portal would serve it, and a second version of V012 so that
the page of changes has something to show. Never load these into production (docs/nsi.md).
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from datetime import date
from typing import IO

import sqlalchemy as sa

from contracts.envelope import utcnow
from handlers.nsi.models import nsi_versions
from handlers.nsi.simulator.portal import Published, build
from handlers.nsi.store import Source, load
from hub.settings import Settings
from storage.db import Database

CHANGED = "V012"
"""The dictionary given a second version in the demo."""


def _source(p: Published) -> Source:
    data = p.xml()

    def opened() -> AbstractContextManager[IO[bytes]]:
        return io.BytesIO(data)

    return Source(f"демо: синтетический {p.code} {p.version}", f"{p.code}.xml", opened)


def load_dictionaries(db: Database, settings: Settings) -> str:
    """Load the synthetic dictionaries into an empty store; returns what was done."""
    with db.read() as conn:  # its tables: `omshub up` migrated before calling it
        if conn.execute(sa.select(nsi_versions.c.id).limit(1)).first() is not None:
            return "dictionaries already loaded: nothing loaded"
    portal = build(None, None)
    portal.publish_next(CHANGED, on=date(2025, 1, 1))
    published = [p for versions in portal.versions.values() for p in versions]
    with db.transaction() as conn:
        for p in published:
            load(conn, _source(p), by="omshub up (демо)", at=utcnow(), code=p.code)
    return f"НСИ: {len(published)} synthetic dictionary versions (not the ФФОМС contents)"
