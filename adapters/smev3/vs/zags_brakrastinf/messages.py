"""Bound models of ЕГР ЗАГС records of divorce on request, format 112-55 version 4.0.0.

The fund asks (``BRAKRASTINFRequest``) about a person; ЗАГС answers (``BRAKRASTINFResponse``) with
the records found. The request and the answer envelope are the shared ones of
:mod:`adapters.smev3.vs.zags_inf` in this format's namespaces; the record is this
format's own, mapped as far as the fund uses it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from adapters.smev3.vs.zags_inf import answer, request, types
from adapters.smev3.vs.zags_inf.types import Unmapped
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel

NS = "urn://x-artefacts-zags-brakrastinf/root/112-55/4.0.0"
TYPES_NS = "urn://x-artefacts-zags-brakrastinf/types/4.0.0"
SCHEMA = "zags-brakrastinf-ru-root.xsd"


class BrakRastInf(types.Format):
    """112-55's namespaces: the types here are the shared ones in them."""

    root: ClassVar[str] = NS
    types: ClassVar[str] = TYPES_NS


FullName = types.FullName[BrakRastInf]
PartialDate = types.PartialDate[BrakRastInf]
IdentityDocument = types.IdentityDocument[BrakRastInf]
Basis = request.Basis[BrakRastInf]
ActRef = request.ActRef[BrakRastInf]


class PersonQuery(request.PersonQuery[BrakRastInf]):
    """СведФЛ of 112-55, with whether the surname changed with the marriage (ИнфФИО)."""

    names_given: Annotated[Literal["1", "2"] | None, Attr("ИнфФИО")] = None


Query = request.Query[BrakRastInf, PersonQuery]


@message_type("smev3.zags.brakrastinf.request", 1,
              title="СМЭВ: запрос сведений о расторжении брака из ЕГР ЗАГС (112-55)")
class BrakRastInfRequestV1(request.InquiryRequest[BrakRastInf, Query]):
    """A request, 112-55 v4.0.0 (BRAKRASTINFRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKRASTINFRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}


Spouse = types.Spouse[BrakRastInf]
"""СупругТип: a spouse, surname before and after."""


class DivorceRegistered(XmlModel):
    """What was registered (ПрдСведРег): the spouses and the end of the marriage."""

    xml_namespace: ClassVar[str] = NS

    husband: Annotated[Spouse, Elem("Супруг")]
    wife: Annotated[Spouse, Elem("Супруга")]
    ended_on: Annotated[date | None, Elem("ДатаПрекрБрак", absent="ПрДатаПрекБрак")] = None
    ended_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаПрекрБракДок", absent="ПрДатаПрекБрак")] = None
    marriage_record: Annotated[Unmapped | None, Elem(
        "СведДокЗаклБрак", absent="ПрСведДокЗаклБрак")] = None


class DivorceRecord(answer.ActRecord[BrakRastInf]):
    """A divorce record found (СведРегРастБрак)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[DivorceRegistered, Elem("ПрдСведРег")]


class DivorceAnswer(answer.AnswerBlock):
    """The answer to one question (СведОтветАГС): its result and the records."""

    xml_namespace: ClassVar[str] = NS

    records: Annotated[list[DivorceRecord], Elem("СведРегРастБрак")] = []


@message_type("smev3.zags.brakrastinf.response", 1,
              title="СМЭВ: ответ ЕГР ЗАГС о расторжении брака (112-55)")
class BrakRastInfResponseV1(answer.InquiryAnswer[DivorceAnswer]):
    """The answer with divorce records, 112-55 v4.0.0 (BRAKRASTINFResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKRASTINFResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}
