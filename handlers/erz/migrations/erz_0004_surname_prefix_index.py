"""The operators' search by a surname's beginning: an index of current surname keys

Revision ID: erz_0004
Revises: erz_0003
Create Date: 2026-12-07

The console's person search takes the beginning of a surname (``LIKE 'ИВА%'`` on the folded
``surname_key``). A b-tree serves such a prefix on PostgreSQL only with ``varchar_pattern_ops``
unless the database's collation is C, so the index has them; like the other indexes of the
register's searches it covers current knowledge only (``superseded_at IS NULL``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0004"
down_revision = "erz_0003"
branch_labels = None
depends_on = None

CURRENT = "superseded_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_erz_person_data_surname_prefix",
        "erz_person_data",
        ["surname_key"],
        postgresql_ops={"surname_key": "varchar_pattern_ops"},
        postgresql_where=sa.text(CURRENT),
        sqlite_where=sa.text(CURRENT),
    )


def downgrade() -> None:
    op.drop_index("ix_erz_person_data_surname_prefix", table_name="erz_person_data")
