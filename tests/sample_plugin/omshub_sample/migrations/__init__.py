"""Alembic revisions of the greeter's table: branch ``sample``.

Declared under the entry point group ``omshub.migrations``; written with
``omshub migrate revision --plugin sample -m "what changes"``.
"""

from __future__ import annotations

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """The tables these revisions build, as the models declare them."""
    from omshub_sample.models import metadata as tables

    return tables
