"""GOST keys and X.509 certificates: loaded from PEM (or DER), read into plain values.

Byte orders, as RFC 4491 / RFC 9215 and every GOST implementation in use store them: the
public key is an OCTET STRING of X then Y, each little-endian; the private key of the OpenSSL
GOST engine's PKCS#8 is the scalar little-endian (older writers wrap it in another OCTET STRING,
or store a big-endian INTEGER). Values here are plain integers, so no backend has to care.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from hub.crypto import der

# Names of the attribute types that appear in Russian qualified certificates. A type without a
# name here is written as its dotted OID (RFC 4514, 2.3) — so is the holder's personal
# insurance number (1.2.643.100.3): the hub names no personal identifier.
_NAMES = {
    "2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.42": "GN", "2.5.4.6": "C", "2.5.4.7": "L",
    "2.5.4.8": "ST", "2.5.4.9": "STREET", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "T",
    "1.2.840.113549.1.9.1": "E", "1.2.840.113549.1.9.2": "unstructuredName",
    "1.2.643.3.131.1.1": "INN", "1.2.643.100.1": "OGRN",
    "1.2.643.100.4": "INNLE", "1.2.643.100.5": "OGRNIP",
}


class KeyFormatError(ValueError):
    """A key or certificate that cannot be read."""


@dataclass(frozen=True)
class PublicKey:
    """A GOST public key point with its algorithm and curve."""

    algorithm: str
    """Key algorithm OID (GOST 2001, 2012-256, 2012-512)."""
    curve: str
    """Curve parameter set OID."""
    x: int
    y: int
    spki: bytes
    """The SubjectPublicKeyInfo DER it was read from (for tools that want a file)."""

    @property
    def size(self) -> int:
        """Coordinate length in bytes: 32 or 64."""
        return 64 if self.algorithm == "1.2.643.7.1.1.1.2" else 32

    def pem(self) -> bytes:
        """PEM ``PUBLIC KEY``."""
        return der.to_pem(self.spki, "PUBLIC KEY")


@dataclass(frozen=True)
class PrivateKey:
    """A GOST private scalar with its algorithm and curve."""

    algorithm: str
    curve: str
    scalar: int
    pkcs8: bytes

    @property
    def size(self) -> int:
        """Scalar length in bytes: 32 or 64."""
        return 64 if self.algorithm == "1.2.643.7.1.1.1.2" else 32

    def pem(self) -> bytes:
        """PEM ``PRIVATE KEY`` (PKCS#8, unencrypted)."""
        return der.to_pem(self.pkcs8, "PRIVATE KEY")

    def __repr__(self) -> str:  # never print key material in logs or tracebacks
        return f"PrivateKey(algorithm={self.algorithm!r}, curve={self.curve!r})"


@dataclass(frozen=True)
class Certificate:
    """What verification needs from an X.509 certificate."""

    der: bytes
    subject: str
    issuer: str
    serial: int
    not_before: datetime
    not_after: datetime
    public_key: PublicKey

    def pem(self) -> bytes:
        """PEM ``CERTIFICATE``."""
        return der.to_pem(self.der, "CERTIFICATE")

    def base64(self) -> str:
        """Base64 DER without line breaks, as ds:X509Certificate carries it."""
        return base64.b64encode(self.der).decode("ascii")


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Any failure to read the structure becomes a KeyFormatError naming what was expected."""
    try:
        yield
    except KeyFormatError:
        raise
    except (IndexError, ValueError) as exc:  # DerError, bad dates and short sequences alike
        raise KeyFormatError(f"not {what}: {exc}") from exc


def _algorithm(node: der.Node) -> tuple[str, str]:
    parts = node.expect(der.SEQUENCE).children
    algorithm = parts[0].oid()
    if len(parts) < 2 or parts[1].tag != der.SEQUENCE:
        raise KeyFormatError(f"key algorithm {algorithm} without GOST parameters")
    return algorithm, parts[1].children[0].oid()


def public_key_from_spki(spki: bytes) -> PublicKey:
    """A public key from SubjectPublicKeyInfo DER."""
    with _reading("a GOST public key"):
        algorithm_node, key_bits = der.parse(spki).expect(der.SEQUENCE).children[:2]
        algorithm, curve = _algorithm(algorithm_node)
        point = der.parse(key_bits.bits()).expect(der.OCTET_STRING).data
    if len(point) not in (64, 128):
        raise KeyFormatError(f"GOST public key of {len(point)} bytes")
    half = len(point) // 2
    return PublicKey(algorithm, curve, int.from_bytes(point[:half], "little"),
                     int.from_bytes(point[half:], "little"), spki)


def _name(node: der.Node) -> str:
    parts = []
    for rdn in node.expect(der.SEQUENCE).children:
        for attribute in rdn.expect(der.SET).children:
            oid_node, value = attribute.children[:2]
            oid = oid_node.oid()
            text = value.text()
            for char in '\\,+"<>;':
                text = text.replace(char, "\\" + char)
            parts.append(f"{_NAMES.get(oid, oid)}={text}")
    return ", ".join(reversed(parts))  # RFC 4514 writes the most specific RDN first


def _der_or_pem(data: bytes, *labels: str) -> bytes:
    if b"-----BEGIN" in data:
        return der.from_pem(data, *labels)[1]
    if data[:1] == b"\x30":
        return data
    try:  # base64 without armour, as in ds:X509Certificate
        return base64.b64decode(b"".join(data.split()), validate=True)
    except binascii.Error as exc:
        raise KeyFormatError(f"neither PEM, DER nor base64: {exc}") from exc


def load_certificate(data: bytes) -> Certificate:
    """A certificate from PEM, DER or bare base64."""
    with _reading("an X.509 certificate"):
        raw = _der_or_pem(data, "CERTIFICATE")
        tbs = der.parse(raw).expect(der.SEQUENCE).children[0].children
        if tbs[0].tag == 0xA0:  # explicit version
            tbs = tbs[1:]
        serial, _, issuer, validity, subject, spki = tbs[:6]
        not_before, not_after = (n.time() for n in validity.children[:2])
        return Certificate(raw, _name(subject), _name(issuer), serial.integer(), not_before,
                           not_after, public_key_from_spki(spki.raw))


def load_public_key(data: bytes) -> PublicKey:
    """A public key from PEM ``PUBLIC KEY`` or SubjectPublicKeyInfo DER."""
    with _reading("a public key"):
        return public_key_from_spki(_der_or_pem(data, "PUBLIC KEY"))


def load_private_key(data: bytes) -> PrivateKey:
    """A private key from PEM ``PRIVATE KEY`` or PKCS#8 DER (unencrypted)."""
    with _reading("a PKCS#8 GOST private key"):
        raw = _der_or_pem(data, "PRIVATE KEY")
        _, algorithm_node, key = der.parse(raw).expect(der.SEQUENCE).children[:3]
        algorithm, curve = _algorithm(algorithm_node)
        value = key.expect(der.OCTET_STRING).data
        size = 64 if algorithm == "1.2.643.7.1.1.1.2" else 32
        if len(value) == size:
            scalar = int.from_bytes(value, "little")
        else:
            inner = der.parse(value)
            if inner.tag == der.INTEGER:
                scalar = inner.integer()
            else:
                scalar = int.from_bytes(inner.expect(der.OCTET_STRING).data, "little")
        return PrivateKey(algorithm, curve, scalar, raw)
