"""Alembic revisions of the ФЕРЗЛ adapter's tables: branch ``ferzl``.

Declared under the entry point group ``omshub.migrations`` (``ferzl``); the next one:
``omshub migrate revision --plugin ferzl -m "what changes"``.
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.ferzl.models import metadata as tables

    return tables
