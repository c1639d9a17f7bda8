"""What the СМЭВ 3 simulator has offered and what was acknowledged, kept across restarts.

A real СМЭВ hands a message out until its recipient acknowledges it, and never again after
that. The simulator component offers each provider type's sample request when it starts;
without a memory it offered them again at every restart, and the hub took a ЗАГС death
record it had long applied as new. :class:`SimulatorState` keeps, in a small JSON file
under the hub's data directory, each named offer's MessageID and whether it was
acknowledged: a restarted simulator skips what was acknowledged and offers what was not
again under the same MessageID (as СМЭВ redelivers an unacknowledged message).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any


class SimulatorState:
    """Named offers (``sample:zags.fataloiv`` → MessageID) and acknowledged MessageIDs,
    written through to ``path`` (atomically: a temporary file renamed over it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        data: dict[str, Any] = {}
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8") or "{}")
        self._offers: dict[str, str] = dict(data.get("offers", {}))
        self._acknowledged: set[str] = set(data.get("acknowledged", []))

    def offer_of(self, name: str) -> tuple[str | None, bool]:
        """The MessageID a named offer went out under (None: never), and whether it was
        acknowledged."""
        with self._lock:
            mid = self._offers.get(name)
            return mid, mid is not None and mid in self._acknowledged

    def offered(self, name: str, message_id: str) -> None:
        """A named offer went into a queue under ``message_id``."""
        with self._lock:
            self._offers[name] = message_id
            self._save()

    def acknowledged(self, message_id: str) -> None:
        """The recipient acknowledged ``message_id``: never hand it out again."""
        with self._lock:
            if message_id in self._acknowledged:
                return
            self._acknowledged.add(message_id)
            self._save()

    def is_acknowledged(self, message_id: str) -> bool:
        """Whether ``message_id`` was acknowledged (before or since a restart)."""
        with self._lock:
            return message_id in self._acknowledged

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(
            {"offers": self._offers, "acknowledged": sorted(self._acknowledged)},
            ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.path)
