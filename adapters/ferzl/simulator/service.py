"""The simulated ФЕРЗЛ served over HTTP, and as a component of ``omshub up``/``omshub sim``.

``[plugins.ferzl-simulator]``: ``host``, ``port`` (8191), ``tokens`` (the JWTs it accepts;
default: any), ``delay`` (seconds an asynchronous operation takes, 5), ``differences``
(planted differences of each kind, 3), ``deviations`` (operation → names of
:mod:`.deviations` switched on), ``deviant_persons`` (ЕНП → names). The federal register is
built from the demo region's file in the data directory when there is one (with the planted
differences, :mod:`.planting`), else generated. The schema directory is the hub's
``schemas_dir``.

``GET /control`` shows the planted differences and the controls; ``POST /control`` with JSON
``{"fail_next": {"getPersonData": 500}, "fail_persons": {…}, "forbidden": […]}`` sets errors
on demand.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from adapters.ferzl.releases import Releases
from adapters.ferzl.simulator.asyncops import AsyncOperations, Event
from adapters.ferzl.simulator.deviations import Deviations
from adapters.ferzl.simulator.planting import Difference, Planted, from_region
from adapters.ferzl.simulator.register import generated
from adapters.ferzl.simulator.server import SimulatedFerzl
from contracts.demo import DemoPersons, read_region
from hub.component import Adapter
from hub.httpserve import BackgroundServer

log = logging.getLogger(__name__)
DEFAULT_PORT = 8191
CONTROL = "/control"


class FerzlSimulatorServer(BackgroundServer):
    """:class:`SimulatedFerzl` over HTTP on a thread."""

    def __init__(self, ferzl: SimulatedFerzl, host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, planted: list[Difference] | None = None) -> None:
        self.ferzl = ferzl
        self.differences = planted or []

        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path == CONTROL:
                    self._reply(*server.control(body))
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                self._reply(*ferzl.handle(self.path, headers, body))

            def do_GET(self) -> None:  # noqa: N802
                self._reply(200, {"Content-Type": "application/json"}, server.state())

            def _reply(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("ФЕРЗЛ simulator: " + format, *args)

        super().__init__(ThreadingHTTPServer((host, port), _Handler), "ferzl-sim")

    @property
    def url(self) -> str:
        """The base URL the adapter points at (``base_url``)."""
        return f"http://127.0.0.1:{self.port}"

    def planted(self) -> list[Difference]:
        """The differences planted in the federal register."""
        return list(self.differences)

    def state(self) -> bytes:
        """What ``GET`` shows: persons, planted differences, controls."""
        controls = self.ferzl.controls
        return json.dumps({
            "persons": len(self.ferzl.register),
            "planted": [asdict(d) for d in self.differences],
            "fail_next": controls.fail_next, "fail_persons": controls.fail_persons,
            "forbidden": sorted(controls.forbidden)}, ensure_ascii=False).encode()

    def control(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Set errors on demand from JSON."""
        try:
            asked = json.loads(body or b"{}")
            controls = self.ferzl.controls
            controls.fail_next.update(asked.get("fail_next", {}))
            controls.fail_persons.update(asked.get("fail_persons", {}))
            controls.forbidden.update(asked.get("forbidden", []))
        except (ValueError, AttributeError, TypeError) as exc:
            return 400, {"Content-Type": "text/plain; charset=utf-8"}, \
                f"неверное управление симулятором: {exc}".encode()
        return 200, {"Content-Type": "application/json"}, self.state()


def federal_register(data_dir: Path, okato: str = "78000", each: int = 3) -> Planted:
    """The register from the demo region's file in ``data_dir`` (differences planted), or a
    generated one when there is none."""
    region = read_region(data_dir)
    if region is None:
        return Planted(generated(okato=okato))
    others = DemoPersons.read(data_dir)
    spared = {p.enp for p in others.persons if p.enp} if others is not None else set()
    return from_region(region, okato=okato, each=each, spared=spared)


def events_of(planted: Planted) -> list[Event]:
    """The federal changes behind the planted differences, as getChangesEvent reports them
    (``1П`` a person arrived, ``ЗСМО`` a change of insurer, ``СМЕРТЬ`` a death: the
    simulator's code)."""
    from datetime import datetime

    codes = {"absent": ("1П", "enpArrived"), "insurer": ("ЗСМО", "enpChanged"),
             "death": ("СМЕРТЬ", "enpChanged")}
    found = []
    for d in planted.differences:
        if d.kind in codes and (p := planted.register.by_enp(d.enp)) is not None:
            code, group = codes[d.kind]
            found.append(Event(d.enp, p.oip, code, datetime(2024, 12, 10, 9, 0), group))
    return found


class FerzlSimulator(Adapter):
    """The simulated ФЕРЗЛ as a component (``adapter.ferzl-simulator``)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "persons": "Лиц в федеральном регистре", "planted": "Заложено расхождений"}

    name: ClassVar[str] = "ferzl-simulator"
    error: str | None = None
    unconfigured: str | None = None

    def health(self) -> dict[str, Any]:
        """Where it listens, or why it does not (``disabled``, «не настроен», without the
        API's schemas: the embedded demo has no schema directory)."""
        if self.unconfigured:
            return {"status": "disabled", "detail": self.unconfigured}
        if self.error:
            return {"status": "down", "detail": self.error}
        if not hasattr(self, "server"):
            return {"status": "starting"}
        return {"status": "ok", "url": self.server.url,
                "persons": len(self.server.ferzl.register),
                "planted": len(self.server.differences)}

    def start(self) -> None:
        """Build the federal register and serve."""
        conf = self.ctx.settings.plugins.get(self.name, {})
        schemas_dir = self.ctx.settings.schemas_dir
        releases = Releases.discover(Path(schemas_dir)) if schemas_dir else None
        if releases is None or not releases.versions:
            self.unconfigured = ("в каталоге схем (schemas_dir) нет выпусков API ФЕРЗЛ: "
                                 "установите их в каталог официальных схем")
            log.info("ФЕРЗЛ simulator not started: %s", self.unconfigured)
            return
        planted = federal_register(Path(self.ctx.settings.data_dir),
                                   each=int(conf.get("differences", 3)))
        asynchronous = AsyncOperations(delay=float(conf.get("delay", 5)))
        asynchronous.events = events_of(planted)
        tokens = conf.get("tokens")
        try:
            deviations = Deviations(
                by_operation={k: set(v) for k, v in conf.get("deviations", {}).items()},
                by_person={k: set(v) for k, v in conf.get("deviant_persons", {}).items()})
        except ValueError as exc:
            self.error = str(exc)
            return
        ferzl = SimulatedFerzl(releases, planted.register, asynchronous=asynchronous,
                               tokens=set(tokens) if tokens else None, deviations=deviations)
        host, port = conf.get("host", "127.0.0.1"), int(conf.get("port", DEFAULT_PORT))
        try:
            self.server = FerzlSimulatorServer(ferzl, host, port, planted.differences)
        except OSError as exc:
            self.error = f"не удалось открыть {host}:{port}: {exc}"
            log.error("ФЕРЗЛ simulator not started: %s", self.error)
            return
        self.server.start()
        log.info("ФЕРЗЛ simulator on %s (%d persons, %d planted differences)",
                 self.server.url, len(planted.register), len(planted.differences))

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if hasattr(self, "server"):
            self.server.stop()
