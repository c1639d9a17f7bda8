"""Reading a request body bounded: never more than ``max_request_bytes`` is read or held.

A ``Content-Length`` must be a plain decimal number (``-1``, ``+5`` or ``1e3`` are refused
with 400); one over the limit is refused with 413 before a byte of the body is read. A body
sent with ``Transfer-Encoding: chunked`` is decoded as it comes and refused with 413 as soon
as its chunks announce more than the limit: the rest is never read, the connection is closed.
A request with neither header is refused with 411. A client that stops sending is cut off by
the server's socket timeout (``request_timeout_seconds``): 408.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO

_DECIMAL = re.compile(r"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_LINE = 1024  # a chunk-size or trailer line longer than this is malformed
_TRAILERS = 64


class BodyError(Exception):
    """The body cannot be taken: HTTP status, SOAP faultcode and Russian text."""

    def __init__(self, status: str, code: str, text: str) -> None:
        super().__init__(f"{status}: {text}")
        self.status = status
        self.code = code
        self.text = text


def _bad(text: str) -> BodyError:
    return BodyError("400 Bad Request", "Client.BadRequest", text)


def too_large(limit: int) -> BodyError:
    """The refusal of a body over ``limit`` bytes."""
    return BodyError("413 Request Entity Too Large", "Client.TooLarge",
                     f"запрос больше {limit} байт")


def declared_length(environ: dict[str, Any], limit: int) -> int | None:
    """The body's length from ``Content-Length``, or None for a chunked body.

    Raises :class:`BodyError` for a malformed length (400), one over ``limit`` (413), an
    unknown transfer coding (501) or a body of no declared length (411).
    """
    coding = environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
    length = environ.get("CONTENT_LENGTH", "").strip()
    if coding:
        if coding != "chunked":
            raise BodyError("501 Not Implemented", "Client.BadRequest",
                            f"кодирование передачи {coding[:40]!r} не поддерживается")
        if length:
            raise _bad("заданы и Content-Length, и Transfer-Encoding")
        return None
    if not length:
        raise BodyError("411 Length Required", "Client.LengthRequired",
                        "нужен заголовок Content-Length или Transfer-Encoding: chunked")
    if not _DECIMAL.fullmatch(length):
        raise _bad(f"неверный Content-Length: {length[:40]!r}")
    if int(length) > limit:
        raise too_large(limit)
    return int(length)


def read_body(stream: BinaryIO, length: int | None, limit: int) -> bytes:
    """The body: ``length`` bytes, or the chunks of a chunked body, at most ``limit``."""
    if length is not None:
        return _exactly(stream, length)
    parts: list[bytes] = []
    total = 0
    while True:
        size = _chunk_size(_line(stream))
        if size == 0:
            break
        total += size
        if total > limit:
            raise too_large(limit)
        parts.append(_exactly(stream, size))
        if _exactly(stream, 2) != b"\r\n":
            raise _bad("неверное кодирование chunked: нет CRLF после части")
    for _ in range(_TRAILERS):
        if _line(stream) in (b"\r\n", b"\n"):
            return b"".join(parts)
    raise _bad("неверное кодирование chunked: слишком много заголовков в конце")


def _line(stream: BinaryIO) -> bytes:
    line = stream.readline(_LINE + 1)
    if not line.endswith(b"\n"):
        raise _bad("неверное кодирование chunked: строка не закончена или слишком длинна")
    return line


def _chunk_size(line: bytes) -> int:
    text = line.split(b";", 1)[0].strip()
    if not _CHUNK_SIZE.fullmatch(text):
        raise _bad("неверное кодирование chunked: размер части не шестнадцатеричное число")
    return int(text, 16)


def _exactly(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise _bad(f"тело запроса короче заявленного: {len(data)} байт из {n}")
    return data
