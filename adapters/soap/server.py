"""HTTP for the SOAP services: Basic authentication, a size limit, a threaded server.

The WSDL (``GET <path>?wsdl``) is public: it describes the service and holds no data.
Every ``POST`` needs HTTP Basic credentials of a configured organisation (serve it over
TLS: ``tls_certificate``/``tls_key``, or behind a TLS-terminating proxy); without them the
answer is ``401`` with ``WWW-Authenticate`` and a SOAP Fault ``Client.Unauthenticated``.
scrypt is slow on purpose, so a verified password is remembered (as a salted digest, in
memory) for the life of the process.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import secrets
import ssl
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from xml.sax.saxutils import escape

from adapters.soap.calls import Caller
from adapters.soap.settings import Organisation, SoapSettings, verify_password
from adapters.soap.views import CALLER, RAW
from hub.httpserve import BackgroundServer

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


class Guard:
    """WSGI middleware in front of spyne: who calls (Basic), how much they send."""

    def __init__(self, app: WsgiApp, settings: SoapSettings) -> None:
        self.app = app
        self.settings = settings
        self._pepper = secrets.token_bytes(16)
        self._verified: set[tuple[str, bytes]] = set()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") != self.settings.path:
            return _fault(start_response, "404 Not Found", "Client.NotFound",
                          f"сервис отвечает по адресу {self.settings.path}")
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)  # the WSDL
        org = self._authenticate(environ.get("HTTP_AUTHORIZATION", ""))
        if org is None:
            log.warning("SOAP call refused: bad credentials from %s",
                        environ.get("REMOTE_ADDR", "?"))
            return _fault(start_response, "401 Unauthorized", "Client.Unauthenticated",
                          "нужны имя и пароль организации (HTTP Basic)",
                          [("WWW-Authenticate", 'Basic realm="omshub-erz", charset="UTF-8"')])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.settings.max_request_bytes:
            return _fault(start_response, "413 Request Entity Too Large", "Client.TooLarge",
                          f"запрос больше {self.settings.max_request_bytes} байт")
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ[RAW] = body
        environ[CALLER] = Caller(org, environ.get("REMOTE_ADDR", ""))
        return self.app(environ, start_response)

    def _authenticate(self, header: str) -> Organisation | None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            username, _, password = base64.b64decode(value, validate=True).decode().partition(
                ":")
        except (ValueError, UnicodeDecodeError):
            return None
        org = self.settings.by_username(username)
        if org is None:
            return None
        key = (username, hashlib.sha256(self._pepper + org.password_hash.encode()
                                        + password.encode()).digest())
        with self._lock:
            if key in self._verified:
                return org
        if not verify_password(password, org.password_hash):
            return None
        with self._lock:
            self._verified.add(key)
        return org


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("soap: " + format, *args)


class SoapServer(BackgroundServer):
    """The guarded spyne WSGI app served on a thread (binding happens in the constructor)."""

    def __init__(self, app: WsgiApp, settings: SoapSettings) -> None:
        self.settings = settings
        self.httpd = make_server(settings.host, settings.port, Guard(app, settings),
                                 server_class=_ThreadingServer, handler_class=_QuietHandler)
        self.scheme = "http"
        if settings.tls_certificate is not None:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(settings.tls_certificate, settings.tls_key)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        super().__init__(self.httpd, "soap")

    @property
    def url(self) -> str:
        """The service address (append ``?wsdl`` for the WSDL)."""
        host = self.settings.host if self.settings.host not in ("0.0.0.0", "") else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.port}{self.settings.path}"
