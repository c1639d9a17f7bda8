"""The simulated ФЕРЗЛ answers the client as the WSDL and XSD say, from a federal register that
agrees with the demo region but for the differences it plants, with errors on demand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from adapters.ferzl import policy as pol
from adapters.ferzl.binding import Endpoints
from adapters.ferzl.operations import Catalogue, Operation
from adapters.ferzl.reader import read_message
from adapters.ferzl.releases import Releases
from adapters.ferzl.requests import GetAllCurrentEnpStart, GetPersonData, Poll, build, write
from adapters.ferzl.requests.samples import sample
from adapters.ferzl.simulator.asyncops import AsyncOperations
from adapters.ferzl.simulator.deviations import Deviations
from adapters.ferzl.simulator.planting import KINDS, Planted, from_region
from adapters.ferzl.simulator.server import Controls, SimulatedFerzl
from adapters.ferzl.simulator.service import FerzlSimulatorServer, federal_register
from adapters.ferzl.transport import Answer, FlkRejected, HttpFailure, Transport
from contracts.demo import DemoPerson, DemoPersons, DemoRegionPerson, write_region
from contracts.ferzl_csv import LAYOUTS, CsvStream
from contracts.xmlsafe import parse
from handlers.erz.demo import DEMO_SEED, region_persons
from handlers.erz.synth.population import population
from tests.adapters.ferzl.conftest import FERZL_FIXTURES

TOKEN = "jwt-of-the-test"
REGION_SIZE = 300


class Clock:
    """The simulator's time, moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _region(count: int = REGION_SIZE) -> list[DemoRegionPerson]:
    return list(region_persons(population(count, DEMO_SEED)))


@pytest.fixture(scope="module")
def planted() -> Planted:
    return from_region(_region())


@pytest.fixture(scope="module")
def served(releases: Releases, planted: Planted) -> Iterator[tuple[SimulatedFerzl, Clock]]:
    """One simulator over HTTP for the module (building one reads every release)."""
    clock = Clock()
    ferzl = SimulatedFerzl(releases, planted.register, tokens={TOKEN},
                           asynchronous=AsyncOperations(delay=30, clock=clock))
    server = FerzlSimulatorServer(ferzl, port=0, planted=planted.differences)
    server.start()
    ferzl.url = server.url  # type: ignore[attr-defined]
    try:
        yield ferzl, clock
    finally:
        server.stop()


@pytest.fixture
def clock(served: tuple[SimulatedFerzl, Clock]) -> Clock:
    return served[1]


@pytest.fixture
def simulator(served: tuple[SimulatedFerzl, Clock]) -> SimulatedFerzl:
    """The module's simulator with no errors on demand and no deviations switched on."""
    ferzl = served[0]
    ferzl.controls = Controls()
    ferzl.deviations = Deviations()
    return ferzl


def _client(ferzl: SimulatedFerzl, token: str = TOKEN) -> Transport:
    return Transport(Endpoints(ferzl.url, ferzl.releases),  # type: ignore[attr-defined]
                     lambda: token, releases=ferzl.releases)


def _planted(planted: Planted, kind: str) -> str:
    return next(d.enp for d in planted.differences if d.kind == kind)


def test_get_person_data_of_a_planted_person_answers_the_federal_values(
        simulator: SimulatedFerzl, planted: Planted, releases: Releases) -> None:
    enp = _planted(planted, "insurer")
    federal = next(d.federal for d in planted.differences if d.enp == enp)
    regional = next(p for p in _region() if p.enp == enp)
    answer = _client(simulator).call(build(releases, "24.2.6", GetPersonData.by_enp(enp)))
    assert answer.deviations == []
    [person] = read_message(answer.exchange.answer, releases).message.persons
    assert (person.enp, person.surname, person.birth_date) == (enp, regional.surname,
                                                              regional.birth_date)
    assert person.policies[0].insurer_code == federal != regional.insurer
    assert person.snils == regional.snils
    assert person.attachments[0].mo_code == regional.mo

    dead = _planted(planted, "death")
    answer = _client(simulator).call(build(releases, "24.1.4", GetPersonData.by_enp(dead)))
    [person] = read_message(answer.exchange.answer, releases).message.persons
    assert str(person.death_date) == "2024-12-10" and person.policies[0].status == "НСН"


def _operations(releases: Releases) -> list[Operation]:
    catalogue = Catalogue.read(releases)
    return [op for v in releases.versions for op in catalogue.operations(v)]


def _published() -> list[tuple[str, str]]:
    """(release, operation) of every published operation, for parametrizing (none where
    the fixtures are absent: the tests then skip through the ``releases`` fixture)."""
    if not (FERZL_FIXTURES / "ferzl-ws").is_dir():
        return [("24.2.6", "getPersonData")]
    return [(op.version, op.name) for op in _operations(Releases.discover(FERZL_FIXTURES))]


