"""A synthetic case and a synthetic person, each a pure function of (seed, index).

Made up entirely (names, policies, СНИЛС with a valid check sum): nobody real. Codes come
from the fixture dictionaries where they exist (V002 profiles, V009 results, both valid
since 2011 and open-ended) and are plausible elsewhere (V006, V008, V010, V012, V014, V021,
МКБ-10). A package's sums are consistent: SUMV_USL = TARIF × KOL_USL, SUM_M = Σ SUMV_USL,
SUMV = Σ SUM_M, SUMMAV = Σ SUMV.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# USL_OK → (VIDPOM V008, FOR_POM V014 choices, IDSP V010, V009 results, V012 outcomes)
CONDITIONS: dict[int, tuple[int, tuple[int, ...], int, tuple[int, ...], tuple[int, ...]]] = {
    1: (31, (1, 3), 33, (101, 102, 103, 104, 105, 106), (101, 102, 103)),
    2: (31, (3,), 33, (201, 202, 203, 204, 205), (201, 202, 203)),
    3: (13, (2, 3), 29, (301, 302, 303, 304, 305, 306, 314), (301, 302, 303, 304)),
    4: (21, (1, 2), 24, (401, 402, 403, 404, 405), (401, 402, 403)),
}
WEIGHTS = (15, 5, 70, 10)
"""Of 100 cases: hospital, day hospital, outpatient, ambulance."""
PROFILES = (29, 34, 57, 60, 65, 68, 76, 97, 100, 108, 112, 122, 136, 162)
"""V002 (fixture, open-ended): кардиологии, … терапии, хирургии…"""
SPECIALITIES = (27, 39, 49, 53, 76, 78, 85, 206)
"""V021 (plausible)."""
DIAGNOSES = ("I10", "I11.9", "J06.9", "J18.0", "K29.5", "M54.5", "E11.9", "N39.0", "S52.5",
             "I25.1", "K80.1", "J45.0", "H10.3", "L20.8")
SERVICES = ("B01.001.001", "B01.023.001", "B01.047.001", "A05.10.006", "A06.09.007",
            "B03.016.003", "A09.05.023", "B01.003.004")
_MALE = (("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев"),
         ("Алексей", "Иван", "Сергей", "Дмитрий", "Андрей", "Михаил", "Олег"),
         ("Алексеевич", "Иванович", "Сергеевич", "Петрович", "Андреевич", "Олегович"))
_FEMALE = (("Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева"),
           ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина"),
           ("Алексеевна", "Ивановна", "Сергеевна", "Петровна", "Андреевна", "Олеговна"))


@dataclass(frozen=True)
class Service:
    """A USL: a service with its tariff in kopecks."""

    code: str
    count: int
    tariff: int
    speciality: int

    @property
    def total(self) -> int:
        """SUMV_USL in kopecks."""
        return self.tariff * self.count


@dataclass(frozen=True)
class Stay:
    """An SL: one stay or visit of the case."""

    profile: int
    begin: date
    end: date
    diagnosis: str
    speciality: int
    services: tuple[Service, ...]

    @property
    def total(self) -> int:
        """SUM_M in kopecks."""
        return sum(s.total for s in self.services)


@dataclass(frozen=True)
class Case:
    """A ZAP with its Z_SL: the patient's index in the package's persons and the stays."""

    index: int
    patient: int
    care: int
    form: int
    result: int
    outcome: int
    stays: tuple[Stay, ...]

    @property
    def total(self) -> int:
        """SUMV in kopecks."""
        return sum(s.total for s in self.stays)


@dataclass(frozen=True)
class Person:
    """A PERS of the L file, with the policy its PACIENT shows."""

    index: int
    surname: str
    name: str
    patronymic: str
    sex: int
    born: date
    enp: str
    snils: str
    doc_series: str
    doc_number: str


def persons_for(cases: int) -> int:
    """How many persons a package of ``cases`` cases has (some come more than once)."""
    return max(1, (cases * 4 + 4) // 5)


def case(seed: int, index: int, cases: int, year: int, month: int) -> Case:
    """Case ``index`` (0-based) of a package of ``cases`` cases for the month."""
    rng = random.Random(seed * 1_000_003 + index)
    people = persons_for(cases)
    # The first cases take every person once, so that every PERS of the L file is used.
    patient = index if index < people else rng.randrange(people)
    care = rng.choices((1, 2, 3, 4), WEIGHTS)[0]
    vidpom, forms, _, results, outcomes = CONDITIONS[care]
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    stays: list[Stay] = []
    begin = first + timedelta(days=rng.randrange(0, (last - first).days + 1))
    for _ in range(2 if care == 1 and rng.random() < 0.1 else 1):
        length = rng.randint(3, 12) if care in (1, 2) else rng.randint(0, 2) if care == 3 else 0
        end = min(begin + timedelta(days=length), last)
        profile = rng.choice(PROFILES)
        speciality = rng.choice(SPECIALITIES)
        services = tuple(Service(rng.choice(SERVICES), rng.randint(1, 3),
                                 rng.randint(30_000, 450_000 if care in (1, 2) else 90_000),
                                 speciality)
                         for _ in range(rng.randint(1, 3)))
        stays.append(Stay(profile, begin, end, rng.choice(DIAGNOSES), speciality, services))
        begin = end
    return Case(index, patient, care, rng.choice(forms), rng.choice(results),
                rng.choice(outcomes), tuple(stays))


def person(seed: int, index: int) -> Person:
    """Person ``index`` of a package's L file."""
    rng = random.Random(seed * 7_919 + index + 17)
    sex = rng.choice((1, 2))
    surnames, names, patronymics = _MALE if sex == 1 else _FEMALE
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
    enp = f"{rng.randrange(10**15, 10**16)}"
    return Person(index, rng.choice(surnames), rng.choice(names), rng.choice(patronymics), sex,
                  born, enp, snils(rng.randrange(1_001_999, 999_999_999)),
                  f"{rng.randint(10, 99)} {rng.randint(10, 99)}", f"{rng.randrange(10**6):06d}")


def snils(number: int) -> str:
    """Eleven digits: the nine of ``number`` and their check sum (as ПФР computes it)."""
    digits = f"{number:09d}"
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits))
    check = total % 101
    return f"{digits}{0 if check in (100, 101) else check:02d}"
