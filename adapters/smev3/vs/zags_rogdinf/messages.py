"""Bound models of ЕГР ЗАГС records of birth on request, format 112-51 version 4.0.1.

The fund asks (``ROGDINFRequest``) about a person; ЗАГС answers (``ROGDINFResponse``) with
the birth records found. The request and the answer envelope are the shared ones of
:mod:`adapters.smev3.vs.zags_inf` in this format's namespaces; the record is this
format's own (``СведРегРожд``), mapped as far as the fund uses it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_inf import answer, request, types
from adapters.smev3.vs.zags_inf.types import Place, Snils, Unmapped
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL

NS = "urn://x-artefacts-zags-rogdinf/root/112-51/4.0.1"
TYPES_NS = "urn://x-artefacts-zags-rogdinf/types/4.0.1"
SCHEMA = "zags-rogdinf-ru-root.xsd"


class RogdInf(types.Format):
    """112-51's namespaces: the types here are the shared ones in them."""

    root: ClassVar[str] = NS
    types: ClassVar[str] = TYPES_NS


FullName = types.FullName[RogdInf]
PartialDate = types.PartialDate[RogdInf]
IdentityDocument = types.IdentityDocument[RogdInf]
Basis = request.Basis[RogdInf]
ActRef = request.ActRef[RogdInf]


class PersonQuery(request.PersonQuery[RogdInf]):
    """СведФЛ of 112-51, with the participant of the act the person is (ТипУчАЗ)."""

    participant: Annotated[Literal["1", "2", "3"] | None, Attr("ТипУчАЗ")] = None


Query = request.Query[RogdInf, PersonQuery]


@message_type("smev3.zags.rogdinf.request", 1,
              title="СМЭВ: запрос сведений о рождении из ЕГР ЗАГС (112-51)")
class RogdInfRequestV1(request.InquiryRequest[RogdInf, Query]):
    """A request for birth records, 112-51 v4.0.1 (ROGDINFRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "ROGDINFRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}


Parent = types.Parent[RogdInf]
"""СведРодитТип of 112-51: the mother or the father."""


class Newborn(XmlModel):
    """The child (СведРодившемся). ЖивМертв 0 is born alive, 1 stillborn (as the 112-01
    4.0.5 sample of a live birth writes it and 112-01 reads it)."""

    xml_namespace: ClassVar[str] = NS

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    stillborn: Annotated[Literal["0", "1"] | None, Elem("ЖивМертв", absent="ПрЖивМертв")] = None
    sex: Annotated[Literal["1", "2"] | None, Elem("Пол", absent="ПрПол")] = None
    name: Annotated[FullName, Elem("ФИОРожд")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None


class BirthRegistered(XmlModel):
    """What was registered (ПрдСведРег): the child and the parents."""

    xml_namespace: ClassVar[str] = NS

    mother_child_order: Annotated[int | None, Field(ge=0, le=99), Elem(
        "СчетМатер", absent="ПрСчетМатер")] = None
    delivery: Annotated[Unmapped | None, Elem("СведРоды")] = None
    child: Annotated[Newborn, Elem("СведРодившемся")]
    mother: Annotated[Parent | None, Elem("СведМать", absent="ПрМать")] = None
    father: Annotated[Parent | None, Elem("СведОтец", absent="ПрОтец")] = None
    father_basis: Annotated[Unmapped | None, Elem(
        "СведДокОснОтец", absent="ПрСведДокОснОтец")] = None
    birth_document: Annotated[Unmapped | None, Elem("СведДокРод", absent="ПрСведДокРод")] = None


class BirthRecord(answer.ActRecord[RogdInf]):
    """A birth record found (СведРегРожд)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[BirthRegistered, Elem("ПрдСведРег")]


class BirthAnswer(answer.AnswerBlock):
    """The answer to one question (СведОтветАГС): its result and the records."""

    xml_namespace: ClassVar[str] = NS

    records: Annotated[list[BirthRecord], Elem("СведРегРожд")] = []


@message_type("smev3.zags.rogdinf.response", 1,
              title="СМЭВ: ответ ЕГР ЗАГС о рождении (112-51)")
class RogdInfResponseV1(answer.InquiryAnswer[BirthAnswer]):
    """The answer with birth records, 112-51 v4.0.1 (ROGDINFResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "ROGDINFResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}