UNWRITABLE = "makeNilIdentDecision"
"""Its answer requires an element the published schema names "decisionDate " (with a space):
no XML element can have that name, so no answer to it is valid."""


def _call(ferzl: SimulatedFerzl, op: Operation, clock: Clock) -> Answer:
    client = _client(ferzl)
    if op.asynchronous and op.name.endswith("Poll"):
        start = Catalogue.read(ferzl.releases).find(op.version, f"{op.pair}Start")
        token = read_message(client.call(write(ferzl.releases, start, sample(start)))
                             .exchange.answer, ferzl.releases).message.op_token
        assert token
        clock.now += 60
        return client.call(write(ferzl.releases, op, Poll(of=op.pair or "", token=token)))
    return client.call(write(ferzl.releases, op, sample(op)))


@pytest.mark.parametrize(("version", "name"), _published())
def test_every_operation_of_every_release_answers_valid_against_its_xsd(
        version: str, name: str, simulator: SimulatedFerzl, clock: Clock,
        releases: Releases) -> None:
    op = Catalogue.read(releases).find(version, name)
    try:
        answer = _call(simulator, op, clock)
    except FlkRejected as exc:
        # The samples carry a stand-in signature: the simulator verifies it and refuses.
        assert op.signed and "data" in op.request_parts, exc.message
        assert exc.errors[0].code == "ФЛК-002"
        errors = releases.validate(_payload(exc.exchange.answer))
        assert all("decisionDate" in e for e in errors) if name == UNWRITABLE else not errors
        return
    if op.name == UNWRITABLE:
        assert all("decisionDate" in d for d in answer.deviations)
    else:
        assert answer.deviations == [], op.name
    answer.close()
    message = read_message(answer.exchange.answer, releases).message
    assert message.operation == op.response_element.removesuffix("Response")
    assert message.release == op.version


def _payload(body: bytes) -> etree._Element:
    return parse(body)[-1][0]


def test_an_async_operation_is_pending_then_completes_with_a_zipped_csv_by_mtom(
        simulator: SimulatedFerzl, clock: Clock, releases: Releases, planted: Planted) -> None:
    client = _client(simulator)
    start = GetAllCurrentEnpStart(territory=planted.register.okato)
    token = read_message(client.call(build(releases, "24.2.6", start)).exchange.answer,
                         releases).message.op_token
    poll = Poll(of="getAllCurrentEnp", token=token or "")
    pending = client.call(build(releases, "24.2.6", poll))
    assert read_message(pending.exchange.answer, releases).message.processing_status == \
        "IN_PROGRESS"
    assert not pending.exchange.attachments
    clock.now += 29
    assert read_message(client.call(build(releases, "24.2.6", poll)).exchange.answer,
                        releases).message.processing_status == "IN_PROGRESS"
    clock.now += 1
    done = client.call(build(releases, "24.2.6", poll))
    assert done.deviations == []
    assert read_message(done.exchange.answer, releases).message.processing_status == \
        "COMPLETED"
    rows = list(CsvStream(done.attachment().open(), LAYOUTS["getAllCurrentEnp"]))
    done.close()
    enps = {row["ЕНП"] for row in rows}
    assert _planted(planted, "absent") in enps
    assert _planted(planted, "death") not in enps  # the federal register has them dead
    assert len(rows) == sum(1 for p in planted.register if p.death_date is None)


def test_without_a_token_or_with_an_unknown_one_it_is_401(
        simulator: SimulatedFerzl, releases: Releases) -> None:
    request = build(releases, "24.2.6", GetPersonData.by_enp("7600000000000769"))
    for token in ("", "another"):
        with pytest.raises(HttpFailure) as caught:
            _client(simulator, token).call(request)
        assert caught.value.exchange.status == 401
        assert caught.value.policy is pol.AUTH_FAILED


@pytest.mark.parametrize("status", [403, 409, 500])
def test_errors_on_demand(status: int, simulator: SimulatedFerzl, releases: Releases,
                          planted: Planted) -> None:
    enp = _planted(planted, "snils")
    request = build(releases, "24.2.6", GetPersonData.by_enp(enp))
    if status == 403:
        simulator.controls.forbidden.add("getPersonData")
    elif status == 409:
        simulator.controls.fail_persons[enp] = 409
    else:
        simulator.controls.fail_next["getPersonData"] = 500
    with pytest.raises(HttpFailure) as caught:
        _client(simulator).call(request)
    assert caught.value.exchange.status == status
    assert caught.value.policy is pol.HTTP_POLICY[status]
    if status == 500:  # once
        assert _client(simulator).call(request).deviations == []


