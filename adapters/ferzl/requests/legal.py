"""Requests of mpiLegalRepresentationService and insuranceSuspendService."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Oip, Part, Request, Snils, Xsd
from adapters.ferzl.requests.common import IdentityDocument
from contracts.xmlbind.fields import PERSONAL


class GetLegalRepresentation(Request):
    """getLegalRepresentation: a person's legal representatives (kind 1, 2), current only
    or all."""

    OPERATION: ClassVar[str] = "getLegalRepresentation"
    oip: Annotated[Oip, Xsd("oip", "ОИП")]
    kinds: Annotated[list[Literal["1", "2"]], Xsd("legalRepType", "виды представительства")] = []
    current_only: Annotated[bool, Xsd("isActual", "только действующие")] = True


class NameBirth(Part):
    """Names and birth date (``PersonFioDr``)."""

    surname: Annotated[str, Xsd("surname", "фамилия")] = Field(json_schema_extra=PERSONAL)
    first_name: Annotated[str, Xsd("firstName", "имя")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date: Annotated[date, Xsd("birthDay", "дата рождения")] = Field(
        json_schema_extra=PERSONAL)


class MilitaryService(Part):
    """A term of military service (``MilSvcData``) during which the policy is suspended."""

    start: Annotated[date, Xsd("startDate", "начало службы")]
    end: Annotated[date, Xsd("endDate", "окончание службы")]
    months: Annotated[int, Xsd("termInMonths", "срок, месяцев")]


class Conscript(Part):
    """A person called up (``MilSvcPerson``): the ТФОМС's own index of the person
    (``localPersonIndex``) ties the answer's rows to the request's."""

    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
    local_index: Annotated[str, Xsd("localPersonIndex", "локальный индекс")] = Field(
        min_length=1)
    person: Annotated[NameBirth, Xsd("personInfo", "ФИО и дата рождения")]
    document: Annotated[IdentityDocument, Xsd("dudl", "ДУДЛ")]
    snils: Annotated[Snils | None, Xsd("snils", "СНИЛС")] = Field(
        default=None, json_schema_extra=PERSONAL)
    service: Annotated[MilitaryService, Xsd("milSvc", "военная служба")]


class Conscripts(Part):
    """``ListOfMilSvcPerson``."""

    items: Annotated[list[Conscript], Xsd("person", "персона")]


class SuspendOmsPolicyStart(Request):
    """suspendOmsPolicy (Start): policies suspended for the term of military service."""

    OPERATION: ClassVar[str] = "suspendOmsPolicyStart"
    persons: Annotated[Conscripts, Xsd("persons", "персоны")]
