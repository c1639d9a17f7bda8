"""Realistic 112-46 deliveries (fictitious people) for tests and the simulator's demo.

The builders make records that validate against the official schema from a few facts:

- :func:`marriage_record` — one marriage: the husband and the wife as the register knows
  them (:data:`PartyData`), the surname each takes (``None``: keeps theirs), the date, the
  act's number and date and the registry office;
- :func:`delivery_of` — a ``BRAKZRequest`` of such records;
- :func:`spouse_of` and :func:`passport` — a spouse (of 112-46 or, given its model, of
  112-48: the divorce builders use them too).

What a builder is not told is written as the format's "no data" flag (``ПрМестоРожден``,
``ПрАдрМЖ``…), which the schema allows.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, TypeVar

from adapters.smev3.vs.zags_brakz.commons import (
    Certificate,
    FiasAddress,
    Place,
    RegistryOffice,
    Residence,
    RussianResidence,
    Spouse,
    SpouseType,
)
from adapters.smev3.vs.zags_brakz.messages import BrakzRequestV1, Marriage, MarriageRecord

S = TypeVar("S", bound=SpouseType)  # type: ignore[type-arg]

PartyData = tuple[str, str, str | None, date, str | None]
"""A spouse as the register knows them before the act: surname, name, patronymic (``None``
when they have none), date of birth, and the passport's series and number as written
(``"80 03 123456"``; ``None`` when unknown). :class:`Party` is a named form of it."""

PRIMARY = "0113"
"""СОСТАГС code of a primary record entered (запись первичная, внесена)."""


class Party(NamedTuple):
    """A spouse for the builders (see :data:`PartyData`)."""

    surname: str
    name: str
    patronymic: str | None
    born: date
    document: str | None = None


def passport(series_number: str | None) -> dict[str, Any] | None:
    """A Russian passport (kind 21) from its series and number as written, or ``None``.

    The last space-separated part is the number, the rest the series (``80 03 123456``:
    series ``80 03``, number ``123456``)."""
    if not series_number:
        return None
    series, _, number = series_number.rpartition(" ")
    return {"kind_code": "21", "series": series or None, "number": number}


def spouse_of(model: type[S], party: PartyData, *, surname_after: str | None = None,
              birth_place: str | None = None, residence: str | None = None) -> S:
    """A spouse of ``model`` (112-46's or 112-48's): names before and the surname after.

    ``surname_after`` ``None`` keeps the surname; the birth place and the residence are
    written as text when given, as the "no data" flag otherwise."""
    surname, name, patronymic, born, document = party
    return model.model_validate({
        "surname_before": surname, "surname_after": surname_after or surname, "name": name,
        "patronymic": patronymic, "citizenship_code": "643", "birth_date": born,
        "birth_place": {"kind": "1", "description": birth_place} if birth_place else None,
        "residence": {"russia": {"address_text": residence}} if residence else None,
        "identity_document": passport(document)})


def marriage_record(husband: PartyData, wife: PartyData, *, married_on: date, act_number: str,
                    act_date: date, office_code: str, office_name: str,
                    wife_surname_after: str | None = None,
                    husband_surname_after: str | None = None, residence: str | None = None,
                    version: str = "1") -> MarriageRecord:
    """One marriage record (a primary one, with its first certificate).

    ``act_number`` is the 21-character number of the record in ЕГР ЗАГС, ``office_code``
    the 8-character СОЗАГС code; ``residence`` is the spouses' address as text, if known."""
    return MarriageRecord(
        section="1", number=act_number, version=version, version_date=act_date,
        status_code=PRIMARY, recorded_on=act_date,
        registry_office=RegistryOffice(name=office_name, code=office_code),
        certificates=[Certificate(kind="1", series="II-АР", number=act_number[-6:],
                                  issued_on=act_date)],
        registered=Marriage(
            married_on=married_on,
            husband=spouse_of(Spouse, husband, surname_after=husband_surname_after,
                              residence=residence),
            wife=spouse_of(Spouse, wife, surname_after=wife_surname_after,
                           residence=residence)))


def delivery_of(records: list[MarriageRecord], *, delivery_id: str,
                as_of: date) -> BrakzRequestV1:
    """A delivery (``BRAKZRequest``) of ``records``; ``delivery_id`` up to 36 characters."""
    return BrakzRequestV1(id=delivery_id, as_of=as_of, records=records)


UFA = Place(kind="1", description="Российская Федерация, Республика Башкортостан, г. Уфа",
            country_code="643", country_name="Российская Федерация", region="02",
            region_name="Республика Башкортостан", city="Уфа", oktmo="80701000")
HOME = Residence(russia=RussianResidence(fias=FiasAddress(
    address_text="450076, Республика Башкортостан, г. Уфа, ул. Гафури, д. 27, кв. 14",
    postcode="450076", region="02", region_name="Республика Башкортостан", city="Уфа",
    street="Гафури", house="27", flat="14", oktmo="80701000")))


def delivery() -> BrakzRequestV1:
    """One marriage: the wife takes the husband's surname, the husband keeps his."""
    rec = marriage_record(
        Party("Галиев", "Тимур", "Ринатович", date(1996, 4, 12), "80 16 482913"),
        Party("Смирнова", "Екатерина", "Андреевна", date(1998, 9, 30), "80 18 305577"),
        wife_surname_after="Галиева", married_on=date(2024, 6, 15),
        act_number="120240020000200034567", act_date=date(2024, 6, 15),
        office_code="R0200002", office_name="Отдел ЗАГС Октябрьского района г. Уфы "
        "Государственного комитета Республики Башкортостан по делам юстиции")
    for person in (rec.registered.husband, rec.registered.wife):
        person.birth_place = UFA.model_copy(deep=True)
        person.residence = HOME.model_copy(deep=True)
    return delivery_of([rec], delivery_id="3b1f6c0e-8a2d-4e57-9c61-2f0a7d4b9e15",
                       as_of=date(2024, 6, 17))
