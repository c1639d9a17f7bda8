"""Detached XMLDSig signatures as СМЭВ 3 uses them: made for an element with an Id, verified.

A СМЭВ signature (ЭП-ОВ in CallerInformationSystemSignature, ЭП-СП in PersonalSignature, the
СМЭВ's own in SMEVSignature) is a ds:Signature with a Reference to ``#Id`` of a sibling or
nearby element, transforms exc-c14n then ``urn://smev-gov-ru/xmldsig/transform``, a compact
SignedInfo (no whitespace: it is signed as exc-c14n of what is written) and the signer's
certificate in KeyInfo. We make exactly that.

Verification takes every signature СМЭВ takes, as real clients write them: any number of
References (the same one twice included), each resolved and checked; any prefixes and
namespace declarations (exc-c14n and the transform make them irrelevant to the digest, while
SignedInfo is compared as written); whitespace and pretty-printed payloads (the transform drops
it); base64 wrapped in lines; the .NET/CryptoPro chain enveloped-signature, exc-c14n, СМЭВ
transform; GOST R 34.10-2012 256 and 512 and legacy 2001 (see ``docs/smev3-signing.md``).

It reports every signature separately, with a reason a person can act on, and is strict
where strictness protects: an Id present on several elements is refused (signature
wrapping), a reformatted SignedInfo does not verify (but is named as the likely cause), an
expired certificate makes the signature invalid unless the caller checks an archive.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from adapters.smev3 import transform
from hub.crypto import (
    Certificate,
    CryptoError,
    CryptoProvider,
    KeyFormatError,
    PrivateKey,
    UnsupportedAlgorithm,
    algorithms,
    load_certificate,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
_TRANSFORMS = (transform.EXC_C14N, transform.ALGORITHM)
_CHAINS = (  # Reference transform chains accepted (what СМЭВ's own verifier takes)
    _TRANSFORMS,
    _TRANSFORMS[:1],
    (transform.ENVELOPED, *_TRANSFORMS),  # .NET clients with CryptoPro
    (transform.ENVELOPED, transform.EXC_C14N),
)


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


class SigningError(ValueError):
    """The element cannot be signed as asked (no such Id, several, signature inside it)."""


@dataclass(frozen=True)
class Signer:
    """Who signs: a private key, its certificate, the backend and (optionally) the algorithm."""

    key: PrivateKey
    certificate: Certificate
    provider: CryptoProvider
    algorithm: str = ""
    """SignatureMethod URI; by default the one the key's algorithm signs with."""

    @property
    def scheme(self) -> algorithms.SignatureAlgorithm:
        """The signature algorithm in use."""
        if self.algorithm:
            return algorithms.signature_algorithm(self.algorithm)
        return algorithms.for_key(self.key.algorithm)

    def __call__(self, target: etree._Element) -> etree._Element:
        """The protocol builders' signer shape: element in place → its ds:Signature."""
        return detached(target, self)


def find_by_id(root: etree._Element, element_id: str) -> list[etree._Element]:
    """Every element whose ``Id`` attribute is ``element_id`` (more than one is an attack)."""
    found: list[etree._Element] = root.xpath("//*[@Id=$id]", id=element_id)
    return found


def _one_by_id(root: etree._Element, element_id: str) -> etree._Element:
    found = find_by_id(root, element_id)
    if len(found) != 1:
        raise SigningError(f"{len(found)} elements have Id={element_id!r}; exactly one must")
    return found[0]


