"""The verification corpus: signed СМЭВ envelopes as real clients write them, and their tampers.

Two sources (issue 12, item 1):

- the signed envelopes captured from real traffic in ``../shared/fixtures/smev3/samples``
  that verify (GOST 2001, certificates long expired: checked as archives), read in place;
- variants made here at test time with throwaway test keys, each a way real clients write a
  signature СМЭВ accepts: two References (the same one twice, two different), other ds
  prefixes and the default namespace, namespace declarations moved to the envelope after
  signing, payloads pretty-printed before and after signing, base64 wrapped in lines, the
  .NET/CryptoPro chain (enveloped-signature, exc-c14n, СМЭВ transform), GOST 2012-256, 2012-512
  and 2001, and the signature in every slot the 1.1, 1.2 and 1.3 schemas have
  (CallerInformationSystemSignature of SendRequest, SendResponse, GetRequest and Ack,
  PersonalSignature), plus one whose digest is taken over the Java reference output of the
  fixtures' transform vector 4 instead of ours.

The variants are signed by the ``openssl`` command (GOST engine) alone — digests and
SignatureValues, see :mod:`tests.adapters.smev3.corpus_signing` — so the corpus does not
depend on the signing code it checks; only the transform's output is ours (and vector 4 takes
even that from the Java reference).

A tamper is what СМЭВ must refuse: an edited payload, a re-prefixed envelope (every prefix
renamed, so SignedInfo no longer reads as signed), a SignedInfo pretty-printed after signing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from adapters.smev3 import protocol
from contracts import xmlsafe
from hub.crypto import algorithms
from tests.adapters.smev3.corpus_signing import DOTNET_CHAIN, DS, CorpusSigner, Style
from tests.adapters.smev3.keys import TestKey
from tests.conftest import SHARED

SAMPLES = SHARED / "fixtures" / "smev3" / "samples"
VECTORS = SHARED / "fixtures" / "smev3" / "transform-vectors"
REQUEST = "urn://omshub/test/corpus"
MESSAGE_ID = "0b0a4b5e-0000-11ee-8000-000000000001"


@dataclass(frozen=True)
class Sample:
    """One envelope of the corpus: how to get it, and what verifying it must show."""

    name: str
    signatures: int
    """How many ds:Signature elements it holds (every one must verify)."""
    archived: bool = False
    """Its certificate has expired: verified with ``--ignore-expiry``."""
    fixture: str = ""
    """Path under the fixture samples; empty for a variant made here."""
    version: str = ""
    """The message-exchange version whose schema it must validate against (made ones)."""


FIXTURES = [
    Sample("fixture-gil9red-SendRequest-ExportCharges-2001", 1, archived=True, fixture=(
        "gil9red-SimplePyScripts/SendRequestRequest-1.2-gisgmp-ExportCharges-signed-gost2001.xml")),
    Sample("fixture-gil9red-SendRequest-ImportPayments-2001", 1, archived=True, fixture=(
        "gil9red-SimplePyScripts/SendRequestRequest-1.2-gisgmp-ImportPayments-signed-gost2001.xml")),
    Sample("fixture-gil9red-AckRequest-2001", 1, archived=True,
           fixture="gil9red-SimplePyScripts/AckRequest-1.2-signed-gost2001.xml"),
]


# --- the envelopes -----------------------------------------------------------------------

def _content(pretty: bool = False, prefix: str = "r") -> etree._Element:
    p = f"{prefix}:" if prefix else ""
    declaration = f'xmlns:{prefix}="{REQUEST}"' if prefix else f'xmlns="{REQUEST}"'
    xml = (f'<{p}Request {declaration} Id="PERSONAL" note="a &quot;b&quot; &lt; c">'
           f"<{p}Family>Иванов &amp; сын</{p}Family><{p}Snils>123-456-789 01</{p}Snils>"
           f"<{p}Note>]]&gt; &#xD;конец</{p}Note></{p}Request>")
    element = etree.fromstring(xml)
    if pretty:
        etree.indent(element, space="    ")
    return element


def _send_request(version: str, keys: dict[str, TestKey], style: Style, *,
                  personal: Style | None = None, pretty: bool = False,
                  content_prefix: str = "r") -> etree._Element:
    call = protocol.SendRequestCall(protocol.RequestData(
        content=_content(pretty, content_prefix), message_id=MESSAGE_ID))
    signing = CorpusSigner(keys)
    return signing.finish(protocol.build_request(
        version, call, signer=signing.signer(style),
        personal_signer=signing.signer(personal) if personal else None))


def _signed(keys: dict[str, TestKey], version: str, call: protocol.Call,
            style: Style) -> etree._Element:
    signing = CorpusSigner(keys)
    return signing.finish(protocol.build_request(version, call, signer=signing.signer(style)))


def _send_response(keys: dict[str, TestKey], style: Style) -> etree._Element:
    data = protocol.ResponseData(to="eyJzaWQiOjF9", content=_content(), message_id=MESSAGE_ID)
    return _signed(keys, "1.3", protocol.SendResponseCall(data), style)


def _smev_reply(keys: dict[str, TestKey], version: str, operation: protocol.Operation,
                reply: protocol.Reply) -> etree._Element:
    """A reply of СМЭВ itself, its SMEVSignature made with a test key (2012-512)."""
    signing = CorpusSigner(keys)
    return signing.finish(protocol.build_reply(version, operation, reply,
                                               signer=signing.signer(Style(key="512-A"))))


def _compact(info: etree._Element) -> None:
    for node in info.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node is not info and node.tail is not None and not node.tail.strip():
            node.tail = None


def pretty_after_signing(root: etree._Element) -> etree._Element:
    """The whole envelope indented after signing, each SignedInfo left as it was signed."""
    etree.indent(root, space="  ")
    for info in root.iter(f"{{{DS}}}SignedInfo"):
        _compact(info)
    return root


def hoist_namespaces(root: etree._Element) -> etree._Element:
    """Every namespace declaration moved up to the envelope (as some SOAP stacks re-serialize)."""
    top: dict[str | None, str] = {}
    for element in root.iter(tag=etree.Element):
        for prefix, uri in element.nsmap.items():
            if top.setdefault(prefix, uri) != uri:
                raise AssertionError(f"prefix {prefix} is bound to two namespaces")
    etree.cleanup_namespaces(root, top_nsmap=top)
    return root


def _vector_4(keys: dict[str, TestKey]) -> etree._Element:
    """Transform vector 4's SenderProvidedRequestData signed over the Java reference output."""
    expected = (VECTORS / "test_4.expected.xml").read_bytes()
    data = (VECTORS / "test_4.input.xml").read_bytes()
    envelope = etree.fromstring(
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<t:SendRequestRequest xmlns:t="urn://x-artefacts-smev-gov-ru/services/message-'
        b'exchange/types/1.0"/></soap:Body></soap:Envelope>')
    operation = envelope[0][0]
    target = xmlsafe.parse(data)
    operation.append(target)
    slot = etree.SubElement(operation,
                            f"{{{operation.nsmap['t']}}}CallerInformationSystemSignature")
    signing = CorpusSigner(keys)
    slot.append(signing.signer(Style(octets=lambda _: expected))(target))
    return signing.finish(envelope)


