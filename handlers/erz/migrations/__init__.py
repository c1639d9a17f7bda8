"""Alembic revisions of the register's tables: branch ``erz``.

Declared under the entry point group ``omshub.migrations``; the next one:
``omshub migrate revision --plugin erz -m "what changes"`` (docs/design.md).
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from handlers.erz.service import ErzHandler

    assert ErzHandler.metadata is not None  # its models, with the tables zags.py adds
    return ErzHandler.metadata
