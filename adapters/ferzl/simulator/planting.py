"""The federal register built from the demo region, with deliberate, documented differences.

The demo writes the region's persons (:data:`contracts.demo.REGION_FILE`); the simulated
ФЕРЗЛ holds the same people — same ЕНП, СНИЛС, names, documents, policy and attachment —
except for a deterministic list of differences it plants, so that a reconciliation of the
region against ФЕРЗЛ must find exactly those (:meth:`Planted.differences`). Persons are taken
in the file's order; the first eligible ones get each kind, no person two:

=============  ============================================================================
kind           what ФЕРЗЛ says that the region does not
=============  ============================================================================
insurer        another insurer (the region's next СМО code), the policy otherwise the same
death          the person died (10.12.2024): record and policy НСН; the region has them alive
snils          another СНИЛС (valid check digits)
attachment     attached to another clinic (the region's next МО of the same kind) since
               15.11.2024
merged         the ЕНП was merged (ОИП слияние) into another person of the region; ФЕРЗЛ
               answers that person for it, getMergeAncessorOip names the old ОИП
absent         a person of the region's territory the region does not hold (federal only)
=============  ============================================================================
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from adapters.ferzl.simulator.register import (
    FederalAttachment,
    FederalPerson,
    FederalPolicy,
    FederalRegister,
    generated_persons,
    mo_oid,
    oip_of,
    snils_check,
)
from contracts.demo import DemoRegionPerson

KINDS = ("insurer", "death", "snils", "attachment", "merged", "absent")
DEATH_DATE = date(2024, 12, 10)
MOVED_ON = date(2024, 11, 15)
MERGED_ON = date(2024, 10, 1)


@dataclass(frozen=True)
class Difference:
    """One planted difference: what ФЕРЗЛ says and what the region says (as text; empty
    when a side has nothing)."""

    kind: str
    enp: str
    """The person's ЕНП in the region (for ``absent``: in ФЕРЗЛ)."""
    federal: str
    regional: str


@dataclass
class Planted:
    """The register and what was planted in it."""

    register: FederalRegister
    differences: list[Difference] = field(default_factory=list)


def from_region(persons: Iterable[DemoRegionPerson], *, okato: str = "78000",
                region: str = "76", each: int = 3, spared: Collection[str] = ()) -> Planted:
    """The federal register of ``persons`` with ``each`` differences of every kind;
    ``spared``: ЕНП of persons the demo's other simulators act upon (ЗАГС's deaths and
    changes of name), left as the region has them so that no planted difference collides
    with what those simulators do to the region."""
    people = list(persons)
    insurers = sorted({p.insurer for p in people if p.insurer})
    clinics = sorted({p.mo for p in people if p.mo})
    register = FederalRegister(okato=okato)
    planted = Planted(register)
    federal = [_federal(i, p, okato, region) for i, p in enumerate(people)]
    counts = dict.fromkeys(KINDS, 0)
    merged_into: dict[int, int] = {}
    for i, (person, source) in enumerate(zip(federal, people, strict=True)):
        if i in merged_into.values() or source.enp in spared:
            continue  # a merge's survivor keeps its own record as the region has it
        kind = next((k for k in KINDS[:-2] if counts[k] < each
                     and _eligible(k, source, insurers, clinics)), None)
        if kind is None and counts["merged"] < each and i + 1 < len(people) \
                and i not in merged_into.values() and _adult(source) \
                and people[i + 1].enp not in spared:
            kind = "merged"
        if kind is None:
            continue
        counts[kind] += 1
        changed, difference = _plant(kind, person, source, insurers, clinics)
        federal[i] = changed
        if kind == "merged":
            merged_into[i] = i + 1  # the next person survives the merge
            difference = replace(difference, federal=people[i + 1].enp)
        planted.differences.append(difference)
    for old, survivor in merged_into.items():
        gone = federal[old]
        federal[survivor] = replace(federal[survivor], merged_from=(
            *federal[survivor].merged_from, (gone.oip, gone.enp, MERGED_ON)))
    for i, person in enumerate(federal):
        if i not in merged_into:
            register.put(person)
    for person in generated_persons(each, seed=int(region), okato=okato, start=len(people),
                                    insurers=insurers or ("78001",),
                                    clinics=clinics or ("780101",)):
        register.put(person)
        planted.differences.append(Difference("absent", person.enp, person.enp, ""))
    return planted


def _adult(p: DemoRegionPerson) -> bool:
    return (DEATH_DATE - p.birth_date).days > 18 * 366


def _eligible(kind: str, p: DemoRegionPerson, insurers: list[str], clinics: list[str]) -> bool:
    if p.death_date is not None or not _adult(p):
        return False
    if kind == "insurer":
        return len(insurers) > 1 and p.insurer in insurers
    if kind == "snils":
        return bool(p.snils)
    if kind == "attachment":
        return p.mo in clinics and len(_same_kind(p.mo, clinics)) > 1
    return True


def _same_kind(mo: str, clinics: list[str]) -> list[str]:
    """The clinics of the same kind (adult or children's: the code's 4th digit)."""
    return [c for c in clinics if c[:4] == mo[:4]]


def _next(value: str, among: list[str]) -> str:
    return among[(among.index(value) + 1) % len(among)]


def _plant(kind: str, person: FederalPerson, source: DemoRegionPerson, insurers: list[str],
           clinics: list[str]) -> tuple[FederalPerson, Difference]:
    enp = source.enp
    if kind == "insurer":
        other = _next(source.insurer, insurers)
        return (replace(person, policy=replace(person.policy, insurer=other)),
                Difference(kind, enp, other, source.insurer))
    if kind == "death":
        return (person.died(DEATH_DATE),
                Difference(kind, enp, DEATH_DATE.strftime("%d.%m.%Y"), ""))
    if kind == "snils":
        first9 = f"{(int(source.snils[:9]) + 7_777) % 10**9:09d}"
        other = first9 + snils_check(first9)
        return replace(person, snils=other), Difference(kind, enp, other, source.snils)
    if kind == "attachment":
        assert person.attachment is not None
        other = _next(source.mo, _same_kind(source.mo, clinics))
        region = person.attachment.mo_id.split(".")[-2]
        moved = replace(person.attachment, mo_code=other, mo_id=mo_oid(region, other),
                        starts_on=MOVED_ON, department_id="")
        return replace(person, attachment=moved), Difference(kind, enp, other, source.mo)
    # merged: the record disappears into the next person's (see from_region)
    return person, Difference(kind, enp, "", enp)


def _federal(i: int, p: DemoRegionPerson, okato: str, region: str) -> FederalPerson:
    """A region's person as ФЕРЗЛ holds them."""
    start = p.policy_start or date(2011, 5, 1)
    policy = FederalPolicy(p.policy_type or "Э", p.policy_number or p.enp, p.insurer, start,
                           p.policy_end)
    attachment = FederalAttachment(
        p.mo, mo_oid(region, p.mo), p.attach_start or start, area_id=p.district,
        method=p.attach_method or "1", department_id=f"{mo_oid(region, p.mo)}.0.1",
        doctor_snils=p.doctor_snils) if p.mo else None
    person = FederalPerson(
        oip=oip_of(i, int(region)), enp=p.enp, surname=p.surname, name=p.name,
        patronymic=p.patronymic, sex=p.sex, birth_date=p.birth_date, territory=okato,
        policy=policy, snils=p.snils, document_type=p.document_type or "14",
        document_series=p.document_series, document_number=p.document_number,
        document_issued=p.document_issued, attachment=attachment)
    return person.died(p.death_date) if p.death_date else person
