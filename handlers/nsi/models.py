"""Tables of the НСИ handler: dictionaries, each version loaded, each version's rows."""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

nsi_dictionaries = sa.Table(
    "nsi_dictionaries",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True, comment="F006, V002…"),
    sa.Column("short_name", sa.String(64), nullable=False, comment="zglv/type: VidExp…"),
    sa.Column("key_column", sa.String(64), nullable=False, comment="the row's key element"),
    comment="Every dictionary a version of which was loaded.",
)

nsi_versions = sa.Table(
    "nsi_versions",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), sa.ForeignKey("nsi_dictionaries.code"), nullable=False),
    sa.Column("version", sa.String(32), nullable=False, comment="zglv/version"),
    sa.Column("issued", sa.Date, nullable=False, comment="zglv/date"),
    sa.Column("sha256", sa.String(64), nullable=False, comment="of the XML as read"),
    sa.Column("source", sa.String(512), nullable=False, comment="file or URL it came from"),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("loaded_at", TS, nullable=False),
    sa.Column("loaded_by", sa.String(128), nullable=False),
    sa.UniqueConstraint("code", "version", name="uq_nsi_versions_code_version"),
    comment="Every version of a dictionary, never replaced.",
)

nsi_rows = sa.Table(
    "nsi_rows",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("version_id", _ID, sa.ForeignKey("nsi_versions.id"), nullable=False),
    sa.Column("key", sa.String(128), nullable=False),
    sa.Column("datebeg", sa.Date, nullable=True, comment="DATEBEG; empty: since ever"),
    sa.Column("dateend", sa.Date, nullable=True, comment="DATEEND; empty: open-ended"),
    sa.Column("data", sa.JSON, nullable=False, comment="every column of the row, as text"),
    sa.Index("ix_nsi_rows_version_key", "version_id", "key"),
    comment="The rows of each version with their own validity period.",
)
