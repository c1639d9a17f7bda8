"""Requests of mpiPersonInfoService: a person's data, history, insurance status, search by
personal criteria, and the ОИП a merged person had (getMergeAncessorOip)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Oip, Part, Request, Snils, Xsd
from adapters.ferzl.requests.common import IdentityDocument, Pagination, Policy
from contracts.xmlbind.fields import PERSONAL

Show = Literal["Person", "OmsPolicy", "Dudl", "Snils", "Ern", "Address", "Attach"]
"""What an answer should hold besides the person (``listOfShow``; the schema says which
values each operation accepts)."""


class SnilsBirth(Part):
    """A СНИЛС with the birth date that confirms it (``SnilsDrData``)."""

    snils: Annotated[Snils | None, Xsd("snils", "СНИЛС")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date: Annotated[date | None, Xsd("birthDay", "дата рождения")] = Field(
        default=None, json_schema_extra=PERSONAL)


class PersonSearch(Part):
    """Who is looked for: one of ОИП, policy, identity document, СНИЛС with birth date
    (``PersonCommonSearchParamsType``)."""

    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
    policy: Annotated[Policy | None, Xsd("pcy", "полис")] = None
    document: Annotated[IdentityDocument | None, Xsd("dudl", "ДУДЛ")] = None
    snils: Annotated[SnilsBirth | None, Xsd("snilsDr", "СНИЛС и дата рождения")] = None

    @classmethod
    def by_enp(cls, enp: str) -> PersonSearch:
        """By ЕНП."""
        return cls(policy=Policy(enp=enp))


class PersonDataParams(Part):
    """getPersonData's criteria (``PersonDataSearchParamsType``)."""

    search: Annotated[PersonSearch, Xsd("personSearchInfo", "поиск персоны")]
    surname: Annotated[str | None, Xsd("surname", "фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstName", "имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    show: Annotated[list[Show], Xsd("show", "состав ответа")] = []
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None


class GetPersonData(Request):
    """A person's current data (getPersonData)."""

    OPERATION: ClassVar[str] = "getPersonData"
    params: Annotated[PersonDataParams, Xsd("personDataSearchParams", "параметры поиска")]

    @classmethod
    def by_enp(cls, enp: str, *, show: list[Show] | None = None) -> GetPersonData:
        """getPersonData by ЕНП."""
        return cls(params=PersonDataParams(search=PersonSearch.by_enp(enp), show=show or []))


class PersonHistoryParams(Part):
    """getPersonDataHistory's criteria (``PersonDataHistorySearchParamsType``)."""

    search: Annotated[PersonSearch, Xsd("personSearchInfo", "поиск персоны")]
    surname: Annotated[str | None, Xsd("surname", "фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstName", "имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    show: Annotated[list[Show], Xsd("show", "состав ответа")] = []
    date_from: Annotated[date | None, Xsd("dtFrom", "период с")] = None
    date_to: Annotated[date | None, Xsd("dtTo", "период по")] = None


class GetPersonDataHistory(Request):
    """A person's data over a period (getPersonDataHistory)."""

    OPERATION: ClassVar[str] = "getPersonDataHistory"
    params: Annotated[PersonHistoryParams, Xsd("personDataHistorySearchParams",
                                               "параметры поиска")]


class InsuranceStatusParams(Part):
    """getInsuranceStatus's criteria (``InsuranceStatusSearchParamsType``)."""

    search: Annotated[PersonSearch, Xsd("personSearchInfo", "поиск персоны")]
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None


class GetInsuranceStatus(Request):
    """A person's insurance status (страховая принадлежность) on a date."""

    OPERATION: ClassVar[str] = "getInsuranceStatus"
    params: Annotated[InsuranceStatusParams, Xsd("insuranceStatusSearchParams",
                                                 "параметры поиска")]


class FullName(Part):
    """Names to search by (``FioData``); ``dost`` codes of the names' reliability."""

    surname: Annotated[str | None, Xsd("surname", "фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstName", "имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    old_names: Annotated[Literal[0, 1] | None, Xsd("oldsfp", "искать по прежним ФИО")] = None
    reliability: Annotated[str | None, Xsd("dost", "отсутствующие части ФИО (1, 2, 3, 13…)")] = (
        None)
    citizenship: Annotated[str | None, Xsd("oksm", "гражданство (ОКСМ)")] = None
    stateless: Annotated[bool | None, Xsd("noCitizenship", "без гражданства")] = None


class PersonCriteria(Part):
    """findPersonsByPersCriteria's criteria (``PersCriteriaType``)."""

    pagination: Annotated[Pagination | None, Xsd("pagination", "страница")] = None
    territory: Annotated[str | None, Xsd("terrOkato", "территория (ОКАТО)")] = None
    names: Annotated[FullName | None, Xsd("fio", "ФИО")] = None
    born_from: Annotated[date | None, Xsd("birthDayFrom", "родился с")] = Field(
        default=None, json_schema_extra=PERSONAL)
    born_to: Annotated[date | None, Xsd("birthDayTo", "родился по")] = Field(
        default=None, json_schema_extra=PERSONAL)
    died_from: Annotated[date | None, Xsd("deathDateFrom", "умер с")] = None
    died_to: Annotated[date | None, Xsd("deathDateTo", "умер по")] = None
    search: Annotated[PersonSearch | None, Xsd("personSearchInfo", "поиск персоны")] = None
    ern: Annotated[str | None, Xsd("ern", "ЕРН")] = None
    on_date: Annotated[date | None, Xsd("dt", "на дату")] = None


class FindPersonsByPersCriteria(Request):
    """Persons found by names, birth dates, documents (findPersonsByPersCriteria)."""

    OPERATION: ClassVar[str] = "findPersonsByPersCriteria"
    criteria: Annotated[PersonCriteria, Xsd("persCriteria", "критерии поиска")]


class MergedOip(Part):
    """The ОИП whose predecessors are asked for (``PersonSearchInfo``)."""

    oip: Annotated[Oip, Xsd("oip", "ОИП")]


class GetMergeAncessorOip(Request):
    """The ОИП a person had before merges (getMergeAncessorOip)."""

    OPERATION: ClassVar[str] = "getMergeAncessorOip"
    search: Annotated[MergedOip, Xsd("personSearchInfo", "поиск персоны")]

