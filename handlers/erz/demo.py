"""A small region for the embedded hub's first start (``omshub.demo`` entry point).

``omshub up`` on an empty SQLite database calls :func:`load_region` once, before the
components start: two thousand synthetic persons of one region
(:mod:`handlers.erz.synth.population`, a fixed seed, so every newcomer sees the same
people) are loaded, so the console's register screens have something to search on day
one. A register that already holds anyone is left alone.

It also leaves, in the hub's data directory, every person of the region in the fund's
terms (:func:`region_persons`, :data:`contracts.demo.REGION_FILE`): the simulated ФЕРЗЛ
builds its federal register from them, with deliberate differences. And a few of those
persons for the counterparts' simulators (:class:`contracts.demo.DemoPersons`,
:func:`persons_for_simulators`): the
СМЭВ 3 simulator, playing ЗАГС, reports the deaths of these people, so its records find
them in the register. Why a file: see :mod:`contracts.demo`. The file also names the
region's insurers and clinics (:func:`organisations`): the files adapter gives each a
folder drop under the data directory, so the register's answers to them (FLK_P, STOPLIST,
ZL_DEATH…) land in ``exchange/<code>/out`` instead of being dead-lettered, and an OPLIST
dropped into an insurer's ``exchange/<code>/in`` is taken in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Literal

import sqlalchemy as sa

from contracts.demo import (
    DemoOrganisation,
    DemoPerson,
    DemoPersons,
    DemoRegionPerson,
    write_region,
)
from contracts.envelope import utcnow
from contracts.erz.register import Source
from handlers.erz import models
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth
from hub.settings import Settings
from storage.db import Database

DEMO_PERSONS = 2000
DEMO_SEED = 76
FOR_SIMULATORS = 8
"""How many persons the demo hands the simulators: the first of 55 or more with a passport."""
YOUNGER = (("1", 20, 50), ("2", 20, 40), ("2", 20, 40))
"""Then younger adults (sex, ages from, to), for the simulated ЗАГС to marry (a man and a
woman) and to give a child (a woman)."""


def load_region(db: Database, settings: Settings) -> str:
    """Load the demo population into an empty register; returns what was done, for the log."""
    written = persons_for_simulators(synth.population(DEMO_PERSONS, DEMO_SEED)).write(
        settings.data_dir)
    write_region(settings.data_dir, region_persons(synth.population(DEMO_PERSONS, DEMO_SEED)))
    with db.read() as conn:  # its tables: `omshub up` migrated before calling it
        if conn.execute(sa.select(models.persons.c.id).limit(1)).first() is not None:
            return "register already holds persons: nothing loaded"
    with db.transaction() as conn:
        loaded = load_persons(conn, synth.population(DEMO_PERSONS, DEMO_SEED),
                              source=Source("handler.erz", user="omshub up (demo region)"),
                              at=utcnow())
    return (f"register: {loaded} synthetic persons of {synth.REGION.name} (seed {DEMO_SEED}); "
            f"persons for the simulators in {written}")


def persons_for_simulators(people: Iterable[synth.SynthPerson],
                           count: int = FOR_SIMULATORS) -> DemoPersons:
    """The first ``count`` persons of ``people`` aged 55 or more who hold a passport (ДУДЛ 14),
    then one younger adult for each of :data:`YOUNGER`, as :class:`DemoPerson`."""
    older: list[DemoPerson] = []
    younger: list[DemoPerson | None] = [None] * len(YOUNGER)
    for p in people:
        if p.document.doc_type != "14":
            continue
        age = _age(p.data.birth_date)
        sex: Literal["1", "2"] = "1" if p.data.sex == "1" else "2"
        if age >= 55 and len(older) < count:
            older.append(_demo_person(p, sex))
        else:
            free = next((i for i, (s, low, high) in enumerate(YOUNGER)
                         if younger[i] is None and s == sex and low <= age <= high), None)
            if free is not None:
                younger[free] = _demo_person(p, sex)
        if len(older) == count and all(younger):
            break
    return DemoPersons(region=synth.REGION.name, region_code=synth.REGION.kladr[:2],
                       okato=synth.REGION.okato,
                       persons=older + [y for y in younger if y is not None],
                       organisations=organisations(synth.REGION))


def region_persons(people: Iterable[synth.SynthPerson]) -> Iterator[DemoRegionPerson]:
    """Every person of ``people`` in the fund's terms, for the simulated ФЕРЗЛ's federal
    register (:data:`contracts.demo.REGION_FILE`)."""
    for p in people:
        d, doc, pol, att = p.data, p.document, p.policy, p.attachment
        yield DemoRegionPerson(
            enp=p.enp, snils=p.snils, surname=d.surname, name=d.name,
            patronymic=d.patronymic or "", sex="1" if d.sex == "1" else "2",
            birth_date=d.birth_date, document_type=doc.doc_type,
            document_series=doc.series or "", document_number=doc.number,
            document_issued=doc.issue_date, policy_type=pol.policy_type,
            policy_number=pol.number, insurer=pol.smo, policy_start=pol.date_begin,
            policy_end=pol.date_end, mo=att.mo,
            district=att.district or "", attach_method=att.method or "",
            attach_start=att.date_attach, doctor_snils=att.doctor_snils or "")


def _age(born: date) -> int:
    on = synth.REFERENCE_DATE
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _demo_person(p: synth.SynthPerson, sex: Literal["1", "2"]) -> DemoPerson:
    d = p.data
    return DemoPerson(
        surname=d.surname, name=d.name, patronymic=d.patronymic, sex=sex,
        birth_date=d.birth_date, snils=p.snils, enp=p.enp,
        passport=f"{p.document.series} {p.document.number}",
        address=p.addresses[0].text if p.addresses else "")


def organisations(region: synth.Region) -> list[DemoOrganisation]:
    """The region's insurers (СМО) and clinics (МО), by the codes the register's files are
    addressed to."""
    return ([DemoOrganisation(code=c, kind="СМО", title=f"СМО {c}") for c in region.insurers]
            + [DemoOrganisation(code=c, kind="МО", title=f"МО {c} (взрослая)")
               for c in region.adult_clinics]
            + [DemoOrganisation(code=c, kind="МО", title=f"МО {c} (детская)")
               for c in region.child_clinics])
