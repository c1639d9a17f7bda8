"""What only the pika backend promises: it rides out an unreachable or restarting broker."""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING

import pytest

from hub.bus import BusError, Outgoing, PublishError, QueueSpec
from hub.bus.pika_backend import PikaBus
from hub.bus.testing import Collector, wait_until

if TYPE_CHECKING:
    from tests.hub.bus.conftest import Broker


def test_unreachable_broker_fails_calls_within_their_timeout() -> None:
    bus = PikaBus("amqp://guest:guest@127.0.0.1:1/%2F", op_timeout=0.5)
    try:
        assert not bus.healthy()
        started = time.monotonic()
        with pytest.raises(PublishError):
            bus.publish([Outgoing("q", b"{}", "m")], timeout=0.5)
        with pytest.raises(BusError):
            bus.declare([QueueSpec("q")])
        assert time.monotonic() - started < 3
    finally:
        bus.close()


@pytest.mark.rabbitmq
@pytest.mark.slow
@pytest.mark.restarts_broker
def test_broker_restart_loses_nothing_and_the_consumer_resumes(broker: Broker) -> None:
    total, batch_size = 5000, 100
    bus = PikaBus(broker.url)
    queue = f"test.bus.restart.{uuid.uuid4().hex[:8]}"
    try:
        bus.declare([QueueSpec(queue)])
        collector = Collector()
        bus.consume(queue, collector, prefetch=200)
        ids = [f"r{i:05d}" for i in range(total)]
        confirmed = 0
        retries = 0
        errors: list[BaseException] = []

        def publish() -> None:
            nonlocal confirmed, retries
            try:
                for i in range(0, total, batch_size):
                    batch = [Outgoing(queue, b'{"n": 1}', mid) for mid in ids[i:i + batch_size]]
                    deadline = time.monotonic() + 120
                    while True:
                        try:
                            bus.publish(batch, timeout=10)
                            break
                        except PublishError:
                            retries += 1
                            if time.monotonic() > deadline:
                                raise
                            time.sleep(0.1)
                    confirmed += len(batch)
                    time.sleep(0.3)  # a stream, not one burst: the restart lands mid-way
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

        publisher = threading.Thread(target=publish)
        publisher.start()
        wait_until(lambda: confirmed >= total // 4, timeout=60, what="a quarter published")
        broker.stop()
        stopped_at = confirmed
        time.sleep(1.0)
        assert not bus.healthy()
        broker.start()
        restarted = time.monotonic()
        publisher.join(180)
        assert not errors, errors
        assert stopped_at < total, "the restart happened in the middle of the stream"
        received = wait_until(
            lambda: (got := {d.message_id for d in collector.deliveries}) >= set(ids) and got,
            timeout=120, what="every message id arriving")
        assert received == set(ids)
        assert any(t > restarted for t in collector.times), "the consumer resumed by itself"
        # (retries: how many batches raised PublishError; a publish that finds the broker
        # down waits for the reconnect within its timeout, so this may well be 0.)
        assert bus.healthy()
    finally:
        broker.ensure_running()
        try:
            bus.delete(queue)
        finally:
            bus.close()
