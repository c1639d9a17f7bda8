"""How the verification corpus signs: with the ``openssl`` command alone, in many styles.

A :class:`Style` is one way a real client writes a signature (key and algorithm names, ds
prefix, transform chain, extra References, base64 wrapped in lines); :class:`CorpusSigner`
writes it into envelopes the protocol builders make. Digests and SignatureValues come from
``openssl dgst`` with the GOST engine, not from the signing code the corpus checks; only the
transform's output is ours (:mod:`tests.adapters.smev3.corpus` says where even that is not).
"""

from __future__ import annotations

import base64
import copy
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from adapters.smev3 import transform
from hub.crypto import algorithms
from tests.adapters.smev3.keys import TestKey, make, require_engine

DS = "http://www.w3.org/2000/09/xmldsig#"
SMEV_CHAIN = (transform.EXC_C14N, transform.ALGORITHM)
DOTNET_CHAIN = (transform.ENVELOPED, transform.EXC_C14N, transform.ALGORITHM)


@dataclass(frozen=True)
class Style:
    """How one signature is written (every field a way some real client writes it)."""

    key: str = "256-A"
    prefix: str | None = "ds"
    """The ds prefix; None: the default namespace."""
    chain: tuple[str, ...] = SMEV_CHAIN
    extra: tuple[str, ...] = ()
    """Ids referenced after the signed element's own (the same one again, or another)."""
    method: tuple[str, str] | None = None
    """(SignatureMethod, DigestMethod) URIs other than the key's usual names."""
    wrap: int = 0
    """Wrap DigestValue, SignatureValue and X509Certificate in lines this long (0: don't)."""
    octets: Callable[[etree._Element], bytes] | None = field(default=None, compare=False)
    """What the first Reference hashes instead of our transform's output (vector 4)."""


def _openssl(*args: str, data: bytes) -> bytes:
    done = subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=60,
                          check=True)
    return done.stdout


def _b64(raw: bytes, wrap: int) -> str:
    text = base64.b64encode(raw).decode()
    if not wrap:
        return text
    return "\n" + "\n".join(text[i:i + wrap] for i in range(0, len(text), wrap)) + "\n"


def _reference_octets(element: etree._Element, chain: tuple[str, ...]) -> bytes:
    octets = transform.exc_c14n(element)
    return transform.smev_transform(octets) if chain[-1] == transform.ALGORITHM else octets


MARK_NAMESPACE = "urn://omshub/test/corpus/mark"
MARK = f"{{{MARK_NAMESPACE}}}style"


class CorpusSigner:
    """Signs envelopes in :class:`Style` s, with the ``openssl`` command alone.

    Two phases, because lxml re-prefixes a subtree appended under a declaration of its
    namespace: :meth:`signer` gives the protocol builders a signer that writes a marked
    skeleton; :meth:`finish` rebuilds the envelope with each signature's own prefix and then
    fills every digest and SignatureValue in document order (a ЭП-СП before the ЭП-ОВ that
    covers it).
    """

    def __init__(self, keys: dict[str, TestKey]) -> None:
        self.keys = keys
        self.styles: list[Style] = []

    def signer(self, style: Style) -> Callable[[etree._Element], etree._Element]:
        """A protocol signer (element → ds:Signature skeleton) of this style."""
        def skeleton(target: etree._Element) -> etree._Element:
            self.styles.append(style)
            return _skeleton(target.get("Id", ""), style, len(self.styles) - 1)
        return skeleton

    def finish(self, root: etree._Element) -> etree._Element:
        """The envelope rebuilt with each signature's prefix, every signature computed."""
        marked: dict[etree._Element, Style] = {}
        rebuilt = _rebuild(root, None, self.styles, marked)
        for signature in list(rebuilt.iter(f"{{{DS}}}Signature")):
            self._sign(rebuilt, signature, marked[signature])
        return rebuilt

    def _sign(self, root: etree._Element, signature: etree._Element, style: Style) -> None:
        key = self.keys[style.key]
        md = algorithms.signature_algorithm(key.algorithm).digest.openssl
        info = signature[0]
        for number, reference in enumerate(info.iterfind(f"{{{DS}}}Reference")):
            element = root.xpath("//*[@Id=$id]", id=reference.get("URI", "")[1:])[0]
            if signature in element.iterdescendants() and transform.ENVELOPED in style.chain:
                element = _enveloped(element, signature)
            octets = (style.octets(element) if number == 0 and style.octets
                      else _reference_octets(element, style.chain))
            digest = _openssl("dgst", "-engine", "gost", md, "-binary", data=octets)
            reference[-1].text = _b64(digest, 0)
        raw = _openssl("dgst", "-engine", "gost", md, "-sign", str(key.key), "-binary",
                       data=transform.exc_c14n(info))
        signature[1].text = _b64(raw, style.wrap)
        certificate = b"".join(line for line in key.cert.read_bytes().splitlines()
                               if not line.startswith(b"-----"))
        signature[2][0][0].text = _b64(base64.b64decode(certificate), style.wrap)


