"""`omshub sim smev3`: the simulator alone, as a process the adapter talks to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from adapters.smev3.service import catalogue
from adapters.smev3.soap import SoapClient
from tests.conftest import free_port


def test_the_simulator_runs_on_its_own(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    # Its file exchange on a free port too: other tests, on other workers, run simulators.
    env["OMSHUB_PLUGINS"] = json.dumps({"smev3-simulator": {"ftp_port": free_port()}})
    sim = subprocess.Popen([sys.executable, "-m", "hub.cli", "sim", "smev3", "--port",
                            str(port)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the simulator did not start listening"
                time.sleep(0.2)
        client = SoapClient(f"http://127.0.0.1:{port}/smev3")
        # It plays the consumer of the types we provide: a sample request waits for us.
        got = client.get_request(catalogue().get("ffoms.services"))
        assert got is not None and got.kind == "request" and got.content is not None
        client.ack(got.message_id)
        assert client.get_request(catalogue().get("ffoms.services")) is None
    finally:
        sim.send_signal(signal.SIGTERM)
        assert sim.wait(30) == 0
