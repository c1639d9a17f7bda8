"""Tables of the ПУМП handler: packages received, their persons (L file), their cases.

A case is a compact row (its identifiers, dates, sums, the SL_IDs and the patient's
ID_PAC): the exact bytes stay in the journal, the rules of the next items read the rows.
A package refused keeps its row (with the Russian reason and the problems with codes) and
no persons or cases.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACCEPTED = "accepted"
REFUSED = "refused"
_ACCEPTED = "status = 'accepted'"
_ACCEPTED_PG = "(status)::text = 'accepted'::text"
"""The same condition as PostgreSQL states it back (``omshub migrate check`` compares)."""

pump_packages = sa.Table(
    "pump_packages",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.String(255), nullable=False, comment="as dropped"),
    sa.Column("name", sa.String(64), nullable=False, comment="the H file's stem; '' if none"),
    sa.Column("file_type", sa.String(4), nullable=False, comment="H, T, C, DP…"),
    sa.Column("mo", sa.String(16), nullable=False, comment="the sender's code"),
    sa.Column("period", sa.String(7), nullable=False, comment="YYYY-MM; '' if unknown"),
    sa.Column("sender", sa.String(64), nullable=False, comment="as the drop said"),
    sa.Column("drop", sa.String(128), nullable=False),
    sa.Column("message_id", sa.String(64), nullable=False, comment="files.received"),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, comment="accepted | refused"),
    sa.Column("reason", sa.Text, nullable=False, comment="the first problem, in Russian"),
    sa.Column("problems", sa.JSON, nullable=False, comment="[{code, message, file}]"),
    sa.Column("cases", sa.Integer, nullable=False),
    sa.Column("persons", sa.Integer, nullable=False),
    sa.Column("total", sa.Numeric(17, 2), nullable=True, comment="SCHET/SUMMAV"),
    sa.Index("ix_pump_packages_mo_period", "mo", "period"),
    # One accepted package per content and per name: a refused one may come again fixed.
    sa.Index("uq_pump_packages_sha256", "sha256", unique=True,
             postgresql_where=sa.text(_ACCEPTED_PG), sqlite_where=sa.text(_ACCEPTED)),
    sa.Index("uq_pump_packages_name", "mo", "period", "name", unique=True,
             postgresql_where=sa.text(_ACCEPTED_PG), sqlite_where=sa.text(_ACCEPTED)),
    comment="Every package received, accepted or refused with its reason.",
)

pump_persons = sa.Table(
    "pump_persons",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("package_id", _ID, sa.ForeignKey("pump_packages.id"), nullable=False),
    sa.Column("id_pac", sa.String(36), nullable=False),
    sa.Column("surname", sa.String(40), nullable=False),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("patronymic", sa.String(40), nullable=True),
    sa.Column("sex", sa.SmallInteger, nullable=True),
    sa.Column("born", sa.Date, nullable=True),
    sa.Column("snils", sa.String(14), nullable=True),
    sa.Column("doc_type", sa.String(2), nullable=True),
    sa.Column("doc_series", sa.String(10), nullable=True),
    sa.Column("doc_number", sa.String(20), nullable=True),
    sa.Index("ix_pump_persons_package_pac", "package_id", "id_pac", unique=True),
    comment="The L file's PERS records: the identifiers of each patient.",
)

pump_cases = sa.Table(
    "pump_cases",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("package_id", _ID, sa.ForeignKey("pump_packages.id"), nullable=False),
    sa.Column("n_zap", sa.BigInteger, nullable=False),
    sa.Column("idcase", sa.BigInteger, nullable=False),
    sa.Column("pr_nov", sa.SmallInteger, nullable=False),
    sa.Column("id_pac", sa.String(36), nullable=False, comment="→ pump_persons of the package"),
    sa.Column("vpolis", sa.SmallInteger, nullable=True),
    sa.Column("npolis", sa.String(20), nullable=True),
    sa.Column("usl_ok", sa.SmallInteger, nullable=True),
    sa.Column("date_z_1", sa.Date, nullable=True),
    sa.Column("date_z_2", sa.Date, nullable=True),
    sa.Column("rslt", sa.SmallInteger, nullable=True),
    sa.Column("sumv", sa.Numeric(17, 2), nullable=True),
    sa.Column("sl_ids", sa.JSON, nullable=False, comment="SL_ID of each SL, in order"),
    sa.Column("services", sa.Integer, nullable=False, comment="USL count"),
    sa.Index("ix_pump_cases_package_zap", "package_id", "n_zap"),
    sa.Index("ix_pump_cases_npolis", "npolis"),
    comment="One row per case (ZAP/Z_SL) of an accepted package.",
)
