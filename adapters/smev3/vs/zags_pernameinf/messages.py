"""Bound models of ЕГР ЗАГС records of a change of name on request, format 112-53 version 4.0.0.

The fund asks (``PERNAMEINFRequest``) about a person; ЗАГС answers (``PERNAMEINFResponse``) with
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

NS = "urn://x-artefacts-zags-pernameinf/root/112-53/4.0.0"
TYPES_NS = "urn://x-artefacts-zags-pernameinf/types/4.0.0"
SCHEMA = "zags-pernameinf-ru-root.xsd"


class PerNameInf(types.Format):
    """112-53's namespaces: the types here are the shared ones in them."""

    root: ClassVar[str] = NS
    types: ClassVar[str] = TYPES_NS


FullName = types.FullName[PerNameInf]
PartialDate = types.PartialDate[PerNameInf]
IdentityDocument = types.IdentityDocument[PerNameInf]
Basis = request.Basis[PerNameInf]
ActRef = request.ActRef[PerNameInf]


class PersonQuery(request.PersonQuery[PerNameInf]):
    """СведФЛ of 112-53, with the kind of names given (ТипФИО)."""

    names_given: Annotated[Literal["1", "2"] | None, Attr("ТипФИО")] = None


Query = request.Query[PerNameInf, PersonQuery]


@message_type("smev3.zags.pernameinf.request", 1,
              title="СМЭВ: запрос сведений о перемене имени из ЕГР ЗАГС (112-53)")
class PerNameInfRequestV1(request.InquiryRequest[PerNameInf, Query]):
    """A request, 112-53 v4.0.0 (PERNAMEINFRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PERNAMEINFRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}


class NameChangeRegistered(XmlModel):
    """What was registered (ПрдСведРег): the person, names before and after."""

    xml_namespace: ClassVar[str] = NS

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    citizenship_text: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    name_before: Annotated[FullName, Elem("ФИОДо")]
    name_after: Annotated[FullName, Elem("ФИОПосле")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    address: Annotated[Unmapped | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    birth_record: Annotated[Unmapped | None, Elem("СведРегРожд", absent="ПрСведРегРожд")] = None


class NameChangeRecord(answer.ActRecord[PerNameInf]):
    """A record of a change of name found (СведРегПерИмя)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[NameChangeRegistered, Elem("ПрдСведРег")]


class NameChangeAnswer(answer.AnswerBlock):
    """The answer to one question (СведОтветАГС): its result and the records."""

    xml_namespace: ClassVar[str] = NS

    records: Annotated[list[NameChangeRecord], Elem("СведРегПерИмя")] = []


@message_type("smev3.zags.pernameinf.response", 1,
              title="СМЭВ: ответ ЕГР ЗАГС о перемене имени (112-53)")
class PerNameInfResponseV1(answer.InquiryAnswer[NameChangeAnswer]):
    """The answer with records of a change of name, 112-53 v4.0.0 (PERNAMEINFResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PERNAMEINFResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}
