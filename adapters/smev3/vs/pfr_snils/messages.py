"""Bound models of «СНИЛС по дополнительным сведениям» 1.0.1 (ПФР/СФР).

The root schema (``snils-by-additionalData-1.0.1.xsd``) builds both messages from groups
of two shared schemas: the person's names and the identity documents come from the СМЭВ
supplementary commons 1.0.1 (``smev:``), the structured place of birth and ПФР's own
document from ``pfr-common-types-1.0.0`` (``pfr:``). The answer repeats the request's
person, with the ``Snils`` after the names.

The two roots share every element but ``Snils``; :class:`_Names` and :class:`_Particulars`
hold them once and the roots list them in the schema's order (pydantic puts a base's
fields first, so ``class Root(_Particulars, _Names)`` reads names, then particulars).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts import message_type
from contracts.xmlbind.binding import Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, pattern, text

NS = "http://kvs.pfr.com/snils-by-additionalData/1.0.1"
SMEV_NS = "urn://x-artefacts-smev-gov-ru/supplementary/commons/1.0.1"
PFR_NS = "http://common.kvs.pfr.com/1.0.0"
SCHEMA = "snils-by-additionalData-1.0.1.xsd"

RUS = r"[а-яА-ЯёЁ\-0-9][а-яА-ЯёЁ\-\s'',.]*"
"""The commons' ``rus`` type: Cyrillic names with hyphens, spaces, apostrophes, dots."""
RUS_AND_NUM = r"[а-яА-ЯёЁ\-0-9][а-яА-ЯёЁ\-\s'',.0-9]*"

Rus100 = Annotated[str, pattern(RUS, max_length=100)]
Issuer = Annotated[str, pattern(RUS_AND_NUM, max_length=200)]
Gender = Literal["Male", "Female"]
Sex = Literal["1", "2"]
SnilsText = Annotated[str, pattern(r"\d{3}-?\d{3}-?\d{3}[ -]?\d{2}")]
"""``SNILSType`` is 11 digits; a СНИЛС written with its usual separators is read too
(tolerant reading), and what we send is checked against the XSD anyway."""



class DocumentBase(XmlModel):
    """The four elements every document type of the commons has; subclasses narrow the
    series and number as their XSD types do."""

    xml_namespace: ClassVar[str] = SMEV_NS

    series: str | None
    number: str
    issued_on: Annotated[date, Elem("IssueDate")] = Field(json_schema_extra=PERSONAL)
    issuer: Annotated[Issuer, Elem("Issuer")]


class PassportRF(DocumentBase):
    """Passport of a citizen of Russia (PassportRFType): series 4 digits, number 6."""

    series: Annotated[str, digits(4), Elem("Series")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, digits(6), Elem("Number")] = Field(json_schema_extra=PERSONAL)


class SovietStyleDocument(DocumentBase):
    """USSR passport or birth certificate (SovietPassportType): series like ``IV-АР``."""

    series: Annotated[str, pattern(r"[IVXLCDM]{1,3}[\-][А-Я]{2}", max_length=6),
                      Elem("Series")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, digits(6), Elem("Number")] = Field(json_schema_extra=PERSONAL)


class InternationalPassportRF(DocumentBase):
    """Russian passport for travel abroad or residence permit: series 2 digits, number 7."""

    series: Annotated[str, digits(2), Elem("Series")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, digits(7), Elem("Number")] = Field(json_schema_extra=PERSONAL)


class MilitaryPassport(DocumentBase):
    """Military ID or seaman's passport (MilitaryPassportDocumentType): ``АБ`` and 7 digits."""

    series: Annotated[str, pattern(r"[А-Я]{2}"), Elem("Series")] = Field(
        json_schema_extra=PERSONAL)
    number: Annotated[str, digits(7), Elem("Number")] = Field(json_schema_extra=PERSONAL)


class DrivingLicenseRF(DocumentBase):
    """Russian driving licence (DrivingLicenseRFType). The XSD's series pattern with its
    length of 4 admits four digits only."""

    series: Annotated[str, digits(4), Elem("Series")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, digits(6), Elem("Number")] = Field(json_schema_extra=PERSONAL)


class OtherDocument(DocumentBase):
    """A document of unrestricted form (NotRestrictedDocumentType): optional series."""

    series: Annotated[str | None, text(20), Elem("Series")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, pattern(r"[0-9а-яА-ЯA-Za-z]{1,25}"), Elem("Number")] = Field(
        json_schema_extra=PERSONAL)


class PfrDocument(XmlModel):
    """A document named by ПФР's own kind (PfrIdentificationDocument)."""

    xml_namespace: ClassVar[str] = PFR_NS

    kind: Annotated[str, text(200), Elem("Type")]
    document: Annotated[OtherDocument, Elem("Document")]


