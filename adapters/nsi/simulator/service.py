"""The simulated ФФОМС НСИ portal over HTTP: a component of ``omshub up`` and ``omshub sim nsi``.

``[plugins.nsi-simulator]``: ``host`` (127.0.0.1), ``port`` (0: any free port, shown in its
health — a stand sets one, e.g. 8193), ``dictionaries`` (a folder of real ФФОМС dictionary
XML files served as they are, e.g. ``../shared/fixtures/nsi/ffoms/dict-xml-2018``),
``catalog`` (the catalogue CSV ``ffoms_nsi_catalog.csv``: names and versions of the synthetic
ones). Routes: ``GET /data?pageId=refbookList…`` the list, ``GET /refbook?type=XML&id=…&version=…``
a version's zip, ``GET /control`` what is published, ``POST /control`` with JSON
``{"publish": "V009"}`` a new version of that dictionary (one row more).
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from adapters.nsi.simulator.portal import SimulatedPortal, build
from hub.component import Adapter
from hub.httpserve import BackgroundServer

log = logging.getLogger(__name__)
CONTROL = "/control"
JSON = {"Content-Type": "application/json; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def answer(portal: SimulatedPortal, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET as the portal answers it."""
    url = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(url.query))
    if url.path == "/data" and query.get("pageId") == "refbookList":
        return 200, JSON, json.dumps(portal.listing(), ensure_ascii=False).encode()
    if url.path == "/refbook":
        try:
            found = portal.find(int(query.get("id", "")), query.get("version", ""))
        except ValueError:
            found = None
        if found is None:
            return 404, TEXT, "справочник с таким id и версией не опубликован".encode()
        return 200, {"Content-Type": "application/zip",
                     "Content-Disposition": f'attachment; filename="{found.code}.zip"'}, found.zip()
    if url.path == CONTROL:
        return 200, JSON, state(portal)
    return 404, TEXT, "нет такого адреса".encode()


def state(portal: SimulatedPortal) -> bytes:
    """Every dictionary with its published versions."""
    return json.dumps({code: [v.version for v in versions]
                       for code, versions in sorted(portal.versions.items())},
                      ensure_ascii=False).encode()


def control(portal: SimulatedPortal, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """``{"publish": "CODE"}``: a new version of CODE."""
    try:
        code = json.loads(body or b"{}")["publish"]
        portal.publish_next(str(code))
    except (ValueError, KeyError, TypeError) as exc:
        return 400, TEXT, f"неверное управление симулятором: {exc}".encode()
    return 200, JSON, state(portal)


class NsiPortalServer(BackgroundServer):
    """:class:`SimulatedPortal` over HTTP on a thread."""

    def __init__(self, portal: SimulatedPortal, host: str = "127.0.0.1", port: int = 0) -> None:
        self.portal = portal

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
                self._reply(*answer(portal, self.path))

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != CONTROL:
                    self._reply(404, TEXT, "нет такого адреса".encode())
                    return
                self._reply(*control(portal, body))

            def _reply(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("НСИ simulator: " + format, *args)

        super().__init__(ThreadingHTTPServer((host, port), _Handler), "nsi-sim")

    @property
    def url(self) -> str:
        """The base URL the handler's refresh points at (``[plugins.nsi] source``)."""
        return f"http://127.0.0.1:{self.port}"


class NsiSimulator(Adapter):
    """The simulated portal as a component (``adapter.nsi-simulator``)."""

    health_labels: ClassVar[Mapping[str, str]] = {"dictionaries": "Справочников опубликовано"}

    name: ClassVar[str] = "nsi-simulator"
    error: str | None = None

    def health(self) -> dict[str, Any]:
        """Where it listens and how many dictionaries it publishes."""
        if self.error:
            return {"status": "down", "detail": self.error}
        if not hasattr(self, "server"):
            return {"status": "starting"}
        return {"status": "ok", "url": self.server.url,
                "dictionaries": len(self.server.portal.versions)}

    def start(self) -> None:
        """Build what is published and serve it."""
        conf = self.ctx.settings.plugins.get(self.name, {})
        folder, catalog = conf.get("dictionaries"), conf.get("catalog")
        try:
            portal = build(Path(folder) if folder else None, Path(catalog) if catalog else None)
        except ValueError as exc:
            self.error = f"справочники симулятора не читаются: {exc}"
            return
        host, port = conf.get("host", "127.0.0.1"), int(conf.get("port", 0))
        try:
            self.server = NsiPortalServer(portal, host, port)
        except OSError as exc:
            self.error = f"не удалось открыть {host}:{port}: {exc}"
            log.error("НСИ simulator not started: %s", self.error)
            return
        self.server.start()
        log.info("НСИ simulator on %s (%d dictionaries)", self.server.url,
                 len(portal.versions))

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if hasattr(self, "server"):
            self.server.stop()
