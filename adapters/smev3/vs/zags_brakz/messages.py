"""Bound models of ЕГР ЗАГС marriage records, format 112-46 version 4.0.2 (BRAKZRequest).

The registry offices (ЗАГС) deliver marriage records (сведения о записях актов о заключении
брака) in ``BRAKZRequest``; the schema declares no answer. Every element and attribute is
mapped except the section-2 details of a foreign state's document (``СведЕГРРазд2``: read
past, see :class:`~adapters.smev3.vs.zags_brakz.commons.ForeignSection`). The shared types
are in :mod:`adapters.smev3.vs.zags_brakz.commons`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from adapters.smev3.vs.zags_brakz.commons import (
    TYPES_NS,
    Certificate,
    ForeignSection,
    PartialDate,
    RecordChange,
    RecordHead,
    Spouse,
)
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text

NS = "urn://x-artefacts-zags-brakz/root/112-46/4.0.2"
SCHEMA = "zags-brakz-4.0.2.xsd"


class Marriage(XmlModel):
    """What was registered (ПрдСведРег): the date of the marriage and the spouses."""

    xml_namespace: ClassVar[str] = NS

    married_on: Annotated[date | None, Elem("ДатаБракКаленд", absent="ПрДатаБрак")] = Field(
        default=None, json_schema_extra=PERSONAL)
    married_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаБракДок", absent="ПрДатаБрак")] = Field(default=None, json_schema_extra=PERSONAL)
    husband: Annotated[Spouse, Elem("Супруг")]
    wife: Annotated[Spouse, Elem("Супруга")]


class MarriageRecord(RecordHead[PartialDate]):
    """One marriage record, as a version of it (СведРегБрак)."""

    xml_namespace: ClassVar[str] = NS

    certificates: Annotated[list[Certificate], Elem("СведСвидет")] = []
    registered: Annotated[Marriage, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None
    foreign_section: Annotated[ForeignSection | None, Elem("СведЕГРРазд2")] = None


@message_type("smev3.zags.brakz.request", 1,
              title="СМЭВ: сведения о заключении брака из ЕГР ЗАГС (112-46)")
class BrakzRequestV1(XmlModel):
    """Marriage records from ЕГР ЗАГС, 112-46 v4.0.2 (BRAKZRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKZRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[MarriageRecord], Field(min_length=1), Elem("СведРегБрак")]
