"""Schema migrations: Alembic for the hub's tables, then each plug-in's own tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: sa.engine.Connection | None = None) -> Config:
    """An Alembic config pointing at the hub's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(db: Database, plugin_metadata: Iterable[sa.MetaData] = ()) -> None:
    """Bring the database to the latest schema; idempotent.

    Plug-in tables (a handler's own) are created from their ``MetaData`` when missing.
    """
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    for md in plugin_metadata:
        md.create_all(db.engine, checkfirst=True)


def head_revision() -> str:
    """The newest revision of the hub's migrations."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
