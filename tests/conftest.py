"""Shared fixtures: the two footprints (embedded and production) and service reachability.

The production footprint needs RabbitMQ and PostgreSQL (``OMSHUB_TEST_BROKER_URL``,
``OMSHUB_TEST_DATABASE_URL``; defaults are the local services). Where they are
unreachable the tests that need them are skipped with the reason — except under
``CI=true``, where that is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.settings import Settings, load_settings
from hub.testing import reset_memory_broker

CI = os.environ.get("CI", "").lower() == "true"
BROKER_URL = os.environ.get("OMSHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
DATABASE_URL = os.environ.get(
    "OMSHUB_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SHARED = Path(__file__).resolve().parents[2] / "shared"


def unavailable(reason: str) -> None:
    """Skip for a missing service or file — but fail under CI, where everything must run."""
    if CI:
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reachable(url: str, default_port: int) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or
                                       default_port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    if not _reachable(DATABASE_URL, 5432):
        unavailable(f"PostgreSQL is unreachable at {DATABASE_URL}")
    from storage.db import normalise_url

    name = f"omshub_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(normalise_url(DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    parts = urllib.parse.urlsplit(DATABASE_URL)
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _rabbitmqctl(*args: str) -> bool:
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return False
    done = subprocess.run([ctl, "-q", *args], capture_output=True, timeout=60, check=False)
    return done.returncode == 0


MANAGEMENT_URL = os.environ.get("OMSHUB_TEST_RABBITMQ_MANAGEMENT", "http://127.0.0.1:15672")
"""RabbitMQ's management API: a vhost made over HTTP costs milliseconds, where each
``rabbitmqctl`` call starts an Erlang VM (most of a second of CPU, three per test)."""


def _management(method: str, path: str, body: dict[str, str] | None = None) -> bool:
    """One call of the management API as the broker URL's user; False when unreachable."""
    parts = urllib.parse.urlsplit(BROKER_URL)
    user, password = parts.username or "guest", parts.password or "guest"
    request = urllib.request.Request(
        f"{MANAGEMENT_URL}/api/{path}", method=method,
        data=json.dumps(body or {}).encode(), headers={
            "content-type": "application/json",
            "authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


def _add_vhost(vhost: str) -> str | None:
    """Make the vhost and give the broker URL's user all of it; the way to remove it."""
    user = urllib.parse.urlsplit(BROKER_URL).username or "guest"
    name = urllib.parse.quote(vhost, safe="")
    if _management("PUT", f"vhosts/{name}") and _management(
            "PUT", f"permissions/{name}/{urllib.parse.quote(user, safe='')}",
            {"configure": ".*", "write": ".*", "read": ".*"}):
        return "api"
    if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl(
            "set_permissions", "-p", vhost, user, ".*", ".*", ".*"):
        return "ctl"
    return None


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """A RabbitMQ URL on a vhost of this test alone (made over the management API, else
    with rabbitmqctl)."""
    if not _reachable(BROKER_URL, 5672):
        unavailable(f"RabbitMQ is unreachable at {BROKER_URL}")
    vhost = f"omshub-t-{uuid.uuid4().hex[:10]}"
    parts = urllib.parse.urlsplit(BROKER_URL)
    made = _add_vhost(vhost)
    if made is None:
        # A remote broker: share its vhost; hub queues are purged by the tests that use them.
        yield BROKER_URL
        return
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{vhost}"))
    finally:
        if made == "api":
            _management("DELETE", f"vhosts/{urllib.parse.quote(vhost, safe='')}")
        else:
            _rabbitmqctl("delete_vhost", vhost)


@dataclass(frozen=True)
class Footprint:
    """Where a hub under test runs: the embedded default or RabbitMQ + PostgreSQL."""

    name: str
    broker_url: str
    database_url: str

    def settings(self, tmp: Path, **overrides: object) -> Settings:
        """Settings for a hub on this footprint, with short retry delays for tests."""
        values: dict[str, object] = {"retry_delays": (1, 1), "heartbeat_seconds": 0.5}
        values.update(overrides)
        return load_settings(env={}, broker_url=self.broker_url,
                             database_url=self.database_url, data_dir=tmp / "var", **values)


@pytest.fixture(params=["embedded", "production"])
def footprint(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Footprint]:
    """Each scenario runs on both footprints."""
    if request.param == "embedded":
        reset_memory_broker()
        yield Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
        reset_memory_broker()
        return
    broker = request.getfixturevalue("amqp_url")
    database = request.getfixturevalue("pg_url")
    yield Footprint("production", broker, database)


@pytest.fixture
def production(amqp_url: str, pg_url: str) -> Footprint:
    """The production footprint alone (scenarios that need separate processes)."""
    return Footprint("production", amqp_url, pg_url)
