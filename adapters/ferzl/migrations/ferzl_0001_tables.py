"""The ФЕРЗЛ adapter's exchanges and asynchronous operations

Revision ID: ferzl_0001
Revises:
Create Date: 2027-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ferzl_0001"
down_revision = None
branch_labels = ("ferzl",)
depends_on = "0001"

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ferzl_exchanges",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=True,
                  comment="the ferzl.call message it served, if any"),
        sa.Column("operation", sa.String(80), nullable=False),
        sa.Column("release", sa.String(20), nullable=False),
        sa.Column("external_request_id", sa.String(64), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True, comment="NULL: no answer came"),
        sa.Column("state", sa.String(20), nullable=False,
                  comment="ferzl.answered or the outcome's journal state "
                          "(adapters/ferzl/policy.py)"),
        sa.Column("duration_ms", sa.Integer(), server_default="0", nullable=False),
        sa.Column("deviations", sa.Integer(), server_default="0", nullable=False,
                  comment="how many deviations from the release's schema the answer has"),
        sa.Column("request_blob_id", sa.String(64), nullable=False,
                  comment="the exact request sent"),
        sa.Column("answer_blob_id", sa.String(64), nullable=True,
                  comment="the exact answer (the SOAP part of an MTOM one)"),
        sa.Column("error", sa.Text(), nullable=True,
                  comment="why there is no usable answer, in Russian"),
        sa.PrimaryKeyConstraint("id"),
        comment="Every ФЕРЗЛ call: request, answer, status, duration, deviations.",
    )
    op.create_index("ix_ferzl_exchanges_at", "ferzl_exchanges", ["at"])
    op.create_index("ix_ferzl_exchanges_external_request_id", "ferzl_exchanges",
                    ["external_request_id"])
    op.create_index("ix_ferzl_exchanges_call", "ferzl_exchanges", ["call_id"])
    op.create_table(
        "ferzl_operations",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False,
                  comment="the ferzl.call it answers"),
        sa.Column("call", sa.Text(), nullable=False, comment="that call's envelope (JSON)"),
        sa.Column("operation", sa.String(80), nullable=False, comment="its …Start"),
        sa.Column("release", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False,
                  comment="waiting | polling | done | failed"),
        sa.Column("token", sa.String(100), nullable=True, comment="the current opToken"),
        sa.Column("last_status", sa.String(40), nullable=True,
                  comment="the last Poll's processingStatus"),
        sa.Column("starts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("polls", sa.Integer(), server_default="0", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False,
                  comment="tries after a retryable failure"),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("lease_until", _TS, nullable=True, comment="a worker holds it until then"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        comment="Asynchronous ФЕРЗЛ operations (Start/Poll) asked through ferzl.call.",
    )
    op.create_index("ix_ferzl_operations_due", "ferzl_operations",
                    ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("ferzl_operations")
    op.drop_table("ferzl_exchanges")
