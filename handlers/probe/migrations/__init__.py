"""Alembic revisions of the probe handler's table: branch ``probe``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin probe -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from handlers.probe.models import metadata as tables

    return tables