class BirthPlace(XmlModel):
    """Place of birth (pfr:BirthPlaceType): ``ОСОБОЕ`` or ``СТАНДАРТНОЕ`` and its parts."""

    xml_namespace: ClassVar[str] = PFR_NS

    place_type: Annotated[str, text(50), Elem("PlaceType")]
    settlement: Annotated[str, text(50), Elem("Settlement")] = Field(json_schema_extra=PERSONAL)
    district: Annotated[str | None, text(50), Elem("District")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[str | None, text(50), Elem("Region")] = None
    country: Annotated[str | None, text(50), Elem("Country")] = None


class _Names(XmlModel):
    """PhysicalPersonQualifiedName-ModelGroup of the commons."""

    family_name: Annotated[Rus100, Elem("FamilyName", ns=SMEV_NS)] = Field(
        json_schema_extra=PERSONAL)
    first_name: Annotated[Rus100, Elem("FirstName", ns=SMEV_NS)] = Field(
        json_schema_extra=PERSONAL)
    patronymic: Annotated[Rus100 | None, Elem("Patronymic", ns=SMEV_NS)] = Field(
        default=None, json_schema_extra=PERSONAL)


class _Particulars(XmlModel):
    """Birth date, gender, place of birth and at most one identity document
    (AllIdentityDocumentType-Group: the commons' three groups or ПФР's own)."""

    birth_date: Annotated[date, Elem("BirthDate")] = Field(json_schema_extra=PERSONAL)
    gender: Annotated[Gender, Elem("Gender")]
    birth_place: Annotated[BirthPlace | None, Elem("BirthPlace")] = None
    passport_rf: Annotated[PassportRF | None,
                           Elem("PassportRF", choice="document", ns=SMEV_NS)] = None
    foreign_passport: Annotated[OtherDocument | None,
                                Elem("ForeignPassport", choice="document", ns=SMEV_NS)] = None
    residence_permit_rf: Annotated[InternationalPassportRF | None,
                                   Elem("ResidencePermitRF", choice="document", ns=SMEV_NS)] = None
    international_passport_rf: Annotated[
        InternationalPassportRF | None,
        Elem("InternationalPassportRF", choice="document", ns=SMEV_NS)] = None
    military_passport: Annotated[MilitaryPassport | None,
                                 Elem("MilitaryPassport", choice="document", ns=SMEV_NS)] = None
    sailor_passport: Annotated[MilitaryPassport | None,
                               Elem("SailorPassport", choice="document", ns=SMEV_NS)] = None
    soviet_passport: Annotated[SovietStyleDocument | None,
                               Elem("SovietPassport", choice="document", ns=SMEV_NS)] = None
    birth_certificate: Annotated[SovietStyleDocument | None,
                                 Elem("BirthCertificate", choice="document", ns=SMEV_NS)] = None
    driving_license_rf: Annotated[DrivingLicenseRF | None,
                                  Elem("DrivingLicenseRF", choice="document", ns=SMEV_NS)] = None
    release_certificate: Annotated[OtherDocument | None,
                                   Elem("ReleaseCertificate", choice="document", ns=SMEV_NS)] = None
    passport_loss_certificate: Annotated[
        OtherDocument | None, Elem("PassportLossCertificate", choice="document", ns=SMEV_NS)] = None
    form9_certificate: Annotated[OtherDocument | None,
                                 Elem("Form9Certificate", choice="document", ns=SMEV_NS)] = None
    temporary_identity_card_rf: Annotated[
        OtherDocument | None, Elem("TemporaryIdentityCardRF", choice="document", ns=SMEV_NS)] = None
    pfr_document: Annotated[PfrDocument | None,
                            Elem("PfrIdentificationDocument", choice="document", ns=PFR_NS)
                            ] = None


_PREFIXES = {"ns": NS, "smev": SMEV_NS, "pfr": PFR_NS}


@message_type("smev3.pfr.snils.request", 1, title="СМЭВ: запрос СНИЛС по дополнительным "
              "сведениям")
class SnilsRequestV1(_Particulars, _Names):
    """Whose СНИЛС is asked for (SnilsByAdditionalDataRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "SnilsByAdditionalDataRequest"
    xml_prefixes: ClassVar[dict[str, str]] = _PREFIXES


class _NamesAndSnils(_Names):
    """The answer's names followed by the СНИЛС found."""

    snils: Annotated[SnilsText, Elem("Snils")] = Field(json_schema_extra=PERSONAL)


@message_type("smev3.pfr.snils.response", 1, title="СМЭВ: СНИЛС по дополнительным сведениям")
class SnilsResponseV1(_Particulars, _NamesAndSnils):
    """The person as ПФР knows them and their СНИЛС (SnilsByAdditionalDataResponse)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "SnilsByAdditionalDataResponse"
    xml_prefixes: ClassVar[dict[str, str]] = _PREFIXES