def default_container(element: etree._Element) -> etree._Element:
    """Where СМЭВ expects the signature of this element, created if absent.

    The element right under MessagePrimaryContent gets a PersonalSignature (ЭП-СП) after
    MessagePrimaryContent; anything else a CallerInformationSystemSignature (ЭП-ОВ) after the
    element. Both are in the namespace of the enclosing message element; an existing empty
    container is reused.
    """
    parent = element.getparent()
    if parent is None:
        raise SigningError("the root element cannot be signed detached: it has no siblings")
    anchor, name = element, "CallerInformationSystemSignature"
    if etree.QName(parent).localname == "MessagePrimaryContent":
        anchor, name = parent, "PersonalSignature"
    holder = anchor.getparent()
    if holder is None:
        raise SigningError(f"no element encloses {etree.QName(anchor).localname}")
    namespace = etree.QName(holder).namespace
    tag = f"{{{namespace}}}{name}" if namespace else name
    for sibling in anchor.itersiblings():
        if sibling.tag == tag and len(sibling) == 0:
            return sibling
    container = etree.Element(tag)
    anchor.addnext(container)
    return container


def detached(target: etree._Element, signer: Signer) -> etree._Element:
    """A ds:Signature over ``target`` (in its final place, with a unique ``Id``), unplaced.

    SignedInfo is signed as exc-c14n, which keeps only the ds namespace it uses, so the
    signature verifies wherever the caller then puts it (outside ``target``).
    """
    element_id = target.get("Id")
    if not element_id:
        raise SigningError(f"{etree.QName(target).localname} has no Id attribute to reference")
    if _one_by_id(target.getroottree().getroot(), element_id) is not target:
        raise SigningError(f"Id={element_id!r} belongs to another element")
    scheme = signer.scheme
    digest = signer.provider.digest(transform.digest_input(target), scheme.digest.uri)
    signature = etree.Element(_ds("Signature"), nsmap={"ds": DS})
    info = etree.SubElement(signature, _ds("SignedInfo"))
    etree.SubElement(info, _ds("CanonicalizationMethod"), Algorithm=transform.EXC_C14N)
    etree.SubElement(info, _ds("SignatureMethod"), Algorithm=scheme.uri)
    reference = etree.SubElement(info, _ds("Reference"), URI=f"#{element_id}")
    transforms = etree.SubElement(reference, _ds("Transforms"))
    for algorithm in _TRANSFORMS:
        etree.SubElement(transforms, _ds("Transform"), Algorithm=algorithm)
    etree.SubElement(reference, _ds("DigestMethod"), Algorithm=scheme.digest.uri)
    etree.SubElement(reference, _ds("DigestValue")).text = base64.b64encode(digest).decode()
    value = etree.SubElement(signature, _ds("SignatureValue"))
    x509 = etree.SubElement(etree.SubElement(signature, _ds("KeyInfo")), _ds("X509Data"))
    etree.SubElement(x509, _ds("X509Certificate")).text = signer.certificate.base64()
    raw = signer.provider.sign(transform.exc_c14n(info), signer.key, scheme.uri)
    value.text = base64.b64encode(raw).decode()
    return signature


def sign(root: etree._Element, element_id: str, signer: Signer,
         container: etree._Element | None = None) -> etree._Element:
    """Sign the element with ``Id=element_id``; append the ds:Signature to ``container``.

    ``container`` defaults to :func:`default_container`. Returns the new ds:Signature.
    """
    element = _one_by_id(root, element_id)
    if container is not None and (container is element or element in
                                  container.iterancestors()):
        raise SigningError("the signature would be inside the signed element (enveloped "
                           "signatures are not what СМЭВ uses)")
    signature = detached(element, signer)
    (default_container(element) if container is None else container).append(signature)
    return signature


