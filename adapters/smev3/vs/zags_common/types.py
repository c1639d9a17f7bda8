"""The complex types every ЕГР ЗАГС format declares alike, once, with no namespace.

A type's child elements are in the namespace of the schema that declares it, and each
format declares its own copy: a class here sets none (``xml_namespace`` empty) and is generic
over the types it nests, so that a format subclasses it with its namespace and its own
nested types (``IdentityDocument[PartialDate]``). Types made only of attributes (a registry
office) have no namespace to set and are used as they are. Where a format's schema differs
(a longer code, a date with a time zone, data not personal there), its subclass overrides
that field alone, which keeps the field's place in the sequence.

A ``Пр…`` flag element ("no data") written instead of a value is a ``None`` value here: the
binding writes and reads the flag (``Elem(absent=...)``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import G_YEAR, PERSONAL, digits, exact, pattern, text

CountryCode = Annotated[str, digits(3)]
"""A country by ОКСМ (ОКСМТип): 643 for Russia."""
Region = Annotated[str, digits(2)]
"""A subject of the Russian Federation (ССРФТип): 02 for Bashkortostan."""
Oktmo = Annotated[str, pattern(r"[0-9]{8,11}")]
Guid = Annotated[str, pattern(r"[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}"
                              r"-[\da-fA-F]{12}")]
ErnId = Annotated[str, exact(12)]
"""A person's identifier in ЕРН (единый регистр населения), 12 characters."""


class FullName(XmlModel):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    family: Annotated[str | None, text(60), Elem("Фамилия", absent="ПрФамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    given: Annotated[str | None, text(60), Elem("Имя", absent="ПрИмя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Elem("Отчество", absent="ПрОтчество")] = Field(
        default=None, json_schema_extra=PERSONAL)


class PartialDate(XmlModel):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    day: Annotated[int | None, Field(ge=0, le=99), Elem("День", absent="ПрДень")] = None
    month: Annotated[int | None, Field(ge=0, le=99), Elem("Месяц", absent="ПрМесяц")] = None
    year: Annotated[str, G_YEAR, Elem("Год")]


PD = TypeVar("PD", bound=PartialDate)


class RegistryOffice(XmlModel):
    """The registry office (орган ЗАГС, ОрганЗАГСТип) by the СОЗАГС directory."""

    name: Annotated[str, text(1000), Attr("НаимЗАГС")]
    code: Annotated[str, exact(8), Attr("КодЗАГС")]


class Place(XmlModel):
    """A place of birth (МестоТип); kind 1 in Russia, 2 abroad, 3 unclassified. 112-03 and
    112-08 name ``Поселен`` otherwise and declare their own."""

    kind: Annotated[Literal["1", "2", "3"], Attr("ПризнМесто")]
    description: Annotated[str, text(512), Attr("МестоТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[Guid | None, Attr("ИдНом")] = None
    country_code: Annotated[CountryCode | None, Attr("КодСтраны")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    region: Annotated[Region | None, Attr("Регион")] = None
    region_name: Annotated[str | None, text(50), Attr("НаимСубъект")] = None
    district: Annotated[str | None, text(200), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    municipality: Annotated[str | None, text(200), Attr("Поселен")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None


class IdentityDocument(XmlModel, Generic[PD]):
    """An identity document, each part possibly absent (УдЛичнФЛПрТип)."""

    kind_code: Annotated[str | None, digits(2), Elem("КодВидДок", absent="ПрКодВидДок")] = None
    series: Annotated[str | None, text(40), Elem("СерДок", absent="ПрСерДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str | None, text(40), Elem("НомДок", absent="ПрНомДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PD | None, Elem("ДатаДокНеполн", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_by: Annotated[str | None, text(1000), Elem("ВыдДок", absent="ПрВыдДок")] = None
    issuer_code: Annotated[str | None, text(10), Elem("КодВыдДок", absent="ПрКодВыдДок")] = None


class AddressInRussia(XmlModel):
    """An address in Russia (АдрМЖРФ): exactly one of its forms — by ФИАС, by ГАР, an
    analogue of either (each with ``address_text``), or text. Formats name the forms
    themselves; their fields are declared in that order."""

    def as_text(self) -> str:
        """The address as the certificate and the act record print it."""
        for value in self.__dict__.values():  # one form at most is set (the choice)
            if isinstance(value, str):
                return value
            if value is not None:
                return str(value.address_text)
        return ""


class ForeignAddress(XmlModel):
    """An address abroad (АдрМЖИн): the text and the country (or its flag)."""

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Elem("ОКСМ", absent="ПрОКСМ")] = None


RA = TypeVar("RA", bound=AddressInRussia)
FA = TypeVar("FA", bound=ForeignAddress)


class Residence(XmlModel, Generic[RA, FA]):
    """Place of residence (АдрМЖТип): in Russia, abroad, or not classified."""

    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"where"})

    russia: Annotated[RA | None, Elem("АдрМЖРФ", choice="where")] = None
    abroad: Annotated[FA | None, Elem("АдрМЖИн", choice="where")] = None
    unclassified: Annotated[str | None, text(512), Elem("АдрМЖКонв", choice="where")] = Field(
        default=None, json_schema_extra=PERSONAL)

    def as_text(self) -> str:
        """The address as text, whichever form ЗАГС gave."""
        if self.russia is not None:
            return self.russia.as_text()
        if self.abroad is not None:
            return self.abroad.address_text
        return self.unclassified or ""


class ActRecord(XmlModel, Generic[PD]):
    """Another civil-status record referred to, e.g. the birth record (ЗапАктТип)."""

    act_type: Annotated[str, exact(2), Attr("ТипАГС")]
    type_name: Annotated[str, text(100), Attr("НаимТипЗапис")]
    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", absent="ПрДатаЗапис")] = None
    recorded_on_partial: Annotated[PD | None, Elem("ДатаЗаписДок", absent="ПрДатаЗапис")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]


AR = TypeVar("AR", bound=XmlModel)
DOC = TypeVar("DOC", bound=XmlModel)


class Basis(XmlModel, Generic[AR, DOC]):
    """A basis: a civil-status record or another document (СведДокОснТип)."""

    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"basis"})

    act: Annotated[AR | None, Elem("ЗапАктОсн", choice="basis")] = None
    document: Annotated[DOC | None, Elem("ДокОсн", choice="basis")] = None


BS = TypeVar("BS", bound=Basis)  # type: ignore[type-arg]


class RecordChange(XmlModel, Generic[BS]):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    kind_code: Annotated[str | None, digits(4), Attr("КодВидСвед")] = None
    changed_on: Annotated[date, Attr("ДатаВнесИспр")]
    content: Annotated[str | None, text(4000), Attr("СодержИспр")] = Field(
        default=None, json_schema_extra=PERSONAL)
    basis: Annotated[BS | None, Elem("СведДокИспрАГС", absent="ПрСведДокИспрАГС")] = None


class Certificate(XmlModel, Generic[PD]):
    """A certificate issued (СведСвидетТип): kind 1 first issue, 2 repeated."""

    kind: Annotated[Literal["1", "2"], Attr("ТипСвидет")]
    series: Annotated[str | None, text(10), Elem("СерияСвидет", absent="ПрСерияСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    number: Annotated[str | None, text(8), Elem("НомерСвидет", absent="ПрНомерСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    issued_on: Annotated[date | None, Elem("ДатаВыдСвидет", absent="ПрДатаВыдСвидет")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PD | None, Elem(
        "ДатаВыдСвидетДок", absent="ПрДатаВыдСвидет")] = Field(
        default=None, json_schema_extra=PERSONAL)
