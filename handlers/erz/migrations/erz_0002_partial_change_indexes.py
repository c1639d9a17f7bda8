"""The change log's indexes by insurer and clinic are partial, on every install

Revision ID: erz_0002
Revises: erz_0001
Create Date: 2026-12-07

Since 02.12.2026 (commit c876177) ``ix_erz_changes_smo_at`` and ``ix_erz_changes_mo_at``
cover only the entries that concern an insurer or a clinic. ``create_all`` never changes an
index that exists, so an install made before that date still has them whole: they are
rebuilt here where they are not partial, and left alone where they already are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0002"
down_revision = "erz_0001"
branch_labels = None
depends_on = None

INDEXES = {"ix_erz_changes_smo_at": "smo", "ix_erz_changes_mo_at": "mo"}


def upgrade() -> None:
    bind = op.get_bind()
    key = f"{bind.dialect.name}_where"
    found = {ix["name"]: ix for ix in sa.inspect(bind).get_indexes("erz_changes")}
    for name, column in INDEXES.items():
        index = found.get(name)
        if index is not None and index.get("dialect_options", {}).get(key) is not None:
            continue
        if index is not None:
            op.drop_index(name, table_name="erz_changes")
        condition = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            name, "erz_changes", [column, "at"], postgresql_where=condition, sqlite_where=condition
        )


def downgrade() -> None:
    pass  # the baseline's indexes are partial already
