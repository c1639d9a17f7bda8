"""The information type: ЕГР ЗАГС records of paternity on request, 112-56 v4.0.0 (consumer).

On the bus: ``zags.inquiry`` of kind ``paternity`` out, ``zags.inquiry.answer`` with the
records of paternity (the child, names before and after) back; see
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
from adapters.smev3.vs.zags_parentinf import samples
from adapters.smev3.vs.zags_parentinf.messages import (
    NS,
    SCHEMA,
    ActRef,
    Basis,
    FullName,
    ParentInfRequestV1,
    ParentInfResponseV1,
    PartialDate,
    PersonQuery,
    Query,
)
from adapters.smev3.vs.zags_parentinf.messages import (
    PaternityRecord as Record,
)
from contracts.xmlbind.binding import XmlModel
from contracts.zags_acts import InquiryKind, NameChange, NameChangeRecord


class ZagsParentInf(ZagsInquiryType):
    """Records of paternity from ЕГР ЗАГС on request (сведения об установлении отцовства),
    112-56 v4.0.0."""

    key: ClassVar[str] = "zags.parentinf"
    title: ClassVar[str] = "ЗАГС: сведения об установлении отцовства по запросу (112-56)"
    act_kind: ClassVar[InquiryKind] = "paternity"
    source_format: ClassVar[str] = "112-56"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = ParentInfRequestV1
    response_model: ClassVar[type[XmlModel]] = ParentInfResponseV1
    parts: ClassVar[RequestParts] = RequestParts(FullName, PartialDate, Basis, ActRef,
                                                 PersonQuery, Query, ParentInfRequestV1)

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The record of the person asked about."""
        if not isinstance(request, ParentInfRequestV1):
            return None
        return samples.answer(request)


    def record(self, record: Any) -> NameChangeRecord:
        """Paternity: the child, known by the names before (or the only ones the record
        gives), with the names after where they changed."""
        assert isinstance(record, Record)
        child = record.registered.child
        after = child.name_after
        before = person(child.name_before or after, sex=child.sex, birth_date=child.birth_date,
                        birth_date_partial=child.birth_date_partial,
                        birth_place=child.birth_place, snils=child.snils)
        return NameChangeRecord(**act_fields(record), changed_on=record.recorded_on,
                                persons=[NameChange(role="child", before=before, **names_after(
                                    before, after.family, after.given, after.patronymic))])
