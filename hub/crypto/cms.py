"""Detached CMS (PKCS#7) GOST signatures of bytes: a file, a document, any data.

«Откреплённая (отсоединённая) подпись», «PKCS#7 detached» in the exchanges' specifications:
a CMS ``ContentInfo`` of ``SignedData`` (RFC 5652) without the content, as CryptoPro and
``openssl cms -sign -binary`` make it: GOST R 34.10-2012 (256 or 512) over the DER of the
signed attributes (contentType ``data``, signingTime, messageDigest: the Streebog hash of the
data), the signer's certificate included, the signer named by issuer and serial number.
Conventions are RFC 4490 / RFC 9215 as the OpenSSL GOST engine writes them: the digest
algorithm ``id-tc26-gost3411-12-256/512``, the signature algorithm the key's own OID, the
signature value s‖r big-endian — the crypto provider's convention already.

Shared by every adapter that signs (attachments of one exchange, signed documents of
another). DER is written here with a dozen lines and read with :mod:`hub.crypto.der`; the
hashing and the curve work are the configured crypto provider's. Signatures streamed in BER
(indefinite lengths: ``openssl cms -stream``, streaming CryptoPro writers) are read too.
Legacy GOST R 34.10-2001 signatures (GOST R 34.11-94) are verified, never made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hub.crypto import algorithms, der
from hub.crypto.keys import Certificate, KeyFormatError, PrivateKey, load_certificate
from hub.crypto.provider import CryptoError, CryptoProvider

__all__ = ["CmsError", "Signed", "sign_detached", "verify_detached"]

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"

# Digest OIDs (RFC 9215, RFC 4357) ↔ the XMLDSig URIs the providers take.
_DIGEST_OIDS = {
    "1.2.643.7.1.1.2.2": algorithms.STREEBOG_256,
    "1.2.643.7.1.1.2.3": algorithms.STREEBOG_512,
    "1.2.643.2.2.9": algorithms.GOST_94,
}
_OID_OF_DIGEST = {spec.uri: oid for oid, spec in _DIGEST_OIDS.items()}
# Signature algorithm OIDs a SignerInfo may name: the key's OID, or "signwithdigest".
_SIGNATURE_OIDS = {
    algorithms.OID_GOST2012_256: algorithms.GOST2012_256,
    algorithms.OID_GOST2012_512: algorithms.GOST2012_512,
    algorithms.OID_GOST2001: algorithms.GOST2001,
    "1.2.643.7.1.1.3.2": algorithms.GOST2012_256,
    "1.2.643.7.1.1.3.3": algorithms.GOST2012_512,
    "1.2.643.2.2.3": algorithms.GOST2001,
}


class CmsError(ValueError):
    """A detached signature that is unreadable or does not verify; the message says why."""


@dataclass(frozen=True)
class Signed:
    """Who signed the data, and when they said they did."""

    certificate: Certificate
    signing_time: datetime | None
    algorithm: str
    """Title of the signature algorithm (``GOST R 34.10-2012 256`` …)."""


# --- writing DER ----------------------------------------------------------------------------

def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _seq(*items: bytes) -> bytes:
    return _tlv(der.SEQUENCE, b"".join(items))


def _set(*items: bytes) -> bytes:
    return _tlv(der.SET, b"".join(sorted(items)))  # DER: SET OF sorted by encoding


def _oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _tlv(der.OID, bytes(body))


def _int(value: int) -> bytes:
    return _tlv(der.INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _time(moment: datetime) -> bytes:
    moment = moment.astimezone(UTC)
    if 1950 <= moment.year < 2050:
        return _tlv(der.UTC_TIME, moment.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return _tlv(der.GENERALIZED_TIME, moment.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def _algorithm_id(oid: str) -> bytes:
    return _seq(_oid(oid), _tlv(der.NULL, b""))


def _issuer_and_serial(certificate: Certificate) -> bytes:
    tbs = der.parse(certificate.der).children[0].children
    if tbs[0].tag == 0xA0:
        tbs = tbs[1:]
    return _seq(tbs[2].raw, tbs[0].raw)  # issuer Name, serialNumber as the certificate has them


def sign_detached(data: bytes, key: PrivateKey, certificate: Certificate,
                  provider: CryptoProvider, signing_time: datetime | None = None) -> bytes:
    """A detached CMS SignedData (DER) of ``data`` (PKCS#7 detached, «откреплённая подпись»)."""
    scheme = algorithms.for_key(key.algorithm)
    if certificate.public_key.algorithm != key.algorithm:
        raise CmsError("сертификат не соответствует ключу подписи")
    digest_oid = _OID_OF_DIGEST[scheme.digest.uri]
    digest = provider.digest(data, scheme.digest.uri)
    attributes = [
        _seq(_oid(OID_CONTENT_TYPE), _set(_oid(OID_DATA))),
        _seq(_oid(OID_SIGNING_TIME), _set(_time(signing_time or datetime.now(UTC)))),
        _seq(_oid(OID_MESSAGE_DIGEST), _set(_tlv(der.OCTET_STRING, digest))),
    ]
    signed_attrs = _set(*attributes)  # signed as a SET (0x31), stored as [0] IMPLICIT
    signature = provider.sign(signed_attrs, key, scheme.uri)
    signer_info = _seq(
        _int(1), _issuer_and_serial(certificate), _algorithm_id(digest_oid),
        bytes([0xA0]) + signed_attrs[1:], _algorithm_id(key.algorithm),
        _tlv(der.OCTET_STRING, signature))
    signed_data = _seq(
        _int(1), _set(_algorithm_id(digest_oid)), _seq(_oid(OID_DATA)),
        _tlv(0xA0, certificate.der), _set(signer_info))
    return _seq(_oid(OID_SIGNED_DATA), _tlv(0xA0, signed_data))


# --- reading and verifying ------------------------------------------------------------------

def _ber_value(data: bytes, pos: int, depth: int = 0) -> tuple[bytes, int]:
    """One BER TLV from ``pos`` re-encoded with definite lengths, and where it ends."""
    if depth > 64 or pos + 2 > len(data):
        raise der.DerError("truncated or too deeply nested BER")
    tag, length = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise der.DerError("multi-byte tags are not supported")
    pos += 2
    if length == 0x80:  # indefinite (streamed): constructed, ends with 00 00
        if not tag & 0x20:
            raise der.DerError("indefinite length on a primitive value")
        parts = []
        while data[pos:pos + 2] != b"\x00\x00":
            part, pos = _ber_value(data, pos, depth + 1)
            parts.append(part)
        return _tlv(tag, b"".join(parts)), pos + 2
    if length & 0x80:
        count = length & 0x7F
        if not count or count > 4:
            raise der.DerError("bad BER length")
        length, pos = int.from_bytes(data[pos:pos + count], "big"), pos + count
    end = pos + length
    if end > len(data):
        raise der.DerError("truncated BER value")
    if not tag & 0x20:
        return _tlv(tag, data[pos:end]), end
    parts, inner = [], pos
    while inner < end:
        part, inner = _ber_value(data, inner, depth + 1)
        parts.append(part)
    return _tlv(tag, b"".join(parts)), end


def _definite(signature: bytes) -> bytes:
    """The signature with every indefinite length made definite (``openssl cms -stream``,
    streaming CryptoPro writers); DER passes unchanged."""
    value, end = _ber_value(signature, 0)
    if end != len(signature):
        raise der.DerError("trailing bytes after the signature")
    return value


def _parse(signature: bytes) -> tuple[list[der.Node], list[der.Node]]:
    """Certificates and SignerInfos of a detached SignedData."""
    content_type, content = der.parse(signature).expect(der.SEQUENCE).children[:2]
    if content_type.oid() != OID_SIGNED_DATA:
        raise CmsError(f"это не подпись CMS SignedData (тип содержимого {content_type.oid()})")
    parts = content.expect(0xA0).children[0].expect(der.SEQUENCE).children
    encap = parts[2].expect(der.SEQUENCE).children
    if len(encap) > 1:
        raise CmsError("подпись содержит сами подписанные данные, а должна быть отсоединённой "
                       "(detached)")
    certificates: list[der.Node] = []
    rest = parts[3:]
    if rest and rest[0].tag == 0xA0:
        certificates = rest[0].children
        rest = rest[1:]
    if rest and rest[0].tag == 0xA1:  # CRLs: not used here
        rest = rest[1:]
    if not rest:
        raise CmsError("в подписи нет сведений о подписанте (SignerInfo)")
    return certificates, rest[0].expect(der.SET).children


def _signer_certificate(sid: der.Node, certificates: list[der.Node]) -> Certificate:
    if sid.tag != der.SEQUENCE:
        raise CmsError("подписант указан идентификатором ключа, а сертификата в подписи нет")
    issuer, serial = sid.children[:2]
    for node in certificates:
        if node.tag != der.SEQUENCE:
            continue
        tbs = node.children[0].children
        if tbs[0].tag == 0xA0:
            tbs = tbs[1:]
        if tbs[2].raw == issuer.raw and tbs[0].integer() == serial.integer():
            return load_certificate(node.raw)
    raise CmsError("сертификата подписанта нет в подписи")


def _attributes(node: der.Node) -> dict[str, list[der.Node]]:
    found: dict[str, list[der.Node]] = {}
    for attribute in node.children:
        oid_node, values = attribute.children[:2]
        oid = oid_node.oid()
        if oid in found:
            raise CmsError(f"атрибут {oid} подписан дважды")
        found[oid] = values.expect(der.SET).children
    return found


def verify_detached(signature: bytes, data: bytes, provider: CryptoProvider) -> Signed:
    """Who signed ``data`` by this detached CMS signature; :class:`CmsError` saying why not.

    Checked: the structure, the signer's certificate (included), that the digest and
    signature algorithms fit its key, the messageDigest attribute against the data's hash,
    contentType ``data``, and the signature over the signed attributes. Trust in the
    certificate (its chain) is not decided here.
    """
    try:
        certificates, signer_infos = _parse(_definite(signature))
        if len(signer_infos) != 1:
            raise CmsError(f"подписантов в подписи {len(signer_infos)}, ожидается один")
        fields = signer_infos[0].expect(der.SEQUENCE).children
        sid, digest_node = fields[1], fields[2]
        rest = fields[3:]
        attrs_node = rest[0] if rest and rest[0].tag == 0xA0 else None
        if attrs_node is not None:
            rest = rest[1:]
        algorithm_node, value = rest[0], rest[1].expect(der.OCTET_STRING).data
        certificate = _signer_certificate(sid, certificates)
        digest_spec = _DIGEST_OIDS.get(digest_node.children[0].oid())
        scheme = _SIGNATURE_OIDS.get(algorithm_node.children[0].oid())
    except CmsError:
        raise
    except (IndexError, ValueError, KeyFormatError) as exc:
        raise CmsError(f"подпись не читается как CMS SignedData: {exc}") from exc
    if digest_spec is None or scheme is None:
        raise CmsError("алгоритм подписи не ГОСТ Р 34.10 / ГОСТ Р 34.11 (не поддерживается)")
    if scheme.digest is not digest_spec or certificate.public_key.algorithm != scheme.key_oid:
        raise CmsError(f"алгоритмы подписи не соответствуют ключу сертификата "
                       f"«{certificate.subject}»")
    digest = provider.digest(data, digest_spec.uri)
    signing_time = None
    if attrs_node is None:
        signed = data
    else:
        try:
            attrs = _attributes(attrs_node)
            got = attrs.get(OID_MESSAGE_DIGEST)
            kind = attrs.get(OID_CONTENT_TYPE)
            if not got or not kind:
                raise CmsError("в подписанных атрибутах нет contentType или messageDigest")
            if kind[0].oid() != OID_DATA:
                raise CmsError(f"подписан тип содержимого {kind[0].oid()}, а не данные")
            if got[0].expect(der.OCTET_STRING).data != digest:
                raise CmsError(f"файл изменён: его хэш ({digest_spec.title}) не совпадает с "
                               "подписанным (messageDigest)")
            when = attrs.get(OID_SIGNING_TIME)
            signing_time = when[0].time() if when else None
        except CmsError:
            raise
        except (IndexError, ValueError) as exc:
            raise CmsError(f"подписанные атрибуты не читаются: {exc}") from exc
        signed = b"\x31" + attrs_node.raw[1:]
    try:
        valid = provider.verify(signed, value, certificate, scheme.uri)
    except (CryptoError, algorithms.UnsupportedAlgorithm) as exc:
        raise CmsError(f"подпись не проверяется: {exc}") from exc
    if not valid:
        raise CmsError(f"подпись неверна (сертификат «{certificate.subject}»)")
    return Signed(certificate, signing_time, scheme.title)
