"""What the simulated agencies send in the embedded demo: the demo region's people, valid
against the official schemas (``adapters/smev3/simulator/demo.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from adapters.smev3.service import catalogue
from adapters.smev3.simulator import demo, demo_acts
from contracts.demo import DemoPersons
from contracts.schemas import SchemaStore
from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, persons_for_simulators
from handlers.erz.synth import population as synth

TODAY = date(2026, 12, 7)


def _region() -> DemoPersons:
    return persons_for_simulators(synth.population(DEMO_PERSONS, DEMO_SEED))


def test_the_demo_persons_file_round_trips(tmp_path: Path) -> None:
    region = _region()
    assert DemoPersons.read(tmp_path) is None  # not a demo installation: nothing
    region.write(tmp_path)
    assert DemoPersons.read(tmp_path) == region
    assert region.region_code == "76" and len(region.persons) == 8 + 3
    older, younger = region.persons[:8], region.persons[8:]
    assert all((synth.REFERENCE_DATE - p.birth_date).days >= 55 * 365 for p in older)
    # Then a man and two women young enough for the simulated ЗАГС to marry and give a child.
    assert [p.sex for p in younger] == ["1", "2", "2"]
    assert all((synth.REFERENCE_DATE - p.birth_date).days <= 50 * 366 for p in younger)


def test_deliveries_name_the_demo_persons_and_pass_the_xsds(smev3_fixtures: Path) -> None:
    region = _region()
    schemas = SchemaStore(smev3_fixtures)
    sent = demo.deliveries(region, TODAY)
    assert set(sent) == {"zags.fatal", "zags.fataloiv", "ffoms.services", "zags.pername",
                         "zags.brakz", "zags.rogd"}
    named, canonical = [], {}
    for key, request in sent.items():
        info = catalogue().get(key)
        xml = info.request_to_xml(request)
        assert schemas.validate(info.request_schema, xml) == [], key
        canonical[key] = info.to_canonical(info.request_from_xml(xml))
        if key in ("zags.fatal", "zags.fataloiv"):
            for record in canonical[key].records:  # type: ignore[attr-defined]
                assert record.death_date < TODAY and record.death_date >= TODAY - timedelta(30)
                assert record.office_code == "R7600001"
                named.append((record.surname, record.name, record.patronymic,
                              record.birth_date))
    assert sorted(named) == sorted((p.surname, p.name, p.patronymic, p.birth_date)
                                   for p in demo.dying(region))
    services = sent["ffoms.services"]
    alive = region.persons[demo.DEATHS]
    assert (services.family_name, services.policy_number) == (  # type: ignore[attr-defined]
        alive.surname, alive.enp)
    # The acts name living persons of the region, none of them dead or asked about.
    living = {(p.surname, p.name, p.birth_date): p for p in region.persons[demo.DEATHS + 1:]}
    [renamed] = canonical["zags.pername"].records[0].persons  # type: ignore[attr-defined]
    assert (renamed.before.surname, renamed.before.name, renamed.before.birth_date) in living
    assert renamed.surname in demo_acts.NEW_SURNAMES.values() and renamed.name is None
    husband, wife = canonical["zags.brakz"].records[0].persons  # type: ignore[attr-defined]
    assert (husband.role, wife.role) == ("husband", "wife") and husband.surname is None
    assert wife.surname == demo_acts.feminine(husband.before.surname)
    assert {(x.before.surname, x.before.name, x.before.birth_date)
            for x in (husband, wife)} <= set(living)
    [born] = canonical["zags.rogd"].records  # type: ignore[attr-defined]
    assert born.mother is not None and (born.mother.surname, born.mother.name,
                                        born.mother.birth_date) in living
    assert not born.stillborn and born.child.birth_date < TODAY
    people = [renamed.before, husband.before, wife.before, born.mother]
    assert len({(p.surname, p.name) for p in people}) == 4, "each act names other people"
    # The samples stay as the planted, unmatched ones: nobody in the demo has their names.
    everyone = {(p.data.surname, p.data.name, p.data.patronymic)
                for p in synth.population(DEMO_PERSONS, DEMO_SEED)}
    assert not set(demo.PLANTED) & everyone


def test_a_wife_takes_her_husbands_surname_in_its_feminine_form() -> None:
    assert [demo_acts.feminine(s) for s in ("Петров", "Ильин", "Островский", "Гюго")] == [
        "Петрова", "Ильина", "Островская", "Гюго"]


def test_a_region_without_persons_sends_nothing() -> None:
    assert demo.deliveries(DemoPersons(region="Ярославская обл.", region_code="76",
                                       persons=[]), TODAY) == {}
