"""The bus contract: every backend (memory, kombu over AMQP, pika) passes these unchanged."""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING

import pytest

from hub.bus import Bus, Delivery, Disposition, Outgoing, PublishError
from hub.bus.testing import Collector, wait_until

if TYPE_CHECKING:
    from tests.hub.bus.conftest import Harness


def _ids(n: int) -> list[str]:
    return [uuid.uuid4().hex for _ in range(n)]


def test_round_trip_keeps_body_message_id_and_headers(harness: Harness) -> None:
    q = harness.queue()
    headers = {"x-omshub-attempt": 2, "traceparent": "00-4bf92f3577b34da6-00f067aa0ba902b7-01"}
    sent = [Outgoing(q, f'{{"n": {i}}}'.encode(), mid, headers) for i, mid in enumerate(_ids(3))]
    harness.bus.publish(sent)
    collector = Collector()
    harness.consume(q, collector)
    got = collector.wait_for(3)
    assert [(d.body, d.message_id) for d in got] == [(m.body, m.message_id) for m in sent]
    for d in got:
        assert {k: d.headers[k] for k in headers} == headers
        assert d.queue == q
        assert d.delivery_count == 0
        assert not d.redelivered


def test_batches_never_exceed_prefetch(harness: Harness) -> None:
    q = harness.queue()
    harness.bus.publish([Outgoing(q, b"{}", mid) for mid in _ids(60)])
    collector = Collector(delay=0.01)
    harness.consume(q, collector, prefetch=7, max_wait=0.2)
    got = collector.wait_for(60)
    sizes = [len(b) for b in collector.batches]
    assert max(sizes) <= 7
    assert max(sizes) > 1, "deliveries are handed over in batches"
    assert len({d.message_id for d in got}) == 60


def test_batches_are_cut_at_batch_size_inside_a_larger_window(harness: Harness) -> None:
    q = harness.queue()
    harness.bus.publish([Outgoing(q, b"{}", mid) for mid in _ids(60)])
    collector = Collector(delay=0.05)
    harness.consume(q, collector, prefetch=20, batch_size=5, max_wait=0.2)
    got = collector.wait_for(60)
    sizes = [len(b) for b in collector.batches]
    assert max(sizes) == 5, "a full window is handed over five at a time"
    assert len({d.message_id for d in got}) == 60


def test_requeue_redelivers_with_a_higher_delivery_count(harness: Harness) -> None:
    q = harness.queue()
    (mid,) = _ids(1)
    harness.bus.publish([Outgoing(q, b"{}", mid)])
    collector = Collector(lambda d: Disposition.ACK if d.delivery_count else Disposition.REQUEUE)
    harness.consume(q, collector)
    first, again = collector.wait_for(2)[:2]
    assert (first.message_id, again.message_id) == (mid, mid)
    assert again.delivery_count > first.delivery_count
    assert again.redelivered
    wait_until(lambda: harness.bus.queue_depth(q) == 0, what="the acked message leaving")


def test_reject_dead_letters_and_ack_removes(harness: Harness) -> None:
    q = harness.queue()
    rejected, acked = _ids(2)
    harness.bus.publish([Outgoing(q, b'{"bad": true}', rejected, {"k": "v"}),
                         Outgoing(q, b"{}", acked)])
    harness.consume(q, collector := Collector(
        lambda d: Disposition.REJECT if d.message_id == rejected else Disposition.ACK))
    collector.wait_for(2)
    (dead,) = harness.dead_letters([rejected])
    assert dead.body == b'{"bad": true}'
    assert dead.headers["k"] == "v"
    assert dead.headers["x-first-death-queue"] == q
    assert dead.headers["x-first-death-reason"] == "rejected"
    wait_until(lambda: harness.bus.queue_depth(q) == 0, what="both messages leaving")
    time.sleep(0.3)
    assert [d.message_id for d in collector.deliveries] == [rejected, acked]


def test_exceeding_the_delivery_limit_dead_letters(harness: Harness) -> None:
    q = harness.queue(delivery_limit=1)
    (mid,) = _ids(1)
    harness.bus.publish([Outgoing(q, b"{}", mid)])
    harness.consume(q, collector := Collector(lambda d: Disposition.REQUEUE))
    (dead,) = harness.dead_letters([mid])
    assert dead.headers["x-first-death-reason"] == "delivery_limit"
    assert [d.delivery_count for d in collector.deliveries] == [0, 1]


def test_delayed_publish_arrives_no_earlier_than_the_delay(harness: Harness) -> None:
    q = harness.queue()
    (mid,) = _ids(1)
    harness.consume(q, collector := Collector())
    start = time.monotonic()
    harness.bus.publish([Outgoing(q, b'{"later": 1}', mid, {"x-omshub-attempt": 1}, delay=1.0)])
    (d,) = collector.wait_for(1)
    waited = collector.times[0] - start
    assert 1.0 <= waited < 6.0
    assert (d.message_id, d.body, d.headers["x-omshub-attempt"]) == (mid, b'{"later": 1}', 1)


