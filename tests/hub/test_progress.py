"""Progress of long work (hub/progress.py): seen by others while the work's own transaction is
still open, written at most once a second, ended with its outcome."""

from __future__ import annotations

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
