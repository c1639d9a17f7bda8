"""The information type: ЕГР ЗАГС records of a change of name on request, 112-53 v4.0.0 (consumer).

On the bus: ``zags.inquiry`` of kind ``name_change`` out, ``zags.inquiry.answer`` with the
records of a change of name (the person, names before and after) back; see
:mod:`adapters.smev3.vs.zags_inf`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from adapters.smev3.vs.zags_inf.mapping import (
    RequestParts,
    ZagsInquiryType,
    act_fields,
    names_after,
    person,
)
from adapters.smev3.vs.zags_pernameinf import samples
from adapters.smev3.vs.zags_pernameinf.messages import (
    NS,
    SCHEMA,
    ActRef,
    Basis,
    FullName,
    PartialDate,
    PerNameInfRequestV1,
    PerNameInfResponseV1,
    PersonQuery,
    Query,
)
from adapters.smev3.vs.zags_pernameinf.messages import (
    NameChangeRecord as Record,
)
from contracts.xmlbind.binding import XmlModel
from contracts.zags_acts import InquiryKind, NameChange, NameChangeRecord


class ZagsPerNameInf(ZagsInquiryType):
    """Records of a change of name from ЕГР ЗАГС on request (сведения о перемене имени),
    112-53 v4.0.0."""

    key: ClassVar[str] = "zags.pernameinf"
    title: ClassVar[str] = "ЗАГС: сведения о перемене имени по запросу (112-53)"
    act_kind: ClassVar[InquiryKind] = "name_change"
    source_format: ClassVar[str] = "112-53"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = PerNameInfRequestV1
    response_model: ClassVar[type[XmlModel]] = PerNameInfResponseV1
    parts: ClassVar[RequestParts] = RequestParts(FullName, PartialDate, Basis, ActRef,
                                                 PersonQuery, Query, PerNameInfRequestV1)

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The record of the person asked about."""
        if not isinstance(request, PerNameInfRequestV1):
            return None
        return samples.answer(request)


    def record(self, record: Any) -> NameChangeRecord:
        """A change of name: the person known by the names before, and the new names."""
        assert isinstance(record, Record)
        reg = record.registered
        before = person(reg.name_before, birth_date=reg.birth_date,
                        birth_date_partial=reg.birth_date_partial, birth_place=reg.birth_place,
                        snils=reg.snils, identity_document=reg.identity_document)
        after = reg.name_after
        return NameChangeRecord(**act_fields(record), changed_on=record.recorded_on,
                                persons=[NameChange(role="person", before=before, **names_after(
                                    before, after.family, after.given, after.patronymic))])
