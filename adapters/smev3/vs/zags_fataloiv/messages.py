"""Canonical models of ЗАГС death records for executive authorities, 112-41 v4.0.0.

Death records (сведения о смерти для ОИВ) that the registry offices (ЗАГС) deliver in
``FATALOIVRequest``; the receiver answers ``FATALOIVResponse`` with a processing code. Every
element and attribute of both is mapped. The format writes a ``Пр…`` flag element ("no
data") instead of a value it lacks: here such a value is simply ``None`` and the binding
writes and reads the flag. The schema's third element, ``Request`` (an open wrapper of a
СМЭВ 1.3 directive registry), carries no data of its own and is not mapped.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_fatal.messages import (
    FiasAddress,
    KladrAddress,
    RegistryOffice,
)
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, exact, pattern, text

NS = "urn://x-artefacts-zags-fataloiv/root/112-41/4.0.0"
TYPES_NS = "urn://x-artefacts-zags-fataloiv/types/4.0.0"
SCHEMA = "zags-fataloiv-ru-root.xsd"

CountryCode = Annotated[str, digits(3)]
Oktmo = Annotated[str, pattern(r"[0-9]{8,11}")]


class FullName(common.FullName):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class PartialDate(common.PartialDate):
    """A date as the document gives it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Place(XmlModel):
    """A place of birth or death (МестоТип); kind 1 in Russia, 2 abroad."""

    kind: Annotated[Literal["1", "2"], Attr("ПризнМесто")]
    description: Annotated[str, text(512), Attr("МестоТекст")] = Field(
        json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Attr("КодСтраны")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    region: Annotated[str | None, digits(2), Attr("Регион")] = None
    region_name: Annotated[str | None, text(50), Attr("НаимСубъект")] = None
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None


class Citizenship(XmlModel):
    """Citizenship (ГражданствоТип)."""

    country_code: Annotated[CountryCode | None, Attr("ОКСМ")] = None
    country_name: Annotated[str, text(255), Attr("НаимСтраны")]


class FiasAddressOiv(FiasAddress):
    """An address by ФИАС (АдрФИАСТип), as in 112-04, in this format's namespace."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RussianAddress(XmlModel):
    """An address in Russia (АдрМЖРФ): text, kind, ОКТМО, and КЛАДР or ФИАС parts."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"parts"})

    address_text: Annotated[str, text(512), Attr("АдрРФТекст")] = Field(
        json_schema_extra=PERSONAL)
    kind: Annotated[Literal["1", "2"], Attr("ПрТипАдрРФ")]
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    kladr: Annotated[KladrAddress | None, Elem("АдрКЛАДР", choice="parts")] = None
    fias: Annotated[FiasAddressOiv | None, Elem("АдрФИАС", choice="parts")] = None


class ForeignAddress(XmlModel):
    """An address abroad (АдрМЖИн)."""

    country_code: Annotated[CountryCode, Attr("ОКСМ")]
    country_name: Annotated[str, text(255), Attr("НаимСтраны")]
    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)


class Residence(XmlModel):
    """Place of residence (АдрМЖТип): in Russia or abroad."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"where"})

    russia: Annotated[RussianAddress | None, Elem("АдрМЖРФ", choice="where")] = None
    abroad: Annotated[ForeignAddress | None, Elem("АдрМЖИн", choice="where")] = None


class IdentityDocument(XmlModel):
    """An identity document (УдЛичнФЛТип)."""

    kind_code: Annotated[str, digits(2), Attr("КодВидДок")]
    name: Annotated[str, text(120), Attr("НаимДок")]
    series_number: Annotated[str, text(25), Attr("СерНомДок")] = Field(
        json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Attr("ДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_by: Annotated[str | None, text(255), Attr("ВыдДок")] = None


class DeceasedChild(XmlModel):
    """For a child under one year (СведУмерРеб): birth weight and order of birth."""

    xml_namespace: ClassVar[str] = TYPES_NS

    weight: Annotated[int | None, Field(ge=0, lt=10**5), Elem("Масса", absent="ПрМасса")] = None
    birth_order: Annotated[int | None, Field(ge=0, lt=100), Elem("Счет", absent="ПрСчет")] = None


class Doctor(XmlModel):
    """The doctor who established the cause of death (СведВрач)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    position: Annotated[str | None, text(100), Attr("СведДолжн")] = None
    name: Annotated[FullName, Elem("ФИОВрач")]


class IcdCause(XmlModel):
    """A cause of death by МКБ-10 (СвПричСмертМКБ)."""

    code: Annotated[str, text(10), Attr("КодПричСмерт")] = Field(json_schema_extra=PERSONAL)
    name: Annotated[str, text(255), Attr("ПричСмерт")] = Field(json_schema_extra=PERSONAL)


