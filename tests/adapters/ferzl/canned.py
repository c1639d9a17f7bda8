"""A local stand-in for ФЕРЗЛ: canned HTTP answers (from the published examples) and the
requests it got, on a free port of 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from adapters.ferzl.cli import example_envelopes as cli_envelopes
from tests.adapters.ferzl.conftest import EXAMPLES, ferzl_fixtures


def example_envelopes(name: str) -> list[bytes]:
    """The SOAP envelopes of an example file, exactly as written (request, answer, …), as
    ``omshub ferzl read`` finds them."""
    ferzl_fixtures()
    return [data for _, data in cli_envelopes((EXAMPLES / name).read_bytes())]


def example_fragment(name: str) -> list[str]:
    """The lines of the «фрагмент выгружаемого файла» of an example file."""
    text = (EXAMPLES / name).read_text("utf-8")
    _, _, tail = text.partition("раг" "мент выгружаемого файла")
    return [line for line in tail.splitlines()[1:] if line.strip()]


def zipped(csv_text: bytes, name: str = "result.csv") -> bytes:
    """A zip holding one CSV, as a Poll answer's content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, csv_text)
    return buffer.getvalue()


@dataclass
class Reply:
    """One canned answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml; charset=utf-8"
    hold: threading.Event | None = None
    """Answer only once set (a server too slow for the client's timeout)."""


@dataclass
class Received:
    """A request the stand-in got."""

    path: str
    headers: dict[str, str]
    """By lower-case name."""
    body: bytes


@dataclass
class Stand:
    """The stand-in's address, its queue of answers and what it received."""

    url: str
    replies: list[Reply] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)


@contextmanager
def stand(*replies: Reply | Callable[[Received], Reply]) -> Iterator[Stand]:
    """A ФЕРЗЛ stand-in answering ``replies`` in turn (the last one repeats)."""
    state = Stand("", list(replies))  # type: ignore[arg-type]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            length = int(self.headers.get("Content-Length", "0"))
            got = Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                           self.rfile.read(length))
            with lock:
                state.received.append(got)
                reply = state.replies.pop(0) if len(state.replies) > 1 else state.replies[0]
            if callable(reply):
                reply = reply(got)
            if reply.hold is not None:
                reply.hold.wait(10)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:
                pass  # the client gave up (a timeout test)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)



def echoing(answer: bytes) -> Callable[[Received], Reply]:
    """A reply of ``answer`` with the request's ``externalRequestId`` (as ФЕРЗЛ echoes it)."""
    import re

    def reply(got: Received) -> Reply:
        sent = re.search(rb"<(?:[\w.-]+:)?externalRequestId>([^<]+)<", got.body)
        body = answer if sent is None else re.sub(
            rb"(<(?:[\w.-]+:)?externalRequestId>)[^<]*(<)",
            rb"\g<1>" + sent.group(1) + rb"\g<2>", answer)
        return Reply(body=body)
    return reply
