"""The information type: ЕГР ЗАГС death records 112-04 v4.0.2 and their XML mapping.

The schema declares one message, ``FATALRequest``: the registry offices (ЗАГС) deliver death
records to their subscribers, the fund among them. It declares no answer element, so the
response side of this type is the same element and mapping an answer is refused with a
clear :class:`MappingError` (the exchange is acknowledged at the transport level only).
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree
from pydantic import BaseModel

from adapters.smev3.types import MappingError, ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.binding import XmlModel
from adapters.smev3.vs.zags_fatal import samples
from adapters.smev3.vs.zags_fatal.messages import NS, SCHEMA, FatalRequestV1

NO_ANSWER = ("ЗАГС 112-04 v4.0.2 defines no answer element (FATALRequest is a one-way "
             "delivery of death records); there is no response to map")


class ZagsFatal(BoundInformationType):
    """Death records from ЕГР ЗАГС (сведения о смерти), 112-04 v4.0.2."""

    key: ClassVar[str] = "zags.fatal"
    title: ClassVar[str] = "ЕГР ЗАГС: сведения о записях актов о смерти (112-04, 4.0.2)"
    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = FatalRequestV1
    response_model: ClassVar[type[XmlModel]] = FatalRequestV1

    def response_to_xml(self, response: BaseModel) -> etree._Element:
        """Refused: the schema has no answer element."""
        raise MappingError(NO_ANSWER)

    def response_from_xml(self, element: etree._Element) -> BaseModel:
        """Refused: the schema has no answer element."""
        raise MappingError(NO_ANSWER)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one death record (fictitious person)."""
        return samples.delivery()
