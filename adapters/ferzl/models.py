"""Tables of the ФЕРЗЛ adapter: every call as it happened, and the asynchronous operations
in flight (Start/Poll) with their progress."""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import BIGID, ID, TS

metadata = sa.MetaData()

exchanges = sa.Table(
    "ferzl_exchanges",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("call_id", ID, comment="the ferzl.call message it served, if any"),
    sa.Column("operation", sa.String(80), nullable=False),
    sa.Column("release", sa.String(20), nullable=False),
    sa.Column("external_request_id", sa.String(64), nullable=False, index=True),
    sa.Column("http_status", sa.Integer, comment="NULL: no answer came"),
    sa.Column("state", sa.String(20), nullable=False,
              comment="ferzl.answered or the outcome's journal state (adapters/ferzl/policy.py)"),
    sa.Column("duration_ms", sa.Integer, nullable=False, server_default="0"),
    sa.Column("deviations", sa.Integer, nullable=False, server_default="0",
              comment="how many deviations from the release's schema the answer has"),
    sa.Column("request_blob_id", ID, nullable=False, comment="the exact request sent"),
    sa.Column("answer_blob_id", ID, comment="the exact answer (the SOAP part of an MTOM one)"),
    sa.Column("error", sa.Text, comment="why there is no usable answer, in Russian"),
    sa.Index("ix_ferzl_exchanges_call", "call_id"),
    comment="Every ФЕРЗЛ call: request, answer, status, duration, deviations.",
)

operations = sa.Table(
    "ferzl_operations",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("call_id", ID, nullable=False, unique=True, comment="the ferzl.call it answers"),
    sa.Column("call", sa.Text, nullable=False, comment="that call's envelope (JSON)"),
    sa.Column("operation", sa.String(80), nullable=False, comment="its …Start"),
    sa.Column("release", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False,
              comment="waiting | polling | done | failed"),
    sa.Column("token", sa.String(100), comment="the current opToken"),
    sa.Column("last_status", sa.String(40), comment="the last Poll's processingStatus"),
    sa.Column("starts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("polls", sa.Integer, nullable=False, server_default="0"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0",
              comment="tries after a retryable failure"),
    sa.Column("next_attempt_at", TS, nullable=False),
    sa.Column("lease_until", TS, comment="a worker holds it until then"),
    sa.Column("error", sa.Text),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Index("ix_ferzl_operations_due", "status", "next_attempt_at"),
    comment="Asynchronous ФЕРЗЛ operations (Start/Poll) asked through ferzl.call.",
)
