"""Bound models of ЕГР ЗАГС divorce records, format 112-48 version 4.0.2 (BRAKRRequest).

The registry offices (ЗАГС) deliver divorce records (сведения о записях актов о расторжении
брака) in ``BRAKRRequest``; the schema declares no answer. Its types are 112-46's
(:mod:`adapters.smev3.vs.zags_brakz.commons`) in a namespace of their own: each model whose
child elements are namespaced is declared here with this format's namespace — the shared
ones of :mod:`adapters.smev3.vs.zags_common.types` and the spouse parametrised with this
format's nested types, the others subclassing 112-46's (the nested field re-declared); the
attribute-only ones are used as they are. 112-48 differs in
its record (no certificate of the act as a whole: each spouse's certificates are in
``Супруг``/``Супруга``) and in naming the dissolved marriage (``СведДокЗаклБрак``).

Every element and attribute is mapped except, as in 112-46, the section-2 details of a
foreign state's document (``СведЕГРРазд2``: read past).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from adapters.smev3.vs.zags_brakz import commons
from adapters.smev3.vs.zags_brakz.commons import ForeignSection
from adapters.smev3.vs.zags_common import types as common
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text

NS = "urn://x-artefacts-zags-brakr/root/112-48/4.0.2"
TYPES_NS = "urn://x-artefacts-zags-brakr/types/4.0.2"
SCHEMA = "zags-brakr-4.0.2.xsd"


class PartialDate(commons.PartialDate):
    """ДатаДокТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Certificate(commons.Certificate):
    """СведСвидетТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS

    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаВыдСвидетДок", absent="ПрДатаВыдСвидет")] = None


class IdentityDocument(common.IdentityDocument[PartialDate]):
    """УдЛичнФЛПрТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class GarAddress(commons.GarAddress):
    """АдрГАРТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RussianResidence(commons.RussianResidence):
    """АдрМЖРФ of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS

    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="address")] = None
    gar_nearest: Annotated[GarAddress | None, Elem("АналогГАР", choice="address")] = None


class ForeignAddress(common.ForeignAddress):
    """АдрМЖИн of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Residence(common.Residence[RussianResidence, ForeignAddress]):
    """АдрМЖТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Document(commons.Document):
    """СведДокТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS

    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = None


class ActRecord(common.ActRecord[PartialDate]):
    """ЗапАктТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class ChangeBasis(common.Basis[ActRecord, Document]):
    """СведДокОснТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(common.RecordChange[ChangeBasis]):
    """СведИзмАГСТип of 112-48."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Spouse(commons.SpouseType[PartialDate, Residence, IdentityDocument]):
    """СупругТип of 112-48: as 112-46's, and the certificates of divorce issued to them."""

    xml_namespace: ClassVar[str] = TYPES_NS

    certificates: Annotated[list[Certificate], Elem("СведСвидет")] = []


class Divorce(XmlModel):
    """What was registered (ПрдСведРег): the date of the divorce, the marriage dissolved and
    the spouses."""

    xml_namespace: ClassVar[str] = NS

    divorced_on: Annotated[date | None, Elem("ДатаРастБракКаленд", absent="ПрДатаРастБрак")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    divorced_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаРастБракДок", absent="ПрДатаРастБрак")] = Field(
        default=None, json_schema_extra=PERSONAL)
    marriage: Annotated[ChangeBasis | None, Elem(
        "СведДокЗаклБрак", absent="ПрСведДокЗаклБрак")] = None
    husband: Annotated[Spouse, Elem("Супруг")]
    wife: Annotated[Spouse, Elem("Супруга")]


class DivorceRecord(commons.RecordHead[PartialDate]):
    """One divorce record, as a version of it (СведРастБрак)."""

    xml_namespace: ClassVar[str] = NS

    registered: Annotated[Divorce, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None
    foreign_section: Annotated[ForeignSection | None, Elem("СведЕГРРазд2")] = None


@message_type("smev3.zags.brakr.request", 1,
              title="СМЭВ: сведения о расторжении брака из ЕГР ЗАГС (112-48)")
class BrakrRequestV1(XmlModel):
    """Divorce records from ЕГР ЗАГС, 112-48 v4.0.2 (BRAKRRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "BRAKRRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fnst": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[DivorceRecord], Field(min_length=1), Elem("СведРастБрак")]
