"""Fictitious data the on-request ЕГР ЗАГС formats' samples share (tests, the simulator).

The simulated ЗАГС answers about the person asked about: :func:`asked` gives that person's
names and date of birth from a request, and each format's ``samples`` builds its record
around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from adapters.smev3.vs.zags_inf import request as r
from adapters.smev3.vs.zags_inf.types import Place, RegistryOffice, Spouse
from contracts.zags import IdentityDocument
from contracts.zags_acts import InquiryKind, Person, ZagsInquiryV1

AS_OF = date(2024, 5, 20)
OFFICE = RegistryOffice(name="Отдел ЗАГС Кировского района г. Уфы Государственного "
                        "комитета РБ по делам юстиции", code="R0200001")
UFA = Place(kind="1", description="Российская Федерация, Республика Башкортостан, г. Уфа",
            country_code="643", country_name="Российская Федерация", region="02", city="Уфа")


def inquiry(kind: InquiryKind) -> ZagsInquiryV1:
    """The fund asks about a fictitious woman of Ufa, born 12.04.1991, by СНИЛС and
    passport as well as by name."""
    return ZagsInquiryV1(act_kind=kind, basis="Федеральный закон от 29.11.2010 № 326-ФЗ "
                         "«Об обязательном медицинском страховании в Российской Федерации»",
                         person=Person(surname="Галиева", name="Алсу", patronymic="Ринатовна",
                                       birth_date=date(1991, 4, 12), snils="112-233-445 95",
                                       identity_document=IdentityDocument(
                                           kind_code="21", series_number="80 11 654321")))


@dataclass(frozen=True)
class Asked:
    """The person a request asks about: names and date of birth as the request gives them."""

    family: str | None
    given: str | None
    patronymic: str | None
    birth_date: date | None
    female: bool


def asked(request: r.InquiryRequest) -> Asked:  # type: ignore[type-arg]
    """Who the first question of ``request`` is about (a woman when the patronymic says
    so: the simulated records need a sex)."""
    who = request.queries[0].person
    patronymic = who.name.patronymic
    return Asked(who.name.family, who.name.given, patronymic, who.birth_date,
                 bool(patronymic) and patronymic.endswith(("вна", "чна", "кызы")))


def masculine(surname: str | None) -> str | None:
    """The man's form of a Russian surname (Галиева → Галиев)."""
    if surname and surname.endswith(("ова", "ева", "ина", "ына")):
        return surname[:-1]
    return surname


def feminine(surname: str | None) -> str | None:
    """The woman's form of a Russian surname (Сафин → Сафина)."""
    if surname and surname.endswith(("ов", "ев", "ин", "ын")):
        return surname + "а"
    return surname


S = TypeVar("S", bound=Spouse)  # type: ignore[type-arg]


def spouses(request: r.InquiryRequest, model: type[S], *,  # type: ignore[type-arg]
            divorce: bool) -> tuple[S, S]:
    """The person asked about and a fictitious spouse, as ``model`` (a format's
    СупругТип): the wife takes the husband's surname with the marriage, and her own
    surname back with the divorce."""
    who = asked(request)
    if who.female:
        husband = model(surname_before="Сафин", surname_after="Сафин", given="Тимур",
                        patronymic="Айдарович", birth_date=date(1989, 11, 30),
                        citizenship_code="643")
        own: str | None = who.family
        married: str | None = "Сафина"
        given, patronymic, born = who.given, who.patronymic, who.birth_date
    else:
        husband = model(surname_before=who.family, surname_after=who.family, given=who.given,
                        patronymic=who.patronymic, birth_date=who.birth_date,
                        birth_place=UFA, citizenship_code="643")
        own, married = "Ильина", feminine(masculine(who.family))
        given, patronymic, born = "Дарья", "Сергеевна", date(1993, 2, 8)
    before, after = (married, own) if divorce else (own, married)
    wife = model(surname_before=before, surname_after=after, given=given,
                 patronymic=patronymic, birth_date=born, birth_place=UFA if who.female
                 else None, citizenship_code="643")
    return husband, wife
