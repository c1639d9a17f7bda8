"""One configured ФЕРЗЛ: a request built from loose parameters, sent, read, and recorded.

Shared by the adapter component (:mod:`.service`, :mod:`.asyncops`) and ``omshub ferzl
call``: the release is the settings' choice for the operation unless the caller names one;
the request is built and validated by :mod:`.requests`; the answer is checked by the
transport (which reads an ``xop:Include`` as the base64 it stands for) and read into the
fund's form by :mod:`.reader` over the exact bytes received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy.engine import Connection

from adapters.ferzl.binding import Endpoints
from adapters.ferzl.models import exchanges
from adapters.ferzl.operations import Catalogue, Operation
from adapters.ferzl.params import request_of
from adapters.ferzl.reader import ReadError, read_message
from adapters.ferzl.releases import Releases
from adapters.ferzl.requests import RequestError, build
from adapters.ferzl.settings import FerzlSettings
from adapters.ferzl.transport import Answer, Exchange, Transport
from contracts.envelope import utcnow
from contracts.ferzl import FerzlMessage
from storage.journal import store_blob

BAD_REQUEST = "ferzl.bad_request"
"""The journal state of a call that cannot be built (bad parameters, a release lacking the
operation): nothing was sent."""


@dataclass(frozen=True)
class Built:
    """A request ready to send."""

    operation: Operation
    payload: etree._Element

    @property
    def external_request_id(self) -> str:
        """Its ``externalRequestId``."""
        return next((c.text or "" for c in self.payload
                     if etree.QName(c).localname == "externalRequestId"), "")


class FerzlClient:
    """A ФЕРЗЛ as the settings describe it, over the releases of the schema directory."""

    def __init__(self, settings: FerzlSettings, releases: Releases) -> None:
        self.settings = settings
        self.releases = releases
        self.catalogue = Catalogue.read(releases)
        self.transport = Transport(Endpoints(settings.base_url, releases, settings.endpoints),
                                   settings.jwt, timeout=settings.timeout, releases=releases)

    def build(self, operation: str, params: Mapping[str, Any],
              release: str | None = None) -> Built:
        """The request of ``operation`` in the chosen release; :class:`RequestError` (in
        Russian) when it cannot be made."""
        try:
            version = release or self.settings.release_for(operation, self.releases)
            found = self.catalogue.find(version, operation)
        except LookupError as exc:
            raise RequestError(f"Запрос {operation} не составлен: {exc}") from None
        return Built(found, build(self.releases, version, request_of(operation, params)))

    def call(self, built: Built) -> Answer:
        """Send it; the answer or :class:`~adapters.ferzl.transport.FerzlError`."""
        return self.transport.call(built.payload)

    def read(self, data: bytes, checked: list[str] | None = None
             ) -> tuple[FerzlMessage | None, list[str]]:
        """The fund's form of an answer's exact bytes and its deviations.

        ``checked``: the transport's own (its schema check is the one kept: it reads an
        MTOM reference as the data it stands for, the reader sees the reference)."""
        if not data:
            return None, []
        try:
            result = read_message(data, self.releases)
        except ReadError as exc:
            return None, [f"ответ не прочитан: {exc}"]
        if checked is None:
            return result.message, list(result.deviations)
        own = [d for d in result.deviations if not d.startswith("схема: ")]
        return result.message, own + [f"схема: {d}" if d.startswith("строка ") else d
                                      for d in checked]


def record(conn: Connection, exchange: Exchange, state: str, *, deviations: int = 0,
           call_id: str | None = None, error: str | None = None,
           at: datetime | None = None) -> None:
    """One row of ``ferzl_exchanges``, the exact bytes both ways kept as blobs (``at``:
    when the answer came, if not now)."""
    request = store_blob(conn, exchange.request, "text/xml")
    answer = store_blob(conn, exchange.answer, "text/xml") if exchange.answer else None
    conn.execute(exchanges.insert().values(
        at=at or utcnow(), call_id=call_id, operation=exchange.operation, release=exchange.version,
        external_request_id=exchange.external_request_id, http_status=exchange.status,
        state=state, duration_ms=round(exchange.duration * 1000), deviations=deviations,
        request_blob_id=request, answer_blob_id=answer, error=error))
