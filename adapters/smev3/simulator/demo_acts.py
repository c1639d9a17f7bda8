"""The simulated ЗАГС's births, changes of name and marriages in the embedded demo.

Beside the deaths (:mod:`adapters.smev3.simulator.demo`), the simulated registry offices
report civil-status acts about the demo region's living people, so that a newcomer sees the
register act on each (ERZ-5):

- a **change of name** (112-03): one person takes a new surname — the register renames them
  with history, the old surname still finding them;
- a **marriage** (112-46): a man and a woman of the region marry and the wife takes the
  husband's surname — the register renames her; his surname stays;
- a **birth** (112-01): a woman of the region has a child — the newborn waits in the
  register's buffer with the mother's insurer suggested (an ЕНП is ФЕРЗЛ's to assign, not
  the fund's) until an operator registers the child.

The persons are taken from the living ones after those the other demo requests use, in the
region's order, so each act names different people. The types' own samples (fictitious
people of Уфа) are offered as well, as the simulator always does: nobody in the demo
register has their names, so they wait in the buffer, unmatched on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from pydantic import BaseModel

from adapters.smev3.vs.zags_brakz import samples as marriages
from adapters.smev3.vs.zags_fatal.messages import RegistryOffice
from adapters.smev3.vs.zags_pername import samples as renames
from adapters.smev3.vs.zags_rogd import samples as births
from contracts.demo import DemoPerson, DemoPersons

NEW_SURNAMES = {"1": "Орлов", "2": "Орлова"}
"""The surname the person of the demo's change of name takes, by sex."""


def feminine(surname: str) -> str:
    """A husband's surname as his wife takes it: Петров → Петрова, Ильин → Ильина,
    Островский → Островская; a surname that does not decline stays as it is."""
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    return surname


def _office(region: DemoPersons) -> tuple[str, str]:
    """A registry office of the region: its name and its 8-character code."""
    return f"Отдел ЗАГС ({region.region})", f"R{region.region_code}00001"


def _number(prefix: str, today: date, serial: int) -> str:
    """A record's 21-character number: two digits of the kind, the date, a serial."""
    return f"{prefix}{today:%Y%m%d}{serial:011d}"


def _names(person: DemoPerson) -> tuple[str, str, str | None]:
    return person.surname, person.name, person.patronymic or None


def name_change(region: DemoPersons, person: DemoPerson, today: date) -> BaseModel:
    """A 112-03 delivery: ``person`` takes the surname :data:`NEW_SURNAMES` gives."""
    name, code = _office(region)
    after = (NEW_SURNAMES[person.sex], person.name, person.patronymic or None)
    record = renames.name_change_record(
        _names(person), after, person.birth_date, act_number=_number("13", today, 1),
        act_date=today - timedelta(days=2), office_code=code, office_name=name,
        document=person.passport or None, address=person.address or None)
    return renames.delivery_of([record], delivery_id=f"d0e30000-0000-4000-8000-"
                               f"{today:%Y%m%d}0003", as_of=today)


def marriage(region: DemoPersons, husband: DemoPerson, wife: DemoPerson,
             today: date) -> BaseModel:
    """A 112-46 delivery: ``husband`` and ``wife`` marry; she takes his surname."""
    name, code = _office(region)
    married = today - timedelta(days=4)

    def party(p: DemoPerson) -> marriages.PartyData:
        return (p.surname, p.name, p.patronymic or None, p.birth_date, p.passport or None)

    record = marriages.marriage_record(
        party(husband), party(wife), married_on=married, act_number=_number("14", today, 1),
        act_date=married, office_code=code, office_name=name,
        wife_surname_after=feminine(husband.surname), residence=husband.address or None)
    return marriages.delivery_of([record], delivery_id=f"d0e30000-0000-4000-8000-"
                                 f"{today:%Y%m%d}0046", as_of=today)


def birth(region: DemoPersons, mother: DemoPerson, today: date) -> BaseModel:
    """A 112-01 delivery: ``mother`` has a daughter twelve days before ``today``."""
    name, code = _office(region)
    parent = births.Adult(mother.surname, mother.name, mother.patronymic or None,
                          mother.birth_date, snils=mother.snils or None,
                          passport=mother.passport or None, address=mother.address or None)
    born = today - timedelta(days=12)
    record = births.birth_record(
        surname=mother.surname, name="Алиса", patronymic="Александровна", sex="2",
        born=born, mother=parent, father=None, act_number=births.record_number(today, 1),
        act_date=born + timedelta(days=5),
        office=RegistryOffice(name=name, code=code),
        birth_place=f"Российская Федерация, {region.region}", region_code=region.region_code)
    return births.delivery_of([record], delivery_id=f"d0e30000-0000-4000-8000-"
                              f"{today:%Y%m%d}0001", as_of=today)


def _of_age(person: DemoPerson, today: date, low: int, high: int) -> bool:
    years = today.year - person.birth_date.year - (
        (today.month, today.day) < (person.birth_date.month, person.birth_date.day))
    return low <= years <= high


def _pick(people: list[DemoPerson], taken: set[int], sex: str, today: date, low: int,
          high: int) -> DemoPerson | None:
    for i, p in enumerate(people):
        if i not in taken and p.sex == sex and _of_age(p, today, low, high):
            taken.add(i)
            return p
    return None


def deliveries(region: DemoPersons, living: list[DemoPerson],
               today: date) -> Iterator[tuple[str, BaseModel]]:
    """The acts about ``living`` (those no other demo request names), by information type:
    ``zags.pername``, ``zags.brakz``, ``zags.rogd``, each when the region has the people."""
    taken: set[int] = set()
    if living:
        taken.add(0)
        yield "zags.pername", name_change(region, living[0], today)
    husband = _pick(living, taken, "1", today, 18, 70)
    wife = _pick(living, taken, "2", today, 18, 60)
    if husband is not None and wife is not None:
        yield "zags.brakz", marriage(region, husband, wife, today)
    mother = _pick(living, taken, "2", today, 18, 45)
    if mother is not None:
        yield "zags.rogd", birth(region, mother, today)
