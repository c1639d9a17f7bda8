"""HTTP for the SOAP services: Basic authentication, a bounded body, a threaded server.

The WSDL (``GET <path>?wsdl``) is public: it describes the service and holds no data.
Every ``POST`` needs HTTP Basic credentials of a configured organisation (serve it over
TLS: ``tls_certificate``/``tls_key``, or behind a TLS-terminating proxy); auth.py checks
them (constant time, throttled, audited). The body is read bounded (body.py): never more
than ``max_request_bytes``, whatever ``Content-Length`` says or however it is streamed.

The caller's address is the peer of the connection, or what ``X-Forwarded-For`` says when
the peer is one of the operator's ``trusted_proxies`` (hub/proxies.py): any other client
cannot choose the address its lockout and audit rows are kept by.
"""

from __future__ import annotations

import io
import logging
import ssl
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from xml.sax.saxutils import escape

from adapters.soap.auth import Audit, Authenticator, Find, Refusal
from adapters.soap.body import BodyError, declared_length, read_body
from adapters.soap.calls import Caller
from adapters.soap.settings import SoapSettings
from adapters.soap.views import CALLER, RAW
from hub.httpserve import BackgroundServer
from hub.proxies import TrustedProxies

log = logging.getLogger("omshub.soap")
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_FAULT = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
          '<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{text}</faultstring>'
          '</soap:Fault></soap:Body></soap:Envelope>')


def _fault(start_response: StartResponse, status: str, code: str, text: str,
           extra: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    body = _FAULT.format(code=code, text=escape(text)).encode()
    start_response(status, [("Content-Type", "text/xml; charset=utf-8"),
                            ("Content-Length", str(len(body))), *extra])
    return [body]


def client_address(environ: dict[str, Any], proxies: TrustedProxies) -> str:
    """The client's address: the peer's, or the one a trusted proxy forwards for."""
    peer = str(environ.get("REMOTE_ADDR", ""))
    return proxies.client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))


class Guard:
    """WSGI middleware in front of spyne: who calls (Basic), how much they send."""

    def __init__(self, app: WsgiApp, settings: SoapSettings, audit: Audit | None = None,
                 proxies: TrustedProxies | None = None, find: Find | None = None) -> None:
        self.app = app
        self.settings = settings
        self.auth = Authenticator(settings, audit, find=find)
        self.proxies = proxies or TrustedProxies()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") != self.settings.path:
            return _fault(start_response, "404 Not Found", "Client.NotFound",
                          f"сервис отвечает по адресу {self.settings.path}")
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)  # the WSDL
        limit = self.settings.max_request_bytes
        addr = client_address(environ, self.proxies)
        try:  # refuse a bad or too long length before spending a hash on its sender
            length = declared_length(environ, limit)
        except BodyError as exc:
            return _fault(start_response, exc.status, exc.code, exc.text)
        org = self.auth.authenticate(environ.get("HTTP_AUTHORIZATION", ""), addr)
        if isinstance(org, Refusal):
            return _fault(start_response, org.status, org.code, org.text, org.headers)
        try:
            body = read_body(environ["wsgi.input"], length, limit)
        except BodyError as exc:
            log.warning("SOAP request of %s from %s refused: %s", org.code, addr, exc)
            return _fault(start_response, exc.status, exc.code, exc.text)
        except TimeoutError:
            return _fault(start_response, "408 Request Timeout", "Client.Timeout",
                          "тело запроса не получено вовремя")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ[RAW] = body
        environ[CALLER] = Caller(org, addr)
        return self.app(environ, start_response)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of connections waits to be accepted, not reset

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed (reset, timed out, bad TLS): logged, not printed."""
        log.debug("soap: connection from %s failed", client_address, exc_info=True)


class _QuietHandler(WSGIRequestHandler):
    def setup(self) -> None:
        super().setup()  # sets the socket timeout
        if isinstance(self.connection, ssl.SSLSocket):
            # Here, on the request's thread and under its timeout: in the accept loop a
            # client that never finished its handshake would stop the server.
            self.connection.do_handshake()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("soap: " + format, *args)


class SoapServer(BackgroundServer):
    """The guarded spyne WSGI app served on a thread (binding happens in the constructor)."""

    def __init__(self, app: WsgiApp, settings: SoapSettings, audit: Audit | None = None,
                 proxies: TrustedProxies | None = None, find: Find | None = None) -> None:
        self.settings = settings
        handler = type("_Handler", (_QuietHandler,),
                       {"timeout": settings.request_timeout_seconds})
        self.guard = Guard(app, settings, audit, proxies, find)
        self.httpd = make_server(settings.host, settings.port, self.guard,
                                 server_class=_ThreadingServer, handler_class=handler)
        self.scheme = "http"
        if settings.tls_certificate is not None:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(settings.tls_certificate, settings.tls_key)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True,
                                                do_handshake_on_connect=False)
            self.scheme = "https"
        super().__init__(self.httpd, "soap")

    @property
    def url(self) -> str:
        """The service address (append ``?wsdl`` for the WSDL)."""
        host = self.settings.host if self.settings.host not in ("0.0.0.0", "") else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.port}{self.settings.path}"
