"""Which flow of the ERZ handler takes a received file, by its format key.

``ErzHandler.on_file`` looks the ``format_key`` of ``files.received`` up here; a key not
listed is not the register's and is left alone. Add a flow by adding its key.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.erz.register import Change
from contracts.files import FileReceivedV1
from handlers.erz.federal.settings import settings_of
from handlers.erz.mo import exchange as mo_exchange
from handlers.erz.smo import exchange as smo_exchange
from hub.component import Message
from hub.settings import Settings
from hub.tx import Tx

FileFlow = Callable[[Message[FileReceivedV1], Tx, Settings], list[Change]]
"""A flow: the message, the transaction, the hub's settings → changes made."""

FILE_FLOWS: dict[str, FileFlow] = {
    smo_exchange.FORMAT_KEY: lambda message, tx, settings: smo_exchange.on_oplist(
        message, tx, settings.schemas_dir),
    mo_exchange.FORMAT_KEY: lambda message, tx, settings: mo_exchange.on_attachment_file(
        message, tx, settings.schemas_dir, settings_of(settings.plugins)),
}
"""Format key (the files adapter's mask table) → flow."""
