"""The plug-ins' tables as the last release before plug-in migrations made them (frozen).

A copy of the table definitions at commit 20e6283 (02.12.2026): handlers/erz/models.py with
the ``erz_zags_records`` table of handlers/erz/zags.py, and the models of adapters/files,
adapters/soap, adapters/smev3 and handlers/probe. ``omshub migrate`` then ran the hub's
revisions up to 0004 and ``create_all`` of these. Never edit: it is what databases in the
field look like.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import BIGID, TS

HUB_REVISION = "0004"
"""The hub's revision at that release."""

metadata = sa.MetaData()

BigId = BIGID
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

zags_records = sa.Table(
    "erz_zags_records", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False, index=True),
    sa.Column("schema", sa.String(8), nullable=False, comment="112-41 or 112-04"),
    sa.Column("act_number", sa.String(22), nullable=False, comment="номер записи акта"),
    sa.Column("act_date", sa.Date, nullable=False),
    sa.Column("death_date", sa.Date),
    sa.Column("outcome", sa.String(16), nullable=False,
              comment="applied, buffered, already_dead"),
    sa.Column("enp", sa.String(16)),
    sa.Column("buffer_id", sa.BigInteger),
    sa.Column("note", sa.Text),
    sa.Column("received_at", TS, nullable=False),
    comment="ЗАГС death records received and what became of each (ERZ-5).",
)
files_seen = sa.Table(
    "files_seen",
    metadata,
    sa.Column("drop", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("envelope_id", sa.String(64), nullable=False,
              comment="the files.received message it became"),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("taken_at", TS, nullable=False),
    sa.Column("archived_at", TS, comment="null while it still waits in the inbound folder"),
    sa.Column("archived_as", sa.Text),
)

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
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
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

outgoing = sa.Table(
    "smev3_outgoing",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("kind", sa.String(10), nullable=False, comment="request | response"),
    sa.Column("type_key", sa.String(100), nullable=False),
    sa.Column("envelope_id", sa.String(64), nullable=False, unique=True,
              comment="the canonical message this row sends"),
    sa.Column("message_id", sa.String(36), nullable=False, unique=True,
              comment="СМЭВ MessageID (UUID v1) of the message we send"),
    sa.Column("reply_to", sa.Text,
              comment="for a response: the ReplyTo of the request it answers (opaque)"),
    sa.Column("content", sa.LargeBinary, nullable=False,
              comment="MessagePrimaryContent as XML bytes"),
    sa.Column("status", sa.String(40), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TS, nullable=False, index=True),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_blob_id", sa.String(64), comment="the exact signed envelope as sent"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

received = sa.Table(
    "smev3_received",
    metadata,
    sa.Column("message_id", sa.String(36), primary_key=True, comment="СМЭВ MessageID"),
    sa.Column("kind", sa.String(10), nullable=False,
              comment="request | response | status | reject | unreadable"),
    sa.Column("type_key", sa.String(100), nullable=False),
    sa.Column("envelope_id", sa.String(64), comment="the canonical message it became, if any"),
    sa.Column("reference_message_id", sa.String(36),
              comment="what a response or status refers to: our request's MessageID"),
    sa.Column("reply_to", sa.Text, comment="a request's ReplyTo, for our answer"),
    sa.Column("outcome", sa.String(40), nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("acked_at", TS),
)

probe_receipts = sa.Table(
    "probe_receipts",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    # Deliberately not unique: the hub's inbox, not a constraint here, must keep effects single.
    sa.Column("message_id", sa.String(64), nullable=False, index=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("sent_at", TS, nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("latency_ms", sa.Float, nullable=False),
    comment="Every probe that crossed the hub, with its end-to-end latency.",
)