@dataclass
class SignatureReport:
    """The verdict on one ds:Signature, with what a person needs to judge it."""

    location: str
    """Path of local names from the root to the ds:Signature."""
    reference: str = ""
    signed_element: str = ""
    algorithm: str = ""
    signer: str = ""
    issuer: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None
    certificate_current: bool | None = None
    digest_ok: bool | None = None
    signature_ok: bool | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Digest and signature check out and nothing else is wrong."""
        return bool(self.digest_ok and self.signature_ok and not self.problems)

    @property
    def reason(self) -> str:
        """One line: ``valid`` or every cause found."""
        text = "; ".join(self.problems) if self.problems else "valid"
        return f"{text} ({'; '.join(self.notes)})" if self.notes else text


def _where(element: etree._Element) -> str:
    names = [etree.QName(e).localname for e in (*reversed(list(element.iterancestors())),
                                                element)]
    return "/".join(names)


def _text(parent: etree._Element, path: str) -> str | None:
    found = parent.find(path, {"ds": DS})
    return None if found is None else (found.text or "").strip()


def _b64(text: str | None) -> bytes:
    """A base64 value of XMLDSig: whitespace anywhere (lines wrapped at 64 or 76) is allowed."""
    return base64.b64decode("".join((text or "").split()), validate=True)


def _without(target: etree._Element, signature: etree._Element) -> etree._Element:
    """The enveloped-signature transform: a copy of ``target``'s document minus the signature.

    The whole document is copied so that the target keeps its ancestors' namespace context;
    the caller's tree is not touched.
    """
    root = target.getroottree().getroot()
    twin = copy.deepcopy(root)
    twin_target, twin_signature = (_same_place(twin, root, e) for e in (target, signature))
    parent = twin_signature.getparent()
    if parent is not None:
        parent.remove(twin_signature)
    return twin_target


def _same_place(twin: etree._Element, root: etree._Element,
                element: etree._Element) -> etree._Element:
    """The element of ``twin`` (a copy of ``root``) at ``element``'s position in ``root``."""
    steps = []
    while element is not root:
        parent = element.getparent()
        assert parent is not None  # element is under root
        steps.append(parent.index(element))
        element = parent
    for step in reversed(steps):
        twin = twin[step]
    return twin


def _strip_whitespace(info: etree._Element) -> etree._Element:
    """A copy of SignedInfo without whitespace-only text (as it was before pretty-printing)."""
    clean = copy.deepcopy(info)
    for node in clean.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return clean


