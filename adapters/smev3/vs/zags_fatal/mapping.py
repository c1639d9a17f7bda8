"""The information type: ЕГР ЗАГС death records 112-04 v4.0.2 and their XML mapping.

The schema declares one message, ``FATALRequest``: the registry offices (ЗАГС) deliver death
records to their subscribers, the fund among them, which take them in with GetRequest. It
declares no answer element: the type is *one-way* (``response_model = None``), the delivery
is acknowledged at the transport level only and mapping an answer is refused with a clear
:class:`MappingError`.

On the bus the delivery is the canonical ``zags.deaths`` (:mod:`contracts.zags`), the same
as a 112-41 one: :func:`canonical` reduces each record to the fund's terms.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_fatal import samples
from adapters.smev3.vs.zags_fatal.messages import NS, SCHEMA, DeathRecord, FatalRequestV1
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags import DeathRecord as CanonicalRecord
from contracts.zags import DeathRecordsV1, IdentityDocument, PartialDate

FORMAT = "112-04"


def partial(value: str | None) -> PartialDate | None:
    """A ``gYear`` (``1941``) or ``gYearMonth`` (``1941-05``) as a partial date."""
    if value is None:
        return None
    year, _, month = value.lstrip("-").partition("-")
    return PartialDate(year=int(year), month=int(month[:2]) if month else None)


def record(rec: DeathRecord) -> CanonicalRecord:
    """One act record in the fund's terms; 112-04 has no versions and no annulment."""
    person = rec.registered.deceased
    doc = person.identity_document
    return CanonicalRecord(
        act_number=rec.number, act_date=rec.recorded_on, office_code=rec.registry_office.code,
        surname=person.name.family, name=person.name.given,
        patronymic=person.name.patronymic, birth_date=person.birth_date,
        birth_date_partial=partial(person.birth_month or person.birth_year),
        death_date=person.death_date,
        death_date_partial=partial(person.death_month or person.death_year),
        identity_document=IdentityDocument(kind_code=doc.kind_code,
                                           series_number=doc.series_number) if doc else None)


def canonical(request: FatalRequestV1) -> DeathRecordsV1:
    """The delivery as ``zags.deaths``: one-way, nobody answers it."""
    return DeathRecordsV1(delivery_id=request.id, as_of=request.as_of, source_format=FORMAT,
                          answer_expected=False, records=[record(r) for r in request.records])


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
    canonical_request: ClassVar[type[BaseModel] | None] = DeathRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.deaths``."""
        if not isinstance(message, FatalRequestV1):
            raise MappingError(f"expected a FatalRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one death record (fictitious person)."""
        return samples.delivery()
