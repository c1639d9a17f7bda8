"""Organisations of the SOAP services kept in the database

Revision ID: soap_0002
Revises: soap_0001
Create Date: 2026-12-07

Managed in the console (/soap/organisations) and by ``omshub soap add-org``; the running
service reads them per call, so a change takes effect at once in every process.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "soap_0002"
down_revision = "soap_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "soap_organisations",
        sa.Column("username", sa.String(length=100), nullable=False,
                  comment="The service account."),
        sa.Column("code", sa.String(length=16), nullable=False,
                  comment="Реестровый код МО or СМО."),
        sa.Column("kind", sa.String(length=3), nullable=False, comment="mo or smo"),
        sa.Column("name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False,
                  comment="scrypt$n$r$p$salt$hash (adapters/soap/settings.py); never the "
                  "password."),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("username"),
        sa.UniqueConstraint("code"),
        comment="Organisations allowed to call the SOAP services; a row overrides an entry "
        "of [plugins.soap] organisations with the same username (disabled: refused).",
    )


def downgrade() -> None:
    op.drop_table("soap_organisations")
