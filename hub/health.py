"""Health of every component instance in every process, read from their heartbeats.

Each :class:`~hub.runtime.HubProcess` writes a ``heartbeats`` row per component it runs;
the console's health page and ``/healthz`` read them back through
:func:`health_from_heartbeats`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from contracts.envelope import utcnow
from storage.db import Database
from storage.models import heartbeats


def health_from_heartbeats(db: Database, stale_after: float = 30.0,
                           forget_after: float = 900.0) -> dict[str, dict[str, Any]]:
    """Health of every running component instance in every process, from their heartbeats.

    An instance silent for ``stale_after`` seconds is reported down; one silent for
    ``forget_after`` seconds is gone (a crashed process replaced by a new one) and left out.
    """
    now = utcnow()
    report: dict[str, dict[str, Any]] = {}
    with db.read() as conn:
        rows = conn.execute(
            sa.select(heartbeats)
            .where(heartbeats.c.last_seen_at > now - timedelta(seconds=forget_after))
            .order_by(heartbeats.c.instance)).all()
    for row in rows:
        seen = row.last_seen_at
        stale = now - seen > timedelta(seconds=stale_after)
        detail = json.loads(row.detail or "{}")
        detail.update(instance=row.instance, last_seen_at=seen.isoformat(),
                      status="down" if stale else row.status)
        if stale:
            detail["detail"] = f"no heartbeat for {int((now - seen).total_seconds())} s"
        report[row.instance] = detail
    return report
