"""Progress of long work (hub/progress.py): seen by others while the work's own transaction is
still open, written at most once a second, ended with its outcome."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.envelope import Envelope, utcnow
from hub import progress
from hub.tx import Tx
from storage.db import Database
from storage.migrate import upgrade
from storage.models import audit_log, progress_tasks


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll ``condition`` until it holds, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated hub database: a SQLite file, or a fresh PostgreSQL database."""
    url = (f"sqlite:///{tmp_path / 'hub.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    upgrade(database)
    yield database
    database.dispose()


def _stored(url: str, task_id: str) -> sa.Row[object] | None:
    """The task as another process would read it: its own engine and connection."""
    other = Database(url)
    try:
        with other.read() as conn:
            return conn.execute(sa.select(progress_tasks)
                                .where(progress_tasks.c.id == task_id)).first()
    finally:
        other.dispose()


def test_a_handler_s_progress_is_visible_while_its_transaction_is_open(db: Database) -> None:
    env = Envelope(type="hub.probe", version=1, source="test", payload={})
    with db.transaction() as conn:
        # The handler's batch has written and holds its transaction open.
        conn.execute(audit_log.insert().values(at=env.created_at, username="handler",
                                               action="work"))
        tx = Tx(conn, env, "handler.big", db=db)
        task = tx.progress("Загрузка большого файла", total=100, stage="Чтение записей")
        task.update(40)
        wait_for(lambda: any(t.id == task.id and t.done == 40 for t in progress.recent(db)))
        seen = progress.get(db, task.id)
        assert seen is not None and seen.stage == "Чтение записей" and seen.total == 100
        assert seen.kind == "message" and seen.params == {"message_id": env.id}
        if not db.is_sqlite:
            # Another connection (another process) sees it before the handler commits.
            wait_for(lambda: (row := _stored(db.url, task.id)) is not None
                     and row.done == 40)
            other = Database(db.url)
            with other.read() as read:
                assert read.execute(sa.select(sa.func.count()).select_from(audit_log)
                                    ).scalar() == 0  # the batch itself is not committed
            other.dispose()
        task.finish("Загружено 100 записей")
    wait_for(lambda: (row := _stored(db.url, task.id)) is not None
             and row.state == "finished")
    row = _stored(db.url, task.id)
    assert row is not None and row.outcome == "Загружено 100 записей"
    assert row.finished_at is not None


def test_reports_are_throttled_and_the_rate_and_time_left_computed(db: Database,
                                                                   monkeypatch: pytest.
                                                                   MonkeyPatch) -> None:
    writes: list[str] = []
    original = progress._Writer.flush  # noqa: SLF001

    def counting(self: progress._Writer) -> bool:  # noqa: SLF001
        pending = len(self._pending)  # noqa: SLF001
        done = original(self)
        if done:
            writes.append(f"{pending}")
        return done

    monkeypatch.setattr(progress._Writer, "flush", counting)  # noqa: SLF001
    task = progress.start(db, "Срез", total=100_000)
    started = time.monotonic()
    while time.monotonic() - started < 3.3:
        task.advance()  # as often as the work likes
        time.sleep(0.0005)
    snap = task.snapshot
    assert snap.done > 500
    assert snap.rate is not None and snap.rate > 100
    left = snap.seconds_left
    assert left is not None and left == pytest.approx((100_000 - snap.done) / snap.rate)
    task.finish()
    progress.flush(db)
    # thousands of reports, a handful of writes: start, about one a second, the end
    assert 2 <= len(writes) <= 7
    wait_for(lambda: (row := _stored(db.url, task.id)) is not None
             and row.state == "finished" and row.done == snap.done)


def test_a_failing_job_ends_its_task_failed(db: Database) -> None:
    with pytest.raises(RuntimeError), progress.start(db, "Загрузка", total=3) as task:
        task.advance()
        raise RuntimeError("диск полон")
    progress.flush(db)
    row = _stored(db.url, task.id)
    assert row is not None and row.state == "failed" and "диск полон" in row.outcome


def test_a_silent_task_reads_as_interrupted(db: Database) -> None:
    task = progress.start(db, "Срез", total=10)
    progress.flush(db)
    with db.transaction() as conn:
        conn.execute(progress_tasks.update().where(progress_tasks.c.id == task.id).values(
            updated_at=utcnow() - timedelta(minutes=5)))
    progress._writers[id(db)].live.pop(task.id)  # noqa: SLF001 - as if its process had gone
    [snap] = progress.recent(db)
    assert snap.state == "running" and snap.stale


WORKER = """
import sys, time
from pathlib import Path
from contracts.envelope import Envelope
from hub.tx import Tx
from storage.db import Database
from storage.models import audit_log

db = Database(sys.argv[1])
flag = Path(sys.argv[2])
env = Envelope(type="hub.probe", version=1, source="test", payload={})
with db.transaction() as conn:  # the handler's batch: open until the test says so
    conn.execute(audit_log.insert().values(at=env.created_at, username="h", action="work"))
    task = Tx(conn, env, "handler.big", db=db).progress("Большой файл", total=1000)
    done = 0
    while not flag.exists():
        done = min(done + 10, 990)
        task.update(done)
        time.sleep(0.01)
    task.finish("Готово: 1000")
db.dispose()
"""


def test_progress_is_seen_from_another_process_while_it_runs(pg_url: str,
                                                             tmp_path: Path) -> None:
    db = Database(pg_url)
    upgrade(db)
    flag = tmp_path / "stop"
    worker = subprocess.Popen([sys.executable, "-c", WORKER, pg_url, str(flag)],
                              cwd=Path(__file__).parents[2])
    try:
        seen: list[int] = []

        def moving() -> bool:
            tasks = [t for t in progress.recent(db) if t.title == "Большой файл"]
            if tasks and tasks[0].state == "running":
                seen.append(tasks[0].done)
            return len(set(seen)) >= 2 and tasks[0].rate is not None

        wait_for(moving, seconds=30)  # seen moving, with a rate, from this process
        with db.read() as conn:  # while the worker's own transaction is still open
            assert conn.execute(sa.select(sa.func.count()).select_from(audit_log)
                                ).scalar() == 0
        flag.touch()
        assert worker.wait(30) == 0
        [task] = [t for t in progress.recent(db) if t.title == "Большой файл"]
        assert task.state == "finished" and task.outcome == "Готово: 1000"
    finally:
        flag.touch()
        worker.wait(30)
        db.dispose()


def test_ended_tasks_are_forgotten_after_a_month(db: Database) -> None:
    old, running = progress.start(db, "Старый срез"), progress.start(db, "Идёт")
    old.finish("Готово")
    progress.flush(db)
    with db.transaction() as conn:
        conn.execute(progress_tasks.update().values(
            updated_at=utcnow() - timedelta(days=31)))
    running.touch()
    progress.flush(db)
    assert progress.prune(db) == 1
    assert [t.title for t in progress.recent(db)] == ["Идёт"]
    running.finish()
    progress.flush(db)
