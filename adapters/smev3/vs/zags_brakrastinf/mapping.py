"""The information type: ЕГР ЗАГС records of divorce on request, 112-55 v4.0.0 (consumer).

On the bus: ``zags.inquiry`` of kind ``divorce`` out, ``zags.inquiry.answer`` with the
divorce records (both spouses, surnames before and after) back; see
:mod:`adapters.smev3.vs.zags_inf`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from adapters.smev3.vs.zags_brakrastinf import samples
from adapters.smev3.vs.zags_brakrastinf.messages import (
    NS,
    SCHEMA,
    ActRef,
    Basis,
    BrakRastInfRequestV1,
    BrakRastInfResponseV1,
    FullName,
    PartialDate,
    PersonQuery,
    Query,
)
from adapters.smev3.vs.zags_brakrastinf.messages import (
    DivorceRecord as Record,
)
from adapters.smev3.vs.zags_inf.mapping import (
    RequestParts,
    ZagsInquiryType,
    act_fields,
    spouse,
)
from contracts.xmlbind.binding import XmlModel
from contracts.zags_acts import InquiryKind, NameChangeRecord


class ZagsBrakRastInf(ZagsInquiryType):
    """Records of divorce from ЕГР ЗАГС on request (сведения о расторжении брака),
    112-55 v4.0.0."""

    key: ClassVar[str] = "zags.brakrastinf"
    title: ClassVar[str] = "ЗАГС: сведения о расторжении брака по запросу (112-55)"
    act_kind: ClassVar[InquiryKind] = "divorce"
    source_format: ClassVar[str] = "112-55"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = BrakRastInfRequestV1
    response_model: ClassVar[type[XmlModel]] = BrakRastInfResponseV1
    parts: ClassVar[RequestParts] = RequestParts(FullName, PartialDate, Basis, ActRef,
                                                 PersonQuery, Query, BrakRastInfRequestV1)

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The record of the person asked about."""
        if not isinstance(request, BrakRastInfRequestV1):
            return None
        return samples.answer(request)


    def record(self, record: Any) -> NameChangeRecord:
        """A divorce: both spouses, each with the surname after when it changed."""
        assert isinstance(record, Record)
        reg = record.registered
        return NameChangeRecord(**act_fields(record), changed_on=reg.ended_on,
                                persons=[spouse("husband", reg.husband),
                                         spouse("wife", reg.wife)])
