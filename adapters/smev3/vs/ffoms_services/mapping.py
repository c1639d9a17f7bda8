"""The information type: ФОМС medical services and their cost; the fund answers (provider).

The request comes from another agency through СМЭВ; a handler of the fund finds the
services in the personified accounting (ПУМП) and the answer goes back as OutputData. The
schema requires at least one service in an answer, so the canonical answer does too: an empty
list cannot be expressed in this format.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.ffoms_services import samples
from adapters.smev3.vs.ffoms_services.messages import (
    NS,
    SCHEMA,
    ServicesRequestV1,
    ServicesResponseV1,
)
from contracts.xmlbind.binding import XmlModel


class FfomsServices(BoundInformationType):
    """Medical services rendered to an insured person and their cost (ФОМС, 1.0.0)."""

    key: ClassVar[str] = "ffoms.services"
    title: ClassVar[str] = "ФОМС: сведения об оказанных медицинских услугах и их стоимости"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = ServicesRequestV1
    response_model: ClassVar[type[XmlModel]] = ServicesResponseV1

    def sample_request(self) -> BaseModel | None:
        """A request about a fictitious insured person."""
        return samples.request()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """Two services rendered (the same whatever the request)."""
        return samples.answer()
