"""`omshub up`, as README's first command runs it: one process, console, first login, stop."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED
from handlers.erz.synth.population import person
from tests.conftest import free_port


def test_up_serves_the_console_and_the_first_administrator_can_log_in(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    # Every port free: the other tests, on other workers, run simulators of their own.
    env["OMSHUB_PLUGINS"] = json.dumps({
        "smev3-simulator": {"port": 0, "ftp_port": free_port()},
        "ferzl-simulator": {"port": free_port()}, "soap": {"port": free_port()},
        "smev3-api": {"port": free_port()}})
    up = subprocess.Popen([sys.executable, "-m", "hub.cli", "up", "--port", str(port)],
                          cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    try:
        password = None
        deadline = time.monotonic() + 60
        assert up.stdout is not None
        while password is None and time.monotonic() < deadline:
            line = up.stdout.readline()
            found = re.search(r"user 'admin' created with password (\S+)", line)
            password = found.group(1) if found else None
        assert password, "the first start prints the administrator's one-time password"
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(f"{base}/healthz") as r:
            assert r.status == 200
        form = opener.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        data = urllib.parse.urlencode({"csrf_token": token.group(1), "username": "admin",
                                       "password": password, "next": "/journal"}).encode()
        with opener.open(f"{base}/login", data) as r:
            assert r.url.endswith("/journal") and "admin" in r.read().decode()
        assert (tmp_path / "var" / "omshub.db").exists()  # the embedded default: SQLite
        # the first start loaded a small region (omshub.demo): the register finds its people
        first = person(0, seed=DEMO_SEED).enp
        with opener.open(f"{base}/erz?enp={first}") as r:
            assert "Найдено: 1" in r.read().decode()
        with sqlite3.connect(tmp_path / "var" / "omshub.db") as db:
            assert db.execute("SELECT count(*) FROM erz_persons").fetchone() == (DEMO_PERSONS,)
    finally:
        up.send_signal(signal.SIGTERM)
        assert up.wait(30) == 0, "a graceful stop on SIGTERM"
        if up.stdout:
            up.stdout.close()