def test_a_flk_rejection_on_demand_and_for_a_request_its_xsd_refuses(
        simulator: SimulatedFerzl, releases: Releases) -> None:
    simulator.controls.fail_next["getPersonData"] = "flk"
    request = build(releases, "24.2.6", GetPersonData.by_enp("7600000000000769"))
    with pytest.raises(FlkRejected) as caught:
        _client(simulator).call(request)
    assert caught.value.errors[0].code == "ФЛК-900"
    assert releases.validate(_payload(caught.value.exchange.answer)) == []
    invalid = build(releases, "24.2.6", GetPersonData.by_enp("7600000000000769"))
    invalid.append(invalid[-1].__copy__())  # personDataSearchParams twice
    with pytest.raises(FlkRejected) as caught:
        _client(simulator).call(invalid)
    assert caught.value.errors[0].code == "ФЛК-001"
    assert caught.value.policy is pol.FLK_REJECTED


def test_deviations_switched_on_are_what_the_reader_reports(
        simulator: SimulatedFerzl, releases: Releases, planted: Planted) -> None:
    enp = _planted(planted, "attachment")
    simulator.deviations = Deviations(by_person={enp: {"attach-without-depid"}},
                                      by_operation={"getPersonData": {"insurer-out-of-order"}})
    answer = _client(simulator).call(build(releases, "24.2.6", GetPersonData.by_enp(enp)))
    assert any("depId" in d for d in answer.deviations)
    assert any("insurfOgrn" in d for d in answer.deviations)
    read = read_message(answer.exchange.answer, releases)
    assert read.message.persons[0].attachments[0].mo_code  # still read
    other = _planted(planted, "insurer")
    answer = _client(simulator).call(build(releases, "24.2.6", GetPersonData.by_enp(other)))
    assert not any("depId" in d for d in answer.deviations)


def test_the_register_from_a_region_file_plants_exactly_its_documented_differences(
        tmp_path: Path) -> None:
    region = _region(400)
    write_region(tmp_path, region)
    built = federal_register(tmp_path, each=2)
    by_kind = {k: [d for d in built.differences if d.kind == k] for k in KINDS}
    assert {k: len(v) for k, v in by_kind.items()} == dict.fromkeys(KINDS, 2)
    regional = {p.enp: p for p in region}
    register = built.register
    planted_enps = {d.enp for d in built.differences}
    for d in by_kind["insurer"]:
        assert register.by_enp(d.enp).policy.insurer == d.federal != regional[d.enp].insurer
    for d in by_kind["death"]:
        assert register.by_enp(d.enp).death_date is not None
    for d in by_kind["snils"]:
        assert register.by_enp(d.enp).snils == d.federal != regional[d.enp].snils
    for d in by_kind["attachment"]:
        assert register.by_enp(d.enp).attachment.mo_code == d.federal != regional[d.enp].mo
    for d in by_kind["merged"]:
        survivor = register.by_enp(d.enp)
        assert survivor.enp == d.federal != d.enp
        planted_enps.add(survivor.enp)
    for d in by_kind["absent"]:
        assert d.enp not in regional and register.by_enp(d.enp) is not None
    # Everyone else agrees with the region field by field.
    for enp, p in regional.items():
        if enp in planted_enps:
            continue
        federal = register.by_enp(enp)
        assert (federal.enp, federal.snils, federal.surname, federal.birth_date,
                federal.policy.insurer, federal.attachment.mo_code, federal.death_date) == (
            p.enp, p.snils, p.surname, p.birth_date, p.insurer, p.mo, None)
    assert len(register) == len(region)  # 2 merged away, 2 absent added
    # The same file, the same differences.
    assert federal_register(tmp_path, each=2).differences == built.differences


def test_persons_the_other_simulators_act_upon_get_no_planted_difference(
        tmp_path: Path) -> None:
    # The demo's ЗАГС kills and renames persons handed to the СМЭВ simulator: a difference
    # planted on one of them would be hidden (or doubled) by what ЗАГС does to the region.
    region = _region(400)
    write_region(tmp_path, region)
    alone = federal_register(tmp_path, each=2)
    touched = {d.enp for d in alone.differences if d.kind != "absent"}
    handed = [p for p in region if p.enp in touched][:3]
    DemoPersons(region="Ярославская область", region_code="76", persons=[
        DemoPerson(surname=p.surname, name=p.name, sex=p.sex, birth_date=p.birth_date,
                   enp=p.enp) for p in handed]).write(tmp_path)
    spared = federal_register(tmp_path, each=2)
    assert {d.kind for d in spared.differences} == set(KINDS)
    assert not {p.enp for p in handed} & {d.enp for d in spared.differences}
    for p in handed:
        federal = spared.register.by_enp(p.enp)
        assert (federal.policy.insurer, federal.snils, federal.death_date) == (
            p.insurer, p.snils, None)


def test_without_a_region_file_it_generates_a_register_of_its_own(tmp_path: Path) -> None:
    built = federal_register(tmp_path)
    assert built.differences == [] and len(built.register) == 40
    assert len({p.enp for p in built.register}) == 40
    assert len({p.oip for p in built.register}) == 40
