"""A hub with the demo register and ФЕРЗЛ simulated from the same region (its planted
differences: ``adapters/ferzl/simulator/planting.py``), adapter.ferzl talking to it over
HTTP: what the register's federal flows are tested against."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adapters.ferzl.simulator.planting import Difference
from contracts.demo import write_region
from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, load_region, region_persons
from handlers.erz.synth import population as synth
from hub.testing import TestHub, running_hub
from tests.adapters.ferzl.conftest import FERZL_FIXTURES, ferzl_fixtures
from tests.conftest import Footprint, free_port

COMPONENTS = ["hub.router", "handler.erz", "adapter.ferzl", "adapter.ferzl-simulator"]


@contextmanager
def ferzl_hub(footprint: Footprint, tmp: Path, extra: Sequence[type] = (), *,
              components: Sequence[str] = (), plugins: dict[str, Any] | None = None,
              ferzl: dict[str, Any] | None = None, erz: dict[str, Any] | None = None,
              **overrides: Any) -> Iterator[tuple[TestHub, Any]]:
    """The running hub and the simulator component; ``components`` and ``plugins`` besides
    the federal ones, ``ferzl``: the adapter's settings over the defaults, ``erz``: the
    register's settings, ``overrides``: the hub's (``retry_delays``…)."""
    ferzl_fixtures()
    port = free_port()
    settings = footprint.settings(tmp, schemas_dir=FERZL_FIXTURES, **overrides, plugins={
        "ferzl-simulator": {"port": port, "delay": 0.2},
        "ferzl": {"base_url": f"http://127.0.0.1:{port}", "token": "jwt",
                  "retry_delays": [0.2], "poll_first": 0.2, "poll_factor": 1.0,
                  **(ferzl or {})},
        "erz": {"ferzl": True, **(erz or {})}, **(plugins or {})})
    write_region(settings.data_dir, region_persons(synth.population(DEMO_PERSONS, DEMO_SEED)))
    with running_hub(settings, [*COMPONENTS, *components], extra=list(extra)) as hub:
        load_region(hub.db, settings)
        yield hub, hub.process.components["adapter.ferzl-simulator"]


def planted(simulator: Any, kind: str) -> list[Difference]:
    """The differences of one kind the simulator planted."""
    return [d for d in simulator.server.differences if d.kind == kind]
