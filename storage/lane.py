"""A transaction's database work done in order on a worker thread while the caller goes on.

A handler taking a large file alternates Python work (reading the XML, checking records,
building rows, writing the answers) with database work (reading the persons it names,
COPY of thousands of rows). On PostgreSQL the database works in its own process, on the
other core: while it reads or writes, the handler's thread would only wait. A :class:`Lane`
runs database jobs one after another on one worker thread, on the caller's connection and
inside its transaction, so the caller submits a job and goes on with work that does not
touch the connection; it waits for a job's result (``future.result()``) or for the lane to
be idle (:meth:`Lane.idle`) before it uses the connection itself. The driver releases the
GIL while it waits for the server, so the two threads overlap where it counts.

On SQLite (the embedded default: the database is in the process, and its connections keep
to one thread) a job runs at once in the caller's thread: the same code, in the same order.

Rules for a caller: between submitting a job and the job's end the connection belongs to
the lane; a job's error stays in its future (read it with ``result()``); leaving the
``with`` block waits for every job, also when the block raises, so that nothing runs on the
connection while the caller commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.engine import Connection

T = TypeVar("T")
P = ParamSpec("P")


class Lane:
    """Database jobs of one transaction, in the order submitted (see the module)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.threaded = conn.dialect.name == "postgresql"
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[Future[Any]] = []

    def submit(self, job: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``job(*args, **kwargs)`` after the jobs submitted before it."""
        if not self.threaded:
            done: Future[T] = Future()
            try:
                done.set_result(job(*args, **kwargs))
            except Exception as exc:  # kept in the future, as on the worker thread
                done.set_exception(exc)
            return done
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-lane")
        future = self._executor.submit(job, *args, **kwargs)
        self._pending.append(future)
        return future

    def idle(self) -> None:
        """Wait until every job submitted has ended; the connection is the caller's again."""
        if self._pending:
            wait(self._pending)
            self._pending.clear()

    def close(self) -> None:
        """Wait for every job and stop the worker thread."""
        self.idle()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def __enter__(self) -> Lane:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
