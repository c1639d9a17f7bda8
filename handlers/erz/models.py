"""Tables of the register (prefix ``erz_``); the design is in docs/erz-register.md.

Every time-varying fact of a person lives in a *version table*: a row holds the value for
the valid-time interval ``[valid_from, valid_to)`` (dates; ``valid_to`` NULL = open) as the
register knew it from ``recorded_at`` until ``superseded_at`` (NULL = current knowledge).
Rows are never updated except to set ``superseded_at``/``superseded_by`` once, so every
value ever recorded stays readable. ``erz_changes`` is the append-only log of who changed
what, why and from which message or file.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _partial_index(name: str, where: str, *columns: str) -> sa.Index:
    """An index of the rows ``where`` holds (partial on PostgreSQL and SQLite alike)."""
    condition = sa.text(where)
    return sa.Index(name, *columns, postgresql_where=condition, sqlite_where=condition)


def _current_index(name: str, *columns: str) -> sa.Index:
    """An index over current knowledge only."""
    return _partial_index(name, "superseded_at IS NULL", *columns)


persons = sa.Table(
    "erz_persons",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("enp", sa.String(16), nullable=False, unique=True,
              comment="ЕНП, единый номер полиса"),
    sa.Column("created_at", TS, nullable=False),
    comment="Insured persons (ЗЛ): the stable identity every version row refers to.",
)

changes = sa.Table(
    "erz_changes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("person_id", BigId, sa.ForeignKey("erz_persons.id"), nullable=False, index=True),
    sa.Column("at", TS, nullable=False, index=True, comment="when the register recorded it"),
    sa.Column("op", sa.String(32), nullable=False, comment="register operation"),
    sa.Column("aspect", sa.String(16), nullable=False),
    sa.Column("effective_date", sa.Date, comment="valid-time date the change takes effect"),
    sa.Column("event_code", sa.String(8), comment="event, 1.2.643.2.40.5.100.62 (П01…)"),
    sa.Column("reason_code", sa.String(8), comment="reason, R001 (П010…)"),
    sa.Column("reason_text", sa.Text),
    sa.Column("component", sa.String(64), nullable=False, comment="who: the component"),
    sa.Column("user_name", sa.String(128), comment="who: the operator, when a person acted"),
    sa.Column("source_message_id", sa.String(64), comment="the canonical message it came in"),
    sa.Column("source_file", sa.String(255), comment="the exchange file it came in"),
    sa.Column("smo", sa.String(8), comment="insurer concerned (for its deltas)"),
    sa.Column("mo", sa.String(16), comment="clinic concerned (for its deltas)"),
    sa.Column("detail", sa.JSON, comment="values before and after"),
    # Partial: most entries concern no insurer or no clinic (a new person's data, say), and
    # the deltas ask for one organisation's entries, never for those of none.
    _partial_index("ix_erz_changes_smo_at", "smo IS NOT NULL", "smo", "at"),
    _partial_index("ix_erz_changes_mo_at", "mo IS NOT NULL", "mo", "at"),
    comment="Append-only log of every change of the register: who, what, why, from where.",
)


def _versioned(name: str, comment: str, *columns: sa.Column[object] | sa.Index) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("person_id", BigId, sa.ForeignKey("erz_persons.id"), nullable=False,
                  index=True),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, comment="exclusive; NULL = open"),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("superseded_at", TS, comment="NULL = current knowledge"),
        sa.Column("change_id", BigId, sa.ForeignKey("erz_changes.id"), nullable=False),
        sa.Column("superseded_by", BigId, sa.ForeignKey("erz_changes.id")),
        *columns,
        comment=comment,
    )


person_data = _versioned(
    "erz_person_data", "Personal data: ФИО, пол, дата и место рождения.",
    sa.Column("surname", sa.String(100), nullable=False, comment="фамилия"),
    sa.Column("name", sa.String(100), nullable=False, comment="имя"),
    sa.Column("patronymic", sa.String(100), nullable=False, server_default="",
              comment="отчество"),
    sa.Column("sex", sa.String(1), nullable=False, comment="1 male, 2 female"),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("birth_place", sa.String(255), nullable=False, server_default=""),
    sa.Column("surname_key", sa.String(100), nullable=False, comment="upper, ё → е"),
    sa.Column("name_key", sa.String(100), nullable=False),
    sa.Column("patronymic_key", sa.String(100), nullable=False, server_default=""),
    _current_index("ix_erz_person_data_names", "surname_key", "name_key", "birth_date"),
    # The operators' search by a surname's beginning (LIKE 'ИВА%'): PostgreSQL uses a
    # b-tree for a prefix only with pattern ops when the database's collation is not C.
    sa.Index("ix_erz_person_data_surname_prefix", "surname_key",
             postgresql_ops={"surname_key": "varchar_pattern_ops"},
             postgresql_where=sa.text("superseded_at IS NULL"),
             sqlite_where=sa.text("superseded_at IS NULL")),
)

snils = _versioned(
    "erz_snils", "СНИЛС (11 digits, no separators).",
    sa.Column("snils", sa.String(11), nullable=False),
    _current_index("ix_erz_snils_snils", "snils"),
)

documents = _versioned(
    "erz_documents", "Identity document (ДУДЛ), type by the ФОМС dictionary.",
    sa.Column("doc_type", sa.String(4), nullable=False),
    sa.Column("series", sa.String(20), nullable=False, server_default=""),
    sa.Column("number", sa.String(30), nullable=False),
    sa.Column("issue_date", sa.Date),
    sa.Column("issuer", sa.String(255), nullable=False, server_default=""),
    _current_index("ix_erz_documents_number", "number", "series"),
)

policies = _versioned(
    "erz_policies", "Policies (С, В, П, Э, К); versions of one policy share fact_id.",
    sa.Column("fact_id", sa.String(32), nullable=False, index=True),
    sa.Column("policy_type", sa.String(1), nullable=False),
    sa.Column("series", sa.String(12), nullable=False, server_default=""),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("smo", sa.String(8), nullable=False, comment="insurer (СМО) code"),
    sa.Column("date_begin", sa.Date, nullable=False),
    sa.Column("date_end", sa.Date, comment="planned end (temporary certificate)"),
    sa.Column("date_stop", sa.Date, comment="stopped on (exclusive of this day)"),
    sa.Column("status", sa.String(10), nullable=False, comment="active, stopped, annulled"),
    sa.Column("reason_code", sa.String(8), comment="R001 reason of issue"),
    sa.Column("stop_reason", sa.String(8)),
    _current_index("ix_erz_policies_number", "number"),
)

addresses = _versioned(
    "erz_addresses", "Addresses by kind: reg (регистрация), live (место пребывания).",
    sa.Column("kind", sa.String(4), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    sa.Column("fias_guid", sa.String(36)),
    sa.Column("kladr", sa.String(23)),
    sa.Column("okato", sa.String(11)),
    sa.Column("postcode", sa.String(6)),
)

contacts = _versioned(
    "erz_contacts", "Contacts by kind: phone, email.",
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("value", sa.String(255), nullable=False),
)

attachments = _versioned(
    "erz_attachments", "Attachment to a clinic (РПН); versions of one share fact_id.",
    sa.Column("fact_id", sa.String(32), nullable=False, index=True),
    sa.Column("mo", sa.String(16), nullable=False, comment="МО code (F032)"),
    sa.Column("department", sa.String(64), nullable=False, server_default=""),
    sa.Column("district", sa.String(32), nullable=False, server_default="",
              comment="участок"),
    sa.Column("doctor_snils", sa.String(11)),
    sa.Column("method", sa.String(2), nullable=False, comment="1 by address, 2 by application"),
    sa.Column("date_attach", sa.Date, nullable=False),
    sa.Column("date_detach", sa.Date),
    sa.Column("detach_reason", sa.String(8)),
)

deaths = _versioned(
    "erz_deaths", "Death (valid_from = date of death), with the ЗАГС act record.",
    sa.Column("death_date", sa.Date, nullable=False),
    sa.Column("act_number", sa.String(32)),
    sa.Column("act_date", sa.Date),
)

ASPECTS: dict[str, sa.Table] = {
    "person": person_data, "snils": snils, "document": documents, "policy": policies,
    "address": addresses, "contact": contacts, "attachment": attachments, "death": deaths,
}
"""Version tables by aspect name (the ``aspect`` of a change)."""

buffer = sa.Table(
    "erz_buffer",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False, comment="operation kind (operations.py)"),
    sa.Column("enp", sa.String(16), index=True, comment="ЕНП, when the person is known"),
    sa.Column("candidate", sa.JSON, comment="keys to find the person when the ЕНП is not"),
    sa.Column("payload", sa.JSON, nullable=False, comment="the operation, replayable"),
    sa.Column("organisation", sa.String(16), comment="who proposed it (СМО, МО code)"),
    sa.Column("component", sa.String(64), nullable=False),
    sa.Column("user_name", sa.String(128)),
    sa.Column("source_message_id", sa.String(64)),
    sa.Column("source_file", sa.String(255)),
    sa.Column("why", sa.Text, nullable=False, comment="why it waits for the fund"),
    sa.Column("status", sa.String(10), nullable=False, index=True,
              comment="pending, approved, rejected, applied"),
    sa.Column("decided_by", sa.String(128)),
    sa.Column("decided_at", TS),
    sa.Column("note", sa.Text, comment="the operator's note on the decision"),
    sa.Column("last_error", sa.JSON, comment="refusal of the last approval attempt"),
    sa.Column("created_at", TS, nullable=False),
    comment="Buffer (ERZ-6): changes that wait for the fund's approval or rejection.",
)

exchange_files = sa.Table(
    "erz_exchange_files",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("organisation", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64)),
    sa.Column("message_id", sa.String(64)),
    sa.Column("format_key", sa.String(32), nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False, comment="processed, refused"),
    sa.Column("records", sa.Integer, nullable=False, server_default="0"),
    sa.Column("applied", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refused", sa.Integer, nullable=False, server_default="0"),
    sa.Column("buffered", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("organisation", "file_name", name="uq_erz_exchange_files_name"),
    comment="Exchange files (OPLIST…) processed, one per insurer and file name.",
)


delta_runs = sa.Table(
    "erz_delta_runs", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("since", TS, nullable=False),
    sa.Column("until", TS, nullable=False, index=True),
    sa.Column("at", TS, nullable=False),
    sa.Column("files", sa.Integer, nullable=False),
    comment="Daily delta runs: the window of changes each sent (ERZ-2, handlers/erz/deltas.py).",
)

stoplisted = sa.Table(
    "erz_stoplisted", metadata,
    sa.Column("change_id", BigId, sa.ForeignKey("erz_changes.id"), primary_key=True),
    sa.Column("file_name", sa.String(64), nullable=False),
    sa.Column("at", TS, nullable=False),
    comment="stop_policy changes already reported to their insurer in a STOPLIST.",
)

zags_acts = sa.Table(
    "erz_zags_acts", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(24), nullable=False, server_default="death",
              comment="what the act is to the register: death, birth, or the act kind of a "
                      "name change and the person's role (marriage:wife…)"),
    sa.Column("office_code", sa.String(8), nullable=False,
              comment="КодЗАГС, the registry office (ОрганЗАГС)"),
    sa.Column("act_number", sa.String(22), nullable=False, comment="НомерЗапис"),
    sa.Column("act_date", sa.Date, nullable=False, comment="ДатаЗапис"),
    sa.Column("schema", sa.String(8), nullable=False, comment="112-41 or 112-04"),
    sa.Column("version", sa.String(3), comment="НомерВерс of the last version taken (112-41)"),
    sa.Column("digest", sa.String(64), nullable=False,
              comment="SHA-256 of the record's content as last taken"),
    sa.Column("content", sa.JSON, nullable=False,
              comment="what the register used of it: names, birth and death dates, document"),
    sa.Column("outcome", sa.String(16), nullable=False,
              comment="applied, buffered, already_dead (what became of it last)"),
    sa.Column("enp", sa.String(16)),
    sa.Column("buffer_id", sa.BigInteger),
    sa.Column("corrections", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_message_id", sa.String(64), nullable=False),
    sa.Column("last_message_id", sa.String(64), nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.UniqueConstraint("kind", "office_code", "act_number", "act_date",
                        name="uq_erz_zags_acts_kind_act"),
    comment="ЗАГС death act records taken, one per act (ЗАГС, number, date): a repeat is "
            "recognised, a changed one taken as a correction (handlers/erz/zags_acts.py).",
)
