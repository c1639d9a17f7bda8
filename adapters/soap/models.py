"""The SOAP adapter's own tables: tickets of submitted operations and the call protocol."""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import BIGID, TS

metadata = sa.MetaData()

operations = sa.Table(
    "soap_operations",
    metadata,
    sa.Column("ticket", sa.String(64), primary_key=True,
              comment="Id of the erz.operation.submitted message."),
    sa.Column("organisation", sa.String(16), nullable=False, index=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("enp", sa.String(16), nullable=False),
    sa.Column("submitted_at", TS, nullable=False),
    sa.Column("status", sa.String(8), nullable=False, comment="pending|applied|refused"),
    sa.Column("code", sa.String(8)),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("completed_at", TS),
    comment="Operations submitted through the SOAP services and what became of them.",
)

calls = sa.Table(
    "soap_calls",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("organisation", sa.String(16), nullable=False),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("operation", sa.String(32), nullable=False),
    sa.Column("enp", sa.String(16)),
    sa.Column("outcome", sa.String(40), nullable=False, comment="ok or the fault code"),
    sa.Column("remote_addr", sa.String(100), nullable=False, server_default=""),
    sa.Index("ix_soap_calls_org_at", "organisation", "at"),
    comment="Protocol of every call of the SOAP services: who asked what, and the outcome.",
)
