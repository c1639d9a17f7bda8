"""The SOAP adapter component (``adapter.soap``): EXT-1 services over РС ЕРЗ.

It serves the spyne application on its own thread (``[plugins.soap]``: host, port, path,
organisations; see settings.py; organisations are also kept in ``soap_organisations``,
managed in the console and read at each call: organisations.py) and keeps the tickets of
submitted operations in ``soap_operations``, updated from ``erz.operation.result`` messages, so that
``getOperationResult`` answers from its own table. It reads the register through the port
``erz.register`` (:class:`~contracts.erz.port.RegisterReader`), which the hub's loader finds
by entry point at setup: the adapter imports nothing of the register. A register that is
not installed, or a busy TCP port, leaves the component ``down`` with the reason; the hub
goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from spyne.server.wsgi import WsgiApplication

from adapters.soap.calls import Calls
from adapters.soap.models import metadata, operations
from adapters.soap.organisations import Organisations
from adapters.soap.server import SoapServer
from adapters.soap.settings import PLUGIN, SoapSettings
from adapters.soap.views import application
from contracts.erz.port import REGISTER_PORT, RegisterReader
from contracts.erz_commands import OperationResultV1
from hub.component import Adapter, Message, handles
from hub.context import Context
from hub.ports import PortUnavailable, port
from hub.proxies import TrustedProxies
from hub.tx import Tx

log = logging.getLogger("omshub.soap")


class SoapAdapter(Adapter):
    """SOAP 1.1 services for clinics (МО) and insurers (СМО)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "organisations": "Организаций-абонентов",
    }

    name: ClassVar[str] = PLUGIN
    metadata: ClassVar[sa.MetaData | None] = metadata

    server: SoapServer | None = None
    error: str | None = None

    def setup(self, ctx: Context) -> None:
        """Read ``[plugins.soap]``; find the register's port; build the spyne application."""
        super().setup(ctx)
        # spyne logs every client fault at ERROR with its traceback and the offending values
        # (personal data, unmasked by it); we log and protocol the outcomes ourselves.
        logging.getLogger("spyne").setLevel(logging.CRITICAL)
        self.settings = SoapSettings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        try:
            register = port(REGISTER_PORT, ctx)
        except PortUnavailable as exc:
            self.error = f"РС ЕРЗ недоступен: {exc}"
            return
        if not isinstance(register, RegisterReader):
            self.error = (f"РС ЕРЗ недоступен: порт {REGISTER_PORT} не предоставляет "
                          "RegisterReader")
            return
        self.organisations = Organisations(ctx.db, self.settings)
        zone = ZoneInfo(ctx.settings.timezone)
        self.calls = Calls(ctx, self.settings, register,
                           today=lambda: datetime.now(zone).date())
        self.wsgi = WsgiApplication(application(self.calls))

    def start(self) -> None:
        """Listen; without the register, or on a port that cannot be bound, the component is
        down, not the hub."""
        if self.error:
            log.error("SOAP services not started: %s", self.error)
            return
        try:
            self.server = SoapServer(self.wsgi, self.settings, self.calls.login_refused,
                                     TrustedProxies(self.ctx.settings.trusted_proxies),
                                     find=self.organisations.by_username)
        except OSError as exc:
            self.error = f"cannot listen on {self.settings.host}:{self.settings.port}: {exc}"
            log.error("SOAP services not started: %s", self.error)
            return
        self.server.start()
        log.info("SOAP services on %s (%d organisations)", self.server.url,
                 self._enabled())

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if self.server is not None:
            self.server.stop()

    def health(self) -> dict[str, Any]:
        """Where it listens, or why it does not."""
        if self.error or self.server is None:
            return {"status": "down", "detail": self.error or "not started"}
        return {"status": "ok", "url": self.server.url, "organisations": self._enabled()}

    def _enabled(self) -> int:
        """How many organisations may call now."""
        return sum(1 for o in self.organisations.listed() if o.enabled)

    @handles(OperationResultV1)
    def on_result(self, message: Message[OperationResultV1], tx: Tx) -> None:
        """Record what became of a ticket; a ticket not ours (another channel's) is ignored."""
        result = message.payload
        tx.conn.execute(operations.update().where(operations.c.ticket == result.ticket).values(
            status=result.outcome, code=result.code, text=result.text,
            completed_at=message.envelope.created_at))

