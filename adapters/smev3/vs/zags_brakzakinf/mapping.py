"""The information type: ЕГР ЗАГС records of marriage on request, 112-54 v4.0.0 (consumer).

On the bus: ``zags.inquiry`` of kind ``marriage`` out, ``zags.inquiry.answer`` with the
marriage records (both spouses, surnames before and after) back; see
:mod:`adapters.smev3.vs.zags_inf`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from adapters.smev3.vs.zags_brakzakinf import samples
from adapters.smev3.vs.zags_brakzakinf.messages import (
    NS,
    SCHEMA,
    ActRef,
    Basis,
    BrakZakInfRequestV1,
    BrakZakInfResponseV1,
    FullName,
    PartialDate,
    PersonQuery,
    Query,
)
from adapters.smev3.vs.zags_brakzakinf.messages import (
    MarriageRecord as Record,
)
from adapters.smev3.vs.zags_inf.mapping import (
    RequestParts,
    ZagsInquiryType,
    act_fields,
    spouse,
)
from contracts.xmlbind.binding import XmlModel
from contracts.zags_acts import InquiryKind, NameChangeRecord


class ZagsBrakZakInf(ZagsInquiryType):
    """Records of marriage from ЕГР ЗАГС on request (сведения о заключении брака),
    112-54 v4.0.0."""

    key: ClassVar[str] = "zags.brakzakinf"
    title: ClassVar[str] = "ЗАГС: сведения о заключении брака по запросу (112-54)"
    act_kind: ClassVar[InquiryKind] = "marriage"
    source_format: ClassVar[str] = "112-54"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = BrakZakInfRequestV1
    response_model: ClassVar[type[XmlModel]] = BrakZakInfResponseV1
    parts: ClassVar[RequestParts] = RequestParts(FullName, PartialDate, Basis, ActRef,
                                                 PersonQuery, Query, BrakZakInfRequestV1)

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The record of the person asked about."""
        if not isinstance(request, BrakZakInfRequestV1):
            return None
        return samples.answer(request)


    def record(self, record: Any) -> NameChangeRecord:
        """A marriage: both spouses, each with the surname after when it changed."""
        assert isinstance(record, Record)
        reg = record.registered
        return NameChangeRecord(**act_fields(record), changed_on=reg.married_on,
                                persons=[spouse("husband", reg.husband),
                                         spouse("wife", reg.wife)])