def test_publish_to_a_missing_queue_raises_and_the_bus_still_works(harness: Harness) -> None:
    q = harness.queue()
    with pytest.raises(PublishError):
        harness.bus.publish([Outgoing(f"missing.{uuid.uuid4().hex}", b"{}", "m1")])
    with pytest.raises(PublishError):
        harness.bus.publish([Outgoing(q, b"{}", "m2"),
                             Outgoing(f"missing.{uuid.uuid4().hex}", b"{}", "m3")])
    harness.bus.publish([Outgoing(q, b"{}", "m4")])
    assert wait_until(lambda: harness.bus.queue_depth(q)) >= 1


def test_a_raising_handler_gets_its_batch_again(harness: Harness) -> None:
    q = harness.queue()
    ids = _ids(5)
    harness.bus.publish([Outgoing(q, b"{}", mid) for mid in ids])
    calls: list[list[Delivery]] = []

    def handler(batch: list[Delivery]) -> list[Disposition]:
        calls.append(batch)
        if sum(map(len, calls)) <= 5:
            raise RuntimeError("database down")
        return [Disposition.ACK] * len(batch)

    harness.consume(q, handler, max_wait=0.2)
    wait_until(lambda: sum(map(len, calls)) >= 10, what="redelivery after the handler raised")
    again = [d for batch in calls for d in batch][5:]
    assert sorted(d.message_id for d in again) == sorted(ids)
    assert all(d.delivery_count >= 1 for d in again)
    wait_until(lambda: harness.bus.queue_depth(q) == 0, what="the queue draining")


def test_queue_depth_and_purge(harness: Harness) -> None:
    assert harness.bus.queue_depth(f"missing.{uuid.uuid4().hex}") is None
    q = harness.queue()
    assert harness.bus.queue_depth(q) == 0
    harness.bus.publish([Outgoing(q, b"{}", mid) for mid in _ids(3)])
    wait_until(lambda: harness.bus.queue_depth(q) == 3, what="depth 3")
    harness.bus.purge(q)
    assert harness.bus.queue_depth(q) == 0
    harness.bus.delete(q)
    assert harness.bus.queue_depth(q) is None
    harness.bus.purge(q)  # a missing queue has nothing to purge, nor to delete
    harness.bus.delete(q)
    assert harness.bus.queue_depth(q) is None


def test_competing_consumers_share_without_duplicates(harness: Harness) -> None:
    q = harness.queue()
    ids = _ids(200)
    first, second = Collector(delay=0.02), Collector(delay=0.02)
    harness.consume(q, first, prefetch=10)
    harness.consume(q, second, prefetch=10)
    harness.bus.publish([Outgoing(q, b"{}", mid) for mid in ids])
    wait_until(lambda: len(first.deliveries) + len(second.deliveries) >= 200,
               what="all 200 delivered")
    time.sleep(0.3)
    a, b = first.deliveries, second.deliveries
    assert a and b, "each consumer gets a share"
    assert sorted(d.message_id for d in a + b) == sorted(ids)


def test_close_stops_consumers(harness: Harness) -> None:
    q = harness.queue()
    other: Bus = harness.connect()
    other.consume(q, collector := Collector())
    harness.bus.publish([Outgoing(q, b"{}", "before")])
    collector.wait_for(1)
    assert other.healthy()
    other.close()
    assert not other.healthy()
    harness.bus.publish([Outgoing(q, b"{}", "after")])
    wait_until(lambda: harness.bus.queue_depth(q) == 1, what="'after' staying queued")
    time.sleep(0.3)
    assert [d.message_id for d in collector.deliveries] == ["before"]
    assert not [t for t in threading.enumerate() if q in t.name]


def test_publish_is_thread_safe(harness: Harness) -> None:
    q = harness.queue()
    ids = _ids(400)
    errors: list[BaseException] = []

    def publish(chunk: list[str]) -> None:
        try:
            for i in range(0, len(chunk), 20):
                harness.bus.publish([Outgoing(q, b"{}", mid) for mid in chunk[i:i + 20]])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(ids[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    harness.consume(q, collector := Collector(), prefetch=100)
    assert sorted(d.message_id for d in collector.wait_for(400)) == sorted(ids)


def test_a_large_batch_is_confirmed_whole(harness: Harness) -> None:
    q = harness.queue()
    ids = _ids(1500)
    harness.bus.publish([Outgoing(q, b"x" * 1024, mid) for mid in ids])
    assert wait_until(lambda: harness.bus.queue_depth(q) == 1500)
    harness.consume(q, collector := Collector(), prefetch=500)
    assert [d.message_id for d in collector.wait_for(1500)] == ids


def test_a_delayed_message_whose_queue_went_is_dead_lettered(harness: Harness) -> None:
    gone, kept = harness.queue(), harness.queue()
    lost, arrived = _ids(2)
    harness.bus.publish([Outgoing(gone, b'{"lost": 1}', lost, delay=1.0)])
    harness.bus.delete(gone)
    harness.consume(kept, collector := Collector())
    harness.bus.publish([Outgoing(kept, b"{}", arrived, delay=1.0)])
    assert [d.message_id for d in collector.wait_for(1)] == [arrived]
    (dead,) = harness.dead_letters([lost])
    assert dead.body == b'{"lost": 1}'
    assert dead.headers["x-first-death-reason"] == "expired"
