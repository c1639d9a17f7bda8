"""Bound models of ЕГР ЗАГС birth records, format 112-01 version 4.0.7 (``ROGDRequest``).

Birth records (сведения о государственной регистрации рождения) as the registry offices
(ЗАГС) deliver them: per record the act (number in ЕГР ЗАГС, date, office, version, status
code by СОСТАГС), the certificates issued, what was registered — the child (live or
stillborn, sex, names, date and place of birth), the multiple birth, the mother and the
father (:class:`~adapters.smev3.vs.zags_rogd.commons.Parent`: citizenship, names, date and
place of birth, СНИЛС, identity document, residence), the basis of the father's data and
the document proving the birth — and the record's corrections, restoration or annulment.
The types these are built from are in :mod:`adapters.smev3.vs.zags_rogd.commons`.

Everything we write is complete and valid against the XSD. Not mapped: ``СведЕГРРазд2``
(a foreign competent authority's document entered in section 2 of ЕГР ЗАГС, with the
notification and its applicants), which the fund does not use: the record model is
*partial*, so a record carrying it is still read, the part skipped (its bytes stay in the
journal). The older 4.0.5 format (another namespace, other element names) is a different
type and is not read by this one.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_common.types import ErnId, RegistryOffice
from adapters.smev3.vs.zags_rogd.commons import (
    TYPES_NS,
    Certificate,
    Document,
    DocumentBasis,
    FullName,
    Parent,
    PartialDate,
    Place,
    RecordChange,
    XsDate,
)
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, exact, text

NS = "urn://x-artefacts-zags-rogd/root/112-01/4.0.7"
SCHEMA = "zags-rogd-ru-root.xsd"

__all__ = ["NS", "SCHEMA", "TYPES_NS", "BirthActRecord", "Child", "MultipleBirth",
           "Registered", "RogdRequestV1"]

Count = Annotated[int, Field(ge=0, le=99)]
"""A count or an order of birth (``number-2``)."""


class MultipleBirth(XmlModel):
    """A multiple birth (СведРоды): how many children, and which of them this one was."""

    xml_namespace: ClassVar[str] = NS

    children: Annotated[Count, Elem("ЧислоРодДетей")]
    order: Annotated[Count | None, Elem("Счет", absent="ПрСчет")] = None


class Child(XmlModel):
    """The child (СведРодившемся). ``stillborn`` is ЖивМертв: ``"0"`` born alive, ``"1"``
    stillborn (мертворожденный), ``None`` no data (ПрЖивМертв)."""

    xml_namespace: ClassVar[str] = NS

    ern_id: Annotated[ErnId | None, Attr("ИдЕРН")] = Field(default=None,
                                                           json_schema_extra=PERSONAL)
    stillborn: Annotated[Literal["0", "1"] | None, Elem("ЖивМертв", absent="ПрЖивМертв")] = None
    sex: Annotated[Literal["1", "2"] | None, Elem("Пол", absent="ПрПол")] = None
    name: Annotated[FullName, Elem("ФИОРожд")]
    birth_date: Annotated[XsDate | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None


class Registered(XmlModel):
    """What was registered (ПрдСведРег): the child, the parents and the documents."""

    xml_namespace: ClassVar[str] = NS

    birth_order: Annotated[Count | None, Elem("СчетМатер", absent="ПрСчетМатер")] = None
    multiple_birth: Annotated[MultipleBirth | None, Elem("СведРоды")] = None
    child: Annotated[Child, Elem("СведРодившемся")]
    mother: Annotated[Parent | None, Elem("СведМать", absent="ПрМать")] = None
    father: Annotated[Parent | None, Elem("СведОтец", absent="ПрОтец")] = None
    father_basis: Annotated[DocumentBasis | None, Elem(
        "СведДокОснОтец", absent="ПрСведДокОснОтец")] = None
    birth_document: Annotated[Document | None, Elem("СведДокРод", absent="ПрСведДокРод")] = None


class BirthActRecord(XmlModel):
    """One birth record, as a version of it (СведРегРожд). ``СведЕГРРазд2`` is not mapped
    (skipped on read, see the module's docstring)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"recorded"})

    section: Annotated[Literal["1", "2"], Attr("РазделЕГР")]
    number: Annotated[str, exact(21), Attr("НомерЗаписЕГР")] = Field(
        json_schema_extra=PERSONAL)
    certificate_number: Annotated[str | None, text(10), Attr("НомАГССвид")] = Field(
        default=None, json_schema_extra=PERSONAL)
    version_date: Annotated[XsDate, Attr("ДатаВерс")]
    version: Annotated[str, text(3), Attr("НомерВерс")]
    status_code: Annotated[str, exact(4), Attr("КодСостСтат")]
    incidents: Annotated[list[Annotated[str, text(50)]], Elem("ИнцНом")] = []
    recorded_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаписДок", choice="recorded")] = None
    recorded_on: Annotated[XsDate | None, Elem("ДатаЗапис", choice="recorded")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]
    certificates: Annotated[list[Certificate], Elem("СвидетРожд")] = []
    registered: Annotated[Registered, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None


@message_type("smev3.zags.rogd.request", 1,
              title="СМЭВ: сведения о рождении из ЕГР ЗАГС (112-01)")
class RogdRequestV1(XmlModel):
    """Birth records from ЕГР ЗАГС, 112-01 v4.0.7 (ROGDRequest: сведения о рождении)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "ROGDRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[XsDate, Attr("ДатаСвед")]
    records: Annotated[list[BirthActRecord], Field(min_length=1), Elem("СведРегРожд")]