def _enveloped(element: etree._Element, signature: etree._Element) -> etree._Element:
    """A standalone copy of ``element`` without ``signature`` (an enveloped signature)."""
    position = [s for s in element.iter(f"{{{DS}}}Signature")].index(signature)
    twin = copy.deepcopy(element)
    inner = list(twin.iter(f"{{{DS}}}Signature"))[position]
    inner.getparent().remove(inner)
    return twin


def _ds(parent: etree._Element, name: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{DS}}}{name}", attrib)


def _skeleton(element_id: str, style: Style, index: int) -> etree._Element:
    signature = etree.Element(f"{{{DS}}}Signature", {MARK: str(index)})
    info = _ds(signature, "SignedInfo")
    _ds(info, "CanonicalizationMethod", Algorithm=transform.EXC_C14N)
    scheme = algorithms.signature_algorithm(KEY_ALGORITHMS[style.key])
    signature_uri, digest_uri = style.method or (scheme.uri, scheme.digest.uri)
    _ds(info, "SignatureMethod", Algorithm=signature_uri)
    for ident in (element_id, *style.extra):
        reference = _ds(info, "Reference", URI=f"#{ident}")
        transforms = _ds(reference, "Transforms")
        for algorithm in style.chain:
            _ds(transforms, "Transform", Algorithm=algorithm)
        _ds(reference, "DigestMethod", Algorithm=digest_uri)
        _ds(reference, "DigestValue")
    _ds(signature, "SignatureValue")
    _ds(_ds(_ds(signature, "KeyInfo"), "X509Data"), "X509Certificate")
    return signature


KEY_ALGORITHMS = {"256-A": algorithms.SIGNATURE_2012_256, "512-A": algorithms.SIGNATURE_2012_512,
                  "2001": algorithms.SIGNATURE_2001}


def _rebuild(element: etree._Element, parent: etree._Element | None, styles: list[Style],
             marked: dict[etree._Element, Style], in_signature: bool = False) -> etree._Element:
    """A copy built top-down, each marked signature declaring its style's prefix itself."""
    inherited = {} if parent is None else parent.nsmap
    own = {p: u for p, u in element.nsmap.items()
           if inherited.get(p) != u and u != MARK_NAMESPACE}
    attrib = dict(element.attrib)
    mark = attrib.pop(MARK, None)
    if mark is not None or in_signature:
        own = {p: u for p, u in own.items() if u != DS}
    if mark is not None:
        own[styles[int(mark)].prefix] = DS
    twin = (etree.Element(element.tag, attrib, nsmap=own) if parent is None else
            etree.SubElement(parent, element.tag, attrib, nsmap=own))
    if mark is not None:
        marked[twin] = styles[int(mark)]
    twin.text, twin.tail = element.text, element.tail
    for child in element:
        if isinstance(child.tag, str):
            _rebuild(child, twin, styles, marked, in_signature or mark is not None)
    return twin


# --- keys ------------------------------------------------------------------------------

def make_keys(directory: Path) -> dict[str, TestKey]:
    """256-A, 512-A (tests' key kit) and a legacy GOST 2001 key, all throwaway."""
    require_engine()
    keys = {kind: make(directory, kind) for kind in ("256-A", "512-A")}
    key, cert, public = (directory / f"test-2001-{name}.pem" for name in ("key", "cert", "pub"))
    subprocess.run(["openssl", "genpkey", "-engine", "gost", "-algorithm", "gost2001",
                    "-pkeyopt", "paramset:A", "-out", str(key)], capture_output=True, check=True)
    subprocess.run(["openssl", "req", "-engine", "gost", "-x509", "-new", "-key", str(key),
                    "-md_gost94", "-utf8", "-days", "3", "-subj",
                    "/CN=OMS Hub test key 2001/O=ТФОМС (test material)/C=RU", "-out",
                    str(cert)], capture_output=True, check=True)
    subprocess.run(["openssl", "pkey", "-engine", "gost", "-in", str(key), "-pubout", "-out",
                    str(public)], capture_output=True, check=True)
    keys["2001"] = TestKey("2001", key, cert, public, algorithms.SIGNATURE_2001)
    return keys
