"""Requests of mpiNRService: newborns (НР, новорождённые) found and read.

The death interval's elements were renamed after 23.4.7/24.1.2 (``deathDateSince`` →
``deathdaySince``): one field, both spellings, the schema decides.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from adapters.ferzl.requests.base import Enp, Oip, Part, Request, Xsd
from adapters.ferzl.requests.common import Pagination
from adapters.ferzl.requests.nil import MedicalDocument


class BirthInterval(Part):
    """Born between two dates."""

    since: Annotated[date, Xsd("birthdaySince", "родился с")]
    till: Annotated[date, Xsd("birthdayTill", "родился по")]


class DeathInterval(Part):
    """Died between two dates."""

    since: Annotated[date, Xsd("deathdaySince", "умер с", also=("deathDateSince",))]
    till: Annotated[date, Xsd("deathdayTill", "умер по", also=("deathDateTill",))]


class NewbornCriteria(Part):
    """A newborn searched by ОИП, estimated surname, gender, birth or death period."""

    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
    surname: Annotated[str | None, Xsd("surnameEstim", "фамилия (предположительно)")] = None
    gender: Annotated[Literal[1, 2] | None, Xsd("gender", "пол")] = None
    born: Annotated[BirthInterval | None, Xsd("birthInterval", "период рождения")] = None
    died: Annotated[DeathInterval | None, Xsd("deathInterval", "период смерти")] = None


class MedicalOrganisation(Part):
    """The МО by ФРМО OID or code (``MOInfoType``)."""

    mo_id: Annotated[str | None, Xsd("moId", "МО (OID ФРМО)")] = None
    mo_code: Annotated[str | None, Xsd("moCode", "код МО")] = None


class LegalRepresentative(Part):
    """The newborn's legal representative by ОИП or ЕНП (``legalPersonType``)."""

    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
    enp: Annotated[Enp | None, Xsd("enp", "ЕНП")] = None


class FindNRs(Request):
    """findNRs (pagination is required before 24.1.4: the schema says so)."""

    OPERATION: ClassVar[str] = "findNRs"
    pagination: Annotated[Pagination | None, Xsd("pagination", "страница")] = None
    newborn: Annotated[NewbornCriteria | None, Xsd("NR", "новорождённый")] = None
    mo: Annotated[MedicalOrganisation | None, Xsd("MOInfo", "МО")] = None
    document: Annotated[MedicalDocument | None, Xsd("NRDocs", "медицинский документ")] = None
    representative: Annotated[LegalRepresentative | None, Xsd(
        "legalPerson", "законный представитель")] = None


class GetNRData(Request):
    """getNRData: a newborn by medical document (свидетельство о рождении) or ОИП."""

    OPERATION: ClassVar[str] = "getNRData"
    document: Annotated[MedicalDocument | None, Xsd("NRDocs", "медицинский документ")] = None
    oip: Annotated[Oip | None, Xsd("oip", "ОИП")] = None
