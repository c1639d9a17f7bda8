"""Done when (issue 12, item 6): through the hub on both footprints, the simulator's ЗАГС
birth, name change and marriage records change the demo register with history, and an
unmatched one waits in the buffer.

The demo register is loaded as ``omshub up`` loads it (:func:`handlers.erz.demo.load_region`)
and the simulated ЗАГС sends what it sends in the demo (:mod:`adapters.smev3.simulator.demo_acts`)
— signed, over HTTP, to the real adapter — plus the 112-03 type's own sample, about nobody
of the region. The newborn of the demo's birth was registered by the insurer before ЗАГС's
record came (without a patronymic, place of birth or СНИЛС): the record completes it, and the
simulated ПФР gives its СНИЛС to the register's lookup.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from adapters.smev3.service import catalogue
from adapters.smev3.simulator import demo, demo_acts
from adapters.smev3.simulator.service import SimulatorServer
from contracts.demo import DemoPersons
from contracts.erz.register import PersonData, Source
from contracts.zags_acts import BirthRecord, NameChange
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.demo import load_region
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.zags import names
from hub.testing import TestHub, running_hub, wait_for
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.keys import TestKey
from tests.adapters.smev3.test_exchange import _poll_now
from tests.adapters.smev3.test_exchange_zags import PROVIDER, keys, simulator
from tests.conftest import Footprint
from tests.handlers.erz.register.conftest import enp

__all__ = ["keys", "simulator"]

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.smev3", "adapter.files", "handler.erz"]
TYPES = ["zags.rogd", "zags.pername", "zags.brakz", "pfr.snils"]


def _hub(footprint: Footprint, tmp: Path, server: SimulatorServer,
         keys: dict[str, TestKey], region: DemoPersons) -> Any:
    out = tmp / "out"
    settings = footprint.settings(tmp, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": server.url, "types": TYPES,
                  "key": str(keys["ours"].key), "certificate": str(keys["ours"].cert),
                  "crypto_provider": PROVIDER, "retry_delays": [1, 1]},
        "files": {"drops": [{
            "name": "erz", "kind": "folder", "inbound": str(tmp / "in"),
            "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
            "outbound": {o.code: str(out / o.code) for o in region.organisations},
            "masks": []}]}})
    (tmp / "in").mkdir(exist_ok=True)
    return settings, running_hub(settings, COMPONENTS)


def _current(hub: TestHub, number: str) -> Any:
    with hub.db.read() as conn:
        return queries.person_as_of(conn, number, date.today())


def _surname_on(hub: TestHub, number: str, on: date) -> str:
    """The person's surname on a date, as the register knows it now."""
    with hub.db.read() as conn:
        return str(queries.person_as_of(conn, number, on).data.surname)  # type: ignore[union-attr]


def test_zags_acts_change_the_demo_register_with_history_and_an_unmatched_one_waits(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, persons_for_simulators
    from handlers.erz.synth import population as synth

    today = date.today()
    region = persons_for_simulators(synth.population(DEMO_PERSONS, DEMO_SEED))
    living = region.persons[demo.DEATHS + 1:]
    acts = dict(demo_acts.deliveries(region, living, today))
    assert set(acts) == {"zags.pername", "zags.brakz", "zags.rogd"}
    types = catalogue()
    canonical = {k: types.get(k).to_canonical(v) for k, v in acts.items()}
    [renamed] = canonical["zags.pername"].records[0].persons  # type: ignore[attr-defined]
    renamed_on = canonical["zags.pername"].records[0].changed_on  # type: ignore[attr-defined]
    husband, wife = canonical["zags.brakz"].records[0].persons  # type: ignore[attr-defined]
    married_on = canonical["zags.brakz"].records[0].changed_on  # type: ignore[attr-defined]
    [birth] = canonical["zags.rogd"].records  # type: ignore[attr-defined]
    assert isinstance(renamed, NameChange) and isinstance(birth, BirthRecord)

    settings, hub_cm = _hub(footprint, tmp_path, simulator, keys, region)
    with hub_cm as hub:
        load_region(hub.db, settings)
        people = {(p.surname, p.name, p.birth_date): p.enp for p in region.persons}
        who = {role: people[(x.before.surname, x.before.name, x.before.birth_date)]
               for role, x in (("renamed", renamed), ("husband", husband), ("wife", wife))}
        # The insurer registered the newborn before ЗАГС's record came, as far as it knew.
        child = enp(990001)
        with hub.db.transaction() as conn:
            Register(conn, Source("test", user="insurer")).create_person(child, PersonData(
                birth.child.surname, birth.child.name, "", "2", birth.child.birth_date, ""))
        for key, request in acts.items():
            simulator.smev.offer_request(types.get(key), request, name=f"demo:{key}")
        info = types.get("zags.pername")
        simulator.smev.offer_request(info, info.sample_request(), name="sample:zags.pername")

        def done() -> bool:
            _poll_now(hub)
            return hub.count(m.zags_acts) >= 4 and bool(_current(hub, child).snils)

        wait_for(done, timeout=120, message="the acts taken and the newborn's СНИЛС set")

        # The change of name: a new surname from the act's date, the old one before it.
        day = timedelta(days=1)
        assert (_surname_on(hub, who["renamed"], renamed_on - day),
                _surname_on(hub, who["renamed"], renamed_on)) == (
            renamed.before.surname, renamed.surname)
        # The marriage: she takes his surname from the day of the marriage, his stays.
        assert (_surname_on(hub, who["wife"], married_on - day),
                _surname_on(hub, who["wife"], today)) == (
            wife.before.surname, demo_acts.feminine(husband.before.surname))
        assert _surname_on(hub, who["husband"], today) == husband.before.surname
        with hub.db.read() as conn:
            ops = {k: [c.op for c in queries.timeline(conn, n)] for k, n in who.items()}
            found, _ = queries.search(conn, queries.PersonFilter(surname=wife.before.surname,
                                                                  name=wife.before.name))
        assert ops["renamed"].count("change_data") == 1 == ops["wife"].count("change_data")
        assert "change_data" not in ops["husband"]
        assert who["wife"] in found, "her maiden name still finds her"
        # The birth completes the newborn: patronymic from ЗАГС, СНИЛС from ПФР, with history.
        now = _current(hub, child)
        assert now.data.patronymic == birth.child.patronymic
        with hub.db.read() as conn:
            kept = [(v["patronymic"], v["superseded_at"] is None)
                    for v in queries.versions(conn, child, "person")]
            snils = queries.versions(conn, child, "snils")
            waiting = buffer.pending(conn, names.KIND)
        assert kept == [("", False), (birth.child.patronymic, True)]
        assert len(snils) == 1 and len(snils[0]["snils"]) == 11
        # The sample's person is nobody of the region: it waits for an operator, saying why.
        [item] = waiting
        assert "не найден" in item.why
        assert item.candidate["surname"] not in {p.surname for p in region.persons}
        # The insurer and the clinic of each renamed person are told at once: the insurer's
        # RECLIST, the clinic's PRK delta, in their folders of the file exchange.
        expected = set()
        for person in (_current(hub, who[k]) for k in ("renamed", "wife")):
            expected |= {(person.policy.smo, "RECT"), (person.attachment.mo, "PRKT")}

        def told() -> set[tuple[str, str]]:
            return {(p.parent.name, p.name[:4]) for p in (tmp_path / "out").glob("*/*.xml")}

        wait_for(lambda: expected <= told(), timeout=60,
                 message=f"files for {sorted(expected)} in the exchange")
