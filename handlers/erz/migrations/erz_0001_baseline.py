"""The register's tables as the release of 02.12.2026 made them (baseline)

Revision ID: erz_0001
Revises:
Create Date: 2026-12-07

Exactly what `create_all` of handlers/erz/models.py and zags.py made at commit 20e6283,
the last release before plug-ins had migrations; later revisions bring them to today's models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0001"
down_revision = None
branch_labels = ("erz",)
depends_on = "0001"

legacy_tables = (
    "erz_buffer",
    "erz_delta_runs",
    "erz_exchange_files",
    "erz_persons",
    "erz_zags_records",
    "erz_changes",
    "erz_addresses",
    "erz_attachments",
    "erz_contacts",
    "erz_deaths",
    "erz_documents",
    "erz_person_data",
    "erz_policies",
    "erz_snils",
    "erz_stoplisted",
)
"""Tables ``create_all`` made before the plug-in had migrations: found without a revision
of this branch, they mean this baseline is in place and it is stamped (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "erz_buffer",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "kind", sa.String(length=32), nullable=False, comment="operation kind (operations.py)"
        ),
        sa.Column(
            "enp", sa.String(length=16), nullable=True, comment="ЕНП, when the person is known"
        ),
        sa.Column(
            "candidate",
            sa.JSON(),
            nullable=True,
            comment="keys to find the person when the ЕНП is not",
        ),
        sa.Column("payload", sa.JSON(), nullable=False, comment="the operation, replayable"),
        sa.Column(
            "organisation",
            sa.String(length=16),
            nullable=True,
            comment="who proposed it (СМО, МО code)",
        ),
        sa.Column("component", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=True),
        sa.Column("source_message_id", sa.String(length=64), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=True),
        sa.Column("why", sa.Text(), nullable=False, comment="why it waits for the fund"),
        sa.Column(
            "status",
            sa.String(length=10),
            nullable=False,
            comment="pending, approved, rejected, applied",
        ),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True, comment="the operator's note on the decision"),
        sa.Column(
            "last_error", sa.JSON(), nullable=True, comment="refusal of the last approval attempt"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Buffer (ERZ-6): changes that wait for the fund's approval or rejection.",
    )
    op.create_index(op.f("ix_erz_buffer_enp"), "erz_buffer", ["enp"], unique=False)
    op.create_index(op.f("ix_erz_buffer_status"), "erz_buffer", ["status"], unique=False)
    op.create_table(
        "erz_delta_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Daily delta runs: the window of changes each sent "
        "(ERZ-2, handlers/erz/deltas.py).",
    )
    op.create_index(op.f("ix_erz_delta_runs_until"), "erz_delta_runs", ["until"], unique=False)
    op.create_table(
        "erz_exchange_files",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("format_key", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False, comment="processed, refused"),
        sa.Column("records", sa.Integer(), server_default="0", nullable=False),
        sa.Column("applied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("refused", sa.Integer(), server_default="0", nullable=False),
        sa.Column("buffered", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation", "file_name", name="uq_erz_exchange_files_name"),
        comment="Exchange files (OPLIST…) processed, one per insurer and file name.",
    )
    op.create_table(
        "erz_persons",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("enp", sa.String(length=16), nullable=False, comment="ЕНП, единый номер полиса"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enp"),
        comment="Insured persons (ЗЛ): the stable identity every version row refers to.",
    )
    op.create_table(
        "erz_zags_records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("schema", sa.String(length=8), nullable=False, comment="112-41 or 112-04"),
        sa.Column("act_number", sa.String(length=22), nullable=False, comment="номер записи акта"),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("death_date", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.String(length=16),
            nullable=False,
            comment="applied, buffered, already_dead",
        ),
        sa.Column("enp", sa.String(length=16), nullable=True),
        sa.Column("buffer_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="ЗАГС death records received and what became of each (ERZ-5).",
    )
    op.create_index(
        op.f("ix_erz_zags_records_message_id"), "erz_zags_records", ["message_id"], unique=False
    )
    op.create_table(
        "erz_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="when the register recorded it",
        ),
        sa.Column("op", sa.String(length=32), nullable=False, comment="register operation"),
        sa.Column("aspect", sa.String(length=16), nullable=False),
        sa.Column(
            "effective_date",
            sa.Date(),
            nullable=True,
            comment="valid-time date the change takes effect",
        ),
        sa.Column(
            "event_code",
            sa.String(length=8),
            nullable=True,
            comment="event, 1.2.643.2.40.5.100.62 (П01…)",
        ),
        sa.Column(
            "reason_code", sa.String(length=8), nullable=True, comment="reason, R001 (П010…)"
        ),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("component", sa.String(length=64), nullable=False, comment="who: the component"),
        sa.Column(
            "user_name",
            sa.String(length=128),
            nullable=True,
            comment="who: the operator, when a person acted",
        ),
        sa.Column(
            "source_message_id",
            sa.String(length=64),
            nullable=True,
            comment="the canonical message it came in",
        ),
        sa.Column(
            "source_file",
            sa.String(length=255),
            nullable=True,
            comment="the exchange file it came in",
        ),
        sa.Column(
            "smo", sa.String(length=8), nullable=True, comment="insurer concerned (for its deltas)"
        ),
        sa.Column(
            "mo", sa.String(length=16), nullable=True, comment="clinic concerned (for its deltas)"
        ),
        sa.Column("detail", sa.JSON(), nullable=True, comment="values before and after"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Append-only log of every change of the register: who, what, why, from where.",
    )
    op.create_index(op.f("ix_erz_changes_at"), "erz_changes", ["at"], unique=False)
    op.create_index(
        "ix_erz_changes_mo_at",
        "erz_changes",
        ["mo", "at"],
        unique=False,
        postgresql_where=sa.text("mo IS NOT NULL"),
        sqlite_where=sa.text("mo IS NOT NULL"),
    )
    op.create_index(op.f("ix_erz_changes_person_id"), "erz_changes", ["person_id"], unique=False)
    op.create_index(
        "ix_erz_changes_smo_at",
        "erz_changes",
        ["smo", "at"],
        unique=False,
        postgresql_where=sa.text("smo IS NOT NULL"),
        sqlite_where=sa.text("smo IS NOT NULL"),
    )
    op.create_table(
        "erz_addresses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("fias_guid", sa.String(length=36), nullable=True),
        sa.Column("kladr", sa.String(length=23), nullable=True),
        sa.Column("okato", sa.String(length=11), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Addresses by kind: reg (регистрация), live (место пребывания).",
    )
    op.create_index(
        op.f("ix_erz_addresses_person_id"), "erz_addresses", ["person_id"], unique=False
    )
    op.create_table(
        "erz_attachments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("fact_id", sa.String(length=32), nullable=False),
        sa.Column("mo", sa.String(length=16), nullable=False, comment="МО code (F032)"),
        sa.Column("department", sa.String(length=64), server_default="", nullable=False),
        sa.Column(
            "district", sa.String(length=32), server_default="", nullable=False, comment="участок"
        ),
        sa.Column("doctor_snils", sa.String(length=11), nullable=True),
        sa.Column(
            "method", sa.String(length=2), nullable=False, comment="1 by address, 2 by application"
        ),
        sa.Column("date_attach", sa.Date(), nullable=False),
        sa.Column("date_detach", sa.Date(), nullable=True),
        sa.Column("detach_reason", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Attachment to a clinic (РПН); versions of one share fact_id.",
    )
    op.create_index(
        op.f("ix_erz_attachments_fact_id"), "erz_attachments", ["fact_id"], unique=False
    )
    op.create_index(
        op.f("ix_erz_attachments_person_id"), "erz_attachments", ["person_id"], unique=False
    )
    op.create_table(
        "erz_contacts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Contacts by kind: phone, email.",
    )
    op.create_index(op.f("ix_erz_contacts_person_id"), "erz_contacts", ["person_id"], unique=False)
    op.create_table(
        "erz_deaths",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("death_date", sa.Date(), nullable=False),
        sa.Column("act_number", sa.String(length=32), nullable=True),
        sa.Column("act_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Death (valid_from = date of death), with the ЗАГС act record.",
    )
    op.create_index(op.f("ix_erz_deaths_person_id"), "erz_deaths", ["person_id"], unique=False)
    op.create_table(
        "erz_documents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("doc_type", sa.String(length=4), nullable=False),
        sa.Column("series", sa.String(length=20), server_default="", nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("issuer", sa.String(length=255), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Identity document (ДУДЛ), type by the ФОМС dictionary.",
    )
    op.create_index(
        "ix_erz_documents_number",
        "erz_documents",
        ["number", "series"],
        unique=False,
        postgresql_where=sa.text("superseded_at IS NULL"),
        sqlite_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index(
        op.f("ix_erz_documents_person_id"), "erz_documents", ["person_id"], unique=False
    )
    op.create_table(
        "erz_person_data",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("surname", sa.String(length=100), nullable=False, comment="фамилия"),
        sa.Column("name", sa.String(length=100), nullable=False, comment="имя"),
        sa.Column(
            "patronymic",
            sa.String(length=100),
            server_default="",
            nullable=False,
            comment="отчество",
        ),
        sa.Column("sex", sa.String(length=1), nullable=False, comment="1 male, 2 female"),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_place", sa.String(length=255), server_default="", nullable=False),
        sa.Column("surname_key", sa.String(length=100), nullable=False, comment="upper, ё → е"),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("patronymic_key", sa.String(length=100), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Personal data: ФИО, пол, дата и место рождения.",
    )
    op.create_index(
        "ix_erz_person_data_names",
        "erz_person_data",
        ["surname_key", "name_key", "birth_date"],
        unique=False,
        postgresql_where=sa.text("superseded_at IS NULL"),
        sqlite_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index(
        op.f("ix_erz_person_data_person_id"), "erz_person_data", ["person_id"], unique=False
    )
    op.create_table(
        "erz_policies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("fact_id", sa.String(length=32), nullable=False),
        sa.Column("policy_type", sa.String(length=1), nullable=False),
        sa.Column("series", sa.String(length=12), server_default="", nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("smo", sa.String(length=8), nullable=False, comment="insurer (СМО) code"),
        sa.Column("date_begin", sa.Date(), nullable=False),
        sa.Column(
            "date_end", sa.Date(), nullable=True, comment="planned end (temporary certificate)"
        ),
        sa.Column(
            "date_stop", sa.Date(), nullable=True, comment="stopped on (exclusive of this day)"
        ),
        sa.Column(
            "status", sa.String(length=10), nullable=False, comment="active, stopped, annulled"
        ),
        sa.Column(
            "reason_code", sa.String(length=8), nullable=True, comment="R001 reason of issue"
        ),
        sa.Column("stop_reason", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Policies (С, В, П, Э, К); versions of one policy share fact_id.",
    )
    op.create_index(op.f("ix_erz_policies_fact_id"), "erz_policies", ["fact_id"], unique=False)
    op.create_index(
        "ix_erz_policies_number",
        "erz_policies",
        ["number"],
        unique=False,
        postgresql_where=sa.text("superseded_at IS NULL"),
        sqlite_where=sa.text("superseded_at IS NULL"),
    )
    op.create_index(op.f("ix_erz_policies_person_id"), "erz_policies", ["person_id"], unique=False)
    op.create_table(
        "erz_snils",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "superseded_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="NULL = current knowledge",
        ),
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "superseded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("snils", sa.String(length=11), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["erz_persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="СНИЛС (11 digits, no separators).",
    )
    op.create_index(op.f("ix_erz_snils_person_id"), "erz_snils", ["person_id"], unique=False)
    op.create_index(
        "ix_erz_snils_snils",
        "erz_snils",
        ["snils"],
        unique=False,
        postgresql_where=sa.text("superseded_at IS NULL"),
        sqlite_where=sa.text("superseded_at IS NULL"),
    )
    op.create_table(
        "erz_stoplisted",
        sa.Column(
            "change_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["erz_changes.id"],
        ),
        sa.PrimaryKeyConstraint("change_id"),
        comment="stop_policy changes already reported to their insurer in a STOPLIST.",
    )


def downgrade() -> None:
    op.drop_table("erz_stoplisted")
    op.drop_table("erz_snils")
    op.drop_table("erz_policies")
    op.drop_table("erz_person_data")
    op.drop_table("erz_documents")
    op.drop_table("erz_deaths")
    op.drop_table("erz_contacts")
    op.drop_table("erz_attachments")
    op.drop_table("erz_addresses")
    op.drop_table("erz_changes")
    op.drop_table("erz_zags_records")
    op.drop_table("erz_persons")
    op.drop_table("erz_exchange_files")
    op.drop_table("erz_delta_runs")
    op.drop_table("erz_buffer")
