"""Which flow of the ERZ handler takes a received file, by its format key.

``ErzHandler.on_file`` looks the ``format_key`` of ``files.received`` up here; a key not
listed is not the register's and is left alone. Add a flow by adding its key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from contracts.erz.register import Change
from contracts.files import FileReceivedV1
from handlers.erz.mo import exchange as mo_exchange
from handlers.erz.smo import exchange as smo_exchange
from hub.component import Message
from hub.tx import Tx

FileFlow = Callable[[Message[FileReceivedV1], Tx, Path | None], list[Change]]
"""A flow: the message, the transaction, the operator's schema directory → changes made."""

FILE_FLOWS: dict[str, FileFlow] = {
    smo_exchange.FORMAT_KEY: smo_exchange.on_oplist,
    mo_exchange.FORMAT_KEY: mo_exchange.on_attachment_file,
}
"""Format key (the files adapter's mask table) → flow."""
