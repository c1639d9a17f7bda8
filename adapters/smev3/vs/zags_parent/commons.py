"""The ЕГР ЗАГС 4.0.6 family's common types, in the 112-08 types namespace.

112-08's ``commons/zags-parent-types-4.0.6.xsd`` declares the same types as 112-03's, in its
own namespace (:mod:`adapters.smev3.vs.zags_pername.commons` has them, and what is not
mapped). A type's child elements are in the namespace of the schema that declares it, so
each type with child elements is declared here with this namespace: the shared ones of
:mod:`adapters.smev3.vs.zags_common.types` parametrised with this format's nested types,
the others subclassing 112-03's (the nested field re-declared); attribute-only types
(``ОрганЗАГСТип``, ``МестоТип``, ``АдрРФТип``, ``НаимТипГАР``) are used as they are.

112-08 adds ``СведРодитТип``: a parent (:class:`ParentPerson`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_common.types import CountryCode
from adapters.smev3.vs.zags_pername import commons as base
from adapters.smev3.vs.zags_pername.commons import Place
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, exact, text

TYPES_NS = "urn://x-artefacts-zags-parent/types/4.0.6"


class FullName(base.FullName):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class PartialDate(base.PartialDate):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class GarAddress(base.GarAddress):
    """An address in Russia in the municipal structure of ГАР (АдрГАРТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RussianAddress(base.RussianAddress):
    """An address in Russia (АдрМЖРФ): by ФИАС, by ГАР, an analogue of either, or text."""

    xml_namespace: ClassVar[str] = TYPES_NS

    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="form")] = None
    gar_like: Annotated[GarAddress | None, Elem("АналогГАР", choice="form")] = None


class ForeignAddress(common.ForeignAddress):
    """An address abroad (АдрМЖИн)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Residence(common.Residence[RussianAddress, ForeignAddress]):
    """Place of residence (АдрМЖТип): in Russia, abroad, or not classified."""

    xml_namespace: ClassVar[str] = TYPES_NS


class IdentityDocument(common.IdentityDocument[PartialDate]):
    """An identity document, each detail possibly absent (УдЛичнФЛПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Document(base.Document):
    """A document other than a civil-status record (СведДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = Field(default=None, json_schema_extra=PERSONAL)


class ActRecord(common.ActRecord[PartialDate]):
    """Another civil-status record referred to, e.g. the child's birth record (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Basis(common.Basis[ActRecord, Document]):
    """A basis: a civil-status record or another document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(common.RecordChange[Basis]):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Certificate(common.Certificate[PartialDate]):
    """A certificate issued (СведСвидетТип): type 1 first issue, 2 repeated."""

    xml_namespace: ClassVar[str] = TYPES_NS


class ParentPerson(XmlModel):
    """A parent: the man recognised as the father, or the mother (СведРодитТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    ern_id: Annotated[str | None, exact(12), Attr("ИдЕРН")] = Field(
        default=None, json_schema_extra=PERSONAL)
    citizenship_name: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    name: Annotated[FullName, Elem("ФИО")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
