"""Realistic test data of a 112-03 delivery (fictitious persons) for tests and the simulator.

:func:`delivery` is one rich record (a woman taking another surname); the simulator's demo
builds its own records with :func:`name_change_record` and wraps them with
:func:`delivery_of`. Everything built here validates against the official XSD.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from adapters.smev3.vs.zags_pername.commons import (
    ActRecord,
    Basis,
    Certificate,
    FiasAddress,
    FullName,
    IdentityDocument,
    Place,
    RegistryOffice,
    Residence,
    RussianAddress,
)
from adapters.smev3.vs.zags_pername.messages import PerNameRecord, PerNameRequestV1, Registered

Names = tuple[str | None, str | None, str | None]
"""Surname, name, patronymic; ``None`` where the person has none (written as its flag)."""

FIRST_RECORD = "0101"
"""СОСТАГС: a first record, entered (запись первичная, внесена)."""
PASSPORT = "21"
"""Паспорт гражданина Российской Федерации, by the СПДУЛ classifier."""

UFA = Place(kind="1", description="Российская Федерация, Республика Башкортостан, г. Уфа",
            country_code="643", country_name="Российская Федерация", region="02",
            region_name="Республика Башкортостан", city="Уфа")


def full_name(names: Names) -> FullName:
    """A name (ФИОПрТип) of three parts."""
    return FullName(family=names[0], given=names[1], patronymic=names[2])


def passport(series_number: str | None) -> IdentityDocument | None:
    """A passport of ``"80 10 123456"``: the last group is the number, the rest the series."""
    if series_number is None:
        return None
    *series, number = series_number.split()
    return IdentityDocument(kind_code=PASSPORT, series="".join(series) or None, number=number)


def place(text: str | None) -> Place | None:
    """A place of birth in Russia given as text."""
    return None if text is None else Place(kind="1", description=text, country_code="643",
                                           country_name="Российская Федерация")


def residence(text: str | None) -> Residence | None:
    """A residence in Russia given as text only (АдрМЖРФ/АдрТекст)."""
    return None if text is None else Residence(russia=RussianAddress(address_text=text))


def name_change_record(before: Names, after: Names, born: date, *, act_number: str,
                       act_date: date, office_code: str, office_name: str,
                       document: str | None = None, birth_place: str | None = None,
                       address: str | None = None, version: str = "0") -> PerNameRecord:
    """One change-of-name record of a citizen of Russia, as ЗАГС delivers it.

    ``before``/``after``: the names (a name the act keeps is repeated after, as ЗАГС
    writes it); ``document``: the passport's series and number (``"80 10 123456"``);
    ``act_number``: the record's 21-character number in ЕГР ЗАГС; ``office_code``: КодЗАГС
    (``R0200003``). What is not given is written as its "no data" flag.
    """
    return PerNameRecord(
        section="1", number=act_number, version_date=act_date, version=version,
        status_code=FIRST_RECORD, recorded_on=act_date,
        registry_office=RegistryOffice(name=office_name, code=office_code),
        registered=Registered(
            citizenship_code="643", name_before=full_name(before), name_after=full_name(after),
            birth_date=born, birth_place=place(birth_place), residence=residence(address),
            identity_document=passport(document)))


def delivery_of(records: Sequence[PerNameRecord], *, delivery_id: str,
                as_of: date) -> PerNameRequestV1:
    """A delivery (PERNAMERequest) of ``records``; ``delivery_id`` up to 36 characters."""
    return PerNameRequestV1(id=delivery_id, as_of=as_of, records=list(records))


def delivery() -> PerNameRequestV1:
    """One record: Мария Сергеевна takes the surname Ковалёва; certificate, FIAS address,
    passport and her birth record given."""
    office = RegistryOffice(name="Отдел ЗАГС Октябрьского района г. Уфы Государственного "
                            "комитета Республики Башкортостан по делам юстиции",
                            code="R0200003")
    rec = name_change_record(
        ("Иванова", "Мария", "Сергеевна"), ("Ковалёва", "Мария", "Сергеевна"),
        date(1990, 4, 12), act_number="160200003202400000123", act_date=date(2024, 2, 20),
        office_code=office.code, office_name=office.name)
    who = rec.registered
    who.birth_place = UFA
    who.residence = Residence(russia=RussianAddress(fias=FiasAddress(
        address_text="Российская Федерация, Республика Башкортостан, г. Уфа, ул. Ленина, "
                     "д. 15, кв. 4", fias_id="0c5b2444-70a0-4932-980c-b4dc0d3f02b5",
        oktmo="80701000", postcode="450077", region="02",
        region_name="Республика Башкортостан", city="Уфа", street="ул. Ленина",
        house="д. 15", flat="кв. 4")))
    who.identity_document = IdentityDocument(
        kind_code=PASSPORT, series="8010", number="123456", issued_on=date(2010, 5, 14),
        issued_by="Отделом УФМС России по Республике Башкортостан в Октябрьском районе г. Уфы",
        issuer_code="020-005")
    who.birth_record = Basis(act=ActRecord(
        act_type="01", type_name="запись акта о рождении", number="1543",
        recorded_on=date(1990, 4, 20), registry_office=RegistryOffice(
            name="Отдел ЗАГС Кировского района г. Уфы", code="R0200001")))
    rec.certificates = [Certificate(kind="1", series="I-АР", number="654321",
                                    issued_on=date(2024, 2, 20))]
    return delivery_of([rec], delivery_id="3b1f6c2e-8d4a-4f0e-9a71-2c5d8e6b4f10",
                       as_of=date(2024, 2, 21))
