"""A СМЭВ 3 simulator: the message exchange as the WSDL and XSDs define it, over HTTP.

It validates what it receives (the business content against the type's official XSD, when
a schema directory is configured), verifies client signatures when it has a verifier,
keeps per-type queues, answers SendRequest with the metadata СМЭВ gives, returns
statuses, and plays the other agency: for a type we *consume* it answers each request
with the type's sample answer (or a rejection saying there is no test data); for a type
we *provide* it puts the type's sample request — or one a test or the demo offers, such as
a ЗАГС death record of a given person — in our queue and keeps our answers.
A message fetched but not acknowledged comes back after ``redeliver_after`` seconds, as
in СМЭВ.

Statuses (AsyncProcessingStatus) of what the client sent — its requests accepted, its
answers delivered — wait in the client's status queue, read with GetStatus. GetStatus must
be signed (its signature is required by the XSD), so a simulator that does not verify
signatures, whose clients may well not sign, puts them in the GetResponse queue of the
type instead, where СМЭВ 1.1/1.2 clients read them too. The XSD gives a status message no
MessageID to acknowledge, so GetStatus hands each status out once. Everything goes through
:mod:`adapters.smev3.protocol`, the code the adapter uses.

Attachments: the simulator takes them inline (MTOM) and through its file exchange (an FTP
server on loopback, :mod:`adapters.smev3.simulator.files`), checks headers against contents
and hashes against files as СМЭВ does (faults otherwise), and keeps what it received in
``received_files``; the simulated agency attaches ``answer_files`` of a type to its answers
— inline up to the limit, larger ones through the FTP server.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree
from pydantic import BaseModel

from adapters.smev3 import protocol as p
from adapters.smev3.attachments import (
    Attachment,
    AttachmentTransfer,
    Limits,
    Sign,
    cms_signer,
    cms_verifier,
    streebog,
)
from adapters.smev3.protocol.faults import InvalidContent
from adapters.smev3.simulator.files import SimulatedFileExchange, accept, offer
from adapters.smev3.simulator.state import SimulatorState
from adapters.smev3.soap import Verifier
from adapters.smev3.types import InformationType, TypeCatalogue
from contracts.demo import DemoPersons
from contracts.registry import type_of
from contracts.schemas import SchemaNotFound, SchemaStore
from hub.component import Adapter
from hub.httpserve import BackgroundServer

log = logging.getLogger(__name__)

SIM = p.Participant(mnemonic="SMEV3SIM", human_readable_name="Симулятор СМЭВ 3")
Key = tuple[str | None, str | None]


def _key(selector: p.MessageTypeSelector) -> Key:
    return selector.namespace_uri, selector.root_element_local_name


@dataclass(frozen=True)
class RawReply:
    """A reply served as it is (tests of what the adapter does with hostile input)."""

    body: bytes
    message_id: str = ""


@dataclass
class _Queue:
    waiting: deque[Any] = field(default_factory=deque)
    delivered: dict[str, tuple[Any, float]] = field(default_factory=dict)


class SimulatedSmev:
    """The state and the operations of the simulated message exchange (thread-safe)."""

    def __init__(self, types: TypeCatalogue, *, schemas: SchemaStore | None = None,
                 signer: p.Signer | None = None, verifier: Verifier | None = None,
                 redeliver_after: float = 60.0,
                 statuses_via_get_status: bool | None = None,
                 files: SimulatedFileExchange | None = None, limits: Limits | None = None,
                 state: SimulatorState | None = None,
                 attachment_signer: Sign | None = None) -> None:
        self.types = types
        self.state = state
        """What was offered and acknowledged, kept across restarts (None: in memory only)."""
        self.statuses_via_get_status = (verifier is not None if statuses_via_get_status is None
                                        else statuses_via_get_status)
        self._statuses: deque[p.StatusMessage] = deque()
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
        self.files = files
        """The file exchange (FTP) large attachments go through; None: inline only."""
        self.transfer = AttachmentTransfer(limits or Limits(), files, streebog(),
                                           sign=attachment_signer, verify=cms_verifier())
        """Files out signed (SignaturePKCS7) when given a signer; files in: their signatures
        verified, a bad one refused (AttachmentContentMiscoordination, naming it)."""
        self.answer_files: dict[str, list[Attachment]] = {}
        """Files the simulated agency attaches to its answers, by type key."""
        self.no_data: set[str] = set()
        """Type keys whose requests the simulated agency answers NO_DATA (nothing found)."""
        self.received_files: dict[str, list[Attachment]] = {}
        """Files the client sent: by its request's MessageID, by its answer's To."""

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
                    if self.state is not None:
                        self.state.acknowledged(message_id)
                    return True
        return False

    def depth(self) -> dict[str, dict[str, int]]:
        """Waiting and delivered-unacknowledged counts per queue (for tests and the console)."""
        with self._lock:
            return {f"{ns}:{root}": {"waiting": len(q.waiting), "delivered": len(q.delivered)}
                    for (ns, root), q in self._queues.items()}

    # -- the simulated other side --------------------------------------------------------

    def offer_request(self, info: InformationType, request: BaseModel | None = None,
                      attachments: Sequence[Attachment] = (), *, name: str = "") -> str:
        """Put a request in our GetRequest queue (we are the provider); returns its MessageID.

        ``request`` is the canonical request to send (a death record of a chosen person, say);
        the type's sample request by default. ``attachments`` go with it. A ``name``d offer
        is remembered in :attr:`state`: once acknowledged it is not offered again, and an
        unacknowledged one goes out again under its first MessageID.
        """
        request = request if request is not None else info.sample_request()
        if request is None:
            raise LookupError(f"{info.key} has no sample request to simulate")
        message_id = ""
        if name and self.state is not None:
            known, acknowledged = self.state.offer_of(name)
            if known is not None and acknowledged:
                return known
            message_id = known or ""
        mid = self.offer_content(info, info.request_to_xml(request), attachments,
                                 message_id=message_id)
        if name and self.state is not None:
            self.state.offered(name, mid)
        return mid

    def offer_content(self, info: InformationType, content: etree._Element,
                      attachments: Sequence[Attachment] = (), *, message_id: str = "") -> str:
        """Put any business element in ``info``'s GetRequest queue — even one of another
        type, as a misrouted delivery would be; returns its MessageID (``message_id``, or
        a new one)."""
        out, fs = offer(self.transfer, attachments, self.files)
        data = p.RequestData(content=content, message_id=message_id or p.new_message_id(),
                             attachment_headers=out.headers, ref_attachment_headers=out.refs)
        reply_to = f"sim:{data.message_id}"
        key: Key = (info.request_namespace, getattr(info.request_model, "xml_root", None))
        self._put(key, p.RequestMessage(
            data=data, metadata=self._metadata("REQUEST", data.message_id), reply_to=reply_to,
            attachments=out.contents, fs_attachments=fs))
        return data.message_id

    def offer_raw(self, info: InformationType, body: bytes, message_id: str = "") -> None:
        """Put a reply that is not what СМЭВ should send — malformed XML, a DTD with entities —
        in the type's queue (GetRequest for a type we provide, GetResponse for one we
        consume), to be served exactly as given. ``message_id`` is what its Ack must name."""
        if info.role == "provider":
            key: Key = (info.request_namespace, getattr(info.request_model, "xml_root", None))
        else:
            key = self._response_key(info)
        self._put(key, RawReply(body, message_id))

    def _metadata(self, kind: str, message_id: str, status: str | None = None,
                  signed_id: str | None = None) -> p.MessageMetadata:
        now = p.values.now()
        return p.MessageMetadata(message_type=kind, sending_timestamp=now,
                                 message_id=message_id, sender=SIM, recipient=SIM,
                                 delivery_timestamp=now, status=status,
                                 destination_name="unknown", interaction_type="NotDetected",
                                 id=signed_id)

    def _status(self, info: InformationType, original_message_id: str, category: str,
                details: str) -> None:
        """Tell the client what became of a message it sent (GetStatus, else GetResponse)."""
        status = p.AsyncProcessingStatus(original_message_id=original_message_id,
                                         category=category, details=details)
        if self.statuses_via_get_status:
            with self._lock:
                self._statuses.append(p.StatusMessage(status))
            return
        data = p.ResponseData(to=f"sim:{original_message_id}", async_status=status)
        self._put(self._response_key(info), p.ResponseMessage(
            data=data, metadata=self._metadata("RESPONSE", data.message_id),
            original_message_id=original_message_id))

    @staticmethod
    def _response_key(info: InformationType) -> Key:
        model = info.response_model or info.request_model
        return info.response_namespace, getattr(model, "xml_root", None)

    def _answer(self, info: InformationType, request: p.RequestData) -> None:
        """What the simulated provider sends back for a request: a status, then the answer."""
        mid = request.message_id
        out_key = self._response_key(info)
        to = f"sim:{mid}"
        self._status(info, mid, "requestIsAcceptedBySmev", "принят СМЭВ (симулятор)")
        if info.one_way:
            return  # a delivery: the recipient acknowledges it, nothing comes back
        try:
            answer = info.sample_response(info.request_from_xml(request.content))
        except Exception as exc:  # noqa: BLE001 - a bad request is answered with a rejection
            answer, why = None, f"запрос не разобран: {exc}"
        else:
            why = "у симулятора нет тестовых данных для этого вида сведений"
        if info.key in self.no_data:
            answer, why = None, "сведения о лице не найдены (симулятор)"
        out, fs = offer(self.transfer, self.answer_files.get(info.key, ())
                        if answer is not None else (), self.files)
        if answer is None:
            data = p.ResponseData(to=to, rejections=(p.Rejection("NO_DATA", why),))
        else:
            data = p.ResponseData(to=to, content=info.response_to_xml(answer),
                                  attachment_headers=out.headers,
                                  ref_attachment_headers=out.refs)
        self._put(out_key, p.ResponseMessage(data=data, metadata=self._metadata(
            "RESPONSE", data.message_id), original_message_id=mid, attachments=out.contents,
            fs_attachments=fs))

    # -- the operations ------------------------------------------------------------------

    def handle(self, body: bytes, content_type: str | None) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request; SOAP faults for everything refused."""
        version = p.version("1.3")
        try:
            unpacked = p.http.unpack(body, content_type)
            incoming = p.parse_request(unpacked.envelope)
        except p.ProtocolError as exc:
            unreadable = p.FAULTS["SMEVFailure"](f"unreadable request: {exc}",
                                                  faultcode="Client")
            return p.http.response(p.fault_envelope(version, unreadable))
        try:
            version = incoming.version
            if self.verifier and (problems := self.verifier(body)):
                raise p.FAULTS["SignatureVerificationFault"]("; ".join(problems))
            call = incoming.call
            if isinstance(call, p.GetRequestCall | p.GetResponseCall):
                reply = self._take(_key(call.selector))
                if isinstance(reply, RawReply):  # broken on purpose: sent byte for byte
                    return 200, {"Content-Type": p.http.CONTENT_TYPE}, reply.body
            else:
                reply = self._operation(incoming, unpacked.parts)
            return p.http.response(p.build_reply(version, incoming.operation, reply,
                                                 signer=self.signer))
        except p.SmevFault as fault:
            log.info("simulator refuses: %s %s", fault.kind, fault.message)
            return p.http.response(p.fault_envelope(version, fault))
        except p.ProtocolError as exc:
            log.exception("the simulator could not build its reply")
            failure = p.FAULTS["SMEVFailure"](f"simulator failure: {exc}")
            return p.http.response(p.fault_envelope(version, failure))

    def _accept(self, call: p.SendRequestCall | p.SendResponseCall,
                parts: Mapping[str, bytes]) -> list[Attachment]:
        """The files a message carries, checked as СМЭВ checks them (a fault otherwise)."""
        d = call.data
        return accept(self.transfer, d.attachment_headers, d.ref_attachment_headers,
                      call.attachments, parts, self.files)

    def _operation(self, incoming: p.Incoming,
                   parts: Mapping[str, bytes] | None = None) -> p.Reply | None:
        """Every operation but GetRequest/GetResponse (served from the queues by handle)."""
        call = incoming.call
        if isinstance(call, p.SendRequestCall):
            info = self._type_of(call.data.content)
            self._validate(info.request_schema, call.data.content)
            self.received_files[call.data.message_id] = self._accept(call, parts or {})
            self.requests_seen[call.data.message_id] = info.key
            self._answer(info, call.data)
            return p.SendResult(self._metadata("REQUEST", call.data.message_id,
                                               "requestIsQueued", "SIGNED_BY_SMEV"))
        if isinstance(call, p.SendResponseCall):
            content = call.data.content
            if content is not None:
                info = self._type_of(content)
                if info.one_way:
                    raise p.FAULTS["IncorrectResponseContentType"](
                        f"{info.key} is a one-way type: its schema defines no answer")
                self._validate(info.response_schema, content)
                self.received_files[call.data.to] = self._accept(call, parts or {})
                self.answers[call.data.to] = content
                # The simulated consumer takes the answer at once.
                delivered = ("responseIsDelivered" if incoming.version.number == "1.1"
                             else "messageIsDelivered")
                self._status(info, call.data.message_id, delivered,
                             "ответ доставлен получателю (симулятор)")
            return p.SendResult(self._metadata("RESPONSE", call.data.message_id,
                                               "responseIsAcceptedBySmev", "SIGNED_BY_SMEV"))
        if isinstance(call, p.AckCall):
            if not self._ack(call.message_id):
                raise p.FAULTS["TargetMessageIsNotFound"](
                    f"no delivered message {call.message_id} waits for an Ack")
            return None
        if isinstance(call, p.GetStatusCall):
            with self._lock:
                return self._statuses.popleft() if self._statuses else None
        return None

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


