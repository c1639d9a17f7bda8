"""The SOAP adapter's tickets and call protocol (baseline)

Revision ID: soap_0001
Revises:
Create Date: 2026-12-07

As `create_all` of adapters/soap/models.py made them before plug-ins had migrations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "soap_0001"
down_revision = None
branch_labels = ("soap",)
depends_on = "0001"

legacy_tables = (
    "soap_calls",
    "soap_operations",
)
"""Tables ``create_all`` made before the plug-in had migrations: found without a revision
of this branch, they mean this baseline is in place and it is stamped (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "soap_calls",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("enp", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False, comment="ok or the fault code"),
        sa.Column("remote_addr", sa.String(length=100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Protocol of every call of the SOAP services: who asked what, and the outcome.",
    )
    op.create_index(op.f("ix_soap_calls_at"), "soap_calls", ["at"], unique=False)
    op.create_index("ix_soap_calls_org_at", "soap_calls", ["organisation", "at"], unique=False)
    op.create_table(
        "soap_operations",
        sa.Column(
            "ticket",
            sa.String(length=64),
            nullable=False,
            comment="Id of the erz.operation.submitted message.",
        ),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enp", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False, comment="pending|applied|refused"),
        sa.Column("code", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("ticket"),
        comment="Operations submitted through the SOAP services and what became of them.",
    )
    op.create_index(
        op.f("ix_soap_operations_organisation"), "soap_operations", ["organisation"], unique=False
    )


def downgrade() -> None:
    op.drop_table("soap_operations")
    op.drop_table("soap_calls")
