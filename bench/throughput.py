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

Prints msgs/s for both, the ratio, p50/p99 latency and peak memory (RSS high-water mark).
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
    try:
        ctx = process.components_context("adapter.probe")
        time.sleep(2.0)  # consumers up
        note = "x" * 900  # about 1 KB on the wire, like the baseline
        named = {"intake+relay (this process)": [os.getpid()], "hub.router": [procs[0].pid],
                 "handler.probe": [procs[1].pid], "RabbitMQ": _pids("beam.smp"),
                 "PostgreSQL": _pids("postgres")}
        cpu_before = _cpu_snapshot(named)
        started = time.perf_counter()
        for start in range(0, n, 500):
            ctx.publish_many([Inbound(ProbeV1(seq=i, sent_at=utcnow(), note=note))
                              for i in range(start, min(n, start + 500))])
        while True:
            with process.db.read() as conn:
                done = conn.execute(sa.select(sa.func.count()).select_from(probe_receipts)
                                    ).scalar() or 0
            if done >= n:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        cpu_after = _cpu_snapshot(named)
        cpu = {k: cpu_after[k] - cpu_before[k] for k in named}
        with process.db.read() as conn:
            lat = sorted(conn.execute(sa.select(probe_receipts.c.latency_ms)).scalars())
        rss = max([_peak_rss_mb()] + [_peak_rss_mb(p.pid) for p in procs])
    finally:
        process.stop()
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    return {"rate": n / elapsed, "p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)],
            "rss": rss, "elapsed": elapsed, "cpu": cpu}


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
    ap.add_argument("--broker", default=os.environ.get(
        "OMSHUB_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
    ap.add_argument("--database", default=os.environ.get(
        "OMSHUB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    n = args.messages

    raw, raw_rss = raw_pika(args.broker, n, confirms=False)
    raw_confirmed, _ = raw_pika(args.broker, n, confirms=True)
    database = _fresh_database(args.database)
    try:
        figures = hub(args.broker, database, n)
    finally:
        _drop_database(args.database, database)

    print(f"messages per run:                 {n} x ~1 KB, persistent, quorum queues")
    print(f"baseline raw pika:                {raw:8.0f} msgs/s  (consumer peak {raw_rss:.0f} MB)")
    print(f"raw pika, confirm per message:    {raw_confirmed:8.0f} msgs/s  (for context)")
    print(f"hub end to end:                   {figures['rate']:8.0f} msgs/s")
    print(f"ratio hub / baseline:             {figures['rate'] / raw:8.2f}")
    print(f"hub latency p50 / p99:            {figures['p50']:8.0f} / {figures['p99']:.0f} ms")
    print(f"hub peak memory (largest process):{figures['rss']:8.0f} MB")
    print(f"CPU seconds per process over the {figures['elapsed']:.1f} s of the hub run:")
    for name, seconds in figures["cpu"].items():
        print(f"    {name:28} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
