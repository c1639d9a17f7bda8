"""MTOM (XOP, ``multipart/related``): a SOAP envelope beside binary parts, read as a stream.

Services that answer large results (a file attached to a message, the zipped result of an
asynchronous operation) put the bytes in a MIME part of a ``multipart/related;
type="application/xop+xml"`` body and leave an ``xop:Include href="cid:…"`` in the envelope.

:func:`read_multipart` splits such a body *as it arrives* — from an HTTP response or a file —
so that a part of hundreds of megabytes never sits in memory: each non-root part is spooled
(in memory up to ``spool`` bytes, then in a temporary file). :func:`unpack` is the same over
bytes already in hand, with the parts as bytes. A body that is not multipart is the envelope
itself. :func:`multipart_related` writes one; :func:`inline` rebuilds the XOP *infoset* (the
``xop:Include`` as base64 text again), the form an XSD validates.

Adapters share this module rather than import each other's parsers; what is specific to one
protocol (which elements carry attachments, its faults) stays in the adapter.
"""

from __future__ import annotations

import base64
import copy
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, BinaryIO
from urllib.parse import quote, unquote

from lxml import etree

from contracts.xmlsafe import parse

XOP = "http://www.w3.org/2004/08/xop/include"
XOP_MEDIA_TYPE = "application/xop+xml"
CHUNK = 1 << 16
HEADER_LIMIT = 1 << 16
"""Bytes a part's MIME headers may take: more is not a MIME header block."""


class MtomError(ValueError):
    """A multipart body that cannot be split, or an ``xop:Include`` without its part."""


class MissingPart(MtomError, LookupError):
    """An ``xop:Include`` names a Content-ID the message does not carry."""

    def __init__(self, content_id: str) -> None:
        super().__init__(f"в сообщении нет MTOM-части <{content_id}>, на которую ссылается "
                         "xop:Include")
        self.content_id = content_id


@dataclass
class Part:
    """One binary MIME part: its Content-ID, media type and bytes (spooled)."""

    content_id: str
    media_type: str
    size: int
    file: IO[bytes]

    def open(self) -> IO[bytes]:
        """The part's bytes as a seekable stream, from the start."""
        self.file.seek(0)
        return self.file

    def read(self) -> bytes:
        """The part's bytes (all of them: for small parts)."""
        return self.open().read()

    def close(self) -> None:
        """Drop the spooled bytes (a temporary file is deleted)."""
        self.file.close()


@dataclass
class Multipart:
    """A body split into its root (the SOAP envelope, exact bytes) and the other parts."""

    root: bytes
    parts: dict[str, Part] = field(default_factory=dict)
    multipart: bool = False

    def part(self, url: str) -> Part:
        """The part an ``xop:Include/@href`` names; :class:`MissingPart` when absent."""
        cid = content_id_of(url)
        if cid not in self.parts:
            raise MissingPart(cid)
        return self.parts[cid]

    def close(self) -> None:
        """Drop every part's spooled bytes."""
        for part in self.parts.values():
            part.close()

    def __enter__(self) -> Multipart:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class Unpacked:
    """An HTTP body split into the SOAP envelope and the MTOM parts (bytes, by Content-ID)."""

    envelope: bytes
    parts: dict[str, bytes] = field(default_factory=dict)
    multipart: bool = False


_PARAM = re.compile(r';\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)')
_BLANK = re.compile(rb"\r?\n\r?\n")


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """The media type (lower case) and parameters of a Content-Type header."""
    value = content_type or ""
    params = {k.lower(): v.strip('"') for k, v in _PARAM.findall(value)}
    return value.split(";")[0].strip().lower(), params


def href(content_id: str) -> str:
    """The ``cid:`` URL of a MIME part (RFC 2392: the Content-ID, URL-encoded)."""
    return "cid:" + quote(content_id, safe="@.-_")


def content_id_of(url: str) -> str:
    """The Content-ID an ``xop:Include/@href`` names."""
    if not url.startswith("cid:"):
        raise MtomError(f"ссылка xop:Include {url!r} не является адресом cid:")
    return unquote(url[4:])


