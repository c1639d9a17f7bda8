"""Attachment (прикрепление, РПН) files: ATT from a clinic, its FLK_P answer, PRK to an insurer.

**There is no public XSD of these files.** The models are built from the anonymised real
files of the Vologda ТФОМС exchange (``../shared/fixtures/ferzl/attachment-vologda-samples``,
from qdsnik/tfoms-rpn-xml-converter): element names and order exactly as there, no
namespace, ``windows-1251``. Nothing here claims to be an official schema; since no XSD can
check the order of elements, the models check it themselves (``xml_ordered``).

- ``ATM…`` → root ATT v1.3: a clinic (МО) sends attachments to the fund (ZGLV + REC*);
- ``FATM…`` → root FLK_P: the fund's format-control answer (ZGLV + ERROR*, each naming the
  element path such as ``ATT\\REC\\DATE_ATTACH_B`` and the record N_ZAP);
- ``PRK…`` → root PRK v1.2: the people attached, sent to an insurer (СМО).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from annotated_types import Ge
from pydantic import Field, model_validator

from contracts.erz.common import DocumentType, Enp, Sex, Snils
from contracts.registry import message_type
from contracts.xmlbind.binding import Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, pattern, text

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

Oid = Annotated[str, pattern(r"\d+(\.\d+)+", max_length=128)]
"""An ISO OID (ФРМО identifiers of clinics and their departments)."""
ClinicCode = Annotated[str, digits(6)]
"""Реестровый код МО (CODE_MO): 6 digits."""
Positive = Annotated[int, Ge(1)]


class PlainModel(XmlModel):
    """Base of the models of files without an XSD (attachment files, our notices): no
    namespace, elements in the samples' order."""

    xml_ordered: ClassVar[bool] = True


