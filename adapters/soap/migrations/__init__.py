"""Alembic revisions of the SOAP adapter's tables: branch ``soap``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin soap -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.soap.models import metadata as tables

    return tables
