"""The extract of ФГИС ФРИ about a disabled person, ``ВыпискаФРИ`` (``RequestExtract.xsd``).

ФРИ sends the extract as an attachment of its answer. Its schema is published and compiles;
:func:`read_extract` reads the part a fund uses — the extract's identity and kind, the
person, the current disability (group, dates, the МСЭ act and certificate, the cause) and,
per file the extract was made from, its particulars — and skips each file's records
(``ВсеСведения``, hundreds of categories of the schema). The bytes are kept whole by the hub.

Many elements are ``nillable``: an empty (``xsi:nil``) one reads as ``None``. Reading is
tolerant: an element the models do not describe is skipped, and the deviations from the
schema are returned beside the extract for the caller to journal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from lxml import etree
from pydantic import Field

from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import Elem, XmlModel, from_xml
from contracts.xmlbind.fields import PERSONAL, pattern
from contracts.xmlsafe import parse

FRI_NS = "http://fri.pfr.ru"
EXTRACT_SCHEMA = "RequestExtract.xsd"


class Coded(XmlModel):
    """A code and its name in ФРИ's system dictionaries (SourceType, DocType)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    code: Annotated[str, Elem("Код")]
    name: Annotated[str, Elem("Наименование")]


class Disability(XmlModel):
    """The current disability (ActualInvalidityInfo)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    since: Annotated[date, Elem("ДатаС")]
    until: Annotated[date, Elem("ДатаПо")]
    act_number: Annotated[str | None, Elem("НомерАктаМСЭ", blank=True)] = None
    act_date: Annotated[date | None, Elem("ДатаАктаМСЭ", blank=True)] = None
    certificate_series: Annotated[str | None, Elem("СерияСправкиМСЭ", blank=True)] = None
    certificate_number: Annotated[str | None, Elem("НомерСправкиМСЭ", blank=True)] = None
    certificate_date: Annotated[date | None, Elem("ДатаСправкиМСЭ", blank=True)] = None
    primary: Annotated[bool | None, Elem("ПервичнаяИнвалидность", blank=True)] = None
    primary_exam_date: Annotated[date | None, Elem("ДатаПервичногоОсвидетельствования",
                                                   blank=True)] = None
    next_exam_date: Annotated[date | None, Elem("ОчередноеОсвидетельствование",
                                                blank=True)] = None
    group: Annotated[int, Elem("ГруппаИнвалидности")]
    """Группа инвалидности; ФРИ writes 4 for «ребёнок-инвалид»."""
    child: Annotated[bool, Elem("Ребенок")]
    visual: Annotated[bool | None, Elem("ИнвалидПоЗрению", blank=True)] = None
    cause_code: Annotated[int | None, Elem("КодПричиныИнвалидности", blank=True)] = None
    cause: Annotated[str | None, Elem("НаименованиеПричиныИнвалидности", blank=True)] = None


class PersonData(XmlModel):
    """The disabled person as ФРИ registers them (PersonDataType)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    snils: Annotated[str, pattern(r"[0-9]{3}-[0-9]{3}-[0-9]{3}\s[0-9]{2}"),
                     Elem("СНИЛС")] = Field(json_schema_extra=PERSONAL)
    surname: Annotated[str, Elem("Фамилия")] = Field(json_schema_extra=PERSONAL)
    name: Annotated[str, Elem("Имя")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Elem("Отчество", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date: Annotated[str, Elem("ДатаРождения")] = Field(json_schema_extra=PERSONAL)
    """A string in the schema (``2003-09-01`` in the published sample)."""
    sex: Annotated[Literal["F", "M"], Elem("Пол")]
    registered_at: Annotated[datetime, Elem("ДатаРегистрации")]
    disability: Annotated[Disability, Elem("АктуальныеСведенияОбИнвалидности")]


class FileProperties(XmlModel):
    """Particulars of a file or document the extract was made from (FilePropertiesType)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    id: Annotated[str, Elem("ID")]
    key: Annotated[str | None, Elem("Ключ", blank=True)] = None
    parent: Annotated[str | None, Elem("РодительскийФайл", blank=True)] = None
    source: Annotated[Coded, Elem("Источник")]
    number: Annotated[str | None, Elem("Номер", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    dated: Annotated[date | None, Elem("Дата", blank=True)] = None
    valid_until: Annotated[date | None, Elem("СрокДействия", blank=True)] = None
    registered_at: Annotated[datetime, Elem("ДатаРегистрации")]
    file_type: Annotated[Coded, Elem("ТипФайла")]
    basis: Annotated[bool, Elem("ДокументОснование")]
    execution: Annotated[bool, Elem("ДокументИсполнение")]


class ExtractFile(XmlModel):
    """One file of the extract (FileType); its records (``ВсеСведения``) are not mapped."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    properties: Annotated[FileProperties, Elem("РеквизитыФайла")]


class AllFiles(XmlModel):
    """The files the extract was made from (AllFilesType)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True

    files: Annotated[list[ExtractFile], Elem("Файл")] = []


class Extract(XmlModel):
    """ВыпискаФРИ: the extract about one disabled person (ExtractType)."""

    xml_namespace: ClassVar[str] = FRI_NS
    xml_partial: ClassVar[bool] = True
    xml_root: ClassVar[str] = "ВыпискаФРИ"
    xml_prefixes: ClassVar[dict[str, str]] = {"fri": FRI_NS}

    id: Annotated[str, Elem("Идентификатор")]
    kind: Annotated[Literal["FIXED", "FLEXIBLE"], Elem("ТипВыписки")]
    formed_at: Annotated[datetime, Elem("ВремяФормирования")]
    consumer: Annotated[str, Elem("Потребитель")]
    """Who asked: ``{sourceId}.{serviceId}`` by ФРИ's dictionary."""
    person: Annotated[PersonData, Elem("ПерсональныеДанные")]
    all_files: Annotated[AllFiles, Elem("ВсеФайлы")]


def read_extract(data: bytes, schemas: SchemaStore | None = None) -> tuple[Extract, list[str]]:
    """The extract from an attachment's bytes, and its deviations from ``RequestExtract.xsd``
    when a schema store is given (tolerant reading: they are reported, not refused; what
    cannot be understood raises :class:`~contracts.xmlbind.binding.MappingError`)."""
    element: etree._Element = parse(data)
    errors = schemas.validate(EXTRACT_SCHEMA, element) if schemas is not None else []
    return from_xml(Extract, element), errors
