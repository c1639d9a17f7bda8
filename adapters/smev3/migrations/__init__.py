"""Alembic revisions of the СМЭВ 3 adapter's tables: branch ``smev3``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin smev3 -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.smev3.models import metadata as tables

    return tables
