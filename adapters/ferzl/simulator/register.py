"""The simulated ФЕРЗЛ's federal register: persons with ОИП, ЕНП, СНИЛС, documents, policy,
attachment and death, found by any identifier a request may carry.

Built from the demo region's persons (:mod:`adapters.ferzl.simulator.planting`, with planted
differences) or, alone, generated (:func:`generated`): a small register of its own. Statuses
are the spec's dictionary: ДПП «действующий (подтверждённый)», НСН «недействующий в связи со
смертью» (a policy and a person), НСД «истечение срока действия» (a temporary certificate),
НАП «аннулирован».
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

ACTIVE = "ДПП"
DEAD = "НСН"
EXPIRED = "НСД"
MO_OID_PREFIX = "1.2.643.5.1.13.13.12.2"
"""ФРМО OIDs of the simulated clinics: ``<prefix>.<region>.<МО code>``."""


@dataclass(frozen=True)
class FederalPolicy:
    """A policy of ОМС as ФЕРЗЛ holds it."""

    type: str
    number: str
    insurer: str
    starts_on: date
    ends_on: date | None = None
    status: str = ACTIVE


@dataclass(frozen=True)
class FederalAttachment:
    """An attachment to a clinic (МО) as ФЕРЗЛ holds it."""

    mo_code: str
    mo_id: str
    starts_on: date
    area_type: str = "1"
    area_id: str = ""
    method: str = "1"
    department_id: str = ""
    doctor_snils: str = ""
    ends_on: date | None = None
    status: str = ACTIVE


@dataclass(frozen=True)
class FederalPerson:
    """A person (ЗЛ) of the federal register."""

    oip: str
    enp: str
    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: date
    territory: str
    """ОКАТО of the territory of insurance (5 digits)."""
    policy: FederalPolicy
    snils: str = ""
    document_type: str = "14"
    document_series: str = ""
    document_number: str = ""
    document_issued: date | None = None
    attachment: FederalAttachment | None = None
    death_date: date | None = None
    merged_from: tuple[tuple[str, str, date], ...] = ()
    """Records merged into this one: ``(ОИП, ЕНП, when)``."""
    edited: datetime = datetime(2024, 1, 10, 9, 0)

    @property
    def status(self) -> str:
        """The person's record status."""
        return DEAD if self.death_date else ACTIVE

    @property
    def fio(self) -> str:
        """«Фамилия И.О.», as getInsuranceStatus writes it."""
        initials = "".join(f"{n[0]}." for n in (self.name, self.patronymic) if n)
        return f"{self.surname} {initials}".strip()

    def died(self, on: date) -> FederalPerson:
        """The person as registered dead on ``on`` (policy and record НСН)."""
        return replace(self, death_date=on,
                       policy=replace(self.policy, ends_on=on, status=DEAD))


