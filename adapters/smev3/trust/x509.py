"""Certificates and CRLs as the trust store reads them (X.509 by the adapter's DER reader),
and every refusal in English and in Russian (:class:`Problem`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from hub.crypto import CryptoError, CryptoProvider, algorithms, der
from hub.crypto.keys import Certificate, KeyFormatError, _name, load_certificate

# X.509 signature algorithm OIDs → the XMLDSig URIs the crypto providers take.
SIGNATURE_OIDS = {
    "1.2.643.7.1.1.3.2": algorithms.SIGNATURE_2012_256,
    "1.2.643.7.1.1.3.3": algorithms.SIGNATURE_2012_512,
    "1.2.643.2.2.3": algorithms.SIGNATURE_2001,
}
_BASIC_CONSTRAINTS = "2.5.29.19"
_KEY_USAGE = "2.5.29.15"
_CRL_DP = "2.5.29.31"
_SKI = "2.5.29.14"
_AKI = "2.5.29.35"
_CRL_NUMBER = "2.5.29.20"
_DIGITAL_SIGNATURE, _NON_REPUDIATION, _KEY_CERT_SIGN, _CRL_SIGN = 0, 1, 5, 6
MAX_DEPTH = 8


@dataclass(frozen=True)
class Problem:
    """Why a certificate is not trusted (or what is worth a note), in both languages."""

    en: str
    ru: str

    def __str__(self) -> str:
        return self.en


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}Z"


def _ru_day(moment: datetime, tz: tzinfo = UTC) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in the fund's time zone (named when it is UTC)."""
    text = f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"
    return f"{text} UTC" if tz is UTC else text


