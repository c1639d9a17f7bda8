"""The information type: ЕГР ЗАГС paternity records 112-08 v4.0.6 and their mapping.

The schema declares one message, ``PARENTRequest``: the registry offices (ЗАГС) deliver
records of the establishment of paternity to their subscribers, the fund among them, which
take them in with GetRequest. It declares no answer element: the type is *one-way*
(``response_model = None``), acknowledged at the transport level only.

On the bus a delivery is the canonical ``zags.name_changes``
(:class:`contracts.zags_acts.NameChangeRecordsV1`, act kind ``paternity``): the act changes
the child's names (the surname, the patronymic) and nobody else's, so each record is one
:class:`~contracts.zags_acts.NameChange` of role ``child``, as known before (names before,
sex, birth date and place) and with the names after that differ from those before; the
father and the mother are not persons whose names change and are not put on the bus.
The helpers are 112-03's (:mod:`adapters.smev3.vs.zags_pername.mapping`).

Not expressed on the bus: the father and the mother, the basis of paternity, the child's
birth record, a name the act removes, the certificates, corrections and restoration (the
journal keeps the XML).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_parent import samples
from adapters.smev3.vs.zags_parent.messages import (
    NS,
    SCHEMA,
    Child,
    ParentRequestV1,
    PaternityRecord,
)
from adapters.smev3.vs.zags_pername.mapping import act_date, name_change
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags_acts import NameChangeRecord, NameChangeRecordsV1, Person

FORMAT = "112-08"


def child_before(child: Child) -> Person:
    """The child as the register knows them: names before paternity (when ЗАГС has them)."""
    names = child.name_before
    return Person(
        surname=names.family if names else None, name=names.given if names else None,
        patronymic=names.patronymic if names else None, sex=child.sex,
        birth_date=child.birth_date, birth_date_partial=partial(child.birth_date_partial),
        birth_place=child.birth_place.description if child.birth_place else None)


def record(rec: PaternityRecord) -> NameChangeRecord:
    """One record (a version of it) in the fund's terms."""
    when = act_date(rec.recorded_on, rec.recorded_on_partial)
    child = rec.registered.child
    change = name_change("child", child_before(child), child.name_before, child.name_after)
    return NameChangeRecord(act_number=rec.number, act_date=when,
                            office_code=rec.registry_office.code, version=rec.version,
                            annulled=rec.annulment is not None, changed_on=when,
                            persons=[change])


def canonical(request: ParentRequestV1) -> NameChangeRecordsV1:
    """The delivery as ``zags.name_changes``: one-way, nobody answers it."""
    return NameChangeRecordsV1(delivery_id=request.id, as_of=request.as_of,
                               source_format=FORMAT, act_kind="paternity",
                               records=[record(r) for r in request.records])


class ZagsParent(BoundInformationType):
    """Paternity records from ЕГР ЗАГС (установление отцовства), 112-08 v4.0.6: delivered
    to the fund."""

    key: ClassVar[str] = "zags.parent"
    title: ClassVar[str] = ("ЕГР ЗАГС: сведения о записях актов об установлении отцовства "
                            "(112-08, 4.0.6)")
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = ParentRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None
    canonical_request: ClassVar[type[BaseModel] | None] = NameChangeRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.name_changes``."""
        if not isinstance(message, ParentRequestV1):
            raise MappingError(f"expected a ParentRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one paternity record (fictitious persons)."""
        return samples.delivery()
