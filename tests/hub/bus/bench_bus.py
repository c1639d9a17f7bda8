"""Throughput of a bus backend: confirmed publishes, batch consumption, both at once.

Not collected by pytest (run it by hand; it prints rates)::

    .venv/bin/python tests/hub/bus/bench_bus.py amqp://guest:guest@127.0.0.1:5672/%2F
    .venv/bin/python tests/hub/bus/bench_bus.py amqp://... --messages 50000 --threads 4
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

from hub.bus import Bus, Disposition, Outgoing, QueueSpec, connect
from hub.bus.testing import Collector

BODY = b'{"pad": "' + b"x" * 1012 + b'"}'  # 1 KB


def publish(bus: Bus, queue: str, count: int, batch: int, threads: int) -> float:
    """Publish ``count`` messages in batches from ``threads`` threads; messages per second."""
    per_thread = count // threads

    def run(k: int) -> None:
        for start in range(0, per_thread, batch):
            n = min(batch, per_thread - start)
            bus.publish([Outgoing(queue, BODY, f"{k}-{start + i}") for i in range(n)])

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return per_thread * threads / (time.perf_counter() - started)


def consume(bus: Bus, queue: str, count: int, prefetch: int) -> tuple[float, int]:
    """Consume ``count`` messages, acking each batch; (messages per second, batches)."""
    collector = Collector(lambda _d: Disposition.ACK)
    started = time.perf_counter()
    sub = bus.consume(queue, collector, prefetch=prefetch)
    collector.wait_for(count, timeout=300)
    rate = count / (time.perf_counter() - started)
    sub.cancel()
    return rate, len(collector.batches)


def main() -> None:
    """Run the three measurements against the URL given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--prefetch", type=int, default=500)
    args = parser.parse_args()
    bus = connect(args.url)
    queue = f"bench.{uuid.uuid4().hex[:8]}"
    bus.declare([QueueSpec(queue)])
    try:
        rate = publish(bus, queue, args.messages, args.batch, args.threads)
        print(f"publish  {args.messages} x 1 KB, batches of {args.batch}, "
              f"{args.threads} thread(s): {rate:,.0f} msg/s confirmed")
        rate, batches = consume(bus, queue, args.messages, args.prefetch)
        print(f"consume  {args.messages}, prefetch {args.prefetch}: {rate:,.0f} msg/s "
              f"in {batches} batches")
        collector = Collector()
        sub = bus.consume(queue, collector, prefetch=args.prefetch)
        started = time.perf_counter()
        publish(bus, queue, args.messages, args.batch, args.threads)
        collector.wait_for(args.messages, timeout=300)
        rate = args.messages / (time.perf_counter() - started)
        sub.cancel()
        print(f"together publish + consume: {rate:,.0f} msg/s end to end")
    finally:
        bus.delete(queue)
        bus.close()


if __name__ == "__main__":
    main()
