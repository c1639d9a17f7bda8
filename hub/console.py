"""Serving the admin console from a hub process (uvicorn in a background thread)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import uvicorn

from contracts.envelope import utcnow
from hub.bus import DEAD_LETTER_QUEUE
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE
from storage.db import Database
from storage.models import heartbeats

if TYPE_CHECKING:
    from hub.runtime import HubProcess

log = logging.getLogger(__name__)


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


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for the console.

    uvicorn's own proxy headers are off: by default it believes ``X-Forwarded-For`` from any
    local client. The console applies the operator's ``trusted_proxies`` itself
    (:class:`hub.proxies.ForwardedFor`).
    """
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                          lifespan="off", proxy_headers=False, server_header=False)


class ConsoleServer:
    """The Starlette console of a :class:`HubProcess`, served by uvicorn on a thread."""

    def __init__(self, process: HubProcess) -> None:
        from admin.app import create_app

        settings = process.settings
        ops = Operations(process.db, process.bus, process.plugins.types, relay=process.relay)
        queues = sorted({ROUTER_QUEUE, DEAD_LETTER_QUEUE, *process.table.queues()})

        def queue_depths() -> dict[str, int | None]:
            return {q: process.bus.queue_depth(q) for q in queues}

        self.app = create_app(
            process.db,
            ops,
            process.plugins.types,
            secret_key=settings.resolved_secret_key(),
            health=lambda: health_from_heartbeats(process.db),
            queue_depths=queue_depths,
            secure_cookies=settings.secure_cookies,
            timezone=settings.timezone,
            settings=settings,
            relay=process.relay,
        )
        config = server_config(self.app, settings.admin_host, settings.admin_port)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, name="console", daemon=True)

    def start(self) -> None:
        """Serve in the background; returns once the socket listens."""
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            threading.Event().wait(0.05)
        if not self.server.started:
            raise RuntimeError("the console did not start (is the port already in use?)")
        cfg = self.server.config
        log.info("console on http://%s:%d", cfg.host, cfg.port)

    def stop(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self._thread.join(10)
