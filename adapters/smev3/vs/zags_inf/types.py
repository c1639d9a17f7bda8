"""Types of the ЕГР ЗАГС "types" schemas that the on-request formats share.

Each format declares the same complex types in its own types namespace. A format names its
two namespaces once, as a :class:`Format`; the types here (and in :mod:`.request` and
:mod:`.answer`) are generic over it, and parametrised with a format they take its namespace
(:class:`InFormat`): ``FullName[RogdInf]`` is 112-51's ФИОПрТип. Types made only of
attributes (a place, a registry office, a document given in a request) are namespace-free
and used as they are. The names, partial dates and identity documents are those of every
ЗАГС format (:mod:`adapters.smev3.vs.zags_common.types`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_common.types import CountryCode, Region
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, pattern, text

__all__ = ["F", "CountryCode", "Format", "FullName", "IdentityDocument", "InFormat", "Parent",
           "PartialDate", "Place", "Region", "RegistryOffice", "RequestedDocument",
           "RequestedOffice", "Snils", "Spouse", "Unmapped"]

Snils = Annotated[str, pattern(r"[0-9]{3}-[0-9]{3}-[0-9]{3}[- ][0-9]{2}")]
"""СНИЛС as the formats write it: ``123-456-789 01`` (or with a hyphen before the check)."""


class Format:
    """A format's namespaces, as the type argument of the generic types: its root's
    (``root``: the request, the answer, their own elements) and its types schema's
    (``types``)."""

    root: ClassVar[str]
    types: ClassVar[str]


F = TypeVar("F", bound=Format)


class InFormat(XmlModel):
    """Base of a type generic over its :class:`Format`: parametrised with one, the class
    takes the format's ``types`` namespace, or its ``root`` one where
    :attr:`xml_namespace_of` says so."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "types"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for arg in cls.__pydantic_generic_metadata__["args"]:
            if isinstance(arg, type) and issubclass(arg, Format):
                cls.xml_namespace = getattr(arg, cls.xml_namespace_of)


class FullName(common.FullName, InFormat, Generic[F]):
    """ФИОПрТип in a format's types namespace."""


class PartialDate(common.PartialDate, InFormat, Generic[F]):
    """ДатаДокТип in a format's types namespace."""


class Place(XmlModel):
    """A place of birth (МестоТип): 1 in Russia, 2 abroad, 3 as text only."""

    kind: Annotated[Literal["1", "2", "3"], Attr("ПризнМесто")]
    description: Annotated[str, text(512), Attr("МестоТекст")] = Field(
        json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Attr("КодСтраны")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    region: Annotated[Region | None, Attr("Регион")] = None
    region_name: Annotated[str | None, text(50), Attr("НаимСубъект")] = None
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[str | None, pattern(r"[0-9]{8,11}"), Attr("ОКТМО")] = None


class RequestedOffice(XmlModel):
    """The registry office of an act asked about, its code optional (ОрганЗАГСНТип)."""

    name: Annotated[str, text(1000), Attr("НаимЗАГС")]
    code: Annotated[str | None, text(8), Attr("КодЗАГС")] = None


class RegistryOffice(XmlModel):
    """The registry office that registered an act (ОрганЗАГСТип)."""

    name: Annotated[str, text(1000), Attr("НаимЗАГС")]
    code: Annotated[str, text(8), Attr("КодЗАГС")]


class RequestedDocument(XmlModel):
    """An identity document of the person asked about (УдЛичнФЛСНТип); 112-55 allows 255
    characters for its issuer, the others 1000 (the fund sends none)."""

    kind_code: Annotated[str, digits(2), Attr("КодВидДок")]
    series: Annotated[str | None, text(40), Attr("СерДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, text(40), Attr("НомДок")] = Field(json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Attr("ДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_by: Annotated[str | None, text(1000), Attr("ВыдДок")] = None
    issuer_code: Annotated[str | None, text(7), Attr("КодВыдДок")] = None


class IdentityDocument(common.IdentityDocument[PartialDate[F]], InFormat, Generic[F]):
    """An identity document as an act record gives it, any part possibly absent
    (УдЛичнФЛПрТип); the on-request formats allow 7 characters for the issuer's code."""

    issuer_code: Annotated[str | None, text(7), Elem("КодВыдДок", absent="ПрКодВыдДок")] = None


class Unmapped(XmlModel):
    """An element the fund does not use (an address, a document of basis): read as
    present and skipped; its content stays in the journal's raw bytes. The formats'
    ``Пр…`` flag is written in its place; an ``Unmapped()`` itself is never written."""

    xml_partial: ClassVar[bool] = True


class Parent(InFormat, Generic[F]):
    """The mother or the father as a record gives them (СведРодитТип of 112-51; 112-56
    orders its elements otherwise and declares its own)."""

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    citizenship_text: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    name: Annotated[FullName[F], Elem("ФИО")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate[F] | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    identity_document: Annotated[IdentityDocument[F] | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    address: Annotated[Unmapped | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None


class Spouse(InFormat, Generic[F]):
    """A spouse in a marriage or divorce record, surname before and after (СупругТип)."""

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    surname_before: Annotated[str | None, text(60), Elem(
        "ФамилияДо", absent="ПрФамилияДо")] = Field(default=None, json_schema_extra=PERSONAL)
    surname_after: Annotated[str | None, text(60), Elem(
        "ФамилияПосле", absent="ПрФамилияПосле")] = Field(default=None,
                                                         json_schema_extra=PERSONAL)
    given: Annotated[str | None, text(60), Elem("Имя", absent="ПрИмя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Elem("Отчество", absent="ПрОтчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    citizenship_text: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate[F] | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    address: Annotated[Unmapped | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[IdentityDocument[F] | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
