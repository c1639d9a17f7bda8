"""Requests of mpiPolicyApplicationService: an application (заявление) to choose or change a
СМО, reissue a policy…, plain or signed (submitPolicyApplication[WithSign]).

The applicant's and the legal representative's documents share one model: the schema
spells the birth date ``birthDay`` in one and ``birthday`` in the other, and the writer
takes the spelling the schema declares.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Enp, Okato, Part, Request, Snils, Xsd
from adapters.ferzl.requests.common import IdentityDocument, SignedDocument
from adapters.ferzl.requests.objects import Address
from contracts.xmlbind.fields import PERSONAL

ContactKind = Literal["TEL", "MTEL", "EMAIL", "MAIL", "STR"]


class PersonDocument(Part):
    """An identity document with the names and birth data it states (the legal
    representative's ``PersonDocIdent``; the applicant's adds a draft flag)."""

    series: Annotated[str | None, Xsd("dudlSer", "серия ДУДЛ")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, Xsd("dudlNum", "номер ДУДЛ")] = Field(json_schema_extra=PERSONAL)
    issued: Annotated[date, Xsd("dudlDateB", "дата выдачи")] = Field(json_schema_extra=PERSONAL)
    kind: Annotated[str, Xsd("dudlType", "вид ДУДЛ")]
    surname: Annotated[str | None, Xsd("surname", "фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstName", "имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    valid_to: Annotated[date | None, Xsd("dudlDateE", "действует по")] = None
    issuer: Annotated[str | None, Xsd("issuer", "кем выдан")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issuer_country: Annotated[str | None, Xsd("issuerOksm", "страна выдачи (ОКСМ)")] = None
    citizenship: Annotated[str | None, Xsd("ctznOksm", "гражданство (ОКСМ)")] = None
    note: Annotated[str | None, Xsd("descr", "описание")] = None
    birth_date: Annotated[date, Xsd("birthDay", "дата рождения", also=("birthday",))] = Field(
        json_schema_extra=PERSONAL)
    birth_place: Annotated[str | None, Xsd("birthplace", "место рождения")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_country: Annotated[str | None, Xsd("birthOksm", "страна рождения (ОКСМ)")] = None
    reliability: Annotated[str | None, Xsd("dost", "отсутствующие части ФИО")] = None
    id: Annotated[str | None, Xsd("id", "идентификатор документа")] = None
    gender: Annotated[Literal["1", "2"], Xsd("gender", "пол")]
    stateless: Annotated[bool, Xsd("noCitizenship", "без гражданства")] = False
    issuer_division: Annotated[str | None, Xsd("dudlCodeDivision", "код подразделения")] = None


class ApplicantDocument(PersonDocument):
    """The applicant's identity document (``ApplicantDocData``)."""

    is_draft: Annotated[bool, Xsd("isDraft", "черновик")] = False


class Contact(Part):
    """A telephone, e-mail or postal contact (``ApplicantContact``/``LegalRepContact``)."""

    kind: Annotated[ContactKind, Xsd("contactType", "вид контакта")]
    note: Annotated[str | None, Xsd("descr", "описание")] = None
    text: Annotated[str, Xsd("contactText", "контакт")] = Field(json_schema_extra=PERSONAL)


class RepresentationDocument(Part):
    """A document of legal representation (``PersonRepVoucherDoc``), kinds 1, 2, 3, 5."""

    kind: Annotated[Literal["1", "2", "3", "5"], Xsd("dudlType", "вид документа")]
    series: Annotated[str | None, Xsd("dudlSer", "серия")] = None
    number: Annotated[str, Xsd("dudlNum", "номер")]
    issued: Annotated[date, Xsd("dudlDateB", "дата выдачи")]
    valid_to: Annotated[date | None, Xsd("dudlDateE", "действует по")] = None


class RepresentativePolicy(Part):
    """The legal representative's policy (``PersonRepPcy``)."""

    enp: Annotated[Enp | None, Xsd("enp", "ЕНП")] = None
    series: Annotated[str | None, Xsd("pcySer", "серия полиса")] = None
    number: Annotated[str | None, Xsd("pcyNum", "номер полиса")] = None
    since: Annotated[date | None, Xsd("pcyDateB", "дата полиса")] = None
    kind: Annotated[str | None, Xsd("pcyType", "тип полиса")] = None


class ApplicantDocuments(Part):
    """``ListOfApplicantDoc``."""

    items: Annotated[list[ApplicantDocument], Xsd("applicantDocItem", "документ")]


class RepresentativeDocuments(Part):
    """``ListOfLegalRepDoc``."""

    items: Annotated[list[PersonDocument], Xsd("legalRepDocItem", "документ")]


class Addresses(Part):
    """``ListOfAddress``."""

    items: Annotated[list[Address], Xsd("addressItem", "адрес")]


