"""Fixtures of the bus contract suite: one ``bus`` per backend, and a harness per test.

The RabbitMQ variants run on ``OMSHUB_TEST_BROKER_URL`` (default the local broker), on a
vhost of this test session when ``rabbitmqctl`` is at hand (so the dead-letter queue and the
delay tiers are this session's alone), else on the URL's own vhost. An unreachable broker
skips those variants with the reason, except under ``CI=true`` where it is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from hub.bus import (
    DEAD_LETTER_QUEUE,
    BatchHandler,
    Bus,
    Delivery,
    Disposition,
    QueueSpec,
    Subscription,
    connect,
)
from hub.bus.testing import Collector, wait_until

CI = os.environ.get("CI", "").lower() == "true"
BROKER_URL = os.environ.get("OMSHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("kombu", id="kombu-amqp", marks=pytest.mark.rabbitmq),
    pytest.param("pika", id="pika", marks=pytest.mark.rabbitmq),
]


def rabbitmqctl(*args: str, timeout: float = 120) -> bool:
    """Run ``rabbitmqctl -q args``; False when it failed or is not installed."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return False
    done = subprocess.run([ctl, "-q", *args], capture_output=True, timeout=timeout,
                          check=False)
    return done.returncode == 0


def broker_reachable(url: str) -> bool:
    """Whether something listens at the host and port of ``url``."""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672),
                                      timeout=2):
            return True
    except OSError:
        return False


def kombu_url(amqp_url: str) -> str:
    """The ``kombu+amqp://`` URL of the same broker and vhost (kombu writes "/" as "//")."""
    parts = urllib.parse.urlsplit(amqp_url)
    vhost = urllib.parse.unquote(parts.path[1:]) if parts.path else "/"
    path = "//" if vhost == "/" else "/" + urllib.parse.quote(vhost, safe="")
    return "kombu+" + urllib.parse.urlunsplit(parts._replace(path=path))


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """The pika URL of this session's RabbitMQ vhost (skips when RabbitMQ is unreachable)."""
    if not broker_reachable(BROKER_URL):
        reason = f"RabbitMQ is unreachable at {BROKER_URL} (set OMSHUB_TEST_BROKER_URL)"
        if CI:
            pytest.fail(f"{reason}; CI=true requires it")
        pytest.skip(reason)
    parts = urllib.parse.urlsplit(BROKER_URL)
    vhost = f"omshub-bus-{uuid.uuid4().hex[:8]}"
    if rabbitmqctl("add_vhost", vhost) and rabbitmqctl(
        "set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*"
    ):
        try:
            yield urllib.parse.urlunsplit(parts._replace(path="/" + vhost))
        finally:
            rabbitmqctl("delete_vhost", vhost)
    else:
        yield BROKER_URL


class Broker:
    """The local RabbitMQ, for tests that restart it (they must leave it running)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def stop(self) -> None:
        """Stop the RabbitMQ application (the node stays up): every connection drops."""
        assert rabbitmqctl("stop_app"), "rabbitmqctl stop_app failed"

    def start(self) -> None:
        """Start it again and wait until it serves."""
        assert rabbitmqctl("start_app"), "rabbitmqctl start_app failed"
        rabbitmqctl("await_startup")

    def ensure_running(self) -> None:
        """Start RabbitMQ if a test left it stopped (other people's tests use it)."""
        if broker_reachable(self.url):
            return
        rabbitmqctl("start_app")
        if not broker_reachable(self.url) and shutil.which("rabbitmq-server"):
            subprocess.run(["rabbitmq-server", "-detached"], check=False, timeout=60)
        rabbitmqctl("await_startup", timeout=180)


@pytest.fixture
def broker(amqp_url: str) -> Iterator[Broker]:
    """Control of the local broker; left running after.

    Restarting a broker disturbs everyone else's tests on it, so outside CI this runs only
    when asked for with ``OMSHUB_TEST_RESTART_BROKER=1``.
    """
    if not (CI or os.environ.get("OMSHUB_TEST_RESTART_BROKER") == "1"):
        pytest.skip("restarts the shared RabbitMQ: set OMSHUB_TEST_RESTART_BROKER=1 "
                    "(always runs under CI=true)")
    if shutil.which("rabbitmqctl") is None:
        reason = "restarting RabbitMQ needs rabbitmqctl on this machine"
        if CI:
            pytest.fail(f"{reason}; CI=true requires it")
        pytest.skip(reason)
    control = Broker(amqp_url)
    try:
        yield control
    finally:
        control.ensure_running()


@pytest.fixture(params=BACKENDS)
def bus_url(request: pytest.FixtureRequest) -> str:
    """The URL of one backend: memory, kombu over AMQP, pika."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue("amqp_url")
    return kombu_url(url) if request.param == "kombu" else url


class Harness:
    """One backend's bus plus unique queues and consumers, all removed after the test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bus: Bus = connect(url)
        self.queues: list[str] = []
        self.subs: list[Subscription] = []
        self.extra: list[Bus] = []

    def queue(self, **spec: Any) -> str:
        """Declare a queue with a unique name (QueueSpec fields as keywords)."""
        name = f"test.bus.{uuid.uuid4().hex[:12]}"
        self.bus.declare([QueueSpec(name, **spec)])
        self.queues.append(name)
        return name

    def consume(self, queue: str, handler: BatchHandler, **kw: Any) -> Subscription:
        """Start a consumer that is cancelled after the test."""
        sub = self.bus.consume(queue, handler, **kw)
        self.subs.append(sub)
        return sub

    def connect(self) -> Bus:
        """Another bus on the same backend, closed after the test."""
        bus = connect(self.url)
        self.extra.append(bus)
        return bus

    def dead_letters(self, message_ids: Sequence[str], timeout: float = 20.0) -> list[Delivery]:
        """Take the given messages out of the dead-letter queue (others are put back)."""
        wanted = set(message_ids)
        depth = self.bus.queue_depth(DEAD_LETTER_QUEUE) or 0
        collector = Collector(lambda d: Disposition.ACK if d.message_id in wanted
                              else Disposition.REQUEUE)
        # A quorum queue puts a requeued message back at its head: take in everything
        # ready at once, so that other tests' dead letters cannot hide ours.
        sub = self.bus.consume(DEAD_LETTER_QUEUE, collector, prefetch=min(depth + 50, 65535),
                               max_wait=0.2)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                found = [d for d in collector.deliveries if d.message_id in wanted]
                if {d.message_id for d in found} >= wanted:
                    return found
                time.sleep(0.05)
            raise TimeoutError(f"dead letters {sorted(wanted)} not found within {timeout} s")
        finally:
            sub.cancel()

    def close(self) -> None:
        """Cancel the consumers, delete the queues, close the buses."""
        for other in self.extra:
            other.close()
        for sub in self.subs:
            sub.cancel()
        for name in self.queues:
            self.bus.delete(name)
        self.bus.close()


@pytest.fixture
def harness(bus_url: str) -> Iterator[Harness]:
    """A harness on each backend; checks that closing it left no thread behind."""
    before = set(threading.enumerate())
    h = Harness(bus_url)
    try:
        yield h
    finally:
        h.close()
    wait_until(lambda: not (set(threading.enumerate()) - before), timeout=10,
               what="every bus thread ending after close()")


@pytest.fixture
def bus(harness: Harness) -> Bus:
    """The harness's bus."""
    return harness.bus
