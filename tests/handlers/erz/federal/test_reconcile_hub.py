"""Done when: a reconciliation of the demo region, through the hub on RabbitMQ + PostgreSQL
(and on the embedded footprint), finds exactly the differences the ФЕРЗЛ simulator planted.

The demo region's file is written where the simulator reads it and the same persons are
loaded into the register; the ERZ handler's job «Сверка регистра с ФЕРЗЛ» is run as the
scheduler's "run now" runs it; adapter.ferzl starts, polls and answers the three mass
operations over HTTP against the simulator, then each getPersonData the files leave in doubt.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from contracts.demo import write_region
from contracts.envelope import utcnow
from contracts.erz.register import Source
from contracts.hub import JobRunV1
from handlers.erz.demo import DEMO_SEED, region_persons
from handlers.erz.federal.reconcile_tables import discrepancies, runs
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth
from hub.testing import running_hub, wait_for
from tests.adapters.ferzl.conftest import ferzl_fixtures
from tests.conftest import Footprint, free_port

PERSONS = 600
"""Enough persons for three of every planted kind, fewer than the demo's 2,000 (time)."""
COMPONENTS = ["hub.router", "handler.erz", "adapter.ferzl", "adapter.ferzl-simulator"]


def test_the_demo_region_reconciled_finds_exactly_what_the_simulator_planted(
        footprint: Footprint, tmp_path: Path) -> None:
    schemas = ferzl_fixtures()
    port = free_port()
    settings = footprint.settings(tmp_path, schemas_dir=schemas, plugins={
        "ferzl-simulator": {"port": port, "delay": 0.2},
        "ferzl": {"base_url": f"http://127.0.0.1:{port}", "token": "jwt",
                  "poll_first": 0.1, "poll_factor": 1.0},
        "erz": {"ferzl": True, "ferzl_territory": "78000"}})
    write_region(settings.data_dir, region_persons(synth.population(PERSONS, DEMO_SEED)))
    with running_hub(settings, COMPONENTS) as hub:
        with hub.db.transaction() as conn:
            load_persons(conn, synth.population(PERSONS, DEMO_SEED),
                         source=Source("handler.erz", user="тест"), at=utcnow())
        simulator = hub.process.components["adapter.ferzl-simulator"]
        planted = simulator.server.planted()  # type: ignore[attr-defined]
        hub.publish(JobRunV1(component="handler.erz", job="reconcile_ferzl",
                             schedule="handler.erz.reconcile_ferzl", scheduled_for=utcnow(),
                             requested_by="oper"), destination="handler.erz")

        def finished() -> str | None:
            with hub.db.read() as conn:
                state = conn.execute(sa.select(runs.c.state)).scalar()
            return state if state in ("done", "failed") else None

        assert wait_for(finished, timeout=120, message="the reconciliation finished") == "done"
        with hub.db.read() as conn:
            run = conn.execute(sa.select(runs)).mappings().one()
            found = {(r.kind, r.enp, r.federal, r.regional)
                     for r in conn.execute(sa.select(discrepancies))}
    assert found == {(d.kind, d.enp, d.federal, d.regional) for d in planted}
    kinds = {d.kind for d in planted}
    assert kinds == {"insurer", "death", "snils", "attachment", "merged", "absent"}
    assert run["counts"] == {k: 3 for k in kinds}
    assert run["broken_rows"] == 0 and run["rows_read"] > 2 * PERSONS