def _bits(node: der.Node) -> set[int]:
    data = node.expect(der.BIT_STRING).data
    return {i for i in range(8 * (len(data) - 1)) if data[1 + i // 8] & (0x80 >> (i % 8))}


def _uris(node: der.Node) -> Iterable[str]:
    if node.tag == 0x86:  # GeneralName uniformResourceIdentifier
        yield node.data.decode("ascii", errors="replace")
    elif node.tag & 0x20:
        for child in node.children:
            yield from _uris(child)


def _extensions(node: der.Node) -> dict[str, tuple[bool, bytes]]:
    found: dict[str, tuple[bool, bytes]] = {}
    for extension in node.expect(der.SEQUENCE).children:
        parts = extension.children
        critical = len(parts) == 3 and parts[1].tag == 0x01 and parts[1].data != b"\x00"
        found[parts[0].oid()] = (critical, parts[-1].expect(der.OCTET_STRING).data)
    return found


@dataclass(frozen=True)
class X509:
    """A certificate with what chain building needs beyond :class:`Certificate`."""

    certificate: Certificate
    tbs: bytes
    signature_oid: str
    signature: bytes
    is_ca: bool = False
    path_length: int | None = None
    key_usage: frozenset[int] | None = None
    crl_urls: tuple[str, ...] = ()
    key_id: bytes = b""
    authority_key_id: bytes = b""

    @property
    def subject(self) -> str:
        """The subject's distinguished name (RFC 4514 order)."""
        return self.certificate.subject

    @property
    def issuer(self) -> str:
        """The issuer's distinguished name."""
        return self.certificate.issuer

    @property
    def self_signed(self) -> bool:
        """Subject and issuer are the same name."""
        return self.subject == self.issuer

    @property
    def fingerprint(self) -> str:
        """SHA-1 of the DER, hex (how operators tell certificates apart)."""
        return hashlib.sha1(self.certificate.der, usedforsecurity=False).hexdigest()

    @property
    def title(self) -> str:
        """The subject's CN if it has one, else the whole subject."""
        for part in self.subject.split(", "):
            if part.startswith("CN="):
                return part[3:]
        return self.subject


def parse_certificate(data: bytes) -> X509:
    """A GOST X.509 certificate (PEM, DER or bare base64) with its extensions read."""
    certificate = load_certificate(data)
    try:
        outer = der.parse(certificate.der).children
        tbs_node, algorithm, value = outer[:3]
        tbs = tbs_node.children
        extensions: dict[str, tuple[bool, bytes]] = {}
        for node in tbs:
            if node.tag == 0xA3:
                extensions = _extensions(node.children[0])
        is_ca, path_length, key_id, authority = False, None, b"", b""
        usage: frozenset[int] | None = None
        urls: tuple[str, ...] = ()
        if _BASIC_CONSTRAINTS in extensions:
            for part in der.parse(extensions[_BASIC_CONSTRAINTS][1]).children:
                if part.tag == 0x01:
                    is_ca = part.data != b"\x00"
                elif part.tag == der.INTEGER:
                    path_length = part.integer()
        if _KEY_USAGE in extensions:
            usage = frozenset(_bits(der.parse(extensions[_KEY_USAGE][1])))
        if _CRL_DP in extensions:
            urls = tuple(_uris(der.parse(extensions[_CRL_DP][1])))
        if _SKI in extensions:
            key_id = der.parse(extensions[_SKI][1]).expect(der.OCTET_STRING).data
        if _AKI in extensions:
            for part in der.parse(extensions[_AKI][1]).children:
                if part.tag == 0x80:
                    authority = part.data
        return X509(certificate, tbs_node.raw, algorithm.children[0].oid(), value.bits(),
                    is_ca, path_length, usage, urls, key_id, authority)
    except (IndexError, ValueError) as exc:
        raise KeyFormatError(f"not an X.509 certificate: {exc}") from exc


@dataclass(frozen=True)
class Revoked:
    """One entry of a CRL."""

    serial: int
    at: datetime


@dataclass(frozen=True)
class Crl:
    """A certificate revocation list."""

    der: bytes
    issuer: str
    this_update: datetime
    next_update: datetime | None
    number: int | None
    revoked: dict[int, Revoked]
    tbs: bytes
    signature_oid: str
    signature: bytes
    authority_key_id: bytes = b""

    @property
    def label(self) -> str:
        """``No NN`` (or the date it was issued when it has no number)."""
        return f"No {self.number}" if self.number is not None else f"of {_day(self.this_update)}"

    def ru_label(self, tz: tzinfo = UTC) -> str:
        """``№ NN`` in Russian."""
        return (f"№ {self.number}" if self.number is not None
                else f"от {_ru_day(self.this_update, tz)}")


def parse_crl(data: bytes) -> Crl:
    """An X.509 CRL from PEM or DER."""
    try:
        raw = der.from_pem(data, "X509 CRL")[1] if b"-----BEGIN" in data else data
        tbs_node, algorithm, value = der.parse(raw).expect(der.SEQUENCE).children[:3]
        parts = tbs_node.children
        if parts[0].tag == der.INTEGER:
            parts = parts[1:]
        issuer = _name(parts[1])
        this_update = parts[2].time()
        rest = parts[3:]
        next_update = None
        if rest and rest[0].tag in (der.UTC_TIME, der.GENERALIZED_TIME):
            next_update, rest = rest[0].time(), rest[1:]
        revoked: dict[int, Revoked] = {}
        number, authority = None, b""
        for node in rest:
            if node.tag == der.SEQUENCE:
                for entry in node.children:
                    serial, when = entry.children[:2]
                    revoked[serial.integer()] = Revoked(serial.integer(), when.time())
            elif node.tag == 0xA0:
                extensions = _extensions(node.children[0])
                if _CRL_NUMBER in extensions:
                    number = der.parse(extensions[_CRL_NUMBER][1]).integer()
                if _AKI in extensions:
                    for part in der.parse(extensions[_AKI][1]).children:
                        if part.tag == 0x80:
                            authority = part.data
        return Crl(raw, issuer, this_update, next_update, number, revoked, tbs_node.raw,
                   algorithm.children[0].oid(), value.bits(), authority)
    except (IndexError, ValueError) as exc:
        raise KeyFormatError(f"not an X.509 CRL: {exc}") from exc


def signed_by(data: bytes, signature_oid: str, signature: bytes, issuer: X509,
              provider: CryptoProvider) -> bool:
    """Whether ``issuer``'s key made the signature (False for an algorithm we do not know)."""
    uri = SIGNATURE_OIDS.get(signature_oid)
    if uri is None:
        return False
    try:
        return provider.verify(data, signature, issuer.certificate, uri)
    except (algorithms.UnsupportedAlgorithm, CryptoError):
        return False
