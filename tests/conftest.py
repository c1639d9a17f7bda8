"""Shared fixtures: the two footprints (embedded and production) and service reachability.

The production footprint needs RabbitMQ and PostgreSQL (``OMSHUB_TEST_BROKER_URL``,
``OMSHUB_TEST_DATABASE_URL``; defaults are the local services). Where they are
unreachable the tests that need them are skipped with the reason — except under
``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.parse
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


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """A RabbitMQ URL on a vhost of this test alone (when rabbitmqctl is at hand)."""
    if not _reachable(BROKER_URL, 5672):
        unavailable(f"RabbitMQ is unreachable at {BROKER_URL}")
    vhost = f"omshub-t-{uuid.uuid4().hex[:10]}"
    parts = urllib.parse.urlsplit(BROKER_URL)
    if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl(
        "set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*"
    ):
        try:
            yield urllib.parse.urlunsplit(parts._replace(path=f"/{vhost}"))
        finally:
            _rabbitmqctl("delete_vhost", vhost)
    else:
        # A remote broker: share its vhost; hub queues are purged by the tests that use them.
        yield BROKER_URL


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