def includes(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Every ``xop:Include`` of a tree with the Content-ID it names."""
    for include in root.iter(f"{{{XOP}}}Include"):
        yield include, content_id_of(include.get("href") or "")


class _Reader:
    """A byte stream read in chunks, with what has been read but not consumed."""

    def __init__(self, stream: BinaryIO | IO[bytes], head: bytes = b"") -> None:
        self.stream = stream
        self.buf = head

    def fill(self) -> bool:
        chunk = self.stream.read(CHUNK)
        if not chunk:
            return False
        self.buf += chunk
        return True


def read_multipart(stream: BinaryIO | IO[bytes], content_type: str | None, *,
                   spool: int = 1 << 20, root_limit: int = 64 << 20) -> Multipart:
    """Split a body read from ``stream``: plain (the whole body is the root) or multipart.

    The boundary comes from ``content_type``; without one (a body saved to a file) a body
    that starts with ``--`` is read with the boundary of its first line. The root part is
    the one ``start`` names, else the first. Parts are spooled, never all held in memory.
    """
    media, params = media_type(content_type)
    reader = _Reader(stream)
    if media not in ("multipart/related", ""):
        return Multipart(_read_all(reader, root_limit))
    while len(reader.buf) < 2 + 1024 and reader.fill():
        pass
    boundary = params.get("boundary")
    if media == "" and not reader.buf.lstrip().startswith(b"--"):
        return Multipart(_read_all(reader, root_limit))
    if boundary is None:
        reader.buf = reader.buf.lstrip()
        first = reader.buf.split(b"\n", 1)[0].strip()
        boundary = first[2:].decode("ascii", "replace")
    parts = _split(reader, boundary.encode("ascii", "replace"), spool)
    if not parts:
        raise MtomError(f"в теле multipart/related нет частей (граница {boundary!r})")
    start = params.get("start", "").strip("<>")
    index = next((i for i, p in enumerate(parts) if start and p.content_id == start), 0)
    root = parts.pop(index)
    if root.size > root_limit:
        raise MtomError(f"SOAP-часть сообщения больше {root_limit} байт")
    envelope = root.read()
    root.close()
    return Multipart(envelope, {p.content_id: p for p in parts}, multipart=True)


def _read_all(reader: _Reader, limit: int) -> bytes:
    while len(reader.buf) <= limit and reader.fill():
        pass
    if len(reader.buf) > limit:
        raise MtomError(f"сообщение больше {limit} байт")
    return reader.buf


def _split(reader: _Reader, boundary: bytes, spool: int) -> list[Part]:
    """The parts between ``--boundary`` delimiters (CRLF or bare LF line ends)."""
    delimiter = b"\n--" + boundary
    reader.buf = b"\n" + reader.buf  # a body may start with the first delimiter
    while (at := reader.buf.find(delimiter)) < 0:
        reader.buf = reader.buf[-len(delimiter):]
        if not reader.fill():
            return []
    reader.buf = reader.buf[at + len(delimiter):]
    parts: list[Part] = []
    while True:
        while len(reader.buf) < 2 and reader.fill():
            pass
        if reader.buf.startswith(b"--") or not reader.buf:
            return parts  # the close delimiter (or a body cut after a delimiter)
        try:
            parts.append(_part(reader, delimiter, spool))
        except MtomError:
            for part in parts:
                part.close()
            raise


def _part(reader: _Reader, delimiter: bytes, spool: int) -> Part:
    while (eol := reader.buf.find(b"\n")) < 0:  # the rest of the delimiter's line
        if len(reader.buf) > HEADER_LIMIT or not reader.fill():
            raise MtomError("строка границы multipart/related не завершена")
    reader.buf = reader.buf[eol + 1:]
    while True:
        if reader.buf.startswith((b"\r\n", b"\n")):  # no headers at all
            head, reader.buf = b"", reader.buf[reader.buf.index(b"\n") + 1:]
            break
        if (blank := _BLANK.search(reader.buf)) is not None:
            head, reader.buf = reader.buf[:blank.start()], reader.buf[blank.end():]
            break
        if len(reader.buf) > HEADER_LIMIT or not reader.fill():
            raise MtomError("у части multipart/related нет пустой строки между заголовками и телом")
    headers = _headers(head)
    sink = tempfile.SpooledTemporaryFile(max_size=spool)  # noqa: SIM115 - owned by the Part
    size = 0
    keep = len(delimiter) + 1  # a delimiter's start and the CR before it stay unwritten
    while (at := reader.buf.find(delimiter)) < 0:
        if len(reader.buf) > keep:
            size += sink.write(reader.buf[:-keep])
            reader.buf = reader.buf[-keep:]
        if not reader.fill():
            sink.close()
            raise MtomError("часть multipart/related не закрыта границей (тело сообщения "
                            "оборвано)")
    end = at - 1 if at > 0 and reader.buf[at - 1:at] == b"\r" else at
    size += sink.write(reader.buf[:end])
    reader.buf = reader.buf[at + len(delimiter):]
    return Part(headers.get("content-id", "").strip().strip("<>"),
                headers.get("content-type", "application/octet-stream"), size, sink)


def _headers(head: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        found[name.strip().lower()] = value.strip()
    return found


def unpack(body: bytes, content_type: str | None = None) -> Unpacked:
    """:func:`read_multipart` over bytes in hand, the parts as bytes."""
    import io

    with read_multipart(io.BytesIO(body), content_type, root_limit=len(body) + 1) as split:
        return Unpacked(split.root, {cid: p.read() for cid, p in split.parts.items()},
                        multipart=split.multipart)


def multipart_related(root: bytes, parts: Sequence[tuple[str, str, bytes]], *,
                      root_id: str, boundary: str,
                      root_type: str = 'text/xml') -> tuple[str, bytes]:
    """``(Content-Type, body)`` of an MTOM message: ``root`` (the envelope, with its
    ``xop:Include``) and ``parts`` as ``(Content-ID, media type, bytes)``."""
    chunks = [_write_part(root_id, f'{XOP_MEDIA_TYPE}; charset=UTF-8; type="{root_type}"',
                          root, boundary)]
    chunks += [_write_part(cid, media, data, boundary) for cid, media, data in parts]
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode("ascii")
    content_type = (f'multipart/related; type="{XOP_MEDIA_TYPE}"; boundary="{boundary}"; '
                    f'start="<{root_id}>"; start-info="{root_type}"')
    return content_type, body


def _write_part(content_id: str, media: str, data: bytes, boundary: str) -> bytes:
    head = (f"--{boundary}\r\nContent-Type: {media}\r\n"
            f"Content-Transfer-Encoding: binary\r\nContent-ID: <{content_id}>\r\n\r\n")
    return head.encode("ascii") + data + b"\r\n"


def inline(envelope: bytes | etree._Element, parts: Mapping[str, bytes]) -> etree._Element:
    """The XOP infoset of a received envelope: each ``xop:Include`` as base64 text again."""
    root = parse(envelope) if isinstance(envelope, bytes) else copy.deepcopy(envelope)
    for include, cid in list(includes(root)):
        if cid not in parts:
            raise MissingPart(cid)
        holder = include.getparent()
        assert holder is not None  # an Include is never the root
        holder.remove(include)
        holder.text = base64.b64encode(parts[cid]).decode("ascii")
    return root
