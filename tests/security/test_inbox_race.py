"""Issue 9, finding 16: two copies of one message racing in two handler processes.

A router re-run delivered one id to both ``handler.probe`` processes at once; the second
commit hit the inbox's primary key and failed its whole batch: through COPY (8 rows or
more) a raw ``UniqueViolation`` escaped with a traceback and the batch was requeued (one
delivery attempt spent per message), through ``executemany`` it was taken for a database
outage and the component showed ``degraded``. A message already in the inbox is a
duplicate to drop, never a failure of its neighbours.

The race is made deterministic: the test holds a lock on the probe's table, so both
handler processes have a batch of the same ids open in a transaction at once before
either can commit.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.envelope import Envelope, utcnow
from handlers.probe.models import probe_receipts
from hub.bus import Outgoing
from hub.testing import TestHub, running_hub, wait_for
from storage.bulk import copy_rows, insert_new
from storage.db import Database
from storage.models import heartbeats, inbox, journal_events
from tests.conftest import Footprint

QUEUE = "omshub.handler.probe"
DROPPED = re.compile(r"(\d+) duplicate\(s\) dropped")


def _probes(n: int) -> list[Envelope]:
    return [Envelope(type="hub.probe", version=1, source="test",
                     payload={"seq": i, "sent_at": utcnow().isoformat()}) for i in range(n)]


def _deliver(hub: TestHub, envs: list[Envelope]) -> None:
    """Put one copy of each message straight on the handler's queue (as a router re-run)."""
    hub.process.bus.publish([Outgoing(QUEUE, e.to_bytes(), e.id) for e in envs])


