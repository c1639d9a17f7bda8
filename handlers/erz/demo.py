"""A small region for the embedded hub's first start (``omshub.demo`` entry point).

``omshub up`` on an empty SQLite database calls :func:`load_region` once: two thousand
synthetic persons of one region (:mod:`handlers.erz.synth.population`, a fixed seed, so every
newcomer sees the same people) are loaded, so the console's register screens have
something to search on day one. A register that already holds anyone is left alone.
"""

from __future__ import annotations

import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.erz.register import Source
from handlers.erz import models
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth
from hub.settings import Settings
from storage.db import Database

DEMO_PERSONS = 2000
DEMO_SEED = 76


def load_region(db: Database, settings: Settings) -> str:
    """Load the demo population into an empty register; returns what was done, for the log."""
    with db.read() as conn:  # its tables: `omshub up` migrated before calling it
        if conn.execute(sa.select(models.persons.c.id).limit(1)).first() is not None:
            return "register already holds persons: nothing loaded"
    with db.transaction() as conn:
        loaded = load_persons(conn, synth.population(DEMO_PERSONS, DEMO_SEED),
                              source=Source("handler.erz", user="omshub up (demo region)"),
                              at=utcnow())
    return f"register: {loaded} synthetic persons of {synth.REGION.name} (seed {DEMO_SEED})"