Builder = Callable[[dict[str, TestKey]], etree._Element]
_PERSONAL_512 = Style(key="512-A")
MADE: dict[str, tuple[Sample, Builder]] = {s.name: (s, b) for s, b in [
    (Sample("1.3-SendRequest-2012-256", 1, version="1.3"),
     lambda k: _send_request("1.3", k, Style())),
    (Sample("1.3-SendRequest-personal-512-caller-256", 2, version="1.3"),
     lambda k: _send_request("1.3", k, Style(), personal=_PERSONAL_512)),
    (Sample("1.2-SendRequest-2012-512", 1, version="1.2"),
     lambda k: _send_request("1.2", k, Style(key="512-A"))),
    (Sample("1.1-SendRequest-personal-and-caller", 2, version="1.1"),
     lambda k: _send_request("1.1", k, Style(), personal=Style())),
    (Sample("1.3-SendRequest-legacy-2001", 1, version="1.3"),
     lambda k: _send_request("1.3", k, Style(key="2001"))),
    (Sample("1.2-legacy-2001-cryptopro-names", 1, version="1.2"),
     lambda k: _send_request("1.2", k, Style(key="2001", method=(
         algorithms.SIGNATURE_2001_CRYPTOPRO, algorithms.DIGEST_94_CRYPTOPRO)))),
    (Sample("1.3-two-references-same-twice", 1, version="1.3"),
     lambda k: _send_request("1.3", k, Style(extra=("SIGNED_BY_CONSUMER",)))),
    (Sample("1.3-two-references-different", 1, version="1.3"),
     lambda k: _send_request("1.3", k, Style(extra=("PERSONAL",)))),
    (Sample("1.3-prefix-dsig-and-default-namespace", 2, version="1.3"),
     lambda k: _send_request("1.3", k, Style(prefix="dsig"), personal=Style(prefix=None),
                             content_prefix="")),
    (Sample("1.3-namespaces-moved-after-signing", 2, version="1.3"),
     lambda k: hoist_namespaces(_send_request("1.3", k, Style(), personal=_PERSONAL_512))),
    (Sample("1.3-payload-pretty-printed-before-signing", 1, version="1.3"),
     lambda k: _send_request("1.3", k, Style(), pretty=True)),
    (Sample("1.3-pretty-printed-after-signing", 2, version="1.3"),
     lambda k: pretty_after_signing(_send_request("1.3", k, Style(), personal=Style()))),
    (Sample("1.3-base64-wrapped-in-lines", 2, version="1.3"),
     lambda k: _send_request("1.3", k, Style(wrap=76), personal=Style(key="512-A", wrap=64))),
    (Sample("1.3-dotnet-cryptopro-chain", 2, version="1.3"),
     lambda k: _send_request("1.3", k, Style(chain=DOTNET_CHAIN),
                             personal=Style(chain=DOTNET_CHAIN))),
    (Sample("1.3-SendResponse-2012-512", 1, version="1.3"),
     lambda k: _send_response(k, Style(key="512-A"))),
    (Sample("1.2-GetRequest-selector", 1, version="1.2"),
     lambda k: _signed(k, "1.2", protocol.GetRequestCall(), Style())),
    (Sample("1.1-AckRequest", 1, version="1.1"),
     lambda k: _signed(k, "1.1", protocol.AckCall(MESSAGE_ID), Style(key="512-A"))),
    (Sample("1.3-SendRequestResponse-SMEVSignature", 1, version="1.3"),
     lambda k: _smev_reply(k, "1.3", "SendRequest", protocol.SendResult(protocol.MessageMetadata(
         "REQUEST", datetime.now(UTC), message_id=MESSAGE_ID, id="SIGNED_BY_SMEV")))),
    (Sample("1.2-GetStatusResponse-SMEVSignature", 1, version="1.2"),
     lambda k: _smev_reply(k, "1.2", "GetStatus", protocol.StatusMessage(
         protocol.AsyncProcessingStatus(MESSAGE_ID, "requestIsQueued"),
         id="SIGNED_BY_SMEV"))),
    (Sample("java-reference-transform-vector-4", 1), _vector_4),
]}


