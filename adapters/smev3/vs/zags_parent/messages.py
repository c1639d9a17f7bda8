"""Bound models of ЕГР ЗАГС paternity records, format 112-08 version 4.0.6.

Records of the establishment of paternity (сведения о записях актов об установлении
отцовства) as the registry offices (ЗАГС) deliver them in ``PARENTRequest``; the format is
one-way (no answer element). The types the 4.0.6 family shares are in :mod:`.commons`;
here is what is 112-08's own: the record, the child, the father and the mother. A ``Пр…``
flag element ("no data") written instead of a value is a ``None`` value.

Mapped: every element and attribute of the record, the child (sex, names before and after,
birth date whole or as the documents give it, birth place, birth record), the father and
the mother (citizenship, names, birth date and place, document, residence), the document
the paternity rests on, the certificates, corrections, restoration and annulment. Not
mapped: ``СведЕГРРазд2`` (the record of a foreign state's document, section 2 of the
register): it is never written, and skipped when read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_parent.commons import (
    TYPES_NS,
    Basis,
    Certificate,
    FullName,
    ParentPerson,
    PartialDate,
    RecordChange,
)
from adapters.smev3.vs.zags_pername.commons import Place, RecordHead
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, exact, text

NS = "urn://x-artefacts-zags-parent/root/112-08/4.0.6"
SCHEMA = "zags-parent-4.0.6.xsd"


class Child(XmlModel):
    """The child whose father is established (СведРебенок), named before and after."""

    xml_namespace: ClassVar[str] = NS

    ern_id: Annotated[str | None, exact(12), Attr("ИдЕРН")] = Field(
        default=None, json_schema_extra=PERSONAL)
    sex: Annotated[Literal["1", "2"] | None, Elem("Пол", absent="ПрПол")] = None
    name_before: Annotated[FullName | None, Elem("ФИОДо", absent="ПрФИОДо")] = None
    name_after: Annotated[FullName, Elem("ФИОПосле")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    birth_record: Annotated[Basis | None, Elem("СведРегРожд", absent="ПрСведРегРожд")] = None


class Registered(XmlModel):
    """What was registered (ПрдСведРег): the child, the father, the mother, the basis."""

    xml_namespace: ClassVar[str] = NS

    child: Annotated[Child, Elem("СведРебенок")]
    father: Annotated[ParentPerson, Elem("СведОтец")]
    mother: Annotated[ParentPerson | None, Elem("СведМать", absent="ПрСведМать")] = None
    basis: Annotated[Basis | None, Elem("СведДокОсн", absent="ПрСведДокОсн")] = None


class PaternityRecord(RecordHead[PartialDate]):
    """One paternity record, as a version of it (СведРегОтцов)."""

    xml_namespace: ClassVar[str] = NS

    certificates: Annotated[list[Certificate], Elem("СведСвидет")] = []
    registered: Annotated[Registered, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None


@message_type("smev3.zags.parent.request", 1,
              title="СМЭВ: сведения об установлении отцовства из ЕГР ЗАГС (112-08)")
class ParentRequestV1(XmlModel):
    """Paternity records from ЕГР ЗАГС, 112-08 v4.0.6 (PARENTRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PARENTRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "ns2": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[PaternityRecord], Field(min_length=1), Elem("СведРегОтцов")]