def _canonical_key(info: InformationType) -> str:
    """The routing key of what the adapter puts on the bus for a request of ``info``."""
    return type_of(info.bus_request).key


def _message_id(message: Any) -> str:
    data = getattr(message, "data", None)
    return str(getattr(data, "message_id", "") or getattr(message, "message_id", ""))


class SimulatorServer(BackgroundServer):
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

        super().__init__(ThreadingHTTPServer((host, port), _Handler), "smev3-sim")

    @property
    def url(self) -> str:
        """Where the adapter should point."""
        return f"http://127.0.0.1:{self.port}/smev3"


DEMO_EXTRACT = Attachment("выписка.pdf", "application/pdf",
                          b"%PDF-1.4\n% \xd0\x92\xd1\x8b\xd0\xbf\xd0\xb8\xd1\x81\xd0\xba"
                          b"\xd0\xb0 (simulator)\n%%EOF\n")
"""What the simulated ФНС attaches to an ЕГРЮЛ extract in ``omshub up``."""


STATE_FILE = "smev3-simulator-state.json"
"""The simulator component's memory of offers and acknowledgements, in the data directory."""


class Smev3Simulator(Adapter):
    """The simulator as a component, so that ``omshub up`` shows СМЭВ traffic flowing.

    ``[plugins.smev3-simulator]``: ``host``, ``port`` (8181, where the adapter points by
    default), ``ftp_port`` (2121, the file exchange; files kept under the hub's data
    directory, ``smev3-simulator-files``). What it offered and what was acknowledged is
    kept in ``smev3-simulator-state.json`` there, so a restart does not send again a
    sample the hub acknowledged. The schema directory is the hub's ``schemas_dir``.
    The simulated ФНС attaches a small PDF to its ЕГРЮЛ extracts. In the embedded demo
    the simulated ЗАГС also reports deaths of the demo region's people
    (:mod:`adapters.smev3.simulator.demo`), its samples staying as planted unmatched ones.
    """

    health_labels: ClassVar[Mapping[str, str]] = {
        "queues": "Очереди симулятора",
        "waiting": "ожидают",
        "delivered": "выдано",
        "ftp": "FTP-сервер вложений",
    }

    name: ClassVar[str] = "smev3-simulator"
    error: str | None = None

    def health(self) -> dict[str, Any]:
        """Where it listens, or why it does not."""
        if self.error:
            return {"status": "down", "detail": self.error}
        files = self.server.smev.files
        return {"status": "ok", "url": self.server.url, "queues": self.server.smev.depth(),
                "ftp": f"ftp://{files.host}:{files.port}/" if files else None}

    def start(self) -> None:
        """Serve, and offer one sample request of each type we provide that some installed
        component takes (a request nobody answers would only be parked)."""
        from adapters.smev3.service import catalogue

        conf = self.ctx.settings.plugins.get(self.name, {})
        schemas_dir = self.ctx.settings.schemas_dir
        host, port = conf.get("host", "127.0.0.1"), int(conf.get("port", 8181))
        ftp_port = int(conf.get("ftp_port", 2121))
        root = Path(self.ctx.settings.data_dir) / "smev3-simulator-files"
        try:
            files = SimulatedFileExchange(root, host, ftp_port)
        except OSError as exc:
            # A busy port must not take the hub down: the simulator is a convenience.
            self.error = f"cannot listen on {host}:{ftp_port} (FTP): {exc}"
            log.error("СМЭВ 3 simulator not started: %s", self.error)
            return
        key, cert = conf.get("attachment_key"), conf.get("attachment_certificate")
        signer = (cms_signer(Path(key).read_bytes(), Path(cert).read_bytes())
                  if key and cert else None)  # the agencies' ЭП-СП of the files they send
        smev = SimulatedSmev(catalogue(), schemas=SchemaStore(schemas_dir) if schemas_dir
                             else None, files=files, state=SimulatorState(
                                 Path(self.ctx.settings.data_dir) / STATE_FILE),
                             attachment_signer=signer)
        smev.answer_files["fns.egrul"] = [DEMO_EXTRACT]
        try:
            self.server = SimulatorServer(smev, host, port)
        except OSError as exc:
            files.stop()
            self.error = f"cannot listen on {host}:{port}: {exc}"
            log.error("СМЭВ 3 simulator not started: %s", self.error)
            return
        files.start()
        self.server.start()
        try:
            region = DemoPersons.read(Path(self.ctx.settings.data_dir))
        except ValueError as exc:
            log.error("СМЭВ 3 simulator: the demo's persons are unreadable: %s", exc)
            region = None
        # In the embedded demo the hub beside it is the whole installation: a request
        # nobody there answers would only be parked, so the simulated agencies send only
        # what it takes. Alone (`omshub sim`), it cannot know its hub and offers every type.
        taken = self._taken() if region is not None else None
        for info in catalogue().types.values():
            if info.role != "provider" or info.sample_request() is None:
                continue
            if taken is not None and _canonical_key(info) not in taken:
                log.info("СМЭВ 3 simulator: no sample of %s (no component takes %s)",
                         info.key, _canonical_key(info))
                continue
            smev.offer_request(info, name=f"sample:{info.key}")
        if region is not None and taken is not None:
            self._offer_demo(smev, region, taken)
        log.info("СМЭВ 3 simulator on %s", self.server.url)

    def _taken(self) -> set[str]:
        """Routing keys of the messages some installed component subscribes to."""
        from hub.plugins import discover
        from hub.routing import RoutingTable

        table = RoutingTable.build(discover().components.values(), self.ctx.settings.routes)
        return {key for key, queues in table.routes.items() if queues}

    @staticmethod
    def _offer_demo(smev: SimulatedSmev, region: DemoPersons, taken: set[str]) -> None:
        """The simulated ЗАГС reports deaths of the demo region's people
        (:mod:`adapters.smev3.simulator.demo`)."""
        from adapters.smev3.service import catalogue
        from adapters.smev3.simulator import demo

        types = catalogue().types
        for key, request in demo.deliveries(region, date.today()).items():
            if key in types and _canonical_key(types[key]) in taken:
                smev.offer_request(types[key], request, name=f"demo:{key}")

    def stop(self) -> None:
        """Stop serving."""
        super().stop()
        if hasattr(self, "server"):
            self.server.stop()
            if self.server.smev.files is not None:
                self.server.smev.files.stop()
