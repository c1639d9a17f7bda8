"""The official adapter's interface as a component (``adapter.smev3-api``).

``[plugins.smev3-api]``: ``host``, ``port``, ``path`` (default ``/smev3-adapter``) and
``max_request_bytes``. ``GET <path>?wsdl`` is the WSDL (wsdl.py), ``GET <path>/<name>.xsd``
the two published schemas it imports, read from the schema directory; ``POST <path>`` the
operations (interface.py). The schemas are not vendored: without ``schemas_dir`` holding
``smev-service-adapter-types.xsd`` the component is down with the reason.

It subscribes to the canonical responses of every consumer type, like the console's answers
component, and keeps those answering requests sent through the interface for the system's
Get.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from socketserver import ThreadingMixIn
from typing import Any, ClassVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from pydantic import BaseModel, Field

from adapters.smev3.official_api.credentials import Systems
from adapters.smev3.official_api.interface import Interface
from adapters.smev3.official_api.models import metadata
from adapters.smev3.official_api.wsdl import FAULTS_XSD, TYPES_XSD, compose
from adapters.smev3.service import catalogue
from contracts.registry import type_of
from contracts.schemas import SchemaNotFound, SchemaStore
from contracts.xmlbind.binding import MappingError
from hub.component import Adapter, Message, PermanentError, Subscription
from hub.context import Context
from hub.httpserve import BackgroundServer
from hub.proxies import TrustedProxies
from hub.tx import Tx

log = logging.getLogger("omshub.smev3.api")
PLUGIN = "smev3-api"
StartResponse = Callable[..., Any]


class ApiSettings(BaseModel):
    """``[plugins.smev3-api]``."""

    host: str = "127.0.0.1"
    port: int = Field(8093, ge=0, le=65535)
    path: str = "/smev3-adapter"
    max_request_bytes: int = Field(10 * 2**20, gt=0)
    providers: dict[str, str] = Field(default_factory=dict)
    """Provider information type → the itSystem that answers its requests: they are handed
    to it (Get with REQUEST) instead of a handler, and its Send of a ResponseMessage answers
    them."""


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    timeout = 60  # a client that stops sending mid-request does not hold its thread forever

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("smev3-api: " + format, *args)


class Wsgi:
    """HTTP of the interface: the WSDL, its schemas, and the operations."""

    def __init__(self, interface: Interface, settings: ApiSettings, store: SchemaStore,
                 proxies: TrustedProxies) -> None:
        self.interface = interface
        self.settings = settings
        self.store = store
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        base = self.settings.path
        method = environ.get("REQUEST_METHOD")
        if method == "GET" and path == base and "wsdl" in environ.get("QUERY_STRING", ""):
            host = environ.get("HTTP_HOST") or f"{self.settings.host}:{self.settings.port}"
            address = f"http://{host}{base}"
            text = compose(address, f"{address}/{TYPES_XSD}", f"{address}/{FAULTS_XSD}")
            return self._reply(start, "200 OK", text.encode(), "text/xml; charset=utf-8")
        if method == "GET" and path in (f"{base}/{TYPES_XSD}", f"{base}/{FAULTS_XSD}"):
            data = self.store.find(path.rsplit("/", 1)[1]).read_bytes()
            return self._reply(start, "200 OK", data, "text/xml; charset=utf-8")
        if method != "POST" or path != base:
            return self._reply(start, "404 Not Found",
                               f"сервис отвечает по адресу {base} (WSDL: {base}?wsdl)".encode(),
                               "text/plain; charset=utf-8")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > self.settings.max_request_bytes:
            return self._reply(start, "413 Content Too Large",
                               "запрос больше допустимого размера".encode(),
                               "text/plain; charset=utf-8")
        body = environ["wsgi.input"].read(length)
        addr = self.proxies.client_address(str(environ.get("REMOTE_ADDR", "")),
                                           environ.get("HTTP_X_FORWARDED_FOR"))
        status, answer = self.interface.call(body, environ.get("HTTP_AUTHORIZATION", ""), addr)
        return self._reply(start, "200 OK" if status == 200 else "500 Internal Server Error",
                           answer, "text/xml; charset=utf-8")

    @staticmethod
    def _reply(start: StartResponse, status: str, body: bytes, media: str) -> list[bytes]:
        start(status, [("Content-Type", media), ("Content-Length", str(len(body)))])
        return [body]


class OfficialApi(Adapter):
    """The interface of the official «Адаптер СМЭВ 3» for the fund's internal systems."""

    health_labels: ClassVar[Mapping[str, str]] = {"systems": "Подключённых систем"}
    name: ClassVar[str] = PLUGIN
    metadata: ClassVar[sa.MetaData | None] = metadata

    server: BackgroundServer | None = None
    error: str | None = None
    unconfigured: str | None = None
    """Why the interface is off on purpose (no schema directory): «не настроен», no failure."""

    @classmethod
    def subscriptions(cls) -> list[Subscription]:
        """The canonical responses of the consumer types (bus type and bound model)."""
        models = [m for t in catalogue().types.values() if t.role == "consumer"
                  for m in (t.bus_response, t.response_model) if m is not None]
        types = tuple(dict.fromkeys(type_of(m) for m in models))
        asked = [m for t in catalogue().types.values() if t.role == "provider"
                 for m in (t.bus_request, t.request_model)]
        requests = tuple(dict.fromkeys(type_of(m) for m in asked))
        return ([Subscription("on_answer", types)] if types else []) + (
            [Subscription("on_request", requests)] if requests else [])

    def setup(self, ctx: Context) -> None:
        """Read ``[plugins.smev3-api]`` and compile the adapter's published schema."""
        super().setup(ctx)
        self.settings = ApiSettings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        self.systems = Systems(ctx.db)
        if ctx.settings.schemas_dir is None:  # not configured: off, not failing (the demo)
            self.unconfigured = (f"не задан каталог схем (schemas_dir): интерфейсу нужна "
                                 f"{TYPES_XSD}")
            self.error = self.unconfigured
            return
        self.store = SchemaStore(ctx.settings.schemas_dir)
        try:
            schema = self.store.schema(TYPES_XSD)
        except SchemaNotFound as exc:
            self.error = f"нет схемы {TYPES_XSD} в каталоге схем: {exc}"
            return
        self.interface = Interface(ctx, catalogue(), schema, self.systems,
                                   self.component_name())

    def start(self) -> None:
        """Listen; a port that cannot be bound leaves the component down, not the hub."""
        if self.unconfigured:
            log.info("smev3-api off: %s", self.unconfigured)
            return
        if self.error:
            log.error("smev3-api not started: %s", self.error)
            return
        app = Wsgi(self.interface, self.settings, self.store,
                   TrustedProxies(self.ctx.settings.trusted_proxies))
        try:
            httpd = make_server(self.settings.host, self.settings.port, app,
                                server_class=_Server, handler_class=_Quiet)
        except OSError as exc:
            self.error = f"не удалось занять адрес {self.settings.host}:{self.settings.port}: {exc}"
            log.error("smev3-api not started: %s", self.error)
            return
        self.server = BackgroundServer(httpd, "smev3-api")
        self.server.start()
        log.info("smev3-api on %s", self.url)

    @property
    def url(self) -> str:
        """The service address (``?wsdl`` for its WSDL)."""
        host = self.settings.host if self.settings.host not in ("0.0.0.0", "") else "127.0.0.1"
        port = self.server.port if self.server else self.settings.port
        return f"http://{host}:{port}{self.settings.path}"

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if self.server is not None:
            self.server.stop()

    def health(self) -> dict[str, Any]:
        """Where it listens, or why it does not."""
        if self.unconfigured:
            return {"status": "disabled", "detail": self.unconfigured}
        if self.error or self.server is None:
            return {"status": "down", "detail": self.error or "не запущен"}
        return {"status": "ok", "url": self.url,
                "systems": sum(1 for s in self.systems.listed() if s.enabled)}

    def on_answer(self, message: Message[Any], tx: Tx) -> None:
        """Keep an answer to a request sent through the interface for the system's Get."""
        if self.error:
            return
        try:
            self.interface.answer(tx.conn, message.envelope.id,
                                  message.envelope.causation_id, message.payload)
        except MappingError as exc:
            raise PermanentError(f"smev3-api: {exc}") from exc

    def on_request(self, message: Message[Any], tx: Tx) -> None:
        """Hand a request СМЭВ brought to the system configured for its type (``providers``).

        Off (no schema directory: the demo), the interface takes nothing. On, a request of a
        type no system is configured for is a permanent failure with the reason, so that it
        waits in «Ошибки доставки» instead of going unanswered unseen (before this component,
        the router parked it as unroutable); a handler of ours that answers a provider type
        itself would get its own copy, and that type then wants no system here."""
        if self.error:
            return
        key = message.envelope.routing_key
        for info in catalogue().types.values():
            if info.role == "provider" and key in {
                    type_of(m).key for m in (info.bus_request, info.request_model)}:
                system_code = self.settings.providers.get(info.key)
                if system_code is None:
                    raise PermanentError(
                        f"на запрос вида сведений {info.key} некому ответить: внутренняя "
                        f"система не назначена (providers в [plugins.smev3-api])")
                try:
                    self.interface.incoming(tx.conn, message.envelope.id, system_code,
                                            info.key, message.payload)
                except MappingError as exc:
                    raise PermanentError(f"smev3-api: {exc}") from exc
                return
