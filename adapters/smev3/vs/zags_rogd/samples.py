"""Realistic 112-01 deliveries (fictitious people) for tests, the simulator and the demo.

For deliveries about given persons (the demo register's, :class:`contracts.demo.DemoPerson`
fits :class:`PersonLike`):

- :func:`birth_record` — one record of a child born to a mother and a father (either may be
  ``None``: ЗАГС writes its "no data" flag), complete and valid against the XSD;
- :func:`record_number` — a record number in ЕГР ЗАГС's shape (21 characters) from a date and
  a serial;
- :func:`delivery_of` — a ``ROGDRequest`` of such records.

:func:`delivery` is the type's own sample: two records of Уфа (married parents with their
marriage as the basis of the father's data; a mother alone). The people, their СНИЛС
(checksum-valid), passports and addresses are invented; the document and status codes follow
ЗАГС's 4.0.5 sample (``0113`` "запись первичная, внесена").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from adapters.smev3.vs.zags_common.types import RegistryOffice
from adapters.smev3.vs.zags_rogd.commons import (
    ActRecord,
    Certificate,
    Document,
    DocumentBasis,
    FiasAddress,
    FullName,
    IdentityDocument,
    Parent,
    Place,
    Residence,
    RussianResidence,
)
from adapters.smev3.vs.zags_rogd.messages import BirthActRecord, Child, Registered, RogdRequestV1

UFA = "Российская Федерация, Республика Башкортостан, г. Уфа"
UFA_OFFICE = RegistryOffice(name="Отдел ЗАГС Октябрьского района г. Уфы Государственного "
                            "комитета Республики Башкортостан по делам юстиции",
                            code="R0200005")
PRIMARY = "0113"
"""КодСостСтат of a primary record entered (СОСТАГС: "Запись первичная. Внесена.")."""


class PersonLike(Protocol):
    """A parent as :func:`birth_record` needs them; empty strings count as unknown."""

    @property
    def surname(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def patronymic(self) -> str | None: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def snils(self) -> str | None:
        """11 digits, or written with separators."""
    @property
    def passport(self) -> str | None:
        """Series and number as written: ``80 14 562318``."""
    @property
    def address(self) -> str | None:
        """Place of residence as text."""


@dataclass(frozen=True)
class Adult:
    """A fictitious parent of the samples (a :class:`PersonLike`)."""

    surname: str
    name: str
    patronymic: str | None
    birth_date: date
    snils: str | None = None
    passport: str | None = None
    address: str | None = None


def record_number(on: date, serial: int) -> str:
    """A birth record's number in ЕГР ЗАГС's shape: 21 digits, ``11`` and the date first."""
    return f"11{on:%Y%m%d}{serial % 10**11:011d}"


def snils_text(value: str) -> str:
    """СНИЛС as the format writes it (``145-302-871 40``) from digits or any written form."""
    found = re.sub(r"\D", "", value)
    if len(found) != 11:
        raise ValueError("СНИЛС must have 11 digits")
    return f"{found[:3]}-{found[3:6]}-{found[6:9]} {found[9:]}"


def passport(written: str) -> IdentityDocument:
    """A Russian passport (kind 21) from its series and number as written."""
    parts = written.split()
    if len(parts) == 1 and len(written) == 10 and written.isdigit():
        parts = [written[:2], written[2:4], written[4:]]
    series = " ".join(parts[:-1]) or None
    return IdentityDocument(kind_code="21", series=series, number=parts[-1])


def parent_of(person: PersonLike) -> Parent:
    """A parent, a citizen of Russia, with what ``person`` tells (the rest "no data")."""
    return Parent(
        snils=snils_text(person.snils) if person.snils else None, citizenship_code="643",
        name=FullName(family=person.surname, given=person.name,
                      patronymic=person.patronymic or None),
        birth_date=person.birth_date,
        identity_document=passport(person.passport) if person.passport else None,
        residence=Residence(russia=RussianResidence(address_text=person.address))
        if person.address else None)


def birth_record(*, surname: str | None, name: str | None, patronymic: str | None,
                 sex: Literal["1", "2"], born: date, mother: PersonLike | None,
                 father: PersonLike | None,
                 act_number: str, act_date: date, office: RegistryOffice = UFA_OFFICE,
                 birth_place: str = UFA, region_code: str = "02", stillborn: bool = False,
                 version: str = "1") -> BirthActRecord:
    """A primary birth record of a child born on ``born`` in ``birth_place`` (a place of
    region ``region_code``) and registered on ``act_date`` by ``office``.

    ``act_number`` has 21 characters (see :func:`record_number`). A live-born child gets its
    certificate; the medical certificate of birth is the proof; the father's data has no
    basis given (ПрСведДокОснОтец)."""
    place = Place(kind="1", description=birth_place, country_code="643",
                  country_name="Российская Федерация", region=region_code)
    certificate = Certificate(kind="1", series="III-АР", number=act_number[-6:],
                              issued_on=act_date)
    return BirthActRecord(
        section="1", number=act_number, version_date=act_date, version=version,
        status_code=PRIMARY, recorded_on=act_date, registry_office=office,
        certificates=[] if stillborn else [certificate],
        registered=Registered(
            birth_order=1,
            child=Child(stillborn="1" if stillborn else "0", sex=sex,
                        name=FullName(family=surname, given=name, patronymic=patronymic),
                        birth_date=born, birth_place=place),
            mother=parent_of(mother) if mother else None,
            father=parent_of(father) if father else None,
            birth_document=Document(code="16216", name="Медицинское свидетельство о рождении",
                                    series_number=f"{region_code} № {act_number[-6:]}",
                                    issued_on=born, organisation="Родильный дом")))


def delivery_of(records: list[BirthActRecord], *, delivery_id: str,
                as_of: date) -> RogdRequestV1:
    """A delivery (``ROGDRequest``) of ``records``; ``delivery_id`` up to 36 characters."""
    return RogdRequestV1(id=delivery_id, as_of=as_of, records=records)


MOTHER = Adult("Сафина", "Алина", "Рустемовна", date(1994, 8, 17), snils="14530287140",
               passport="80 14 562318",
               address="450078, Республика Башкортостан, г. Уфа, ул. Революционная, д. 98, "
                       "кв. 12")
FATHER = Adult("Сафин", "Тимур", "Ильдарович", date(1991, 3, 5), snils="15671402966",
               passport="80 11 437205", address=MOTHER.address)
SINGLE_MOTHER = Adult("Кузнецова", "Дарья", "Сергеевна", date(2001, 11, 30),
                      snils="16702835470", passport="80 21 904117",
                      address="Республика Башкортостан, г. Уфа, пр-т Октября, д. 4, кв. 31")


def delivery() -> RogdRequestV1:
    """Two records of 27 February 2024: Сафина Амина Тимуровна, born to a married couple
    (their marriage the basis of the father's data, the mother's address by ФИАС), and
    Кузнецов Матвей Андреевич, whose mother registered him alone (ПрОтец)."""
    first = birth_record(surname="Сафина", name="Амина", patronymic="Тимуровна", sex="2",
                         born=date(2024, 2, 20), mother=MOTHER, father=FATHER,
                         act_number=record_number(date(2024, 2, 27), 1234),
                         act_date=date(2024, 2, 27))
    registered = first.registered
    assert registered.mother is not None and registered.mother.identity_document is not None
    registered.mother.birth_place = Place(kind="1", description=UFA, country_code="643",
                                          region="02", city="Уфа", oktmo="80701000")
    registered.mother.identity_document.issued_on = date(2014, 9, 2)
    registered.mother.identity_document.issued_by = ("Отделом УФМС России по Республике "
                                                     "Башкортостан в Октябрьском районе г. Уфы")
    registered.mother.identity_document.issuer_code = "020-005"
    registered.mother.residence = Residence(russia=RussianResidence(fias=FiasAddress(
        address_text=MOTHER.address or "", postcode="450078", region="02",
        region_name="Республика Башкортостан", city="Уфа", street="Революционная",
        house="98", flat="12", oktmo="80701000")))
    registered.father_basis = DocumentBasis(act=ActRecord(
        act_type="02", record_type_name="Запись акта о заключении брака",
        number="120190712000000000567", recorded_on=date(2019, 7, 12),
        registry_office=UFA_OFFICE))
    second = birth_record(surname="Кузнецов", name="Матвей", patronymic="Андреевич", sex="1",
                          born=date(2024, 2, 22), mother=SINGLE_MOTHER, father=None,
                          act_number=record_number(date(2024, 2, 27), 1235),
                          act_date=date(2024, 2, 27))
    return delivery_of([first, second], delivery_id="8b1d4c2e-6f0a-4e1b-9c3d-2a7e5f9b0c14",
                       as_of=date(2024, 2, 28))
