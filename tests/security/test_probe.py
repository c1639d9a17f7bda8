"""Issue 9, finding 13: a command that hands messages to a running hub leaves publishing to it.

``omshub probe`` used to start a broker and a relay of its own; on the embedded default
that in-process broker drained the shared outbox into nothing and the probes stayed
``received``. Here the hub and the command are two processes sharing one database, as a
user runs them: the probes must be handled by the running hub.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from hub.testing import TestHub, running_hub, wait_for
from storage.models import journal_messages, outbox
from tests.conftest import Footprint

COUNT = 25


def probe_command(fp: Footprint, tmp: Path, count: int) -> subprocess.CompletedProcess[str]:
    """``omshub probe`` in a process of its own, configured like the running hub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    env.update(OMSHUB_BROKER_URL=fp.broker_url, OMSHUB_DATABASE_URL=fp.database_url,
               OMSHUB_DATA_DIR=str(tmp / "var"))
    return subprocess.run([sys.executable, "-m", "hub.cli", "probe", "--count", str(count),
                           "--note", "проверка"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp)


def probe_statuses(hub: TestHub) -> list[str]:
    """The journal status of every probe message."""
    with hub.db.read() as conn:
        return list(conn.execute(sa.select(journal_messages.c.status).where(
            journal_messages.c.type == "hub.probe")).scalars())


def test_probes_handed_to_a_running_hub_are_handled(footprint: Footprint, tmp_path: Path):
    settings = footprint.settings(tmp_path)
    with running_hub(settings, ["hub.router", "handler.probe"]) as hub:
        done = probe_command(footprint, tmp_path, COUNT)
        assert done.returncode == 0, done.stderr
        assert "передано проб: 25" in done.stdout
        # Staged by the command, published by the running hub's relay, handled by its handler.
        wait_for(lambda: probe_statuses(hub).count("handled") == COUNT, timeout=60,
                 message=f"{COUNT} probes handled")
        assert hub.count(outbox) == 0
        assert hub.process.relay.published >= COUNT, "published by the running hub's relay"


def test_probe_refuses_an_unmigrated_database(tmp_path: Path):
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'empty.db'}")
    done = probe_command(fp, tmp_path, 1)
    assert done.returncode == 2 and "omshub migrate" in done.stderr
