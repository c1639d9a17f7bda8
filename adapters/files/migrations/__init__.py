"""Alembic revisions of the files adapters' table: branch ``files``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin files -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.files.models import metadata as tables

    return tables