@dataclass
class FederalRegister:
    """The federal register in memory, indexed by every identifier (thread-safe)."""

    okato: str = "78000"
    """The territory the simulated ТФОМС is (its getAllCurrentEnp & co. answer about it)."""
    persons: dict[str, FederalPerson] = field(default_factory=dict)
    """By ОИП."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _by_enp: dict[str, str] = field(default_factory=dict, repr=False)
    _by_snils: dict[str, str] = field(default_factory=dict, repr=False)
    _by_doc: dict[str, str] = field(default_factory=dict, repr=False)

    def put(self, person: FederalPerson) -> None:
        """Add or replace a person (indexes kept; merged ЕНП point at the survivor)."""
        with self._lock:
            self.persons[person.oip] = person
            self._by_enp[person.enp] = person.oip
            for _, enp, _ in person.merged_from:
                self._by_enp[enp] = person.oip
            if person.snils:
                self._by_snils[person.snils] = person.oip
            if person.document_number:
                self._by_doc[_doc_key(person.document_series, person.document_number)] = \
                    person.oip

    def __iter__(self) -> Iterator[FederalPerson]:
        with self._lock:
            return iter(list(self.persons.values()))

    def __len__(self) -> int:
        return len(self.persons)

    def by_enp(self, enp: str) -> FederalPerson | None:
        """The person whose ЕНП (current or merged into them) is ``enp``."""
        with self._lock:
            oip = self._by_enp.get(enp)
            return self.persons.get(oip) if oip else None

    def by_oip(self, oip: str) -> FederalPerson | None:
        """The person of ОИП ``oip``, or the one it was merged into."""
        with self._lock:
            if oip in self.persons:
                return self.persons[oip]
            return next((p for p in self.persons.values()
                         if any(old == oip for old, _, _ in p.merged_from)), None)

    def by_snils(self, snils: str) -> FederalPerson | None:
        """The person of СНИЛС ``snils`` (digits)."""
        digits = "".join(c for c in snils if c.isdigit())
        with self._lock:
            oip = self._by_snils.get(digits)
            return self.persons.get(oip) if oip else None

    def by_document(self, series: str | None, number: str | None) -> FederalPerson | None:
        """The person holding the document ``series number``."""
        with self._lock:
            oip = self._by_doc.get(_doc_key(series or "", number or ""))
            return self.persons.get(oip) if oip else None

    def by_names(self, surname: str | None, name: str | None, patronymic: str | None,
                 born: tuple[date | None, date | None] = (None, None)) -> list[FederalPerson]:
        """Persons whose names (those given, case-insensitive) and birth date match."""
        wanted = [(f, (v or "").casefold()) for f, v in
                  (("surname", surname), ("name", name), ("patronymic", patronymic)) if v]
        low, high = born
        return [p for p in self if all(getattr(p, f).casefold() == v for f, v in wanted)
                and (low is None or p.birth_date >= low)
                and (high is None or p.birth_date <= high)]


def _doc_key(series: str, number: str) -> str:
    return "".join(c for c in series + number if c.isalnum()).upper()


def snils_check(first9: str) -> str:
    """The two check digits of a СНИЛС (the ПФР algorithm, as the register checks it)."""
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total < 100:
        return f"{total:02d}"
    rest = 0 if total in (100, 101) else total % 101
    return "00" if rest in (0, 100) else f"{rest:02d}"


def enp_check(first15: str) -> str:
    """The check digit of an ЕНП (Luhn, as the register checks it)."""
    total = 0
    for i, d in enumerate(reversed(first15)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def mo_oid(region: str, mo_code: str) -> str:
    """The simulated ФРМО OID of a clinic."""
    return f"{MO_OID_PREFIX}.{region}.{mo_code}"


def oip_of(index: int, salt: int = 0) -> str:
    """The ОИП of the ``index``-th federal person (12 digits, unique per index)."""
    return f"{(4_000_000_000 + (index * 7_919 + salt) % 10**9):012d}"


FIRST = (("Иван", "Сергей", "Андрей", "Павел"), ("Анна", "Мария", "Ольга", "Елена"))
SURNAMES = (("Смирнов", "Кузнецов", "Попов", "Соколов"), ("Смирнова", "Кузнецова", "Попова",
                                                          "Соколова"))
PATRONYMICS = (("Петрович", "Ильич"), ("Петровна", "Ильинична"))


def generated(count: int = 40, seed: int = 13, okato: str = "78000") -> FederalRegister:
    """A small register of its own (the simulator alone, a test): ``count`` persons."""
    register = FederalRegister(okato=okato)
    for person in generated_persons(count, seed, okato, start=0):
        register.put(person)
    return register


def generated_persons(count: int, seed: int, okato: str, *, start: int,
                      insurers: Iterable[str] = ("78001", "78002"),
                      clinics: Iterable[str] = ("780101", "780102")) -> Iterator[FederalPerson]:
    """Fictitious persons of territory ``okato``; ``start`` offsets their numbers."""
    smo, mo = tuple(insurers), tuple(clinics)
    for i in range(start, start + count):
        rng = random.Random(seed * 100_003 + i)
        sex = rng.randrange(2)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30_000))
        first15 = f"{okato[:2]}99{(seed * 1_000_003 + i * 7_907) % 10**11:011d}"
        enp = first15 + enp_check(first15)
        first9 = f"{200_000_000 + (seed * 104_729 + i * 15_485) % 700_000_000:09d}"
        begin = max(born, date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3000)))
        code = mo[i % len(mo)]
        yield FederalPerson(
            oip=oip_of(i, seed), enp=enp, surname=SURNAMES[sex][rng.randrange(4)],
            name=FIRST[sex][rng.randrange(4)], patronymic=PATRONYMICS[sex][rng.randrange(2)],
            sex=str(sex + 1), birth_date=born, territory=okato,
            snils=first9 + snils_check(first9), document_type="14",
            document_series=f"{okato[:2]} {rng.randrange(10, 24):02d}",
            document_number=f"{rng.randrange(10**6):06d}",
            document_issued=born + timedelta(days=20 * 366),
            policy=FederalPolicy("Э", enp, smo[i % len(smo)], begin),
            attachment=FederalAttachment(code, mo_oid(okato[:2], code), begin,
                                         area_id=str(1 + i % 20)))
