"""The information type: ФГИС ФРИ extract of a disabled person's data 1.0.3 (consumer).

Root schema incomplete: extraction-invalid-data-attachments-1.0.0.xsd is not published; the
attachment extract is read and validated; requests are refused until the operator installs
the missing schema.

In detail: the root ``extraction-invalid-data-1.0.3.xsd`` imports
``commons/extraction-invalid-data-attachments-1.0.0.xsd`` for its answer, and that file was
found nowhere, so the root does not compile and nothing the fund would send can be checked
against it. Strict in what we send: whatever checks a request against its schema before it
goes (the console's and the API's compose form, ``omshub smev3 send``) refuses it, saying in
Russian which file is missing and where it belongs (:class:`contracts.schemas.SchemaIncomplete`),
and the console's list of types marks the schema «неполная». The bound request and answer
(:mod:`.messages`) were written by reading the XSD. The extract ФРИ attaches, ``ВыпискаФРИ``
(:mod:`.extract`), has a published schema that compiles: it is read and validated.

Once the operator puts the missing file in the schema directory where the root expects it,
the schema compiles and requests go as those of any other type: nothing here changes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.fri_invalid import samples
from adapters.smev3.vs.fri_invalid.messages import (
    NS,
    SCHEMA,
    ExtractionRequestV1,
    ExtractionResponseV1,
)
from contracts.xmlbind.binding import XmlModel


class FriInvalid(BoundInformationType):
    """Extract of a disabled person's data from ФГИС ФРИ (ExtractionInvalidData 1.0.3)."""

    key: ClassVar[str] = "fri.invalid"
    title: ClassVar[str] = "ФРИ: выписка сведений об инвалиде (1.0.3)"
    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = ExtractionRequestV1
    response_model: ClassVar[type[XmlModel]] = ExtractionResponseV1

    def sample_request(self) -> BaseModel | None:
        """The extract of documents valid on a date, for a fictitious СНИЛС."""
        return samples.request()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The answer describing the attached extract of the person asked about."""
        if not isinstance(request, ExtractionRequestV1):
            return None
        return samples.answer(request)