def build(name: str, keys: dict[str, TestKey]) -> bytes:
    """The bytes of a made envelope, as they would travel."""
    _, builder = MADE[name]
    data: bytes = etree.tostring(builder(keys), xml_declaration=True, encoding="UTF-8")
    return data


def _serialize(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root)
    return data


# --- tampers -----------------------------------------------------------------------------

def _signed_elements(root: etree._Element) -> list[etree._Element]:
    uris = [r.get("URI", "")[1:] for r in root.iter(f"{{{DS}}}Reference")]
    return [e for uri in uris for e in root.xpath("//*[@Id=$id]", id=uri)]


def edit_payload(data: bytes) -> bytes:
    """One character of the first signed element's first text changed."""
    root = xmlsafe.parse(data)
    for element in _signed_elements(root)[0].iter(tag=etree.Element):
        text = element.text or ""
        if text.strip() and f"{{{DS}}}" not in element.tag:
            element.text = text.replace(text.strip()[-1], "X" if text.strip()[-1] != "X"
                                        else "Y", 1)
            return _serialize(root)
    raise AssertionError("no text to edit in the signed element")


def _renamed(element: etree._Element, parent_map: dict[str | None, str]) -> etree._Element:
    own = {p: u for p, u in element.nsmap.items() if parent_map.get(p) != u}
    twin = etree.Element(element.tag, dict(element.attrib),
                         nsmap={f"re{p or ''}": u for p, u in own.items()})
    twin.text, twin.tail = element.text, element.tail
    for child in element:
        if isinstance(child.tag, str):
            twin.append(_renamed(child, dict(element.nsmap)))
    return twin


def reprefix(data: bytes) -> bytes:
    """Every namespace prefix renamed (``ds`` → ``reds``, the default one → ``re``)."""
    return _serialize(_renamed(xmlsafe.parse(data), {}))


def pretty_signed_info(data: bytes) -> bytes:
    """Every SignedInfo indented after signing (what a careless pretty-printer does)."""
    root = xmlsafe.parse(data)
    for info in root.iter(f"{{{DS}}}SignedInfo"):
        twin = copy.deepcopy(info)
        etree.indent(twin, space="  ", level=1)
        info.getparent().replace(info, twin)
    return _serialize(root)


TAMPERS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    # name: (the tamper, what the refusal must say)
    "edited-payload": (edit_payload, "digest mismatch"),
    "re-prefixed": (reprefix, "SignatureValue does not verify"),
    "signed-info-pretty-printed": (pretty_signed_info,
                                   "reformatted (pretty-printed) after signing"),
}
