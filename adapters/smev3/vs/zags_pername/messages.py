"""Bound models of ЕГР ЗАГС change-of-name records, format 112-03 version 4.0.6.

Records of changes of name (сведения о записях актов о перемене имени) as the registry
offices (ЗАГС) deliver them in ``PERNAMERequest``; the format is one-way (no answer
element). The types the 4.0.6 family shares are in :mod:`.commons`; here is what is
112-03's own: the record and the person. A ``Пр…`` flag element ("no data") written instead
of a value is a ``None`` value.

Mapped: every element and attribute of the record and of the person (names before and
after, birth date whole or as the documents give it, birth place, citizenship, residence,
identity document, the birth record), the certificates, corrections, restoration and
annulment. Not mapped: ``СведЕГРРазд2`` (the record of a foreign state's document, section 2
of the register): it is never written, and skipped when read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from adapters.smev3.vs.zags_common.types import ErnId
from adapters.smev3.vs.zags_pername.commons import (
    TYPES_NS,
    Basis,
    Certificate,
    CountryCode,
    FullName,
    IdentityDocument,
    PartialDate,
    Place,
    RecordChange,
    RecordHead,
    Residence,
)
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text

NS = "urn://x-artefacts-zags-pername/root/112-03/4.0.6"
SCHEMA = "zags-pername-ru-4.0.6.xsd"

class Registered(XmlModel):
    """What was registered (ПрдСведРег): the person, as named before and after."""

    xml_namespace: ClassVar[str] = NS

    ern_id: Annotated[ErnId | None, Attr("ИдЕРН")] = Field(
        default=None, json_schema_extra=PERSONAL)
    citizenship_name: Annotated[str | None, text(255), Elem(
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
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    birth_record: Annotated[Basis | None, Elem("СведРегРожд", absent="ПрСведРегРожд")] = None


class PerNameRecord(RecordHead[PartialDate]):
    """One change-of-name record, as a version of it (СведРегПерИмя)."""

    xml_namespace: ClassVar[str] = NS

    certificates: Annotated[list[Certificate], Elem("СведСвидет")] = []
    registered: Annotated[Registered, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None


@message_type("smev3.zags.pername.request", 1,
              title="СМЭВ: сведения о перемене имени из ЕГР ЗАГС (112-03)")
class PerNameRequestV1(XmlModel):
    """Change-of-name records from ЕГР ЗАГС, 112-03 v4.0.6 (PERNAMERequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "PERNAMERequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "ns2": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[PerNameRecord], Field(min_length=1), Elem("СведРегПерИмя")]
