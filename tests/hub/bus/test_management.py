"""Unacknowledged counts from RabbitMQ's management API, named by the broker URL."""

from __future__ import annotations

import os
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from hub.bus import (
    Bus,
    Delivery,
    Disposition,
    Outgoing,
    QueueSpec,
    QueueStats,
    Unknown,
    connect,
)
from hub.bus.management import split_url
from hub.bus.testing import wait_until
from tests.conftest import free_port, unavailable
from tests.hub.bus.conftest import kombu_url

MANAGEMENT = os.environ.get("OMSHUB_TEST_MANAGEMENT_URL", "http://127.0.0.1:15672")


def test_the_parameter_is_taken_out_of_the_amqp_url() -> None:
    amqp, api = split_url("amqp://hub:s%40cret@rabbit:5672/omshub?heartbeat=30"
                          "&management=http://rabbit:15672")
    assert amqp == "amqp://hub:s%40cret@rabbit:5672/omshub?heartbeat=30"
    assert api is not None
    assert (api.base, api.user, api.password, api.vhost) == (
        "http://rabbit:15672", "hub", "s@cret", "omshub")
    assert split_url("amqp://guest:guest@127.0.0.1:5672/%2F") == (
        "amqp://guest:guest@127.0.0.1:5672/%2F", None)
    assert split_url("amqp://g:g@h/?management=http://h:15672")[1].vhost == "/"  # type: ignore[union-attr]


def _management_up() -> None:
    try:
        urllib.request.urlopen(MANAGEMENT + "/api/", timeout=2).close()  # noqa: S310
    except OSError as exc:
        if getattr(exc, "code", None) is None:  # an HTTP error is an answer: it is up
            unavailable(f"RabbitMQ's management API is unreachable at {MANAGEMENT} "
                        f"(rabbitmq-plugins enable rabbitmq_management): {exc}")


@pytest.fixture(params=["pika", "kombu"])
def managed(request: pytest.FixtureRequest, amqp_url: str) -> Iterator[Bus]:
    """A bus on RabbitMQ whose URL names the management API."""
    _management_up()
    url = amqp_url if request.param == "pika" else kombu_url(amqp_url)
    sep = "&" if "?" in url else "?"
    bus = connect(f"{url}{sep}management={urllib.parse.quote(MANAGEMENT, safe=':/')}")
    yield bus
    bus.close()


def test_unacknowledged_deliveries_are_counted(managed: Bus) -> None:
    q = f"test.bus.{uuid.uuid4().hex[:12]}"
    managed.declare([QueueSpec(q)])
    release = threading.Event()
    started = threading.Event()

    def hold(batch: list[Delivery]) -> list[Disposition]:
        started.set()
        release.wait(30)
        return [Disposition.ACK] * len(batch)

    try:
        managed.publish([Outgoing(q, b"{}", uuid.uuid4().hex) for _ in range(5)])
        sub = managed.consume(q, hold, prefetch=2, max_wait=0.05)
        assert started.wait(20)
        # the API's statistics lag the queue by up to its interval (5 s by default)
        def two_held() -> QueueStats | None:
            s = managed.queue_stats(q)
            return s if s is not None and s.unacked == 2 else None

        held = wait_until(two_held, timeout=30, what="2 unacknowledged")
        assert held is not None
        assert (held.ready, held.consumers, held.unknown) == (3, 1, None)
        release.set()
        sub.cancel()
    finally:
        release.set()
        managed.delete(q)


def test_an_api_that_does_not_answer_is_explained_and_not_waited_on(amqp_url: str) -> None:
    bus = connect(f"{amqp_url}?management=http://127.0.0.1:{free_port()}")
    q = f"test.bus.{uuid.uuid4().hex[:12]}"
    try:
        bus.declare([QueueSpec(q)])
        first = bus.queue_stats(q)
        assert first is not None and first.ready == 0
        assert first.unacked is None and first.unknown is Unknown.MANAGEMENT_UNAVAILABLE
        began = time.monotonic()
        again = bus.queue_stats(q)
        assert again is not None and again.unknown is Unknown.MANAGEMENT_UNAVAILABLE
        assert time.monotonic() - began < 1.0  # not asked again at once
    finally:
        bus.delete(q)
        bus.close()
