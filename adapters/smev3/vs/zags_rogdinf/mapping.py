"""The information type: ЕГР ЗАГС records of birth on request, 112-51 v4.0.1 (consumer).

On the bus: ``zags.inquiry`` of kind ``birth`` out, ``zags.inquiry.answer`` with the birth
records (the child, the mother, the father) back; see :mod:`adapters.smev3.vs.zags_inf`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from adapters.smev3.vs.zags_inf.mapping import RequestParts, ZagsInquiryType, act_fields, person
from adapters.smev3.vs.zags_rogdinf import samples
from adapters.smev3.vs.zags_rogdinf.messages import (
    NS,
    SCHEMA,
    ActRef,
    Basis,
    FullName,
    Parent,
    PartialDate,
    PersonQuery,
    Query,
    RogdInfRequestV1,
    RogdInfResponseV1,
)
from adapters.smev3.vs.zags_rogdinf.messages import BirthRecord as Record
from contracts.xmlbind.binding import XmlModel
from contracts.zags_acts import BirthRecord, InquiryKind, Person


def parent(value: Parent | None) -> Person | None:
    """A parent in the fund's terms."""
    if value is None:
        return None
    return person(value.name, birth_date=value.birth_date,
                  birth_date_partial=value.birth_date_partial, birth_place=value.birth_place,
                  snils=value.snils, identity_document=value.identity_document)


class ZagsRogdInf(ZagsInquiryType):
    """Records of birth from ЕГР ЗАГС on request (сведения о рождении), 112-51 v4.0.1."""

    key: ClassVar[str] = "zags.rogdinf"
    title: ClassVar[str] = "ЗАГС: сведения о рождении по запросу (112-51)"
    act_kind: ClassVar[InquiryKind] = "birth"
    source_format: ClassVar[str] = "112-51"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = RogdInfRequestV1
    response_model: ClassVar[type[XmlModel]] = RogdInfResponseV1
    parts: ClassVar[RequestParts] = RequestParts(FullName, PartialDate, Basis, ActRef,
                                                 PersonQuery, Query, RogdInfRequestV1)

    def record(self, record: Any) -> BirthRecord:
        """A birth record: the child as registered, and the parents it names."""
        assert isinstance(record, Record)
        reg = record.registered
        child = reg.child
        return BirthRecord(
            **act_fields(record), stillborn=child.stillborn == "1",
            child=person(child.name, sex=child.sex, birth_date=child.birth_date,
                         birth_date_partial=child.birth_date_partial,
                         birth_place=child.birth_place, snils=child.snils),
            mother=parent(reg.mother), father=parent(reg.father))

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The birth record of the person asked about."""
        if not isinstance(request, RogdInfRequestV1):
            return None
        return samples.answer(request)
