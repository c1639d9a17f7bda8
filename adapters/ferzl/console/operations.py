"""ФЕРЗЛ's asynchronous operations as the console shows them: those in flight and the recent
ones (``ferzl_operations``), each with the progress its worker reports (``hub/progress.py``).

The worker (``adapters/ferzl/asyncops.py``) reports a task titled «ФЕРЗЛ: <операция>» per
run, tagged with the call it works on (``params.call_id``); a row shows its call's latest task
(a run restarted after a stop is a new task).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from adapters.ferzl.console.words import ACTIVE, OPERATION_WORDS
from adapters.ferzl.models import operations
from admin.privacy import Privacy
from admin.times import as_utc
from contracts.envelope import utcnow
from hub import progress
from storage.db import Database

RECENT = timedelta(days=2)
LIMIT = 200


def _task_of(row: sa.Row[Any], tasks: list[progress.Snapshot]) -> progress.Snapshot | None:
    """The worker's latest task for the operation: tagged with its call (a run restarted
    after a stop is a new task of the same call)."""
    mine = [t for t in tasks if t.params.get("call_id") == row.call_id]
    return max(mine, key=lambda t: t.started_at, default=None)


def listing(db: Database, privacy: Privacy) -> list[dict[str, Any]]:
    """Operations in flight first, then the recent ones, newest first (errors masked as the
    viewer may see them)."""
    o = operations.c
    with db.read() as conn:
        rows = conn.execute(sa.select(operations).where(sa.or_(
            o.status.in_(ACTIVE), o.updated_at >= utcnow() - RECENT))
            .order_by(o.created_at.desc()).limit(LIMIT)).all()
    tasks = [t for t in progress.recent(db, limit=LIMIT, within=RECENT)
             if t.title.startswith("ФЕРЗЛ: ")]
    found = []
    for r in rows:
        task = _task_of(r, tasks)
        found.append({
            "id": r.id, "call_id": r.call_id, "operation": r.operation, "release": r.release,
            "status": r.status, "status_words": OPERATION_WORDS.get(r.status, r.status),
            "active": r.status in ACTIVE, "created_at": as_utc(r.created_at),
            "updated_at": as_utc(r.updated_at), "next_attempt_at": as_utc(r.next_attempt_at),
            "starts": r.starts, "polls": r.polls, "attempts": r.attempts,
            "last_status": r.last_status or "", "error": privacy.text(r.error),
            "token": r.token or "",
            "task": None if task is None else {
                "id": task.id, "stage": task.stage, "state": task.state,
                "done": task.done, "total": task.total, "fraction": task.fraction,
                "stale": task.stale}})
    found.sort(key=lambda x: not x["active"])
    return found
