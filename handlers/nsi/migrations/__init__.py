"""Alembic revisions of the НСИ handler's tables: branch ``nsi``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin nsi -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from handlers.nsi.models import metadata as tables

    return tables
