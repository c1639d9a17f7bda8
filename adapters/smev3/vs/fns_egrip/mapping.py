"""The information type: ФНС extract from ЕГРИП; the fund requests it (consumer).

The answer maps a subset of the extract (see :mod:`.messages`); reading skips the parts not
mapped, and the received bytes, kept by the hub, hold the whole of it.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.fns_egrip import samples
from adapters.smev3.vs.fns_egrip.messages import NS, SCHEMA, EgripRequestV1, EgripResponseV1
from contracts.xmlbind.binding import XmlModel


class FnsEgrip(BoundInformationType):
    """Extract from ЕГРИП about an entrepreneur by ОГРНИП or ИНН (ФНС, 311-15 v4.0.5)."""

    key: ClassVar[str] = "fns.egrip"
    title: ClassVar[str] = "ФНС: выписка из ЕГРИП (311-15, 4.0.5)"
    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = EgripRequestV1
    response_model: ClassVar[type[XmlModel]] = EgripResponseV1

    def sample_request(self) -> BaseModel | None:
        """A request by ИНН of a fictitious entrepreneur."""
        return samples.request()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The extract of the fictitious entrepreneur, under the request's id."""
        if not isinstance(request, EgripRequestV1):
            return None
        return samples.extract(request.id, request.inn or samples.INN)
