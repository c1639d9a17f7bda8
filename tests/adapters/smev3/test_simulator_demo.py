"""What the simulated agencies send in the embedded demo: the demo region's people, valid
against the official schemas (``adapters/smev3/simulator/demo.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from adapters.smev3.service import catalogue
from adapters.smev3.simulator import demo
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
    assert region.region_code == "76" and len(region.persons) == 8
    assert all((synth.REFERENCE_DATE - p.birth_date).days >= 55 * 365 for p in region.persons)


def test_deliveries_name_the_demo_persons_and_pass_the_xsds(smev3_fixtures: Path) -> None:
    region = _region()
    schemas = SchemaStore(smev3_fixtures)
    sent = demo.deliveries(region, TODAY)
    assert set(sent) == {"zags.fatal", "zags.fataloiv", "ffoms.services"}
    named = []
    for key, request in sent.items():
        info = catalogue().get(key)
        xml = info.request_to_xml(request)
        assert schemas.validate(info.request_schema, xml) == [], key
        canonical = info.to_canonical(info.request_from_xml(xml))
        if key.startswith("zags."):
            for record in canonical.records:  # type: ignore[attr-defined]
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
    # The samples stay as the planted, unmatched ones: nobody in the demo has their names.
    everyone = {(p.data.surname, p.data.name, p.data.patronymic)
                for p in synth.population(DEMO_PERSONS, DEMO_SEED)}
    assert not set(demo.PLANTED) & everyone


def test_a_region_without_persons_sends_nothing() -> None:
    assert demo.deliveries(DemoPersons(region="Ярославская обл.", region_code="76",
                                       persons=[]), TODAY) == {}
