"""Progress of long work: what a job, a large message or a bulk replay says while it runs.

A reporter gets a :class:`Progress` from ``ctx.progress(title)`` (a job: the component's
context) or ``tx.progress(title)`` (a handler: the message's transaction) and tells it the
stage (Russian words), ``done``/``total`` and, at the end, the outcome::

    with self.ctx.progress("Ежемесячный срез регистра", total=len(people)) as p:
        p.stage("Выборка застрахованных лиц")
        for person in people:
            ...
            p.advance()

Reports cost nothing measurable: a call only updates the task in memory. One writer
thread per process and database writes the changed tasks at most once a second (a state
change — start, pause, end — at once), each time in its *own* short transaction, so the
console, in another process, sees a handler's progress while the handler's own batch
transaction is still open. On SQLite a second writer waits until that transaction
commits (one writer at a time), but the embedded footprint runs the console in the same
process: :func:`recent` lays this process's live tasks over what the table holds, so the
console shows them live there too. The writer also touches a running task every
:data:`HEARTBEAT` seconds; one not heard of for :data:`STALE_AFTER` seconds is shown as
interrupted (its process died). Nothing here knows what the work is.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import sqlalchemy as sa

from contracts.envelope import utcnow
from storage.db import Database
from storage.models import progress_tasks

log = logging.getLogger(__name__)

WRITE_EVERY = 1.0
"""Seconds between two writes of one task (state changes are written at once)."""
RATE_WINDOW = 3.0
"""Seconds over which the rate is measured (then smoothed with the previous one)."""
HEARTBEAT = 15.0
"""Seconds after which an unchanged running task is written again, to show it is alive."""
STALE_AFTER = 60.0
"""A running task not written for this long belongs to a process that is gone."""
ACTIVE = ("running", "paused")
STATES = ("running", "paused", "finished", "failed", "cancelled")
CONTROLS = ("pause", "resume", "cancel")
OWNER = f"{socket.gethostname()}:{os.getpid()}"

pt = progress_tasks.c


@dataclass
class Snapshot:
    """One task as stored: what runs, how far it got, and its state."""

    id: str
    kind: str
    title: str
    component: str = ""
    stage: str = ""
    done: int = 0
    total: int | None = None
    rate: float | None = None
    state: str = "running"
    outcome: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    started_by: str = ""
    owner: str = OWNER
    started_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    control: str | None = None

    @property
    def active(self) -> bool:
        """Running or paused (not ended)."""
        return self.state in ACTIVE

    @property
    def stale(self) -> bool:
        """Active, but its process has not been heard of for :data:`STALE_AFTER` seconds."""
        return self.active and (utcnow() - self.updated_at).total_seconds() > STALE_AFTER

    @property
    def fraction(self) -> float | None:
        """Share done, 0…1, when the total is known."""
        if not self.total:
            return None
        return max(0.0, min(1.0, self.done / self.total))

    @property
    def seconds_left(self) -> float | None:
        """Time left at the current rate, when the total and a rate are known."""
        if self.state != "running" or not self.total or not self.rate or self.rate <= 0:
            return None
        return max(0.0, (self.total - self.done) / self.rate)

    def as_json(self) -> dict[str, Any]:
        """The task for the JSON API (times in ISO 8601, UTC)."""
        out = asdict(self)
        for key in ("started_at", "updated_at", "finished_at"):
            out[key] = out[key].isoformat() if out[key] else None
        out.pop("params")
        out.update(stale=self.stale, fraction=self.fraction, seconds_left=self.seconds_left)
        return out


def _row(snap: Snapshot) -> dict[str, Any]:
    return {"id": snap.id, "kind": snap.kind[:20], "title": snap.title,
            "component": snap.component[:100], "stage": snap.stage, "done": snap.done,
            "total": snap.total, "rate": snap.rate, "state": snap.state,
            "outcome": snap.outcome, "params": json.dumps(snap.params, ensure_ascii=False,
                                                          default=str),
            "started_by": snap.started_by[:100], "owner": snap.owner[:200],
            "started_at": snap.started_at, "updated_at": snap.updated_at,
            "finished_at": snap.finished_at}


def _snapshot(row: sa.Row[Any]) -> Snapshot:
    m = row._mapping
    try:
        params = json.loads(m["params"] or "{}")
    except ValueError:
        params = {}
    return Snapshot(id=m["id"], kind=m["kind"], title=m["title"], component=m["component"],
                    stage=m["stage"], done=int(m["done"]), total=m["total"], rate=m["rate"],
                    state=m["state"], outcome=m["outcome"], params=params,
                    started_by=m["started_by"], owner=m["owner"], started_at=m["started_at"],
                    updated_at=m["updated_at"], finished_at=m["finished_at"],
                    control=m["control"])


class _Writer:
    """Writes this process's changed tasks to one database, in its own transactions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: dict[str, tuple[Snapshot, bool]] = {}
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.live: dict[str, Progress] = {}

    def submit(self, snap: Snapshot, *, urgent: bool, clear_control: bool = False) -> None:
        with self._lock:
            earlier = self._pending.get(snap.id)
            self._pending[snap.id] = (replace(snap), clear_control or bool(
                earlier and earlier[1]))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="progress-writer",
                                                daemon=True)
                self._thread.start()
        if urgent:
            self._wake.set()

    def _loop(self) -> None:
        idle_since = time.monotonic()
        while True:
            self._wake.wait(WRITE_EVERY)
            self._wake.clear()
            self._heartbeat()
            if self.flush():
                idle_since = time.monotonic()
            with self._lock:
                if not self.live and not self._pending and time.monotonic() - idle_since > 5:
                    self._thread = None
                    return

    def _heartbeat(self) -> None:
        """Submit what a throttled report held back, and touch silent running tasks."""
        now = utcnow()
        for task in list(self.live.values()):
            if task.held_back or (task.snapshot.active
                                  and (now - task.written_at).total_seconds() > HEARTBEAT):
                task.touch()

    def flush(self) -> bool:
        """Write what is pending now, in the caller's thread; whether anything was."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, {}
            if not batch:
                return False
            try:
                with self.db.transaction() as conn:
                    for snap, clear in batch.values():
                        row = _row(snap)
                        values = {k: v for k, v in row.items() if k != "id"}
                        if clear:
                            values["control"] = None
                        n = conn.execute(progress_tasks.update()
                                         .where(pt.id == snap.id).values(**values)).rowcount
                        if not n:
                            conn.execute(progress_tasks.insert().values(**row))
            except Exception:  # noqa: BLE001 - progress must never break the work it reports
                log.warning("progress not written (kept for the next try)", exc_info=True)
                with self._lock:
                    for key, entry in batch.items():
                        self._pending.setdefault(key, entry)
                return False
            for snap, _ in batch.values():
                task = self.live.get(snap.id)
                if task is not None and (task.released or (
                        not snap.active and task.snapshot.state == snap.state)):
                    self.live.pop(snap.id, None)
            return True


_writers: dict[int, _Writer] = {}
_writers_lock = threading.Lock()


def _writer(db: Database) -> _Writer:
    with _writers_lock:
        if not _writers:
            atexit.register(_flush_all)
        w = _writers.get(id(db))
        if w is None or w.db is not db:
            w = _writers[id(db)] = _Writer(db)
        return w


def _flush_all() -> None:
    """At exit: what is pending is written (the writer threads are daemons)."""
    for w in list(_writers.values()):
        w.flush()


class Progress:
    """One task's reporter: cheap to call as often as the work likes."""

    def __init__(self, snap: Snapshot, writer: _Writer | None) -> None:
        self._snap = snap
        self._writer = writer
        self._lock = threading.Lock()
        self._submitted = 0.0
        self._rate_at = time.monotonic()
        self._rate_done = snap.done
        self._control_read = 0.0
        self._control: str | None = None
        self._held = False
        self.released = False
        self.written_at = utcnow()

    @property
    def held_back(self) -> bool:
        """Whether a report was kept back by the throttle for longer than a write's
        interval (the writer then submits it: the last report before a quiet spell)."""
        return self._held and time.monotonic() - self._submitted >= WRITE_EVERY

    @property
    def id(self) -> str:
        """The task's id (``/progress`` and ``/api/progress/{id}``)."""
        return self._snap.id

    @property
    def snapshot(self) -> Snapshot:
        """A copy of the task as it stands."""
        with self._lock:
            return replace(self._snap)

    def stage(self, text: str, *, total: int | None = None, done: int | None = None) -> None:
        """Enter a stage (Russian words: «Выборка лиц»); optionally reset total and done."""
        with self._lock:
            self._snap.stage = text
            if total is not None:
                self._snap.total = total
            if done is not None:
                self._snap.done = done
                self._rate_done = done
                self._rate_at = time.monotonic()
        self._report(urgent=True)

    def advance(self, n: int = 1) -> None:
        """``n`` more items done."""
        with self._lock:
            self._snap.done += n
        self._report()

    def update(self, done: int, total: int | None = None) -> None:
        """Set how many are done (and the total, when it became known)."""
        with self._lock:
            self._snap.done = done
            if total is not None:
                self._snap.total = total
        self._report()

    def pause(self, stage: str = "") -> None:
        """Mark the task paused (it waits for an operator)."""
        self._set_state("paused", stage, clear_control=True)

    def resume(self, stage: str = "") -> None:
        """Mark the task running again."""
        with self._lock:
            self._rate_at, self._rate_done = time.monotonic(), self._snap.done
        self._set_state("running", stage, clear_control=True)

    def finish(self, outcome: str = "", *, state: str = "finished") -> None:
        """End the task: ``finished`` (default), ``failed`` or ``cancelled``."""
        if state not in STATES[2:]:
            raise ValueError(f"a task ends finished, failed or cancelled, not {state!r}")
        with self._lock:
            if not self._snap.active:
                return
            self._snap.outcome = outcome
            self._snap.finished_at = utcnow()
            self._snap.rate = None
        self._set_state(state, None, clear_control=True)

    def fail(self, outcome: str) -> None:
        """End the task as failed, saying why."""
        self.finish(outcome, state="failed")

    def control(self) -> str | None:
        """What an operator asked (``pause``, ``resume``, ``cancel``), read from the table at
        most twice a second; None when nothing was asked."""
        if self._writer is None:
            return None
        now = time.monotonic()
        if now - self._control_read >= 0.5:
            self._control_read = now
            try:
                with self._writer.db.read() as conn:
                    self._control = conn.execute(
                        sa.select(pt.control).where(pt.id == self.id)).scalar()
            except Exception:  # noqa: BLE001 - a read that failed asks nothing
                log.warning("progress control not read", exc_info=True)
        return self._control

    def release(self) -> None:
        """Stop reporting without ending the task (its process stops): written once more,
        then no longer touched here, so that it reads as interrupted and can be taken over."""
        self.released = True
        self._report(urgent=True, force=True)

    def touch(self) -> None:
        """Write the task again unchanged (a heartbeat)."""
        self._report(urgent=True, force=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            self.finish(self._snap.outcome or "Готово")
        else:
            self.fail(f"Ошибка: {type(exc).__name__}: {exc}"[:2000])

    def _set_state(self, state: str, stage: str | None, *, clear_control: bool) -> None:
        with self._lock:
            self._snap.state = state
            if stage:
                self._snap.stage = stage
            if clear_control:
                self._control = None
        self._report(urgent=True, force=True, clear_control=clear_control)

    def _report(self, *, urgent: bool = False, force: bool = False,
                clear_control: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            elapsed = now - self._rate_at
            # Measured over at least RATE_WINDOW: work done in batches reads steady.
            if elapsed >= RATE_WINDOW and self._snap.state == "running":
                measured = (self._snap.done - self._rate_done) / elapsed
                old = self._snap.rate
                self._snap.rate = measured if old is None else 0.5 * old + 0.5 * measured
                self._rate_at, self._rate_done = now, self._snap.done
            if not force and now - self._submitted < WRITE_EVERY:
                self._held = True
                return
            self._submitted, self._held = now, False
            self._snap.updated_at = utcnow()
            self.written_at = self._snap.updated_at
            snap = replace(self._snap)
        if self._writer is not None:
            self._writer.submit(snap, urgent=urgent, clear_control=clear_control)


def start(db: Database | None, title: str, *, kind: str = "job", component: str = "",
          total: int | None = None, stage: str = "", started_by: str = "",
          params: dict[str, Any] | None = None, task_id: str | None = None) -> Progress:
    """Begin reporting a task; with ``db`` None the task lives in memory only (tests).

    ``task_id`` continues a task already stored (a bulk replay resumed by another process).
    """
    snap = Snapshot(id=task_id or str(uuid.uuid4()), kind=kind, title=title,
                    component=component, stage=stage, total=total, started_by=started_by,
                    params=params or {})
    if task_id is not None and db is not None:
        stored = get(db, task_id)
        if stored is not None:
            snap = replace(stored, owner=OWNER, state="running", control=None,
                           finished_at=None, rate=None)
    writer = _writer(db) if db is not None else None
    task = Progress(snap, writer)
    if writer is not None:
        writer.live[snap.id] = task
    task.touch()
    return task


def flush(db: Database) -> None:
    """Write this process's pending reports now (tests, shutdown)."""
    _writer(db).flush()


def live(db: Database, task_id: str) -> Progress | None:
    """This process's reporter of a task, if the task runs here."""
    w = _writers.get(id(db))
    return w.live.get(task_id) if w is not None and w.db is db else None


def _overlay(db: Database, found: dict[str, Snapshot]) -> None:
    w = _writers.get(id(db))
    if w is None or w.db is not db:
        return
    for task in list(w.live.values()):
        snap = task.snapshot
        stored = found.get(snap.id)
        if stored is None or stored.updated_at <= snap.updated_at:
            found[snap.id] = replace(snap, control=stored.control if stored else None)


def recent(db: Database, *, limit: int = 50, kind: str = "",
           within: timedelta = timedelta(days=7)) -> list[Snapshot]:
    """Active tasks first, then those that ended within ``within``, newest first."""
    since = utcnow() - within
    stmt = sa.select(progress_tasks).where(
        sa.or_(pt.state.in_(ACTIVE), pt.started_at >= since))
    if kind:
        stmt = stmt.where(pt.kind == kind)
    with db.read() as conn:
        rows = conn.execute(stmt.order_by(pt.started_at.desc()).limit(limit)).all()
    found = {r.id: _snapshot(r) for r in rows}
    _overlay(db, found)
    tasks = [s for s in found.values() if not kind or s.kind == kind]
    tasks.sort(key=lambda s: s.started_at, reverse=True)
    tasks.sort(key=lambda s: not (s.active and not s.stale))
    return tasks[:limit]


def get(db: Database, task_id: str) -> Snapshot | None:
    """One task, this process's live state laid over the stored one."""
    with db.read() as conn:
        row = conn.execute(sa.select(progress_tasks).where(pt.id == task_id)).first()
    found = {row.id: _snapshot(row)} if row is not None else {}
    _overlay(db, found)
    return found.get(task_id)


def request(db: Database, task_id: str, control: str) -> bool:
    """Ask a running or paused task to pause, resume or cancel; whether it was active."""
    if control not in CONTROLS:
        raise ValueError(f"unknown control {control!r}")
    with db.transaction() as conn:
        n = conn.execute(progress_tasks.update().where(pt.id == task_id)
                         .where(pt.state.in_(ACTIVE)).values(control=control)).rowcount
    task = live(db, task_id)
    if task is not None:
        task._control_read = 0.0  # noqa: SLF001 - the reporter reads the request at once
    return bool(n)


def close_stale(db: Database, task_id: str, outcome: str) -> bool:
    """End a task whose process is gone (cancelled); whether it was active."""
    with db.transaction() as conn:
        n = conn.execute(progress_tasks.update().where(pt.id == task_id)
                         .where(pt.state.in_(ACTIVE)).values(
                             state="cancelled", control=None, outcome=outcome,
                             finished_at=utcnow(), updated_at=utcnow())).rowcount
    return bool(n)


KEEP = timedelta(days=30)
"""Ended tasks are kept this long (the console shows the last 7 days)."""


def prune(db: Database, keep: timedelta = KEEP) -> int:
    """Forget tasks that ended more than ``keep`` ago; returns how many."""
    with db.transaction() as conn:
        n = conn.execute(progress_tasks.delete().where(pt.state.not_in(ACTIVE))
                         .where(pt.updated_at < utcnow() - keep)).rowcount
    return int(n)