class _Check:
    """Verification of one signature, filling its report step by step."""

    def __init__(self, root: etree._Element, signature: etree._Element,
                 provider: CryptoProvider) -> None:
        self.root, self.signature, self.provider = root, signature, provider
        self.report = SignatureReport(_where(signature))

    def fail(self, problem: str) -> SignatureReport:
        self.report.problems.append(problem)
        return self.report

    def run(self, at: datetime, ignore_expiry: bool) -> SignatureReport:
        info = self.signature.find(_ds("SignedInfo"))
        if info is None:
            return self.fail("no ds:SignedInfo")
        c14n = info.find(_ds("CanonicalizationMethod"))
        if c14n is None or c14n.get("Algorithm") != transform.EXC_C14N:
            return self.fail("SignedInfo canonicalization is not exc-c14n (unsupported)")
        method = info.find(_ds("SignatureMethod"))
        self.report.algorithm = "" if method is None else method.get("Algorithm", "")
        references = info.findall(_ds("Reference"))
        if not references:
            return self.fail("no ds:Reference in SignedInfo")
        certificate = self.certificate()
        self.check_time(certificate, at, ignore_expiry)
        results = [self.check_reference(r, len(references) > 1) for r in references]
        uris, names, digests = zip(*results, strict=True)
        self.report.reference = ", ".join(uris)
        self.report.signed_element = ", ".join(n for n in names if n)
        self.report.digest_ok = None if None in digests else all(digests)
        self.check_signature(info, certificate)
        return self.report

    def certificate(self) -> Certificate | None:
        encoded = "".join((_text(self.signature, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
                           or "").split())  # base64 may be wrapped in lines (XMLDSig allows)
        if not encoded:
            self.fail("no X509Certificate in KeyInfo")
            return None
        try:
            certificate = load_certificate(encoded.encode("ascii"))
        except (KeyFormatError, UnicodeEncodeError) as exc:
            self.fail(f"unreadable certificate: {exc}")
            return None
        report = self.report
        report.signer, report.issuer = certificate.subject, certificate.issuer
        report.not_before, report.not_after = certificate.not_before, certificate.not_after
        return certificate

    def check_time(self, certificate: Certificate | None, at: datetime,
                   ignore_expiry: bool) -> None:
        if certificate is None:
            return
        if at < certificate.not_before:
            problem = f"certificate not valid before {certificate.not_before:%Y-%m-%d %H:%M}Z"
        elif at > certificate.not_after:
            problem = f"certificate expired on {certificate.not_after:%Y-%m-%d %H:%M}Z"
        else:
            self.report.certificate_current = True
            return
        self.report.certificate_current = False
        if ignore_expiry:
            self.report.notes.append(f"{problem}, ignored for an archived message")
        else:
            self.report.problems.append(problem)

    def check_reference(self, reference: etree._Element, several: bool
                        ) -> tuple[str, str, bool | None]:
        """Resolve one Reference and compare its digest: (URI, signed element, digest ok)."""
        uri = reference.get("URI", "")
        label = f"Reference {uri}: " if several else ""
        if not uri.startswith("#") or len(uri) < 2:
            self.fail(f"{label}Reference URI {uri!r} is not a same-document #Id")
            return uri, "", None
        chain = tuple(t.get("Algorithm", "") for t in reference.iterfind(
            "ds:Transforms/ds:Transform", {"ds": DS}))
        if chain not in _CHAINS:
            self.fail(f"{label}unsupported transforms {list(chain)}")
            return uri, "", None
        targets = find_by_id(self.root, uri[1:])
        if len(targets) != 1:
            self.fail(f"{label}Reference {uri} matches {len(targets)} elements" +
                      ("; several elements with one Id are refused" if targets else ""))
            return uri, "", None
        target = targets[0]
        name = etree.QName(target).localname
        enveloped = target is self.signature or target in self.signature.iterancestors()
        if enveloped and (target is self.signature or chain[0] != transform.ENVELOPED):
            self.fail(f"{label}the signature is inside the element it signs without the "
                      "enveloped-signature transform (unsupported)")
            return uri, name, None
        method = reference.find(_ds("DigestMethod"))
        try:
            expected = _b64(_text(reference, "ds:DigestValue"))
            octets = transform.exc_c14n(_without(target, self.signature) if enveloped
                                        else target)
            if chain[-1] == transform.ALGORITHM:
                octets = transform.smev_transform(octets)
            digest = self.provider.digest(octets, "" if method is None else
                                          method.get("Algorithm", ""))
        except (binascii.Error, UnsupportedAlgorithm, transform.TransformError,
                CryptoError) as exc:
            self.fail(f"{label}digest not computed: {exc}")
            return uri, name, None
        if digest != expected:
            self.fail(f"{label}digest mismatch: {name} was changed after signing")
        return uri, name, digest == expected

    def check_signature(self, info: etree._Element, certificate: Certificate | None) -> None:
        if certificate is None:
            return
        try:
            value = _b64(_text(self.signature, "ds:SignatureValue"))
            signed = transform.exc_c14n(info)
            ok = self.provider.verify(signed, value, certificate, self.report.algorithm)
            compact = transform.exc_c14n(_strip_whitespace(info))
            if not ok and compact != signed and self.provider.verify(
                    compact, value, certificate, self.report.algorithm):
                self.fail("SignatureValue matches SignedInfo only with its whitespace removed: "
                          "the document was reformatted (pretty-printed) after signing")
                self.report.signature_ok = False
                return
        except (binascii.Error, UnsupportedAlgorithm, CryptoError) as exc:
            self.fail(f"signature not checked: {exc}")
            return
        self.report.signature_ok = ok
        if not ok:
            self.fail("SignatureValue does not verify with the certificate in KeyInfo")


def verify(root: etree._Element, provider: CryptoProvider, *, at: datetime | None = None,
           ignore_expiry: bool = False) -> list[SignatureReport]:
    """Check every ds:Signature in the document; one report each, in document order.

    ``at`` is the moment certificates must be valid at (now by default); ``ignore_expiry``
    reports an expired certificate as a note instead of a cause (archived messages).
    """
    moment = at or datetime.now(UTC)
    return [_Check(root, signature, provider).run(moment, ignore_expiry)
            for signature in root.iter(_ds("Signature"))]
