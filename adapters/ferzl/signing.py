"""Signed submissions to ФЕРЗЛ: ``data``, ``sign`` and ``certificate`` (УКЭП, ГОСТ).

What the ФФОМС description v5.07 says (3.3.2 submitPolicyApplicationWithSign; makeNilIdentDecision
likewise): ``data`` is «строка в формате XML, закодированная в base64» — the document
(``submitPolicyApplication``, ``makeNilIdentDecisionRequestData``) as XML bytes; ``sign`` is
«подписанный откреплённой электронной подписью хэш строки, содержащей документ … из тега
data» — a detached electronic signature, that is a CMS ``SignedData`` without its content
(PKCS#7 detached, as CryptoPro and ``openssl cms -sign -binary`` make it) whose signed
attributes carry the GOST R 34.11-2012 hash of exactly those bytes (messageDigest), signed
with GOST R 34.10-2012 by the key of an УКЭП; ``certificate`` is «публичный ключ (сертификат)
УКЭП, массив байт», the signer's X.509 certificate (DER). All three are ``base64Binary``:
the values here are the bytes, the SOAP writer base64-encodes them.

The document is written as UTF-8 without an XML declaration, as the spec's examples are, and
checked against its schema (:mod:`adapters.ferzl.documents`) before it is signed: what we send
always validates. The GOST work is the shared provider's (:mod:`hub.crypto`, the same one the
СМЭВ adapter signs with; the CMS itself is :mod:`hub.crypto.cms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from adapters.ferzl.documents import DocumentSchemaMissing, DocumentSchemas
from contracts.xmlsafe import UnsafeXml, parse
from hub.crypto import Certificate, CryptoProvider, KeyFormatError, PrivateKey, load_certificate
from hub.crypto.cms import CmsError, Signed, sign_detached, verify_detached

__all__ = ["SignedDocument", "SigningError", "VerifiedDocument", "signed_document",
           "verify_signed_document"]


class SigningError(ValueError):
    """A document that cannot be signed, or a signed submission that does not hold; the
    message says why, in Russian."""


class SignedDocument(NamedTuple):
    """The three values of a signed submission, as bytes (the SOAP writer base64-encodes)."""

    data: bytes
    """The document's XML, UTF-8."""
    sign: bytes
    """The detached CMS signature (DER) of ``data``."""
    certificate: bytes
    """The signer's certificate (DER)."""


@dataclass(frozen=True)
class VerifiedDocument:
    """A signed submission that holds: its document and who signed it."""

    document: etree._Element
    signed: Signed


def document_bytes(document: etree._Element) -> bytes:
    """The XML that ``data`` carries: the element alone, UTF-8, no declaration."""
    return bytes(etree.tostring(document, encoding="UTF-8", xml_declaration=False))


def signed_document(document: etree._Element, key: PrivateKey, certificate: Certificate,
                    provider: CryptoProvider, *, schemas: DocumentSchemas) -> SignedDocument:
    """``data``, ``sign`` and ``certificate`` of ``document``, which must be valid first."""
    try:
        schemas.schema(document)
    except (DocumentSchemaMissing, etree.XMLSchemaParseError) as exc:
        raise SigningError(f"документ не подписан: {exc}") from exc
    errors = schemas.validate(document)
    if errors:
        raise SigningError(f"документ {etree.QName(document).localname} не соответствует "
                           "своей схеме и не подписан: " + "; ".join(errors))
    data = document_bytes(document)
    try:
        sign = sign_detached(data, key, certificate, provider)
    except CmsError as exc:
        raise SigningError(f"документ не подписан: {exc}") from exc
    return SignedDocument(data, sign, certificate.der)


def verify_signed_document(data: bytes, sign: bytes, certificate: bytes,
                           provider: CryptoProvider, *, schemas: DocumentSchemas
                           ) -> VerifiedDocument:
    """The document of a signed submission, if its signature holds (the simulator's check).

    Checked: the signature verifies over exactly the bytes of ``data`` (a changed document
    fails), it was made by the certificate sent in ``certificate``, and the document reads
    and validates against its schema. Trust in the certificate's chain is not decided here.
    """
    try:
        sender = load_certificate(certificate)
    except KeyFormatError as exc:
        raise SigningError(f"сертификат (certificate) не читается: {exc}") from exc
    try:
        signed = verify_detached(sign, data, provider)
    except CmsError as exc:
        raise SigningError(f"подпись документа (sign) не действительна: {exc}") from exc
    if signed.certificate.der != sender.der:
        raise SigningError(f"документ подписан сертификатом «{signed.certificate.subject}», "
                           f"а передан сертификат «{sender.subject}»")
    try:
        document = parse(data)
    except (UnsafeXml, etree.XMLSyntaxError) as exc:
        raise SigningError(f"подписанный документ (data) не читается как XML: {exc}") from exc
    errors = schemas.validate(document)
    if errors:
        raise SigningError("подписанный документ не соответствует своей схеме: "
                           + "; ".join(errors))
    return VerifiedDocument(document, signed)
