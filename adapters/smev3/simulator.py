"""A СМЭВ 3 simulator: the message exchange as the WSDL and XSDs define it, over HTTP.

It validates what it receives (the business content against the type's official XSD, when
a schema directory is configured), verifies client signatures when it has a verifier,
keeps per-type queues, answers SendRequest with the metadata СМЭВ gives, returns
statuses, and plays the other agency: for a type we *consume* it answers each request
with the type's sample answer (or a rejection saying there is no test data); for a type
we *provide* it puts the type's sample request in our queue and keeps our answers.
A message fetched but not acknowledged comes back after ``redeliver_after`` seconds, as
in СМЭВ. Everything goes through :mod:`adapters.smev3.protocol`, the code the adapter uses.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from lxml import etree

from adapters.smev3 import protocol as p
from adapters.smev3.protocol.faults import InvalidContent
from adapters.smev3.soap import Verifier
from adapters.smev3.types import InformationType, TypeCatalogue
from hub.component import Adapter
from hub.schemas import SchemaNotFound, SchemaStore

log = logging.getLogger(__name__)

SIM = p.Participant(mnemonic="SMEV3SIM", human_readable_name="Симулятор СМЭВ 3")
Key = tuple[str | None, str | None]


def _key(selector: p.MessageTypeSelector) -> Key:
    return selector.namespace_uri, selector.root_element_local_name


def _root_key(element: etree._Element) -> Key:
    name = etree.QName(element)
    return name.namespace, name.localname


@dataclass
class _Queue:
    waiting: deque[Any] = field(default_factory=deque)
    delivered: dict[str, tuple[Any, float]] = field(default_factory=dict)


class SimulatedSmev:
    """The state and the operations of the simulated message exchange (thread-safe)."""

    def __init__(self, types: TypeCatalogue, *, schemas: SchemaStore | None = None,
                 signer: p.Signer | None = None, verifier: Verifier | None = None,
                 redeliver_after: float = 60.0) -> None:
        self.types = types
        self.schemas = schemas
        self.signer = signer
        self.verifier = verifier
        self.redeliver_after = redeliver_after
        self._lock = threading.Lock()
        self._queues: dict[Key, _Queue] = {}
        self.requests_seen: dict[str, str] = {}
        """MessageID of each request received → type key."""
        self.answers: dict[str, etree._Element] = {}
        """Our answers to the simulated consumer's requests, by the request's ReplyTo."""

    # -- queues ---------------------------------------------------------------------------

    def _queue(self, key: Key) -> _Queue:
        return self._queues.setdefault(key, _Queue())

    def _put(self, key: Key, message: Any) -> None:
        with self._lock:
            self._queue(key).waiting.append(message)

    def _take(self, key: Key) -> Any | None:
        with self._lock:
            queue = self._queue(key)
            now = time.monotonic()
            for mid, (message, at) in list(queue.delivered.items()):
                if now - at > self.redeliver_after:  # never acknowledged: deliver again
                    del queue.delivered[mid]
                    queue.waiting.appendleft(message)
            if not queue.waiting:
                return None
            message = queue.waiting.popleft()
            queue.delivered[_message_id(message)] = (message, now)
            return message

    def _ack(self, message_id: str) -> bool:
        with self._lock:
            for queue in self._queues.values():
                if queue.delivered.pop(message_id, None) is not None:
                    return True
        return False

    def depth(self) -> dict[str, dict[str, int]]:
        """Waiting and delivered-unacknowledged counts per queue (for tests and the console)."""
        with self._lock:
            return {f"{ns}:{root}": {"waiting": len(q.waiting), "delivered": len(q.delivered)}
                    for (ns, root), q in self._queues.items()}

    # -- the simulated other side --------------------------------------------------------

    def offer_request(self, info: InformationType) -> str:
        """Put the type's sample request in our GetRequest queue (we are the provider)."""
        request = info.sample_request()
        if request is None:
            raise LookupError(f"{info.key} has no sample request to simulate")
        content = info.request_to_xml(request)
        data = p.RequestData(content=content, message_id=p.new_message_id())
        reply_to = f"sim:{data.message_id}"
        self._put(_root_key(content), p.RequestMessage(
            data=data, metadata=self._metadata("REQUEST", data.message_id), reply_to=reply_to))
        return data.message_id

    def _metadata(self, kind: str, message_id: str, status: str | None = None,
                  signed_id: str | None = None) -> p.MessageMetadata:
        now = p.values.now()
        return p.MessageMetadata(message_type=kind, sending_timestamp=now,
                                 message_id=message_id, sender=SIM, recipient=SIM,
                                 delivery_timestamp=now, status=status,
                                 destination_name="unknown", interaction_type="NotDetected",
                                 id=signed_id)

    def _answer(self, info: InformationType, request: p.RequestData) -> None:
        """What the simulated provider sends back for a request: a status, then the answer."""
        mid = request.message_id
        out_key: Key = (info.response_namespace,
                        getattr(info.response_model, "xml_root", None))
        to = f"sim:{mid}"
        status = p.ResponseData(to=to, async_status=p.AsyncProcessingStatus(
            original_message_id=mid, category="requestIsAcceptedBySmev",
            details="принят СМЭВ (симулятор)"))
        self._put(out_key, p.ResponseMessage(data=status, metadata=self._metadata(
            "RESPONSE", status.message_id), original_message_id=mid))
        try:
            answer = info.sample_response(info.request_from_xml(request.content))
        except Exception as exc:  # noqa: BLE001 - a bad request is answered with a rejection
            answer, why = None, f"запрос не разобран: {exc}"
        else:
            why = "у симулятора нет тестовых данных для этого вида сведений"
        if answer is None:
            data = p.ResponseData(to=to, rejections=(p.Rejection("NO_DATA", why),))
        else:
            data = p.ResponseData(to=to, content=info.response_to_xml(answer))
        self._put(out_key, p.ResponseMessage(data=data, metadata=self._metadata(
            "RESPONSE", data.message_id), original_message_id=mid))

    # -- the operations ------------------------------------------------------------------

    def handle(self, body: bytes, content_type: str | None) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request; SOAP faults for everything refused."""
        version = p.version("1.3")
        try:
            incoming = p.parse_request(p.http.unpack(body, content_type).envelope)
        except p.ProtocolError as exc:
            unreadable = p.FAULTS["SMEVFailure"](f"unreadable request: {exc}",
                                                  faultcode="Client")
            return p.http.response(p.fault_envelope(version, unreadable))
        try:
            version = incoming.version
            if self.verifier and (problems := self.verifier(body)):
                raise p.FAULTS["SignatureVerificationFault"]("; ".join(problems))
            reply = self._operation(incoming)
            return p.http.response(p.build_reply(version, incoming.operation, reply,
                                                 signer=self.signer))
        except p.SmevFault as fault:
            log.info("simulator refuses: %s %s", fault.kind, fault.message)
            return p.http.response(p.fault_envelope(version, fault))
        except p.ProtocolError as exc:
            log.exception("the simulator could not build its reply")
            failure = p.FAULTS["SMEVFailure"](f"simulator failure: {exc}")
            return p.http.response(p.fault_envelope(version, failure))

    def _operation(self, incoming: p.Incoming) -> p.Reply | None:
        call = incoming.call
        if isinstance(call, p.SendRequestCall):
            info = self._type_of(call.data.content)
            self._validate(info.request_schema, call.data.content)
            self.requests_seen[call.data.message_id] = info.key
            self._answer(info, call.data)
            return p.SendResult(self._metadata("REQUEST", call.data.message_id,
                                               "requestIsQueued", "SIGNED_BY_SMEV"))
        if isinstance(call, p.SendResponseCall):
            content = call.data.content
            if content is not None:
                info = self._type_of(content)
                self._validate(info.response_schema, content)
                self.answers[call.data.to] = content
            return p.SendResult(self._metadata("RESPONSE", call.data.message_id,
                                               "responseIsDelivered", "SIGNED_BY_SMEV"))
        if isinstance(call, p.GetRequestCall | p.GetResponseCall):
            message: p.Reply | None = self._take(_key(call.selector))
            return message
        if isinstance(call, p.AckCall):
            if not self._ack(call.message_id):
                raise p.FAULTS["TargetMessageIsNotFound"](
                    f"no delivered message {call.message_id} waits for an Ack")
            return None
        return None  # GetStatus: statuses travel with GetResponse here

    def _type_of(self, content: etree._Element) -> InformationType:
        namespace = etree.QName(content).namespace or ""
        info = self.types.by_namespace(namespace)
        if info is None:
            raise p.FAULTS["UnknownMessageType"](
                f"no information type is registered for {namespace!r}")
        return info

    def _validate(self, schema: str, content: etree._Element) -> None:
        if self.schemas is None:
            return
        try:
            errors = self.schemas.validate(schema, content)
        except SchemaNotFound as exc:
            raise p.FAULTS["SMEVFailure"](str(exc)) from exc
        if errors:
            raise InvalidContent("business content does not match its schema",
                                 validation_errors=tuple(p.ValidationError(e)
                                                         for e in errors[:20]))


def _message_id(message: Any) -> str:
    data = getattr(message, "data", None)
    return str(getattr(data, "message_id", "") or getattr(message, "message_id", ""))


class SimulatorServer:
    """:class:`SimulatedSmev` served over HTTP on a thread (``POST`` any path)."""

    def __init__(self, smev: SimulatedSmev, host: str = "127.0.0.1", port: int = 8181) -> None:
        self.smev = smev

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
                length = int(self.headers.get("Content-Length") or 0)
                status, headers, body = smev.handle(self.rfile.read(length),
                                                    self.headers.get("Content-Type"))
                self._reply(status, headers, body)

            def do_GET(self) -> None:  # noqa: N802
                body = json.dumps(smev.depth(), ensure_ascii=False).encode()
                self._reply(200, {"Content-Type": "application/json"}, body)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("simulator: " + format, *args)

        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="smev3-sim",
                                        daemon=True)

    @property
    def url(self) -> str:
        """Where the adapter should point."""
        return f"http://127.0.0.1:{self.port}/smev3"

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


class Smev3Simulator(Adapter):
    """The simulator as a component, so that ``omshub up`` shows СМЭВ traffic flowing.

    ``[plugins.smev3-simulator]``: ``host``, ``port`` (8181, where the adapter points by
    default). The schema directory is the hub's ``schemas_dir``.
    """

    name: ClassVar[str] = "smev3-simulator"
    error: str | None = None

    def health(self) -> dict[str, Any]:
        """Where it listens, or why it does not."""
        if self.error:
            return {"status": "down", "detail": self.error}
        return {"status": "ok", "url": self.server.url, "queues": self.server.smev.depth()}

    def start(self) -> None:
        """Serve, and offer one sample request of each type we provide."""
        from adapters.smev3.service import catalogue

        conf = self.ctx.settings.plugins.get(self.name, {})
        schemas_dir = self.ctx.settings.schemas_dir
        smev = SimulatedSmev(catalogue(), schemas=SchemaStore(schemas_dir) if schemas_dir
                             else None)
        host, port = conf.get("host", "127.0.0.1"), int(conf.get("port", 8181))
        try:
            self.server = SimulatorServer(smev, host, port)
        except OSError as exc:
            # A busy port must not take the hub down: the simulator is a convenience.
            self.error = f"cannot listen on {host}:{port}: {exc}"
            log.error("СМЭВ 3 simulator not started: %s", self.error)
            return
        self.server.start()
        for info in catalogue().types.values():
            if info.role == "provider" and info.sample_request() is not None:
                smev.offer_request(info)
        log.info("СМЭВ 3 simulator on %s", self.server.url)

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if hasattr(self, "server"):
            self.server.stop()
