"""Alembic revisions of the ПУМП handler's tables: branch ``pump``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin pump -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from handlers.pump.models import metadata as tables

    return tables
