"""A synthetic population for tests and benchmarks: realistic, valid, deterministic.

Persons of one region (Ярославская область by default) with sex-consistent names and
patronymics, gendered surnames, birth dates and places, valid СНИЛС and ЕНП, a passport
(or a birth certificate under 14), addresses, contacts, a policy with one of a few
insurers (a few per cent hold a temporary certificate) and an attachment to a clinic
district (children to the children's clinic). The same seed gives the same people.
Unique numbers come from affine permutations of the person's index, so no set of used
numbers is kept and a million persons cost no memory beyond one batch.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from contracts.erz.register import Address, Attachment, Contact, Document, PersonData, Policy
from handlers.erz.register.checks import enp_check_digit, snils_check_number
from handlers.erz.synth.names import (
    FEMALE,
    MALE,
    PLACES,
    STREETS,
    SURNAMES,
    feminine,
    patronymic,
)


@dataclass(frozen=True)
class Region:
    """What the population shares: codes of the region, its insurers and clinics."""

    name: str = "Ярославская обл."
    enp_prefix: str = "76"
    okato: str = "78401000000"
    kladr: str = "7600000100000"
    passport_prefix: str = "78"
    insurers: tuple[str, ...] = ("76001", "76002", "76005")
    adult_clinics: tuple[str, ...] = ("760101", "760102", "760103", "760104")
    child_clinics: tuple[str, ...] = ("760201", "760202")
    districts: int = 40
    focus_clinic: str = ""
    """With ``focus_every``: every ``focus_every``-th person is attached to this clinic (a
    benchmark's clinic of a known size); other persons are unchanged."""
    focus_every: int = 0


REGION = Region()
REFERENCE_DATE = date(2025, 1, 1)
"""The default 'today' of a generated population (time is explicit: invariant 7)."""


@dataclass(frozen=True)
class SynthPerson:
    """One generated person with everything the register keeps about them."""

    enp: str
    data: PersonData
    snils: str
    document: Document
    addresses: tuple[Address, ...]
    contacts: tuple[Contact, ...]
    policy: Policy
    attachment: Attachment


def _permute(i: int, space: int, mult: int, add: int) -> int:
    # mult is coprime with space, so i ↦ (mult·i + add) mod space is a bijection.
    return (mult * i + add) % space


def make_enp(prefix: str, serial: int) -> str:
    """A valid ЕНП: region prefix, a 13-digit serial, the check digit."""
    first15 = f"{prefix}{serial:013d}"
    return first15 + enp_check_digit(first15)


def make_snils(serial: int) -> str:
    """A valid СНИЛС above 001-001-998 (so its check number is checked)."""
    first9 = f"{1_002_000 + serial % 998_000_000:09d}"
    return first9 + snils_check_number(first9)


def population(count: int, seed: int = 0, *, region: Region = REGION,
               today: date = REFERENCE_DATE, start: int = 0) -> Iterator[SynthPerson]:
    """``count`` persons; ``start`` skips that many (to continue a population in batches)."""
    for i in range(start, start + count):
        yield person(i, seed, region=region, today=today)


def person(i: int, seed: int = 0, *, region: Region = REGION,
           today: date = REFERENCE_DATE) -> SynthPerson:
    """The ``i``-th person of the population of ``seed``."""
    rng = random.Random(seed * 1_000_003 + i)
    male = rng.random() < 0.46
    father = rng.choice(MALE)
    surname = rng.choice(SURNAMES)
    birth = today - timedelta(days=rng.randrange(0, 90 * 365))
    age = (today - birth).days // 365
    data = PersonData(
        surname=surname if male else feminine(surname),
        name=rng.choice(MALE) if male else rng.choice(FEMALE),
        patronymic=patronymic(father, male),
        sex="1" if male else "2", birth_date=birth, birth_place=rng.choice(PLACES))
    salt = seed % 1000
    enp = make_enp(region.enp_prefix, _permute(i, 10**13, 7_919_393_123, salt))
    snils = make_snils(_permute(i, 998_000_000, 104_729_003, salt))
    return SynthPerson(
        enp=enp, data=data, snils=snils,
        document=_document(rng, i, salt, birth, age, today, region),
        addresses=_addresses(rng, region), contacts=_contacts(rng, age),
        policy=_policy(rng, i, salt, enp, birth, today, region),
        attachment=_focused(_attachment(rng, birth, age, today, region), i, region))


def _document(rng: random.Random, i: int, salt: int, birth: date, age: int,
              today: date, region: Region) -> Document:
    if age < 14:
        number = _permute(i, 10**6, 7_919, salt)
        return Document("3", "I-ГР", f"{number:06d}", birth + timedelta(days=rng.randrange(3, 30)),
                        "Отдел ЗАГС г. Ярославля")
    serial = _permute(i, 10**8, 15_485_863, salt)
    age_at = 45 if age >= 45 else 20 if age >= 20 else 14
    issued = birth.replace(year=birth.year + age_at, day=min(birth.day, 28))
    year = f"{issued.year % 100:02d}"
    issued = min(today, issued + timedelta(days=rng.randrange(0, 60)))
    return Document("14", f"{region.passport_prefix} {year}", f"{serial % 10**6:06d}", issued,
                    f"УМВД России по {region.name}")


def _addresses(rng: random.Random, region: Region) -> tuple[Address, ...]:
    street = rng.choice(STREETS)
    house, flat = rng.randrange(1, 120), rng.randrange(1, 300)
    reg = Address("reg", f"{region.name}, г. Ярославль, {street}, д. {house}, кв. {flat}",
                  str(uuid.UUID(int=rng.getrandbits(128), version=4)), region.kladr,
                  region.okato, f"150{rng.randrange(0, 1000):03d}")
    if rng.random() < 0.9:
        return (reg,)
    live = Address("live", f"{region.name}, г. Рыбинск, {rng.choice(STREETS)}, "
                   f"д. {rng.randrange(1, 80)}", None, None, None, None)
    return (reg, live)


def _contacts(rng: random.Random, age: int) -> tuple[Contact, ...]:
    if age < 14 or rng.random() < 0.4:
        return ()
    n = rng.randrange(0, 10**7)
    return (Contact("phone", f"+7 9{rng.randrange(10, 100)} {n // 10**4:03d}-"
                             f"{n // 100 % 100:02d}-{n % 100:02d}"),)


def _policy(rng: random.Random, i: int, salt: int, enp: str, birth: date, today: date,
            region: Region) -> Policy:
    smo = rng.choices(region.insurers, weights=(5, 3, 2))[0]
    if rng.random() < 0.03:
        begin = max(birth, today - timedelta(days=rng.randrange(0, 30)))
        number = f"{_permute(i, 10**9, 1_000_003, salt):09d}"
        return Policy("В", number, smo, begin, begin + timedelta(days=44), reason_code="П010")
    begin = max(birth, date(2011, 5, 1) + timedelta(days=rng.randrange(0, 4000)))
    begin = min(begin, today)
    kind = "Э" if begin.year >= 2019 or rng.random() < 0.5 else "П"
    return Policy(kind, enp, smo, begin, reason_code="П010")


def _focused(attachment: Attachment, i: int, region: Region) -> Attachment:
    if region.focus_clinic and region.focus_every and i % region.focus_every == 0:
        return replace(attachment, mo=region.focus_clinic,
                       department=f"{region.focus_clinic}-01")
    return attachment


def _attachment(rng: random.Random, birth: date, age: int, today: date,
                region: Region) -> Attachment:
    clinics = region.child_clinics if age < 18 else region.adult_clinics
    mo = rng.choice(clinics)
    district = rng.randrange(1, region.districts + 1)
    # A few doctors per clinic: the district's doctor, the same for every seed.
    doctor = make_snils(_permute(int(mo) * 100 + district, 998_000_000, 104_729_003, 7))
    begin = max(birth, today - timedelta(days=rng.randrange(0, 3650)))
    return Attachment(mo=mo, date_attach=begin, method=rng.choice(("1", "2")),
                      department=f"{mo}-01", district=str(district), doctor_snils=doctor)
