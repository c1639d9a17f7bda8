"""The information type: ЕГР ЗАГС death records 112-04 v4.0.2 and their XML mapping.

The schema declares one message, ``FATALRequest``: the registry offices (ЗАГС) deliver death
records to their subscribers, the fund among them, which take them in with GetRequest. It
declares no answer element: the type is *one-way* (``response_model = None``), the delivery
is acknowledged at the transport level only and mapping an answer is refused with a clear
:class:`MappingError`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_fatal import samples
from adapters.smev3.vs.zags_fatal.messages import NS, SCHEMA, FatalRequestV1
from contracts.xmlbind.binding import XmlModel


class ZagsFatal(BoundInformationType):
    """Death records from ЕГР ЗАГС (сведения о смерти), 112-04 v4.0.2: delivered to the fund."""

    key: ClassVar[str] = "zags.fatal"
    title: ClassVar[str] = "ЕГР ЗАГС: сведения о записях актов о смерти (112-04, 4.0.2)"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = FatalRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None

    def sample_request(self) -> BaseModel | None:
        """A delivery of one death record (fictitious person)."""
        return samples.delivery()
