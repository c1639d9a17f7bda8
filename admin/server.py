"""The console as a component of a hub process: the Starlette app served by uvicorn.

Registered as ``[project.entry-points."omshub.components"] console =
"admin.server:ConsoleServer"``: ``omshub up`` serves it with everything else and ``omshub run
console`` alone. The hub runs it by that name and never imports the console itself.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import uvicorn

from admin import bulkreplay
from admin.app import create_app
from hub.bus import QueueStats
from hub.health import health_from_heartbeats
from hub.operations import Operations

if TYPE_CHECKING:
    from hub.runtime import HubProcess

log = logging.getLogger(__name__)


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for the console.

    uvicorn's own proxy headers are off: by default it believes ``X-Forwarded-For`` from any
    local client. The console applies the operator's ``trusted_proxies`` itself
    (:class:`hub.proxies.ForwardedFor`).
    """
    return uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                          lifespan="off", proxy_headers=False, server_header=False)


class ConsoleServer:
    """The console of a :class:`~hub.runtime.HubProcess`, served by uvicorn on a thread."""

    def __init__(self, process: HubProcess) -> None:
        settings = process.settings
        self._db = process.db
        ops = Operations(process.db, process.bus, process.plugins.types, relay=process.relay)
        queues = process.queues()

        def queue_stats() -> dict[str, QueueStats | None]:
            return process.queue_stats(queues)

        self.app = create_app(
            process.db,
            ops,
            process.plugins.types,
            secret_key=settings.resolved_secret_key(),
            health=lambda: health_from_heartbeats(process.db),
            queue_stats=queue_stats,
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
        bulkreplay.stop_all(self._db)  # resumable: «Продолжить» after the restart

    def health(self) -> dict[str, Any]:
        """``ok`` while the server thread serves."""
        if self.server.started and self._thread.is_alive() and not self.server.should_exit:
            cfg = self.server.config
            return {"status": "ok", "url": f"http://{cfg.host}:{cfg.port}"}
        return {"status": "down", "detail": "консоль не принимает запросы"}
