"""Realistic 112-48 deliveries (fictitious people) for tests and the simulator's demo.

The builders make records that validate against the official schema from a few facts:

- :func:`divorce_record` — one divorce: the husband and the wife as the register knows
  them (:data:`~adapters.smev3.vs.zags_brakz.samples.PartyData`, surnames as they are
  before the divorce), the surname each takes (``None``: keeps theirs), the date, the
  act's number and date, the registry office, and the dissolved marriage's record when
  known (:class:`MarriageAct`);
- :func:`delivery_of` — a ``BRAKRRequest`` of such records.

What a builder is not told is written as the format's "no data" flag.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from adapters.smev3.vs.zags_brakr.messages import (
    ActRecord,
    BrakrRequestV1,
    Certificate,
    ChangeBasis,
    Divorce,
    DivorceRecord,
    Spouse,
)
from adapters.smev3.vs.zags_brakz.commons import Place, RegistryOffice
from adapters.smev3.vs.zags_brakz.samples import PRIMARY, Party, PartyData, spouse_of


class MarriageAct(NamedTuple):
    """The record of the marriage a divorce dissolves: number, date, registry office."""

    number: str
    recorded_on: date
    office_code: str
    office_name: str


def divorce_record(husband: PartyData, wife: PartyData, *, divorced_on: date, act_number: str,
                   act_date: date, office_code: str, office_name: str,
                   wife_surname_after: str | None = None,
                   husband_surname_after: str | None = None,
                   marriage: MarriageAct | None = None, residence: str | None = None,
                   version: str = "1") -> DivorceRecord:
    """One divorce record (a primary one); each spouse gets a certificate of divorce.

    ``act_number`` is the 21-character number of the record in ЕГР ЗАГС, ``office_code``
    the 8-character СОЗАГС code; ``residence`` is an address as text for both, if known."""
    dissolved = None if marriage is None else ChangeBasis(act=ActRecord(
        act_type="02", type_name="запись акта о заключении брака", number=marriage.number,
        recorded_on=marriage.recorded_on,
        registry_office=RegistryOffice(name=marriage.office_name, code=marriage.office_code)))
    spouses = []
    for n, (party, after) in enumerate(((husband, husband_surname_after),
                                        (wife, wife_surname_after))):
        person = spouse_of(Spouse, party, surname_after=after, residence=residence)
        person.certificates = [Certificate(kind="1", series="I-АР",
                                           number=f"{act_number[-5:]}{n + 1}",
                                           issued_on=act_date)]
        spouses.append(person)
    return DivorceRecord(
        section="1", number=act_number, version=version, version_date=act_date,
        status_code=PRIMARY, recorded_on=act_date,
        registry_office=RegistryOffice(name=office_name, code=office_code),
        registered=Divorce(divorced_on=divorced_on, marriage=dissolved, husband=spouses[0],
                           wife=spouses[1]))


def delivery_of(records: list[DivorceRecord], *, delivery_id: str,
                as_of: date) -> BrakrRequestV1:
    """A delivery (``BRAKRRequest``) of ``records``; ``delivery_id`` up to 36 characters."""
    return BrakrRequestV1(id=delivery_id, as_of=as_of, records=records)


def delivery() -> BrakrRequestV1:
    """One divorce: the wife takes back her surname before the marriage, the husband keeps his."""
    office = ("Отдел ЗАГС Кировского района г. Уфы Государственного комитета Республики "
              "Башкортостан по делам юстиции")
    rec = divorce_record(
        Party("Валиев", "Артур", "Маратович", date(1988, 11, 2), "80 09 117245"),
        Party("Валиева", "Ольга", "Сергеевна", date(1990, 3, 21), "80 10 562038"),
        wife_surname_after="Кузнецова", divorced_on=date(2024, 5, 20),
        act_number="130240020000100004321", act_date=date(2024, 5, 20),
        office_code="R0200001", office_name=office,
        marriage=MarriageAct("120120020000100001987", date(2012, 8, 4), "R0200001", office),
        residence="Республика Башкортостан, г. Уфа, ул. Менделеева, д. 130, кв. 56")
    rec.registered.wife.birth_place = Place(
        kind="1", description="Российская Федерация, Республика Башкортостан, г. Стерлитамак",
        country_code="643", region="02", city="Стерлитамак")
    return delivery_of([rec], delivery_id="9d7e2a41-5c3b-4f08-b6a2-7e1c0f4d8a93",
                       as_of=date(2024, 5, 22))
