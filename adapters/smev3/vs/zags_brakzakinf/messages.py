"""Bound models of ЕГР ЗАГС records of marriage on request, format 112-54 version 4.0.0.

The fund asks (``BRAKZAKINFRequest``) about a person; ЗАГС answers (``BRAKZAKINFResponse``) with
the records found. The request and the answer envelope are the shared ones of
:mod:`adapters.smev3.vs.zags_inf` in this format's namespaces; the record is this
format's own, mapped as far as the fund uses it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from adapters.smev3.vs.zags_inf import answer, request, types
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel

NS = "urn://x-artefacts-zags-brakzakinf/root/112-54/4.0.0"
TYPES_NS = "urn://x-artefacts-zags-brakzakinf/types/4.0.0"
SCHEMA = "zags-brakzakinf-ru-root.xsd"


class BrakZakInf(types.Format):
    """112-54's namespaces: the types here are the shared ones in them."""

    root: ClassVar[str] = NS
    types: ClassVar[str] = TYPES_NS


FullName = types.FullName[BrakZakInf]
PartialDate = types.PartialDate[BrakZakInf]
IdentityDocument = types.IdentityDocument[BrakZakInf]
Basis = request.Basis[BrakZakInf]
ActRef = request.ActRef[BrakZakInf]


class PersonQuery(request.PersonQuery[BrakZakInf]):
    """СведФЛ of 112-54, with whether the surname changed with the marriage (ИнфФИО)."""

    names_given: Annotated[Literal["1", "2"] | None, Attr("ИнфФИО")] = None


Query = request.Query[BrakZakInf, PersonQuery]


@message_type("smev3.zags.brakzakinf.request", 1,
              title="СМЭВ: запрос сведений о заключении брака из ЕГР ЗАГС (112-54)")
class BrakZakInfRequestV1(request.InquiryRequest[BrakZakInf, Query]):
    """A request, 112-54 v4.0.0 (BRAKZAKINFRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKZAKINFRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}


Spouse = types.Spouse[BrakZakInf]
"""СупругТип: a spouse, surname before and after."""


class MarriageRegistered(XmlModel):
    """What was registered (ПрдСведРег): the date of the marriage and the spouses."""

    xml_namespace: ClassVar[str] = NS

    married_on: Annotated[date | None, Elem("ДатаЗаклБрак", choice="date")] = None
    married_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаклБракДок", choice="date")] = None
    husband: Annotated[Spouse, Elem("Супруг")]
    wife: Annotated[Spouse, Elem("Супруга")]


class MarriageRecord(answer.ActRecord[BrakZakInf]):
    """A marriage record found (СведРегЗаклБрак)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[MarriageRegistered, Elem("ПрдСведРег")]


class MarriageAnswer(answer.AnswerBlock):
    """The answer to one question (СведОтветАГС): its result and the records."""

    xml_namespace: ClassVar[str] = NS

    records: Annotated[list[MarriageRecord], Elem("СведРегЗаклБрак")] = []


@message_type("smev3.zags.brakzakinf.response", 1,
              title="СМЭВ: ответ ЕГР ЗАГС о заключении брака (112-54)")
class BrakZakInfResponseV1(answer.InquiryAnswer[MarriageAnswer]):
    """The answer with marriage records, 112-54 v4.0.0 (BRAKZAKINFResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKZAKINFResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}
