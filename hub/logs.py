"""Structured logs: one JSON object per line with component, message, correlation and trace ids.

Personal data is masked in every log line (SNILS, policy numbers, names in XML) before it
is written, whatever the logger's caller put in it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from hub.tracing import current_correlation, current_message, current_trace


def _mask(text: str) -> str:
    try:
        from hub.masking import mask_text
    except ImportError:  # pragma: no cover - masking ships with the hub
        return text
    return mask_text(text)


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
            "msg": _mask(record.getMessage()),
        }
        if self.component:
            entry["component"] = self.component
        for key, var in (("message_id", current_message), ("correlation_id",
                                                           current_correlation),
                         ("trace_id", current_trace)):
            value = var.get()
            if value:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = _mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines for a terminal, masked the same way."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return _mask(super().format(record))


def configure(level: str = "INFO", fmt: str = "json", component: str = "") -> None:
    """Send every log record to stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(component) if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pika", "kombu", "amqp", "uvicorn.error", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
