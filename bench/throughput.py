"""Throughput of the hub end to end against raw pika, on RabbitMQ + PostgreSQL, in one run.

Baseline: raw pika — a BlockingConnection publishing persistent 1 KB messages into a quorum
queue while another process consumes them (prefetch 200, manual acks), the publisher not
waiting for confirms: the fastest plain pika pair, an upper bound. For context the run
also prints raw pika waiting for a confirm per message (pika's blocking way to get the
guarantee the hub gives with batched confirms).

Hub: the probe adapter takes messages in (journal + outbox in PostgreSQL), the relay
publishes them with confirms, the router (own process) validates, journals and forwards,
the probe handler (own process) handles them with inbox, effect, journal and outbox in one
transaction per batch. Measured from the first message taken in to the last one handled.

    python bench/throughput.py [--messages 20000] [--broker amqp://…] [--database postgresql://…]

Prints msgs/s for both, the ratio, p50/p99 latency (of the flood, and at a steady 1,000
msgs/s) and peak memory (RSS high-water mark). Baseline and hub alternate ``--rounds``
times; the figures printed are those of the round with the median hub rate.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import pika
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BODY = b"x" * 1024
WARMUP = 2_000
PACED_SECONDS = 5


def _params(url: str) -> pika.URLParameters:
    return pika.URLParameters(url)


def _raw_consume(url: str, queue: str, n: int, ready: mp.Event, done: mp.Queue) -> None:
    conn = pika.BlockingConnection(_params(url))
    ch = conn.channel()
    ch.basic_qos(prefetch_count=200)
    ready.set()
    for got, (method, _props, _body) in enumerate(ch.consume(queue, auto_ack=False), 1):
        if got % 100 == 0 or got == n:
            ch.basic_ack(method.delivery_tag, multiple=True)
        if got == n:
            break
    done.put((time.perf_counter(), _peak_rss_mb()))
    ch.cancel()
    conn.close()


def raw_pika(url: str, n: int, confirms: bool) -> tuple[float, float]:
    """msgs/s of raw pika publish+consume, and the consumer's peak RSS in MB."""
    queue = f"bench.raw.{uuid.uuid4().hex[:8]}"
    conn = pika.BlockingConnection(_params(url))
    ch = conn.channel()
    ch.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    if confirms:
        ch.confirm_delivery()
    ready, done = mp.Event(), mp.Queue()
    consumer = mp.Process(target=_raw_consume, args=(url, queue, n, ready, done))
    consumer.start()
    ready.wait(30)
    props = pika.BasicProperties(delivery_mode=2, content_type="application/octet-stream")
    started = time.perf_counter()
    for _ in range(n):
        ch.basic_publish("", queue, BODY, props)
    ended, rss = done.get(timeout=600)
    consumer.join(30)
    ch.queue_delete(queue)
    conn.close()
    return n / (ended - started), rss


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pids(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _cpu_snapshot(named: dict[str, list[int]]) -> dict[str, float]:
    snap = {}
    for name, pids in named.items():
        total = 0.0
        for pid in pids:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += _cpu_seconds(pid)
        snap[name] = total
    return snap


def _peak_rss_mb(pid: int | None = None) -> float:
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hub(broker: str, database: str, n: int) -> dict[str, Any]:
    """End-to-end figures of the hub."""
    from contracts.envelope import utcnow
    from contracts.probe import ProbeV1
    from handlers.probe.models import probe_receipts
    from hub.context import Inbound
    from hub.runtime import HubProcess
    from hub.settings import load_settings

    settings = load_settings(env={}, broker_url=broker, database_url=database,
                             log_level="WARNING")
    env = {**os.environ, "OMSHUB_BROKER_URL": broker, "OMSHUB_DATABASE_URL": database,
           "OMSHUB_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "hub.cli", "migrate"], env=env, check=True,
                   capture_output=True)
    procs = [subprocess.Popen([sys.executable, "-m", "hub.cli", "run", name], env=env)
             for name in ("hub.router", "handler.probe")]
    process = HubProcess(settings, ["adapter.probe"], migrate=False)
    process.start()
    time.sleep(2.0)  # the router and handler processes connect
    try:
        ctx = process.components_context("adapter.probe")
        note = "x" * 900  # about 1 KB on the wire, like the baseline

        def take_in(first: int, count: int) -> None:
            for start in range(first, first + count, 500):
                ctx.publish_many([Inbound(ProbeV1(seq=i, sent_at=utcnow(), note=note))
                                  for i in range(start, min(first + count, start + 500))])

        def handled() -> int:
            with process.db.read() as conn:
                return int(conn.execute(sa.select(sa.func.count())
                                        .select_from(probe_receipts)).scalar() or 0)

        def wait_handled(total: int) -> None:
            while handled() < total:
                time.sleep(0.05)

        def latencies(first: int, last: int) -> list[float]:
            with process.db.read() as conn:
                return sorted(conn.execute(sa.select(probe_receipts.c.latency_ms).where(
                    probe_receipts.c.seq.between(first, last - 1))).scalars())

        # Warm-up (cold caches, first connections), not measured.
        take_in(0, WARMUP)
        wait_handled(WARMUP)

        # Latency under a steady load below capacity: 50 messages every 50 ms.
        first = WARMUP
        for k in range(PACED_SECONDS * 20):
            tick = time.perf_counter()
            take_in(first + k * 50, 50)
            time.sleep(max(0.0, 0.05 - (time.perf_counter() - tick)))
        paced_end = first + PACED_SECONDS * 1000
        wait_handled(paced_end)
        paced = latencies(first, paced_end)

        # Throughput: n messages taken in as fast as the adapter can.
        named = {"intake+relay (this process)": [os.getpid()], "hub.router": [procs[0].pid],
                 "handler.probe": [procs[1].pid], "RabbitMQ": _pids("beam.smp"),
                 "PostgreSQL": _pids("postgres")}
        cpu_before = _cpu_snapshot(named)
        started = time.perf_counter()
        take_in(paced_end, n)
        wait_handled(paced_end + n)
        elapsed = time.perf_counter() - started
        cpu_after = _cpu_snapshot(named)
        cpu = {k: cpu_after[k] - cpu_before[k] for k in named}
        flood = latencies(paced_end, paced_end + n)

        rss = max([_peak_rss_mb()] + [_peak_rss_mb(p.pid) for p in procs])
    finally:
        process.stop()
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    return {"rate": n / elapsed, "p50": _pct(flood, 50), "p99": _pct(flood, 99),
            "paced_p50": _pct(paced, 50), "paced_p99": _pct(paced, 99),
            "rss": rss, "elapsed": elapsed, "cpu": cpu}


def _pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, len(values) * p // 100)]


def _fresh_database(url: str) -> str:
    from storage.db import normalise_url

    name = f"omshub_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def _drop_database(admin_url: str, url: str) -> None:
    from storage.db import normalise_url

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    admin = sa.create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    """Run both measurements and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3,
                    help="baseline and hub alternate this many times; medians are reported")
    ap.add_argument("--broker", default=os.environ.get(
        "OMSHUB_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
    ap.add_argument("--database", default=os.environ.get(
        "OMSHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    n = args.messages

    runs: list[dict[str, Any]] = []
    for _ in range(args.rounds):
        raw, raw_rss = raw_pika(args.broker, n, confirms=False)
        raw_confirmed, _ = raw_pika(args.broker, n, confirms=True)
        database = _fresh_database(args.database)
        try:
            figures = hub(args.broker, database, n)
        finally:
            _drop_database(args.database, database)
        runs.append({"raw": raw, "raw_rss": raw_rss, "raw_confirmed": raw_confirmed,
                     "ratio": figures["rate"] / raw, **figures})
        print(f"  round {len(runs)}: raw pika {raw:.0f}/s, hub {figures['rate']:.0f}/s, "
              f"ratio {figures['rate'] / raw:.2f}", flush=True)
    # The round with the median hub rate, so that every figure printed is of one run.
    runs.sort(key=lambda r: r["rate"])
    mid = runs[len(runs) // 2]
    raw, raw_rss, raw_confirmed, figures = mid["raw"], mid["raw_rss"], mid["raw_confirmed"], mid
    median_ratio = sorted(r["ratio"] for r in runs)[len(runs) // 2]

    print(f"messages per run:                 {n} x ~1 KB, persistent, quorum queues")
    print(f"rounds:                           {args.rounds} (figures of the median hub round)")
    print(f"baseline raw pika:                {raw:8.0f} msgs/s  (consumer peak {raw_rss:.0f} MB)")
    print(f"raw pika, confirm per message:    {raw_confirmed:8.0f} msgs/s  (for context)")
    print(f"hub end to end:                   {figures['rate']:8.0f} msgs/s")
    print(f"ratio hub / baseline:             {figures['rate'] / raw:8.2f}"
          f"  (median over rounds {median_ratio:.2f})")
    print(f"hub latency p50 / p99, flooded:   {figures['p50']:8.0f} / {figures['p99']:.0f} ms"
          f"  (all {n} taken in at once: mostly time waiting in queues)")
    print(f"hub latency p50 / p99, 1000/s:    {figures['paced_p50']:8.0f} / "
          f"{figures['paced_p99']:.0f} ms  (steady load below capacity)")
    print(f"hub peak memory (largest process):{figures['rss']:8.0f} MB")
    print(f"CPU seconds per process over the {figures['elapsed']:.1f} s of the hub run:")
    for name, seconds in figures["cpu"].items():
        print(f"    {name:28} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
