"""`omshub sim ferzl`: the simulated ФЕРЗЛ alone, as a process the adapter talks to over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from adapters.ferzl.binding import Endpoints
from adapters.ferzl.reader import read_message
from adapters.ferzl.releases import Releases
from adapters.ferzl.requests import GetPersonData, build
from adapters.ferzl.transport import Transport
from tests.adapters.ferzl.conftest import ferzl_fixtures
from tests.conftest import free_port


def test_the_simulator_runs_on_its_own(tmp_path: Path) -> None:
    schemas = ferzl_fixtures()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    env["OMSHUB_SCHEMAS_DIR"] = str(schemas)
    sim = subprocess.Popen([sys.executable, "-m", "hub.cli", "sim", "ferzl", "--port",
                            str(port)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/control", timeout=1).close()
                break
            except OSError:
                assert sim.poll() is None, "the simulator exited"
                assert time.monotonic() < deadline, "the simulator did not start listening"
                time.sleep(0.2)
        releases = Releases.discover(schemas)
        client = Transport(Endpoints(url, releases), lambda: "jwt", releases=releases)
        # Alone, without the demo's region, it keeps a small register of its own.
        answer = client.call(build(releases, "24.2.6", GetPersonData.by_enp("7600000000000017")))
        read = read_message(answer.exchange.answer, releases)
        assert read.message.operation == "getPersonData" and read.deviations == ()
    finally:
        sim.send_signal(signal.SIGTERM)
        assert sim.wait(30) == 0
