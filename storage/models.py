"""SQLAlchemy tables of the hub itself.

SQLAlchemy Core tables rather than ORM classes: the hot path (journal, inbox, outbox) is
written in batches with ``executemany``, and the console reads with plain selects.
Handlers keep their own tables in their own packages, on their own ``MetaData``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite hands back naive ones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value} would be stored without its time zone")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect
                             ) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


TS = UTCDateTime()
ID = sa.String(64)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True, comment="sha256 of the bytes"),
    sa.Column("media_type", sa.String(200), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    comment="Exact bytes received or sent (XML as received, files), stored once.",
)

journal_messages = sa.Table(
    "journal_messages",
    metadata,
    sa.Column("message_id", ID, primary_key=True),
    sa.Column("type", sa.String(200), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("source", sa.String(100), nullable=False, index=True),
    sa.Column("destination", sa.String(100)),
    sa.Column("correlation_id", ID, nullable=False, index=True),
    sa.Column("causation_id", ID),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("first_seen_at", TS, nullable=False, index=True),
    sa.Column("last_at", TS, nullable=False),
    # Not indexed: status changes at every hop, and an indexed column would make every such
    # UPDATE rewrite every index of the table (see migration 0004).
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("person", sa.String(300), nullable=False, server_default="", index=True),
    sa.Column("envelope", sa.Text, nullable=False, comment="the envelope as JSON"),
    sa.Column("raw_blob_id", sa.String(64)),
    sa.Column("last_error", sa.Text),
    comment="One row per message id: its envelope and its latest status.",
)

journal_events = sa.Table(
    "journal_events",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False),
    sa.Column("message_id", ID, nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("component", sa.String(100), nullable=False),
    sa.Column("queue", sa.String(200), nullable=False, server_default=""),
    sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    comment="Every state change of every message; partitioned by time on PostgreSQL.",
)

inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("consumer", sa.String(100), primary_key=True),
    sa.Column("message_id", ID, primary_key=True),
    sa.Column("handled_at", TS, nullable=False),
    comment="Ids each consumer has handled: the idempotency record (effectively once).",
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("producer", sa.String(100), nullable=False),
    sa.Column("queue", sa.String(200), nullable=False),
    sa.Column("message_id", ID, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("headers", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", TS, nullable=False),
    comment="Messages committed with their cause, waiting for the relay to publish them.",
)

dead_letters = sa.Table(
    "dead_letters",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("message_id", ID, nullable=False, index=True),
    sa.Column("queue", sa.String(200), nullable=False),
    sa.Column("component", sa.String(100), nullable=False),
    sa.Column("cause_type", sa.String(200), nullable=False),
    sa.Column("cause_message", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False, comment="the bytes as delivered"),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("state", sa.String(20), nullable=False, server_default="open", index=True),
    sa.Column("resolved_at", TS),
    sa.Column("resolved_by", sa.String(100)),
    sa.Column("resolution", sa.Text),
    comment="Messages that exhausted their retries, with their cause, until replayed or "
    "discarded.",
)

schedules = sa.Table(
    "schedules",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("component", sa.String(100), nullable=False),
    sa.Column("job", sa.String(100), nullable=False),
    sa.Column("cron", sa.String(100), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("next_run_at", TS),
    sa.Column("last_run_at", TS),
    sa.Column("last_status", sa.String(20)),
    sa.Column("last_error", sa.Text),
    sa.Column("run_requested_at", TS, comment="set by 'run now', cleared when it ran"),
    sa.Column("updated_by", sa.String(100)),
    comment="Cron-like schedules of component jobs (polling, loads, slices).",
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("personal_data", sa.Boolean, nullable=False, server_default=sa.false(),
              comment="may see personal data unmasked"),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", TS, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("target", sa.String(300), nullable=False, server_default=""),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("details", sa.Text, nullable=False, server_default="{}"),
    sa.Column("remote_addr", sa.String(100), nullable=False, server_default=""),
    comment="Every operator action: who, when, what, why.",
)

heartbeats = sa.Table(
    "heartbeats",
    metadata,
    sa.Column("instance", sa.String(200), primary_key=True, comment="component@host:pid"),
    sa.Column("component", sa.String(100), nullable=False, index=True),
    sa.Column("host", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    comment="Each running component instance reports here; the console reads its health.",
)

console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True,
              comment="sha256 of the token the cookie carries (the token is never stored)"),
    sa.Column("username", sa.String(100), nullable=False, index=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("remote_addr", sa.String(100), nullable=False, server_default=""),
    sa.Column("ended_at", TS),
    sa.Column("end_reason", sa.String(50)),
    comment="Console sessions, kept on the server: logout or an account change ends them.",
)

grant_requests = sa.Table(
    "grant_requests",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, index=True,
              comment="the account that would receive the grant"),
    sa.Column("grant", sa.String(30), nullable=False,
              comment="administrator (the role) or personal_data (the permission)"),
    sa.Column("requested_by", sa.String(100), nullable=False),
    sa.Column("requested_at", TS, nullable=False),
    sa.Column("state", sa.String(20), nullable=False, server_default="pending", index=True),
    sa.Column("decided_by", sa.String(100)),
    sa.Column("decided_at", TS),
    comment="Grants of the administrator role or of personal-data access awaiting a second "
    "administrator's approval (four eyes).",
)

progress_tasks = sa.Table(
    "progress_tasks",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False,
              comment="job, message (a large message's handler) or replay (bulk replay)"),
    sa.Column("title", sa.Text, nullable=False, comment="what runs, in the staff's words"),
    sa.Column("component", sa.String(100), nullable=False, server_default=""),
    sa.Column("stage", sa.Text, nullable=False, server_default=""),
    sa.Column("done", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("total", sa.BigInteger),
    sa.Column("rate", sa.Float, comment="items per second lately, as the reporter measured"),
    sa.Column("state", sa.String(20), nullable=False, index=True,
              comment="running, paused, finished, failed, cancelled"),
    sa.Column("control", sa.String(20),
              comment="what an operator asked of it: pause, resume, cancel"),
    sa.Column("outcome", sa.Text, nullable=False, server_default=""),
    sa.Column("params", sa.Text, nullable=False, server_default="{}",
              comment="what a resumable task needs to go on (JSON)"),
    sa.Column("started_by", sa.String(100), nullable=False, server_default=""),
    sa.Column("owner", sa.String(200), nullable=False, server_default="",
              comment="host:pid of the process running it"),
    sa.Column("started_at", TS, nullable=False, index=True),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    comment="Progress of long work (jobs, large messages, bulk replays), written by the "
    "process doing it, read by the console.",
)
