"""Realistic test data of a 112-08 delivery (fictitious persons) for tests and the simulator.

:func:`delivery` is one rich record (a father recognised by a joint application, the child
taking his surname and patronymic); the simulator's demo builds its own records with
:func:`paternity_record` and wraps them with :func:`delivery_of`. Everything built here
validates against the official XSD.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from adapters.smev3.vs.zags_parent.commons import (
    ActRecord,
    Basis,
    Certificate,
    Document,
    FullName,
    IdentityDocument,
    ParentPerson,
    Residence,
    RussianAddress,
)
from adapters.smev3.vs.zags_parent.messages import (
    Child,
    ParentRequestV1,
    PaternityRecord,
    Registered,
)
from adapters.smev3.vs.zags_pername.commons import FiasAddress, RegistryOffice
from adapters.smev3.vs.zags_pername.samples import FIRST_RECORD, PASSPORT, UFA, Names, place

JOINT_APPLICATION = "Совместное заявление отца и матери ребенка об установлении отцовства"


def full_name(names: Names) -> FullName:
    """A name (ФИОПрТип) of three parts."""
    return FullName(family=names[0], given=names[1], patronymic=names[2])


def parent(names: Names, born: date | None, document: str | None = None,
           address: str | None = None) -> ParentPerson:
    """A parent, citizen of Russia; ``document`` a passport's ``"80 10 123456"``."""
    passport = None
    if document is not None:
        *series, number = document.split()
        passport = IdentityDocument(kind_code=PASSPORT, series="".join(series) or None,
                                    number=number)
    return ParentPerson(citizenship_code="643", name=full_name(names), birth_date=born,
                        identity_document=passport, residence=None if address is None else
                        Residence(russia=RussianAddress(address_text=address)))


def paternity_record(child_before: Names | None, child_after: Names, born: date,
                     sex: Literal["1", "2"], *, father: Names, act_number: str,
                     act_date: date, office_code: str, office_name: str,
                     father_born: date | None = None, father_document: str | None = None,
                     mother: Names | None = None, mother_born: date | None = None,
                     birth_place: str | None = None, address: str | None = None,
                     version: str = "0") -> PaternityRecord:
    """One paternity record established by the parents' joint application.

    ``child_before``/``child_after``: the child's names before and after (``None`` before
    when ЗАГС has none: written as ``ПрФИОДо``); ``sex``: 1 a boy, 2 a girl; ``father``,
    ``mother``: their names (no mother is the ``ПрСведМать`` flag); ``father_document``: his
    passport's series and number; ``address``: the parents' residence as text;
    ``act_number``: the record's 21-character number in ЕГР
    ЗАГС; ``office_code``: КодЗАГС (``R0200003``). What is not given is written as its
    "no data" flag.
    """
    return PaternityRecord(
        section="1", number=act_number, version_date=act_date, version=version,
        status_code=FIRST_RECORD, recorded_on=act_date,
        registry_office=RegistryOffice(name=office_name, code=office_code),
        registered=Registered(
            child=Child(sex=sex, name_before=None if child_before is None else full_name(
                child_before), name_after=full_name(child_after), birth_date=born,
                birth_place=place(birth_place)),
            father=parent(father, father_born, father_document, address),
            mother=None if mother is None else parent(mother, mother_born, None, address),
            basis=Basis(document=Document(name=JOINT_APPLICATION, issued_on=act_date))))


def delivery_of(records: Sequence[PaternityRecord], *, delivery_id: str,
                as_of: date) -> ParentRequestV1:
    """A delivery (PARENTRequest) of ``records``; ``delivery_id`` up to 36 characters."""
    return ParentRequestV1(id=delivery_id, as_of=as_of, records=list(records))


def delivery() -> ParentRequestV1:
    """One record: Тимур, born to Алина Сафина, becomes Гарипов Тимур Ильдарович when
    Ильдар Гарипов is recognised as his father; addresses, documents, the child's birth
    record and the certificate given."""
    office = RegistryOffice(name="Отдел ЗАГС Октябрьского района г. Уфы Государственного "
                            "комитета Республики Башкортостан по делам юстиции",
                            code="R0200003")
    home = "Российская Федерация, Республика Башкортостан, г. Уфа, ул. Менделеева, д. 130, кв. 52"
    rec = paternity_record(
        ("Сафин", "Тимур", "Русланович"), ("Гарипов", "Тимур", "Ильдарович"),
        date(2023, 6, 5), "1", father=("Гарипов", "Ильдар", "Ринатович"),
        father_born=date(1994, 11, 2), father_document="80 14 654321",
        mother=("Сафина", "Алина", "Маратовна"), mother_born=date(1997, 3, 18),
        act_number="150200003202400000045", act_date=date(2024, 3, 12),
        office_code=office.code, office_name=office.name, address=home)
    who = rec.registered
    who.child.birth_place = UFA
    who.child.birth_record = Basis(act=ActRecord(
        act_type="01", type_name="запись акта о рождении", number="110200003202300000512",
        recorded_on=date(2023, 6, 14), registry_office=office))
    who.father.birth_place = UFA
    who.father.residence = Residence(russia=RussianAddress(fias=FiasAddress(
        address_text=home, fias_id="9d6f3b7e-2a41-4c8e-8f0d-5b1e7c3a9d20", oktmo="80701000",
        postcode="450080", region="02", region_name="Республика Башкортостан", city="Уфа",
        street="ул. Менделеева", house="д. 130", flat="кв. 52")))
    rec.certificates = [Certificate(kind="1", series="I-АР", number="712345",
                                    issued_on=date(2024, 3, 12))]
    return delivery_of([rec], delivery_id="7e2d9a41-5c3b-4f86-b0e1-9a4c2d6f8e35",
                       as_of=date(2024, 3, 13))
