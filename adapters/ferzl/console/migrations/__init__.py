"""Alembic revisions of the ФЕРЗЛ console's table: branch ``ferzl_console``.

Declared under the entry point group ``omshub.migrations`` (``ferzl_console``).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.ferzl.console.models import metadata as tables

    return tables
