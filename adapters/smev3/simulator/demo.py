"""What the simulated agencies send in the embedded demo (``omshub up``): the region's people.

The simulated ЗАГС reports the deaths of persons of the demo register — the persons the
demo left in the data directory (:class:`contracts.demo.DemoPersons`, written by the
register's demo loader; why a file, see :mod:`contracts.demo`). Each death record names a
person as the register knows them (surname, name, patronymic, sex, birth date, passport),
dated a few days before the simulator's start, in both formats:

- one 112-41 delivery (FATALOIVRequest) with a record for each of the first
  :data:`DEATHS` persons but the last of them;
- one 112-04 delivery (FATALRequest) for that last one.

The persons after them stay alive: the simulated ФОМС asks for the medical services of the
first of them (``ffoms.services``, by the person's names, birth date and ЕНП), so that a
handler answering that type would find the person.

**Planted, unmatched on purpose**: the types' own samples (Хабибуллин Рамиль Фаритович,
112-41; Сидорова Анна Ивановна, 112-04; fictitious people of Уфа) are offered as well, as
the simulator always does. Nobody in the demo register has their names, so the register
cannot find them and they wait in its buffer («ЗЛ не найдено в регистре») — the buffer has
something to show, and the demo shows what an unmatched record looks like.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel

from adapters.smev3.simulator import demo_acts
from adapters.smev3.vs.ffoms_services import samples as services_samples
from adapters.smev3.vs.ffoms_services.messages import ServicesRequestV1
from adapters.smev3.vs.zags_fatal import messages as fatal
from adapters.smev3.vs.zags_fatal import samples as fatal_samples
from adapters.smev3.vs.zags_fatal.messages import KladrAddress
from adapters.smev3.vs.zags_fataloiv import messages as oiv
from adapters.smev3.vs.zags_fataloiv import samples as oiv_samples
from contracts.demo import DemoPerson, DemoPersons

DEATHS = 6
"""How many of the demo's persons the simulated ЗАГС reports dead."""
PLANTED = (("Хабибуллин", "Рамиль", "Фаритович"), ("Сидорова", "Анна", "Ивановна"))
"""The samples' deceased (112-41, 112-04): not in the demo register, buffered on purpose."""


def _office(region: DemoPersons) -> tuple[str, str]:
    """A registry office of the region: its name and its 8-character code."""
    return f"Отдел ЗАГС ({region.region})", f"R{region.region_code}00001"


def _act_number(today: date, i: int) -> str:
    return f"170{today:%Y%m%d}{i + 1:04d}"


def _died(today: date, i: int) -> date:
    return today - timedelta(days=3 + i)


def fataloiv(region: DemoPersons, persons: list[DemoPerson], today: date) -> oiv.FatalOivRequestV1:
    """A 112-41 delivery: the deaths of ``persons``, recorded by an office of the region."""
    sample = oiv_samples.delivery()
    base = sample.records[0]
    name, code = _office(region)
    place = oiv.Place(kind="1", description=f"Российская Федерация, {region.region}",
                      country_code="643", country_name="Российская Федерация",
                      region=region.region_code)
    records = []
    for i, person in enumerate(persons):
        died = _died(today, i)
        home = oiv.Residence(russia=oiv.RussianAddress(
            address_text=person.address or region.region, kind="1",
            kladr=KladrAddress(region=region.region_code, region_name=region.region)))
        deceased = base.registered.deceased.model_copy(update={
            "sex": person.sex, "name": oiv.FullName(family=person.surname, given=person.name,
                                                    patronymic=person.patronymic or None),
            "birth_date": person.birth_date, "birth_place": place, "residence": home,
            "death_date": died, "death_place": place, "marital_status": None,
            "identity_document": oiv.IdentityDocument(
                kind_code="21", name="Паспорт гражданина Российской Федерации",
                series_number=person.passport) if person.passport else None})
        document = base.registered.death_document.model_copy(update={"issued_on": died})
        records.append(base.model_copy(update={
            "number": _act_number(today, i), "recorded_on": today, "version_date": today,
            "registry_office": oiv.RegistryOfficeOiv(name=name, code=code),
            "status": base.status.model_copy(update={"since": today}),
            "registered": oiv.Registered(deceased=deceased, death_document=document),
            "applicant_person": base.applicant_person.model_copy(update={"residence": home})
            if base.applicant_person else None}))
    return oiv.FatalOivRequestV1(id=f"d0e30000-0000-4000-8000-{today:%Y%m%d}0041",
                                 as_of=today, records=records)


def fatal_delivery(region: DemoPersons, person: DemoPerson, today: date,
                   index: int) -> fatal.FatalRequestV1:
    """A 112-04 delivery: the death of one person, recorded by an office of the region."""
    sample = fatal_samples.delivery()
    base = sample.records[0]
    name, code = _office(region)
    place = fatal.Place(description=f"Российская Федерация, {region.region}",
                        country_code="643", region=region.region_code)
    died = _died(today, index)
    deceased = base.registered.deceased.model_copy(update={
        "sex": person.sex, "name": fatal.FullName(family=person.surname, given=person.name,
                                                  patronymic=person.patronymic or None),
        "birth_date": person.birth_date, "birth_place": place, "death_date": died,
        "death_place": place,
        "residence_russia": fatal.RussianResidence(
            address_text=person.address or region.region,
            kladr=KladrAddress(region=region.region_code, region_name=region.region)),
        "identity_document": fatal.IdentityDocument(
            kind_code="21", name="Паспорт", series_number=person.passport)
        if person.passport else None})
    record = base.model_copy(update={
        "number": _act_number(today, index), "recorded_on": today,
        "registry_office": fatal.RegistryOffice(name=name, code=code),
        "status": base.status.model_copy(update={"since": today}),
        "certificate": base.certificate.model_copy(update={"issued_on": today})
        if base.certificate else None,
        "registered": base.registered.model_copy(update={"deceased": deceased})})
    return fatal.FatalRequestV1(id=f"d0e30000-0000-4000-8000-{today:%Y%m%d}0004",
                                as_of=today, records=[record])


def services_request(region: DemoPersons, person: DemoPerson,
                     today: date) -> ServicesRequestV1:
    """The simulated ФОМС asks for the services rendered to ``person`` in the last half-year."""
    return services_samples.request().model_copy(update={
        "region_okato": (region.okato or "00000")[:5], "family_name": person.surname,
        "first_name": person.name, "patronymic": person.patronymic or None,
        "birth_date": person.birth_date, "policy_number": person.enp,
        "date_from": today - timedelta(days=183), "date_to": today})


def dying(region: DemoPersons) -> list[DemoPerson]:
    """The persons whose deaths the simulated ЗАГС reports."""
    return region.persons[:DEATHS]


def deliveries(region: DemoPersons, today: date) -> dict[str, BaseModel]:
    """Every request of the demo by information type (``zags.fataloiv``, ``zags.fatal``,
    ``ffoms.services``, and the acts of :mod:`adapters.smev3.simulator.demo_acts`); each
    only when the region has the persons it needs."""
    dead, living = dying(region), region.persons[DEATHS:]
    out: dict[str, BaseModel] = {}
    if dead:
        out["zags.fatal"] = fatal_delivery(region, dead[-1], today, len(dead) - 1)
    if len(dead) > 1:
        out["zags.fataloiv"] = fataloiv(region, dead[:-1], today)
    if living and living[0].enp and region.okato:
        out["ffoms.services"] = services_request(region, living[0], today)
    out.update(demo_acts.deliveries(region, living[1:], today))
    return out
