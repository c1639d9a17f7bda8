"""storage.lane: a transaction's database jobs in order on a worker thread (PostgreSQL) or
at once in the caller's thread (SQLite), the caller going on meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.lane import Lane

ROWS = sa.Table("lane_rows", sa.MetaData(), sa.Column("n", sa.Integer, primary_key=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with one table, on both footprints."""
    url = (f"sqlite:///{tmp_path / 'lane.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    ROWS.metadata.create_all(database.engine)
    yield database
    database.dispose()


def _insert(conn: Connection, n: int) -> str:
    conn.execute(ROWS.insert(), {"n": n})
    return threading.current_thread().name


def _rows(conn: Connection) -> list[int]:
    return list(conn.execute(sa.select(ROWS.c.n).order_by(ROWS.c.n)).scalars())


def test_jobs_run_in_order_inside_the_callers_transaction(db: Database) -> None:
    with db.engine.connect() as conn:
        outer = conn.begin()
        with Lane(conn) as lane:
            threads = [lane.submit(_insert, conn, n) for n in (1, 2, 3)]
            seen = lane.submit(_rows, conn)
            lane.idle()
            assert seen.result() == [1, 2, 3]
        workers = {f.result() for f in threads}
        caller = threading.current_thread().name
        # on PostgreSQL the jobs ran on the lane's one thread, on SQLite in the caller's
        if db.is_sqlite:
            assert workers == {caller}
        else:
            assert len(workers) == 1 and caller not in workers
        outer.rollback()  # the jobs' rows were the transaction's: gone with it
        assert _rows(conn) == []


def test_the_caller_goes_on_while_a_job_runs_on_postgresql(pg_url: str) -> None:
    db = Database(pg_url)
    went_on = threading.Event()

    def job(conn: Connection) -> bool:
        conn.execute(sa.text("SELECT pg_sleep(0.05)"))
        return went_on.wait(timeout=10)  # set by the caller only once submit has returned

    try:
        with db.engine.connect() as conn, Lane(conn) as lane:
            running = lane.submit(job, conn)
            went_on.set()
            assert running.result() is True
    finally:
        db.dispose()


def test_a_failing_job_keeps_its_error_and_the_lane_goes_on(db: Database) -> None:
    with db.engine.connect() as conn:
        outer = conn.begin()
        with Lane(conn) as lane:
            first = lane.submit(_insert, conn, 1)
            twice = lane.submit(_insert, conn, 1)  # refused: the key exists
            lane.idle()
            assert first.exception() is None
            assert isinstance(twice.exception(), sa.exc.IntegrityError)
        outer.rollback()


def test_leaving_the_block_waits_for_the_jobs_even_when_it_raises(db: Database) -> None:
    release = threading.Event()
    finished: list[int] = []

    def slow(conn: Connection) -> None:
        release.wait(timeout=0.3)
        conn.execute(ROWS.insert(), {"n": 7})
        finished.append(7)

    with db.engine.connect() as conn:
        outer = conn.begin()
        with pytest.raises(RuntimeError), Lane(conn) as lane:
            lane.submit(slow, conn)
            raise RuntimeError("the caller failed while the job ran")
        # nothing runs on the connection once the block is left: the job had ended
        assert finished == [7]
        assert _rows(conn) == [7]
        outer.rollback()