def _spawn(fp: Footprint, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """``omshub run handler.probe`` in a process of its own."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("OMSHUB_")}
    full.update(OMSHUB_BROKER_URL=fp.broker_url, OMSHUB_DATABASE_URL=fp.database_url,
                OMSHUB_LOG_LEVEL="INFO", OMSHUB_LOG_FORMAT="text",
                OMSHUB_HEARTBEAT_SECONDS="0.3", **env)
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "hub.cli", "run", "handler.probe"],
                                env=full, stdout=out, stderr=subprocess.STDOUT)


def _health(hub: TestHub, pid: int) -> dict[str, object] | None:
    """The last heartbeat of the handler process ``pid``, None before its first."""
    with hub.db.read() as conn:
        row = conn.execute(sa.select(heartbeats.c.status, heartbeats.c.detail).where(
            heartbeats.c.component == "handler.probe", heartbeats.c.pid == pid)).first()
    if row is None:
        return None
    return {**json.loads(row.detail), "status": row.status}


def _waiting_on_locks(hub: TestHub) -> int:
    """Backends of the test database waiting for a lock."""
    with hub.db.read() as conn:
        return int(conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar() or 0)


@contextmanager
def _probe_table_locked(hub: TestHub) -> Iterator[None]:
    """Hold the probe's table so that no batch can write its effects until the block ends."""
    with hub.db.engine.connect() as conn, conn.begin():
        conn.execute(sa.text("LOCK TABLE probe_receipts IN EXCLUSIVE MODE"))
        yield


@pytest.mark.parametrize("n", [6, 20], ids=["executemany", "copy"])
def test_two_handler_processes_given_the_same_ids_at_once_handle_each_once(
    production: Footprint, tmp_path: Path, n: int
):
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs: list[subprocess.Popen[bytes]] = []
    with running_hub(production.settings(tmp_path), ["hub.router"]) as hub:
        try:
            envs = _probes(n)
            with _probe_table_locked(hub):
                # A: a window of exactly n (two batches of n/2), so that it takes the first
                # copies and none of the second; its first batch then waits on the lock.
                procs.append(_spawn(production, logs[0], OMSHUB_PREFETCH=str(n // 2)))
                wait_for(lambda: _health(hub, procs[0].pid), message="A is consuming")
                _deliver(hub, envs)
                wait_for(lambda: _waiting_on_locks(hub) == 1, message="A's batch is open")
                # B: the second copies, all of them, in one batch of n (COPY from 8 on).
                procs.append(_spawn(production, logs[1]))
                wait_for(lambda: _health(hub, procs[1].pid), message="B is consuming")
                _deliver(hub, envs)
                wait_for(lambda: _waiting_on_locks(hub) == 2, message="B's batch is open")
            # Both transactions hold the same ids; now they go on.
            seen: list[dict[str, object]] = []

            def settled() -> bool:
                reports = [_health(hub, p.pid) or {} for p in procs]
                seen.extend(reports)
                return sum(int(str(r.get("handled", 0))) for r in reports) >= n and \
                    hub.process.bus.queue_depth(QUEUE) == 0

            wait_for(settled, timeout=60, message="every id handled")
            time.sleep(1.0)  # a requeued batch would come back within this
            settled()
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                assert p.wait(30) == 0
        _assert_each_once(hub, envs)
    text = "\n".join(log.read_text() for log in logs)
    assert "Traceback" not in text and "requeue" not in text, text[-3000:]
    # Neither a held batch (hub.resilience: an "outage") nor any error of the consuming path.
    trouble = [line for line in text.splitlines() if re.search(
        r" (WARNING|ERROR|CRITICAL) +hub\.(runner|resilience|bus)", line)]
    assert not trouble, trouble
    assert sum(int(m) for m in DROPPED.findall(text)) == n, "each second copy dropped once"
    assert all(r.get("status") == "ok" for r in seen if r), "no process showed degraded"
    assert all(int(str(r.get("failed", 0))) == 0 for r in seen if r)


def _assert_each_once(hub: TestHub, envs: list[Envelope]) -> None:
    ids = {e.id for e in envs}
    with hub.db.read() as conn:
        effects = conn.execute(sa.select(probe_receipts.c.message_id)).scalars().all()
        events = conn.execute(sa.select(journal_events.c.message_id, journal_events.c.status)
                              .where(journal_events.c.message_id.in_(ids))).all()
        claims = conn.execute(sa.select(sa.func.count()).select_from(inbox).where(
            inbox.c.message_id.in_(ids))).scalar()
    assert sorted(effects) == sorted(ids), "one effect per id"
    assert sorted(m for m, s in events if s == "handled") == sorted(ids)
    assert not [s for _, s in events if s != "handled"], "no failed, retried or dead"
    assert claims == len(ids)


def test_a_claim_waits_for_the_other_transaction_and_then_skips_its_rows(pg_url: str):
    """The primitive: the second insert waits for the first one's commit, then skips."""
    db = Database(pg_url)
    inbox.metadata.create_all(db.engine, tables=[inbox])
    first_in = threading.Event()
    commit = threading.Event()
    result: list[set[object]] = []

    def first() -> None:
        with db.transaction() as conn:
            insert_new(conn, inbox, "message_id", ["m2", "m3"], consumer="c",
                       handled_at=utcnow())
            first_in.set()
            commit.wait(30)

    def second() -> None:
        with db.transaction() as conn:
            result.append(insert_new(conn, inbox, "message_id", ["m3", "m1", "m2", "m1"],
                                     consumer="c", handled_at=utcnow()))

    one = threading.Thread(target=first)
    one.start()
    first_in.wait(30)
    two = threading.Thread(target=second)
    two.start()
    def waiting() -> int:
        # A transaction of its own each time: PostgreSQL keeps one snapshot of
        # pg_stat_activity per transaction, so polling inside one would never see the wait
        # begin when the first look came before it (a flaky failure under load).
        with db.read() as conn:
            return int(conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar() or 0)

    try:
        wait_for(lambda: waiting() == 1, message="the second waits")
        assert not result
    finally:
        commit.set()
        one.join(30)
        two.join(30)
    assert result == [{"m1"}]
    db.dispose()


def test_a_failed_copy_raises_what_executemany_raises(pg_url: str):
    """COPY's driver errors come as SQLAlchemy's (a raw one escaped the runner's checks)."""
    db = Database(pg_url)
    inbox.metadata.create_all(db.engine, tables=[inbox])
    rows = [("c", f"m{i}", utcnow()) for i in range(10)]
    for count in (10, 3):  # COPY, then executemany
        with pytest.raises(sa.exc.IntegrityError), db.transaction() as conn:
            copy_rows(conn, inbox, ("consumer", "message_id", "handled_at"),
                      rows[:count] + rows[:1])
    db.dispose()


def test_the_embedded_hub_drops_duplicates_within_and_across_batches(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    caplog.set_level("INFO", logger="hub.runner")
    with running_hub(fp.settings(tmp_path), ["handler.probe"]) as hub:
        envs = _probes(10)
        _deliver(hub, envs + envs[:4])  # copies within one batch
        wait_for(lambda: hub.count(probe_receipts) == 10)
        _deliver(hub, envs[::-1])  # and in a later one
        wait_for(lambda: hub.process.bus.queue_depth(QUEUE) == 0)
        runner = hub.process.runners["handler.probe"]
        wait_for(lambda: sum(int(m) for m in DROPPED.findall(caplog.text)) == 14)
        _assert_each_once(hub, envs)
        assert (runner.handled, runner.failed, runner.outage) == (10, 0, None)
    reset_memory_broker()
