"""Bound models of ЕГР ЗАГС records of paternity on request, format 112-56 version 4.0.0.

The fund asks (``PARENTINFRequest``) about a person; ЗАГС answers (``PARENTINFResponse``) with
the records found. The request and the answer envelope are the shared ones of
:mod:`adapters.smev3.vs.zags_inf` in this format's namespaces; the record is this
format's own, mapped as far as the fund uses it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_inf import answer, request, types
from adapters.smev3.vs.zags_inf.types import CountryCode, Place, Snils, Unmapped
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text

NS = "urn://x-artefacts-zags-parentinf/root/112-56/4.0.0"
TYPES_NS = "urn://x-artefacts-zags-parentinf/types/4.0.0"
SCHEMA = "zags-parentinf-ru-root.xsd"


class ParentInf(types.Format):
    """112-56's namespaces: the types here are the shared ones in them."""

    root: ClassVar[str] = NS
    types: ClassVar[str] = TYPES_NS


FullName = types.FullName[ParentInf]
PartialDate = types.PartialDate[ParentInf]
IdentityDocument = types.IdentityDocument[ParentInf]
Basis = request.Basis[ParentInf]
ActRef = request.ActRef[ParentInf]


class PersonQuery(request.PersonQuery[ParentInf]):
    """СведФЛ of 112-56, with the participant of the act the person is (ТипУчАЗ)."""

    names_given: Annotated[Literal["1", "2", "3"] | None, Attr("ТипУчАЗ")] = None


Query = request.Query[ParentInf, PersonQuery]


@message_type("smev3.zags.parentinf.request", 1,
              title="СМЭВ: запрос сведений о установлении отцовства из ЕГР ЗАГС (112-56)")
class ParentInfRequestV1(request.InquiryRequest[ParentInf, Query]):
    """A request, 112-56 v4.0.0 (PARENTINFRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PARENTINFRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}


class Parent(XmlModel):
    """СведРодитТип of 112-56: as in 112-51 but the place of birth before the date."""

    xml_namespace: ClassVar[str] = TYPES_NS

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    citizenship_text: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    name: Annotated[FullName, Elem("ФИО")]
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    address: Annotated[Unmapped | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None


class Child(XmlModel):
    """The child whose father is established (СведРебенок): names before and after."""

    xml_namespace: ClassVar[str] = NS

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    sex: Annotated[Literal["1", "2"] | None, Elem("Пол", absent="ПрПол")] = None
    name_before: Annotated[FullName | None, Elem("ФИОДо", absent="ПрФИОДо")] = None
    name_after: Annotated[FullName, Elem("ФИОПосле")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    birth_record: Annotated[Unmapped | None, Elem("СведРегРожд", absent="ПрСведРегРожд")] = None


class PaternityRegistered(XmlModel):
    """What was registered (ПрдСведРег): the child, the mother, the father."""

    xml_namespace: ClassVar[str] = NS

    child: Annotated[Child, Elem("СведРебенок")]
    mother: Annotated[Parent | None, Elem("СведМать", absent="ПрСведМать")] = None
    father: Annotated[Parent, Elem("СведОтец")]
    basis: Annotated[Unmapped | None, Elem("СвДокОтцов", absent="ПрСвДокОтцов")] = None
    section_2: Annotated[Unmapped | None, Elem("СВедЕГРРазд2")] = None


class PaternityRecord(answer.ActRecord[ParentInf]):
    """A record of paternity found (СведРегОтцов)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[PaternityRegistered, Elem("ПрдСведРег")]


class PaternityAnswer(answer.AnswerBlock):
    """The answer to one question (СведОтветАГС): its result and the records."""

    xml_namespace: ClassVar[str] = NS

    records: Annotated[list[PaternityRecord], Elem("СведРегОтцов")] = []


@message_type("smev3.zags.parentinf.response", 1,
              title="СМЭВ: ответ ЕГР ЗАГС об установлении отцовства (112-56)")
class ParentInfResponseV1(answer.InquiryAnswer[PaternityAnswer]):
    """The answer with records of paternity, 112-56 v4.0.0 (PARENTINFResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PARENTINFResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}