class OtherCause(XmlModel):
    """A cause of death in free form (СвПричСмертПроизв)."""

    code: Annotated[str | None, text(10), Attr("КодПричСмертПроизв")] = Field(
        default=None, json_schema_extra=PERSONAL)
    name: Annotated[str, text(255), Attr("ПричСмертПроизв")] = Field(
        json_schema_extra=PERSONAL)


class DeathCause(XmlModel):
    """A cause of death (СведПричСмерт) and its place in the chain (Заболевание)."""

    xml_namespace: ClassVar[str] = NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"cause"})

    disease: Annotated[Literal["01", "02", "03", "04", "05", "11", "12", "13", "14", "15"],
                       Attr("Заболевание")]
    icd: Annotated[IcdCause | None, Elem("СвПричСмертМКБ", choice="cause")] = None
    other: Annotated[OtherCause | None, Elem("СвПричСмертПроизв", choice="cause")] = None


class Deceased(XmlModel):
    """The deceased person (СведУмер). ``None`` means "no data" (the ``Пр…`` flag)."""

    xml_namespace: ClassVar[str] = NS

    unidentified: Annotated[Literal["1"] | None, Attr("ПрНеустанЛицо")] = None
    sex: Annotated[Literal["1", "2"] | None, Attr("Пол")] = None
    name: Annotated[FullName, Elem("ФИОУмер")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    citizenship: Annotated[Citizenship | None, Elem("Гражданство", absent="ПрГражданство")] = (
        None)
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    death_date: Annotated[date | None, Elem("ДатаСмертКаленд", absent="ПрДатаСмерт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаСмертДок", absent="ПрДатаСмерт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_time: Annotated[time | None, Elem("ВремяСмерт", absent="ПрВремяСмерт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_place: Annotated[Place | None, Elem("МестоСмерт", absent="ПрМестоСмерт")] = None
    nationality: Annotated[str | None, digits(3), Elem(
        "Национальность", absent="ПрНациональность")] = None
    marital_status: Annotated[Literal["01", "02", "03"] | None, Elem(
        "СемПолож", absent="ПрСемПолож")] = None
    education: Annotated[Literal["01", "02", "03", "04", "05", "06", "07", "08", "09"] | None,
                         Elem("Образование", absent="ПрОбразование")] = None
    employment: Annotated[Literal["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
                          | None, Elem("Занятость", absent="ПрЗанятость")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    death_place_kind: Annotated[Literal["01", "02", "03", "04", "05"] | None, Elem(
        "МестоНастСмерт", absent="ПрМестоНастСмерт")] = None
    circumstances: Annotated[Literal["01", "02", "03", "04", "05", "06", "07", "08"] | None,
                             Elem("ОбстоятСмерт", absent="ПрОбстоятСмерт")] = None
    road_accident_term: Annotated[Literal["01", "02"] | None, Elem(
        "СрокСмертДТП", absent="ПрСрокСмертДТП")] = None
    child: Annotated[DeceasedChild | None, Elem("СведУмерРеб")] = None
    cause_established_by: Annotated[Literal["01", "02", "03", "04", "05"] | None, Elem(
        "ЛицоПричСмерт", absent="ПрЛицоПричСмерт")] = None
    doctor: Annotated[Doctor | None, Elem("СведВрач", absent="ПрСведВрач")] = None
    cause_basis: Annotated[Literal["01", "02", "03", "04"] | None, Elem(
        "ОснПричСмерт", absent="ПрОснПричСмерт")] = None
    causes: Annotated[list[DeathCause], Field(min_length=1), Elem("СведПричСмерт")]


class Mark(XmlModel):
    """A mark on a document (СведПометка)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    mark: Annotated[Literal["01", "02", "03", "04"] | None, Elem(
        "Пометка", absent="ПрПометка")] = None


class Document(XmlModel):
    """A document and who issued or presented it (СведДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    code: Annotated[str | None, exact(5), Attr("КодДок")] = None
    name: Annotated[str, text(500), Attr("НаимДок")]
    series_number: Annotated[str | None, text(25), Attr("СерНомДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Attr("ДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    mark: Annotated[Mark | None, Elem("СведПометка")] = None
    organisation: Annotated[str | None, text(255), Elem("НаимОрг", choice="issuer")] = None
    entrepreneur: Annotated[FullName | None, Elem("ФИОИП", choice="issuer")] = None
    person: Annotated[FullName | None, Elem("ФИОФЛ", choice="issuer")] = None


class RegistryOfficeOiv(RegistryOffice):
    """The registry office (ОрганЗАГСТип), as in 112-04."""


class ActRecord(XmlModel):
    """Another civil-status record as the basis of a change (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    act_type: Annotated[str | None, exact(2), Attr("ТипАГС")] = None
    record_type_name: Annotated[str, text(100), Attr("НаимТипЗапис")]
    number: Annotated[str, text(22), Attr("НомерЗапис")]
    recorded_on: Annotated[date, Attr("ДатаЗапис")]
    registry_office: Annotated[RegistryOfficeOiv, Elem("ОрганЗАГС")]


class ChangeBasis(common.Basis[ActRecord, Document]):
    """The basis of a change: a civil-status record or a document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(XmlModel):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    kind_code: Annotated[str | None, digits(4), Attr("КодВидСвед")] = None
    kind_name: Annotated[str | None, text(500), Attr("НаимВидСвед")] = None
    changed_on: Annotated[date, Attr("ДатаВнесИспр")]
    content: Annotated[str | None, text(1000), Attr("СодержИспр")] = None
    basis: Annotated[ChangeBasis | None, Elem("СведДокИспрАГС", absent="ПрСведДокИспрАГС")] = (
        None)


class PersonApplicant(XmlModel):
    """The person who applied for the registration (СвЗаявительФЛТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    position: Annotated[str | None, text(100), Attr("СведДолжность")] = None
    name: Annotated[FullName, Elem("ФИОЗаявитель")]
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None


class OrganisationApplicant(XmlModel):
    """An organisation that applied, and its representative (СведЗаявительЮЛ)."""

    xml_namespace: ClassVar[str] = NS

    name: Annotated[str, text(1000), Attr("НаимОрг")]
    address: Annotated[str | None, text(255), Attr("АдрОрг")] = None
    representative: Annotated[PersonApplicant, Elem("СведПредстОрг")]


class RecordStatus(XmlModel):
    """Status of the record (СтатусЗаписи): code and name (01 is "запись акта первичная")."""

    since: Annotated[date, Attr("ДатаНачСтатус")]
    code: Annotated[Literal["01", "02", "03", "07"], Attr("КодСтатус")]
    name: Annotated[str, text(255), Attr("НаимСтатус")]


class Certificate(XmlModel):
    """A death certificate issued (СведСвидетТип)."""

    series: Annotated[str, text(8, 2), Attr("СерияСвидет")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, text(8, 6), Attr("НомерСвидет")] = Field(json_schema_extra=PERSONAL)
    issued_on: Annotated[date, Attr("ДатаВыдСвидет")] = Field(json_schema_extra=PERSONAL)


class Registered(XmlModel):
    """What was registered (ПрдСведРег): the deceased and the document of death."""

    xml_namespace: ClassVar[str] = NS

    deceased: Annotated[Deceased, Elem("СведУмер")]
    death_document: Annotated[Document, Elem("СведДокСмерт")]


class DeathRecord(XmlModel):
    """One death record, as a version of it (СведРегСмертОИВ)."""

    xml_namespace: ClassVar[str] = NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"applicant"})

    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[date, Attr("ДатаЗапис")]
    version: Annotated[str, text(3), Attr("НомерВерс")]
    version_date: Annotated[date, Attr("ДатаВерс")]
    registry_office: Annotated[RegistryOfficeOiv, Elem("ОрганЗАГС")]
    status: Annotated[RecordStatus, Elem("СтатусЗаписи")]
    certificate: Annotated[Certificate | None, Elem("СведСвидет")] = None
    repeat_certificates: Annotated[list[Certificate], Elem("ПовтСвидет")] = []
    registered: Annotated[Registered, Elem("ПрдСведРег")]
    corrections: Annotated[list[RecordChange], Elem("СведИспрАГС")] = []
    restoration: Annotated[RecordChange | None, Elem("СведВосстанАГС")] = None
    annulment: Annotated[RecordChange | None, Elem("СведАннулирАГС")] = None
    applicant_organisation: Annotated[OrganisationApplicant | None, Elem(
        "СведЗаявительЮЛ", choice="applicant")] = None
    applicant_person: Annotated[PersonApplicant | None, Elem(
        "СведЗаявительФЛ", choice="applicant")] = None


@message_type("smev3.zags.fataloiv.request", 1,
    title="СМЭВ: сведения о смерти для органов власти (112-41)")
class FatalOivRequestV1(XmlModel):
    """Death records for executive authorities, 112-41 v4.0.0 (FATALOIVRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FATALOIVRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "ns2": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[DeathRecord], Field(min_length=1), Elem("СведРегСмертОИВ")]


@message_type("smev3.zags.fataloiv.response", 1, title="СМЭВ: ответ на сведения о смерти (112-41)")
class FatalOivResponseV1(XmlModel):
    """The receiver's answer to a delivery (FATALOIVResponse): processing code 01 or 02."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FATALOIVResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    code: Annotated[Literal["01", "02"], Attr("КодОбр")]