class RepresentativeAddresses(Part):
    """``ListOfLegalRepAddr``."""

    items: Annotated[list[Address], Xsd("legalRepAddrItem", "адрес")]


class ApplicantContacts(Part):
    """``ListOfApplicantCont``."""

    items: Annotated[list[Contact], Xsd("applicantContItem", "контакт")]


class RepresentativeContacts(Part):
    """``ListOfLegalRepCont``."""

    items: Annotated[list[Contact], Xsd("legalRepContItem", "контакт")]


class RepresentationDocuments(Part):
    """``ListOfPersonRepVoucherDoc``."""

    items: Annotated[list[RepresentationDocument], Xsd("personRepVoucherDocItem", "документ")]


class PolicyApplication(Part):
    """An application (``PolicyApplicationData``).

    ``method`` (appMethod 1, 2, 3, 5: how it was filed), ``subject`` (appObject 1, 4: what is
    asked), ``cause`` (appCause 1..5: why the СМО changes), ``kl`` the person's category,
    ``negative_flag`` (flagNeg) as the form says, ``registered`` the filing date."""

    id: Annotated[str | None, Xsd("id", "идентификатор заявления")] = None
    is_draft: Annotated[bool, Xsd("isDraft", "черновик")] = False
    negative_flag: Annotated[bool, Xsd("flagNeg", "отметка flagNeg")] = True
    territory: Annotated[Okato, Xsd("terr", "территория (ОКАТО)")]
    smo: Annotated[str, Xsd("smo", "код СМО")]
    insured_from: Annotated[date | None, Xsd("dateIns", "дата страхования")] = None
    registered: Annotated[date, Xsd("regDate", "дата заявления")]
    applicant_documents: Annotated[ApplicantDocuments, Xsd("applicantDoc", "ДУДЛ заявителя")]
    representative_documents: Annotated[RepresentativeDocuments | None, Xsd(
        "legalRepDoc", "ДУДЛ представителя")] = None
    snils: Annotated[Snils | None, Xsd("snils", "СНИЛС")] = Field(
        default=None, json_schema_extra=PERSONAL)
    addresses: Annotated[Addresses | None, Xsd("addr", "адреса")] = None
    applicant_contacts: Annotated[ApplicantContacts | None, Xsd(
        "applicantCont", "контакты заявителя")] = None
    representative_contacts: Annotated[RepresentativeContacts | None, Xsd(
        "legalRepCont", "контакты представителя")] = None
    method: Annotated[Literal[1, 2, 3, 5], Xsd("appMethod", "способ подачи")]
    subject: Annotated[Literal[1, 4], Xsd("appObject", "предмет заявления")]
    cause: Annotated[Literal[1, 2, 3, 4, 5] | None, Xsd("appCause", "причина")] = None
    kl: Annotated[str, Xsd("kl", "категория ЗЛ")]
    enp: Annotated[Enp | None, Xsd("enp", "ЕНП")] = None
    pv: Annotated[str | None, Xsd("pv", "признак pv")] = None
    representative_relation: Annotated[Literal["1", "2", "3", "4", "5"] | None, Xsd(
        "legalRepRel", "отношение представителя")] = None
    policy_end: Annotated[date | None, Xsd("policyEndDate", "окончание полиса")] = None
    homeless: Annotated[bool, Xsd("homeless", "без определённого места жительства")] = False
    registration_document: Annotated[IdentityDocument | None, Xsd(
        "regConfirmDoc", "документ о регистрации")] = None
    representation_documents: Annotated[RepresentationDocuments | None, Xsd(
        "repVoucherDoc", "документы о представительстве")] = None
    representative_snils: Annotated[Snils | None, Xsd("legalRepSnils", "СНИЛС представителя")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    representative_policy: Annotated[RepresentativePolicy | None, Xsd(
        "legalRepPcy", "полис представителя")] = None
    representative_addresses: Annotated[RepresentativeAddresses | None, Xsd(
        "legalRepAddr", "адреса представителя")] = None


class ApplicationSubmission(Part):
    """``SubmitApplicationRequestType``: the application and whether only ФЛК is asked."""

    application: Annotated[PolicyApplication, Xsd("pa", "заявление")]
    check_flk: Annotated[bool, Xsd("checkFlk", "с проверкой ФЛК")] = True


class SubmitPolicyApplication(Request):
    """submitPolicyApplication."""

    OPERATION: ClassVar[str] = "submitPolicyApplication"
    submission: Annotated[ApplicationSubmission, Xsd("rq", "заявление")]


class SubmitPolicyApplicationWithSign(SignedDocument):
    """submitPolicyApplicationWithSign: the application document (``data``) signed."""

    OPERATION: ClassVar[str] = "submitPolicyApplicationWithSign"
