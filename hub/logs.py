"""Structured logs: one JSON object per line with component, message, correlation, trace and
span ids (the current OpenTelemetry span's, see :mod:`hub.tracing`).

Personal data is masked in every log line (identifiers and personal names in XML and JSON,
as the installed plug-ins declare them: :mod:`hub.masking`) before it is written, whatever
the logger's caller put in it; a file name passed as :class:`hub.masking.FileName` is
masked as a whole (a name of a person in it cannot be told from other words).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from hub.tracing import current_correlation, current_ids, current_message


def _mask(text: str) -> str:
    try:
        from hub.masking import mask_text
    except ImportError:  # pragma: no cover - masking ships with the hub
        return text
    return mask_text(text)


def _message(record: logging.LogRecord) -> str:
    """The record's message, each :class:`hub.masking.FileName` argument masked whole."""
    from hub.masking import FileName, mask_file_name

    args = record.args
    values = args.values() if isinstance(args, dict) else args or ()
    names = [str(a) for a in values if isinstance(a, FileName)]
    if not names:
        return record.getMessage()
    text = record.getMessage()
    # Longest first, so that a name holding another is replaced whole; the name may also
    # appear inside another argument (a refusal's reason quoting it).
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, mask_file_name(name))
    return text


class JsonFormatter(logging.Formatter):
    """Formats a record as a JSON line."""

    def __init__(self, component: str = "") -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _mask(_message(record)),
        }
        if self.component:
            entry["component"] = self.component
        for key, var in (("message_id", current_message),
                         ("correlation_id", current_correlation)):
            value = var.get()
            if value:
                entry[key] = value
        trace_id, span_id = current_ids()
        if trace_id:
            entry["trace_id"], entry["span_id"] = trace_id, span_id
        if record.exc_info:
            entry["exc"] = _mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines for a terminal, masked the same way."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The line, personal data masked (file names whole)."""
        masked = _message(record)
        if masked is record.getMessage() or masked == record.getMessage():
            return _mask(super().format(record))
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg, copy.args = masked, None
        return _mask(super().format(copy))


def configure(level: str = "INFO", fmt: str = "json", component: str = "") -> None:
    """Send every log record to stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(component) if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pika", "kombu", "amqp", "uvicorn.error", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
