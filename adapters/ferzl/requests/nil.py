"""Requests of mpiNilService: unidentified persons (НИЛ, неидентифицированные лица) found,
read, and the identification decision made.

makeNilIdentDecision changed shape between releases: 23.4.7 sends the decision itself
(``rq``) beside ``sign`` and ``certificate``; later releases send the decision as the signed
document ``data``. :class:`MakeNilIdentDecision` holds either, and the writer refuses what
the chosen release does not declare.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Enp, Oip, Part, Request, Snils, Xsd
from adapters.ferzl.requests.common import IdentityDocument, Pagination
from contracts.xmlbind.fields import PERSONAL


class NilCriteria(Part):
    """What a НИЛ is searched by (``FindNilsNilRequest``): the МО or emergency team that
    admitted them, the НИЛ's number (``nlr``), periods, estimated names and age."""

    mo_code: Annotated[str | None, Xsd("moCode", "код МО")] = None
    mo_id: Annotated[str | None, Xsd("moId", "МО (OID ФРМО)")] = None
    mo_branch_id: Annotated[str | None, Xsd("moFId", "филиал МО (OID ФРМО)")] = None
    mo_okato: Annotated[str | None, Xsd("moOkato", "ОКАТО МО")] = None
    smp_code: Annotated[str | None, Xsd("smpCode", "код СМП")] = None
    smp_id: Annotated[str | None, Xsd("smpId", "СМП (OID)")] = None
    smp_branch_id: Annotated[str | None, Xsd("smpFid", "филиал СМП (OID)")] = None
    team: Annotated[str | None, Xsd("teamNum", "номер бригады")] = None
    substation: Annotated[str | None, Xsd("subst", "подстанция")] = None
    call: Annotated[str | None, Xsd("assignNum", "номер вызова")] = None
    nlr: Annotated[str | None, Xsd("nlr", "номер НИЛ")] = None
    admitted_from: Annotated[date | None, Xsd("whenAdmittedSince", "поступил с")] = None
    admitted_to: Annotated[date | None, Xsd("whenAdmittedTill", "поступил по")] = None
    left_from: Annotated[date | None, Xsd("whenLeavedSince", "выбыл с")] = None
    left_to: Annotated[date | None, Xsd("whenLeavedTill", "выбыл по")] = None
    petition_from: Annotated[date | None, Xsd("dateKhodatSince", "ходатайство с")] = None
    petition_to: Annotated[date | None, Xsd("dateKhodatTill", "ходатайство по")] = None
    citizenship: Annotated[str | None, Xsd("ctznOksm", "гражданство (ОКСМ)")] = None
    stateless: Annotated[Literal[0, 1] | None, Xsd("noCizizenship", "без гражданства")] = None
    surname: Annotated[str | None, Xsd("surnameEstim", "фамилия (предположительно)")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstNameEstim", "имя (предположительно)")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymicEstim",
                                          "отчество (предположительно)")] = Field(
        default=None, json_schema_extra=PERSONAL)
    gender: Annotated[Literal[1, 2] | None, Xsd("gender", "пол")] = None
    born_from: Annotated[date | None, Xsd("birthdaySince", "родился с")] = None
    born_to: Annotated[date | None, Xsd("birthdayTill", "родился по")] = None
    age_from: Annotated[int | None, Xsd("estimAgeB", "возраст от")] = None
    age_to: Annotated[int | None, Xsd("estimAgeE", "возраст до")] = None
    died_from: Annotated[date | None, Xsd("deathDateSince", "умер с")] = None
    died_to: Annotated[date | None, Xsd("deathDateTill", "умер по")] = None
    snils: Annotated[Snils | None, Xsd("snils", "СНИЛС")] = Field(
        default=None, json_schema_extra=PERSONAL)


class DecisionCriteria(Part):
    """Search by the identification decision (``FindNilsIdentificationNil``)."""

    decided_from: Annotated[date | None, Xsd("decisionDateSince", "решение с")] = None
    decided_to: Annotated[date | None, Xsd("decisionDateTill", "решение по")] = None
    decision: Annotated[str | None, Xsd("decision", "решение")] = None
    decided: Annotated[Literal[0, 1] | None, Xsd("isDecisionMade", "решение принято")] = None


class MedicalDocumentKind(Part):
    """A medical document's kind and the dictionary it is coded in (``type``, ``spr``)."""

    kind: Annotated[str, Xsd("type", "вид документа")]
    dictionary: Annotated[str, Xsd("spr", "справочник")]


class MedicalDocumentNumber(Part):
    """A medical document's series and number."""

    series: Annotated[str, Xsd("docSer", "серия")]
    number: Annotated[str, Xsd("docNum", "номер")]


class MedicalDocument(Part):
    """A medical document (``FindNilsDoc``, ``NRDocType``): kind, СЭМД id or series/number."""

    kind: Annotated[MedicalDocumentKind, Xsd("docType", "вид документа")]
    semd_id: Annotated[str | None, Xsd("idSemd", "идентификатор СЭМД")] = None
    number: Annotated[MedicalDocumentNumber | None, Xsd(
        "docNil", "серия и номер", also=("docNR",))] = None


class FindNils(Request):
    """findNils."""

    OPERATION: ClassVar[str] = "findNils"
    pagination: Annotated[Pagination | None, Xsd("pagination", "страница")] = None
    nil: Annotated[NilCriteria | None, Xsd("nil", "НИЛ")] = None
    document: Annotated[IdentityDocument | None, Xsd("nilDudl", "ДУДЛ НИЛ")] = None
    decision: Annotated[DecisionCriteria | None, Xsd("identificationNil", "решение")] = None
    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
    medical_document: Annotated[MedicalDocument | None, Xsd("nilDoc", "медицинский документ")] = (
        None)


class GetNilsData(Request):
    """getNilsData: a НИЛ's data by its number (``nlr``) or ОИП."""

    OPERATION: ClassVar[str] = "getNilsData"
    pagination: Annotated[Pagination | None, Xsd("pagination", "страница")] = None
    nlr: Annotated[str | None, Xsd("nlr", "номер НИЛ")] = None
    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None


class NilDecision(Part):
    """An identification decision (``MakeNilIdentDecisionRequestData``): the НИЛ's number,
    the decision (0: identified as an insured person, with their ЕНП and ОИП; 1: remains
    НИЛ)."""

    nlr: Annotated[str, Xsd("nlr", "номер НИЛ")]
    decision: Annotated[int, Xsd("decision", "решение")]
    enp: Annotated[Enp | None, Xsd("decisionEnp", "ЕНП")] = None
    oip: Annotated[Oip | None, Xsd("decisionOip", "ОИП")] = None


class MakeNilIdentDecision(Request):
    """makeNilIdentDecision: ``sign`` (a detached ГОСТ signature) and ``certificate`` (the
    signer's), with the decision itself in 23.4.7 or the signed decision document in
    ``data`` since 24.1.2."""

    OPERATION: ClassVar[str] = "makeNilIdentDecision"
    sign: Annotated[bytes | None, Xsd("sign", "подпись")] = None
    certificate: Annotated[bytes | None, Xsd("certificate", "сертификат")] = None
    data: Annotated[bytes | None, Xsd("data", "подписанный документ")] = None
    decision: Annotated[NilDecision | None, Xsd("rq", "решение")] = None
