"""W3C trace context carried in envelope headers, so one message is followed across processes.

Each hop (adapter, router, handler) continues the trace of the message it works on with a
span of its own; logs carry the trace id, so a log search by trace id shows every process
the message went through.
"""

from __future__ import annotations

import contextvars
import secrets
from collections.abc import Mapping

TRACEPARENT = "traceparent"

current_trace: contextvars.ContextVar[str] = contextvars.ContextVar("trace_id", default="")
current_message: contextvars.ContextVar[str] = contextvars.ContextVar("message_id", default="")
current_correlation: contextvars.ContextVar[str] = contextvars.ContextVar(
    "correlation_id", default=""
)


def new_traceparent(trace_id: str | None = None) -> str:
    """A traceparent for a new span, in a new trace unless ``trace_id`` is given."""
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def trace_id_of(headers: Mapping[str, str]) -> str:
    """The trace id in ``headers`` (empty when there is none or it is malformed)."""
    parts = headers.get(TRACEPARENT, "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32:
        return parts[1]
    return ""


def continue_trace(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers for a message caused by one with ``headers``: same trace, new span."""
    trace = trace_id_of(headers)
    return {TRACEPARENT: new_traceparent(trace or None)}
