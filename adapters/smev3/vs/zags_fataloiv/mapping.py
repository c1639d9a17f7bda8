"""The information type: ЗАГС death records for executive authorities 112-41 v4.0.0.

The registry offices deliver ``FATALOIVRequest`` and the receiver, the fund here, takes it in
with GetRequest and answers ``FATALOIVResponse`` with a processing code (a *provider* type
in the adapter's terms). A delivery may come wrapped as the schema's
``Request`` element holding a СМЭВ 1.3 directive ``Registry`` whose records each carry one
``FATALOIVRequest`` (and a signature of the record): :func:`registry_contents` lists them,
and :meth:`ZagsFatalOiv.request_from_xml` reads a wrapper of one record directly.

On the bus the delivery is the canonical ``zags.deaths`` (:mod:`contracts.zags`, by
:func:`canonical`) and the answer the canonical ``zags.deaths.processed``.
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree
from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_fataloiv import samples
from adapters.smev3.vs.zags_fataloiv.messages import (
    NS,
    SCHEMA,
    DeathRecord,
    FatalOivRequestV1,
    FatalOivResponseV1,
)
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags import DeathRecord as CanonicalRecord
from contracts.zags import DeathRecordsProcessedV1, DeathRecordsV1, IdentityDocument

DIRECTIVE_NS = "urn://x-artefacts-smev-gov-ru/services/message-exchange/types/directive/1.3"
WRAPPER = f"{{{NS}}}Request"


FORMAT = "112-41"


def record(rec: DeathRecord) -> CanonicalRecord:
    """One act record (a version of it) in the fund's terms."""
    person = rec.registered.deceased
    doc = person.identity_document
    return CanonicalRecord(
        act_number=rec.number, act_date=rec.recorded_on, office_code=rec.registry_office.code,
        version=rec.version, surname=person.name.family, name=person.name.given,
        patronymic=person.name.patronymic, birth_date=person.birth_date,
        birth_date_partial=partial(person.birth_date_partial), death_date=person.death_date,
        death_date_partial=partial(person.death_date_partial),
        identity_document=IdentityDocument(kind_code=doc.kind_code,
                                           series_number=doc.series_number) if doc else None,
        unidentified=person.unidentified is not None, annulled=rec.annulment is not None)


def canonical(request: FatalOivRequestV1) -> DeathRecordsV1:
    """The delivery as ``zags.deaths``; ЗАГС expects its processing code back."""
    return DeathRecordsV1(delivery_id=request.id, as_of=request.as_of, source_format=FORMAT,
                          answer_expected=True, records=[record(r) for r in request.records])


def registry_contents(element: etree._Element) -> list[etree._Element]:
    """The FATALOIVRequest of each record of a ``Request`` wrapper, in order."""
    if element.tag != WRAPPER:
        raise MappingError(f"expected the Request wrapper ({NS}), got {element.tag}")
    path = ("d:Registry/d:RegistryRecord/d:Record/d:RecordContent/t:FATALOIVRequest")
    found: list[etree._Element] = element.xpath(path, namespaces={"d": DIRECTIVE_NS, "t": NS})
    return found


class ZagsFatalOiv(BoundInformationType):
    """Death records for executive authorities from ЗАГС (сведения о смерти), 112-41 v4.0.0."""

    key: ClassVar[str] = "zags.fataloiv"
    title: ClassVar[str] = "ЗАГС: сведения о смерти для органов исполнительной власти (112-41)"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = FatalOivRequestV1
    response_model: ClassVar[type[XmlModel]] = FatalOivResponseV1
    canonical_request: ClassVar[type[BaseModel] | None] = DeathRecordsV1
    canonical_response: ClassVar[type[BaseModel] | None] = DeathRecordsProcessedV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.deaths``, an answer as ``zags.deaths.processed``."""
        if isinstance(message, FatalOivRequestV1):
            return canonical(message)
        if isinstance(message, FatalOivResponseV1):
            return DeathRecordsProcessedV1(delivery_id=message.id, code=message.code)
        raise MappingError(f"expected a FATALOIVRequest or FATALOIVResponse model, got "
                           f"{type(message).__qualname__}")

    def from_canonical(self, message: BaseModel) -> BaseModel:
        """``FATALOIVResponse`` of ``zags.deaths.processed`` (a bound answer as it is)."""
        if isinstance(message, DeathRecordsProcessedV1):
            return FatalOivResponseV1(id=message.delivery_id, code=message.code)
        return message

    def request_from_xml(self, element: etree._Element) -> BaseModel:
        """The records, from FATALOIVRequest or from a Request wrapper of one record."""
        if element.tag == WRAPPER:
            contents = registry_contents(element)
            if len(contents) != 1:
                raise MappingError(f"the Request wrapper holds {len(contents)} records: read "
                                   "each with registry_contents()")
            element = contents[0]
        return super().request_from_xml(element)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one death record (fictitious person)."""
        return samples.delivery()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """Processing code 01 for the delivery."""
        if not isinstance(request, FatalOivRequestV1):
            return None
        return FatalOivResponseV1(id=request.id, code="01")