class PersonRow(PlainModel):
    """The leading elements of a person's record: number, names, sex, birth date."""

    number: Annotated[Positive, Elem("N_ZAP")]
    family_name: Annotated[str, text(40), Elem("FAM")] = Field(json_schema_extra=PERSONAL)
    given_name: Annotated[str, text(40), Elem("IM")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(40), Elem("OT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    sex: Annotated[Sex, Elem("W")]
    birth_date: Annotated[date, Elem("DR")] = Field(json_schema_extra=PERSONAL)


class AttachmentHeader(PlainModel):
    """ZGLV of ATT: the file's version, date, name and the sending clinic."""

    version: Annotated[str, Elem("VERSION")] = "1.3"
    file_date: Annotated[date, Elem("FDATE")]
    file_name: Annotated[str, text(64), Elem("FNAME")]
    clinic_code: Annotated[ClinicCode, Elem("CODE_MO")]
    clinic_oid: Annotated[Oid, Elem("MO_ID")]
    area_type: Annotated[Positive, Elem("AREA_TYPE")]


class AttachmentRecord(PersonRow):
    """REC of ATT: one person attached to the clinic from a date."""

    enp: Annotated[Enp, Elem("ENP")] = Field(json_schema_extra=PERSONAL)
    attached_from: Annotated[date, Elem("DATE_ATTACH_B")]
    method: Annotated[Positive, Elem("ATTACH_METHOD")]
    doctor_snils: Annotated[Snils, Elem("DOC_CODE")] = Field(json_schema_extra=PERSONAL)
    """The district doctor's СНИЛС: a person's too."""
    department_oid: Annotated[Oid, Elem("MO_DEP_ID")]


@message_type("erz.att", 1, title="ATT: прикрепления от МО")
class AttachmentFile(PlainModel):
    """ATT: attachments a clinic (МО) sends to the fund (the ATM… file)."""

    xml_root: ClassVar[str] = "ATT"

    header: Annotated[AttachmentHeader, Elem("ZGLV")]
    records: Annotated[list[AttachmentRecord], Elem("REC"), Field(min_length=1)]


class ProtocolHeader(PlainModel):
    """ZGLV of the answer: its date and name, the file checked, and the result FLK_RES."""

    file_date: Annotated[date, Elem("FDATE")]
    file_name: Annotated[str, text(64), Elem("FNAME")]
    source_file: Annotated[str, text(64), Elem("FNAME_I")]
    result: Annotated[int, Elem("FLK_RES")]


class ProtocolError(PlainModel):
    """ERROR of the answer: a code, a message, the element path and the record."""

    code: Annotated[str, text(10), Elem("CODE")]
    message: Annotated[str, text(1000), Elem("MESSAGE")]
    tag: Annotated[str, text(200), Elem("TAG")]
    record: Annotated[Positive | None, Elem("N_ZAP")] = None


@message_type("erz.att.flk", 1, title="FLK_P: протокол ФЛК прикреплений")
class AttachmentProtocol(PlainModel):
    """FLK_P answering an ATT: the fund's format and logic control of it (the FATM… file)."""

    xml_root: ClassVar[str] = "FLK_P"
    xml_prefixes: ClassVar[dict[str, str]] = {"xsi": XSI, "xsd": XSD}

    header: Annotated[ProtocolHeader, Elem("ZGLV")]
    errors: Annotated[list[ProtocolError], Elem("ERROR")] = []


class ListHeader(PlainModel):
    """ZGLV of PRK: version, date, file name, the insurer and the period."""

    version: Annotated[str, Elem("VERSION")] = "1.2"
    file_date: Annotated[date, Elem("DATE")]
    file_name: Annotated[str, text(64), Elem("FILENAME")]
    insurer: Annotated[str, digits(5), Elem("SMO")]
    year: Annotated[int, Elem("YEAR"), Field(ge=2000, le=2100)]
    month: Annotated[int, Elem("MONTH"), Field(ge=1, le=12)]
    count: Annotated[int, Elem("ZAP")]


class AttachedPerson(PersonRow):
    """PERS of PRK: an attached person, their document, clinic, doctor and address."""

    document_type: Annotated[DocumentType, Elem("DOCTYPE")]
    document_series: Annotated[str | None, text(12), Elem("DOCSER", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    document_number: Annotated[str, text(20), Elem("DOCNUM")] = Field(
        json_schema_extra=PERSONAL)
    document_date: Annotated[date | None, Elem("DOCDATE", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    document_issuer: Annotated[str | None, Elem("DOCORG", blank=True)] = None
    enp: Annotated[Enp, Elem("ENP")] = Field(json_schema_extra=PERSONAL)
    clinic_code: Annotated[ClinicCode, Elem("CODE_MO")]
    clinic_oid: Annotated[Oid, Elem("MO_ID")]
    department_oid: Annotated[Oid | None, Elem("MO_DEP_ID", blank=True)] = None
    insured_since: Annotated[date, Elem("DATEZ")]
    attachment_reason: Annotated[Positive, Elem("PRZ")]
    area_type: Annotated[Positive, Elem("AREA_TYPE")]
    doctor_snils: Annotated[Snils | None, Elem("DOC_CODE", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    doctor_id: Annotated[str | None, Elem("DOC_ID", blank=True)] = None
    doctor_post: Annotated[str | None, Elem("DOC_POST", blank=True)] = None
    attached_from: Annotated[date, Elem("DBEG")]
    attached_to: Annotated[date | None, Elem("DEND", blank=True)] = None
    fias_object: Annotated[str | None, text(36), Elem("FIAS_AOID", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    fias_house: Annotated[str | None, text(36), Elem("FIAS_HOUSEID", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[str | None, Elem("REGNAME", blank=True)] = None
    district: Annotated[str | None, Elem("RNNAME", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, Elem("NPNAME", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    street: Annotated[str | None, Elem("UL", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    house: Annotated[str | None, Elem("DOM", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    building: Annotated[str | None, Elem("KOR", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[str | None, Elem("KV", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    comment: Annotated[str | None, Elem("COMMENT", blank=True)] = None


@message_type("erz.prk", 1, title="PRK: прикреплённые к МО — для СМО")
class AttachedList(PlainModel):
    """PRK: the people attached to clinics, sent to an insurer (СМО) (the PRK… file)."""

    xml_root: ClassVar[str] = "PRK"

    header: Annotated[ListHeader, Elem("ZGLV")]
    persons: Annotated[list[AttachedPerson], Elem("PERS")] = []

    @model_validator(mode="after")
    def _check_count(self) -> AttachedList:
        if self.header.count != len(self.persons):
            raise ValueError(f"ZAP is {self.header.count} but the file holds "
                             f"{len(self.persons)} records")
        return self
