"""A minimal DER reader (and PEM armour) for certificates and keys: only what GOST needs.

Certificates arrive base64 inside KeyInfo and keys as PEM files; parsing the few fields we use
(names, validity, public key, private scalar) takes a hundred lines and no dependency.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
_STRINGS = {0x0C: "utf-8", 0x12: "ascii", 0x13: "ascii", 0x14: "latin-1", 0x16: "ascii",
            0x1A: "ascii", 0x1E: "utf-16-be"}


class DerError(ValueError):
    """Bytes that are not the DER structure expected."""


@dataclass(frozen=True)
class Node:
    """One tag-length-value with its contents."""

    tag: int
    data: bytes
    raw: bytes

    @property
    def children(self) -> list[Node]:
        """The nodes inside a constructed value."""
        if not self.tag & 0x20:
            raise DerError(f"tag 0x{self.tag:02x} is not constructed")
        return parse_all(self.data)

    def expect(self, tag: int) -> Node:
        """This node, if it has the tag; a DerError otherwise."""
        if self.tag != tag:
            raise DerError(f"expected tag 0x{tag:02x}, found 0x{self.tag:02x}")
        return self

    def oid(self) -> str:
        """Dotted OBJECT IDENTIFIER."""
        data = self.expect(OID).data
        arcs: list[int] = []
        value = 0
        for byte in data:
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                arcs.append(value)
                value = 0
        if not arcs:
            raise DerError("empty OBJECT IDENTIFIER")
        first = min(arcs[0] // 40, 2)
        return ".".join(str(a) for a in [first, arcs[0] - 40 * first, *arcs[1:]])

    def integer(self) -> int:
        """A signed INTEGER."""
        return int.from_bytes(self.expect(INTEGER).data, "big", signed=True)

    def bits(self) -> bytes:
        """A BIT STRING's bytes (no unused bits expected in keys)."""
        data = self.expect(BIT_STRING).data
        if not data or data[0]:
            raise DerError("BIT STRING with unused bits")
        return data[1:]

    def text(self) -> str:
        """A string value of any of the ASN.1 string types names use."""
        encoding = _STRINGS.get(self.tag)
        if encoding is None:
            return "#" + binascii.hexlify(self.raw).decode()
        return self.data.decode(encoding, errors="replace")

    def time(self) -> datetime:
        """UTCTime or GeneralizedTime (UTC, whole seconds) as an aware datetime."""
        text = self.data.decode("ascii")
        if self.tag == UTC_TIME:
            year = int(text[:2])
            text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
        elif self.tag != GENERALIZED_TIME:
            raise DerError(f"tag 0x{self.tag:02x} is not a time")
        return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _read(data: bytes, pos: int) -> tuple[Node, int]:
    if pos + 2 > len(data):
        raise DerError("truncated DER")
    start, tag, length = pos, data[pos], data[pos + 1]
    pos += 2
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not supported")
    if length & 0x80:
        count = length & 0x7F
        if not count or count > 4 or pos + count > len(data):
            raise DerError("bad DER length")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    end = pos + length
    if end > len(data):
        raise DerError("truncated DER value")
    return Node(tag, data[pos:end], data[start:end]), end


def parse_all(data: bytes) -> list[Node]:
    """Every TLV in a byte string, in order."""
    nodes, pos = [], 0
    while pos < len(data):
        node, pos = _read(data, pos)
        nodes.append(node)
    return nodes


def parse(data: bytes) -> Node:
    """Exactly one TLV."""
    node, end = _read(data, 0)
    if end != len(data):
        raise DerError("trailing bytes after DER value")
    return node


_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def from_pem(data: bytes, *labels: str) -> tuple[str, bytes]:
    """The first PEM block with one of the labels, as (label, DER)."""
    for match in _PEM.finditer(data):
        label = match.group(1).decode()
        if label in labels:
            try:
                return label, base64.b64decode(b"".join(match.group(2).split()), validate=True)
            except binascii.Error as exc:
                raise DerError(f"bad base64 in PEM {label}: {exc}") from exc
    raise DerError(f"no PEM block of type {' or '.join(labels)}")


def to_pem(der: bytes, label: str) -> bytes:
    """DER in PEM armour, 64 columns."""
    body = base64.b64encode(der)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"\n".join([f"-----BEGIN {label}-----".encode(), *lines,
                       f"-----END {label}-----".encode(), b""])
