"""The information type: ФНС extract from ЕГРЮЛ; the fund requests it (consumer).

The answer maps a subset of the extract (see :mod:`.messages`); reading skips the parts not
mapped, so an extract of any richness is accepted, and the received bytes, kept by the hub,
hold the whole of it.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.fns_egrul import samples
from adapters.smev3.vs.fns_egrul.messages import NS, SCHEMA, EgrulRequestV1, EgrulResponseV1
from contracts.xmlbind.binding import XmlModel


class FnsEgrul(BoundInformationType):
    """Extract from ЕГРЮЛ about a legal entity by ОГРН or ИНН (ФНС, 311-14 v4.0.6)."""

    key: ClassVar[str] = "fns.egrul"
    title: ClassVar[str] = "ФНС: выписка из ЕГРЮЛ (311-14, 4.0.6)"
    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = EgrulRequestV1
    response_model: ClassVar[type[XmlModel]] = EgrulResponseV1

    def sample_request(self) -> BaseModel | None:
        """A request by ОГРН of a fictitious company."""
        return samples.request()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The extract of the fictitious company, under the request's id and ОГРН."""
        if not isinstance(request, EgrulRequestV1):
            return None
        return samples.extract(request.id, request.query.ogrn or samples.OGRN)
