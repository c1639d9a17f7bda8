"""Alembic revisions of the official adapter interface's tables: branch ``smev3_api``.

Declared under the entry point group ``omshub.migrations`` (``smev3-api``).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from adapters.smev3.official_api.models import metadata as tables

    return tables
