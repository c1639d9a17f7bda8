"""Requests of mpiPersonObjectsControl: an address, an identity document or a СНИЛС
registered for a person known by policy, document or ОИП."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.ferzl.requests.base import Oip, Part, Request, Snils, Xsd
from adapters.ferzl.requests.common import IdentityDocument, Policy
from contracts.xmlbind.fields import PERSONAL


class Address(Part):
    """An address by ФИАС (``AddrData``, ``Address``): ОКАТО, country (ОКСМ), the ФИАС ids
    of the street object and house, flat; kind 1 registration, 2 residence."""

    okato: Annotated[str, Xsd("okato", "ОКАТО")]
    country: Annotated[str, Xsd("oksm", "страна (ОКСМ)")] = "RUS"
    fias_object: Annotated[str, Xsd("aoguid", "адресный объект ФИАС")] = Field(
        json_schema_extra=PERSONAL)
    fias_house: Annotated[str | None, Xsd("hsguid", "дом ФИАС")] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[str | None, Xsd("appNum", "квартира")] = Field(
        default=None, json_schema_extra=PERSONAL)
    kind: Annotated[Literal["1", "2"], Xsd("addressType", "вид адреса")]
    valid_from: Annotated[date | None, Xsd("validFrom", "действует с")] = None
    valid_to: Annotated[date | None, Xsd("validTo", "действует по")] = None


class Subject(Request):
    """The person a registration is for: by policy, identity document or ОИП."""

    policy: Annotated[Policy | None, Xsd("pcy", "полис")] = None
    document: Annotated[IdentityDocument | None, Xsd("dudl", "ДУДЛ")] = None
    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None


class RegisterAddress(Subject):
    """registerAddress."""

    OPERATION: ClassVar[str] = "registerAddress"
    address: Annotated[Address, Xsd("addr", "адрес")]


class NewDocument(Part):
    """An identity document to register with the names and birth data it states
    (``PersonDocIdent``); gender 1 male, 2 female."""

    series: Annotated[str | None, Xsd("dudlSer", "серия ДУДЛ")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, Xsd("dudlNum", "номер ДУДЛ")] = Field(json_schema_extra=PERSONAL)
    issued: Annotated[date, Xsd("dudlDateB", "дата выдачи")] = Field(json_schema_extra=PERSONAL)
    valid_to: Annotated[date | None, Xsd("dudlDateE", "действует по")] = None
    kind: Annotated[str, Xsd("dudlType", "вид ДУДЛ")]
    issuer: Annotated[str | None, Xsd("issuer", "кем выдан")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issuer_division: Annotated[str | None, Xsd("dudlCodeDivision", "код подразделения")] = None
    issuer_country: Annotated[str | None, Xsd("issuerOksm", "страна выдачи (ОКСМ)")] = None
    citizenship: Annotated[str | None, Xsd("ctznOksm", "гражданство (ОКСМ)")] = None
    stateless: Annotated[bool, Xsd("noCitizenship", "без гражданства")] = False
    note: Annotated[str | None, Xsd("descr", "описание")] = None
    surname: Annotated[str | None, Xsd("surname", "фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Xsd("patronymic", "отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    first_name: Annotated[str | None, Xsd("firstName", "имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date: Annotated[date, Xsd("birthDay", "дата рождения")] = Field(
        json_schema_extra=PERSONAL)
    birth_place: Annotated[str | None, Xsd("birthplace", "место рождения")] = Field(
        default=None, json_schema_extra=PERSONAL)
    gender: Annotated[Literal["1", "2"], Xsd("gender", "пол")]
    birth_country: Annotated[str | None, Xsd("birthOksm", "страна рождения (ОКСМ)")] = None
    reliability: Annotated[str | None, Xsd("dost", "отсутствующие части ФИО")] = None


class RegisterDudl(Subject):
    """registerDudl."""

    OPERATION: ClassVar[str] = "registerDudl"
    document_to_add: Annotated[NewDocument, Xsd("dudlToAdd", "новый ДУДЛ")]


class RegisterSnils(Subject):
    """registerSnils."""

    OPERATION: ClassVar[str] = "registerSnils"
    snils: Annotated[Snils, Xsd("snils", "СНИЛС")] = Field(json_schema_extra=PERSONAL)
