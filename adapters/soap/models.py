"""The SOAP adapter's own tables: tickets of submitted operations, the call protocol, and the
organisations allowed to call (managed in the console and by ``omshub soap add-org``)."""

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

organisations = sa.Table(
    "soap_organisations",
    metadata,
    sa.Column("username", sa.String(100), primary_key=True, comment="The service account."),
    sa.Column("code", sa.String(16), nullable=False, unique=True,
              comment="Реестровый код МО or СМО."),
    sa.Column("kind", sa.String(3), nullable=False, comment="mo or smo"),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(200), nullable=False,
              comment="scrypt$n$r$p$salt$hash (adapters/soap/settings.py); never the password."),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False, server_default=""),
    comment="Organisations allowed to call the SOAP services; a row overrides an entry of "
            "[plugins.soap] organisations with the same username (disabled: refused).",
)
