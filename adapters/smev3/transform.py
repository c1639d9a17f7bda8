"""The СМЭВ transform ``urn://smev-gov-ru/xmldsig/transform`` and the digest input it feeds.

A Reference of a СМЭВ 3 signature is processed as exc-c14n, then this transform, then the hash.
The transform is defined by its Java reference, ``SmevTransformSpi`` of the official СМЭВ 3
client (package ``ru.voskhod.crypto.impl``): a StAX event loop that

1. drops the XML declaration, processing instructions and comments;
2. drops text events that are whitespace only (Java ``String.trim().isEmpty()``);
3. names every namespace anew, ``ns1``, ``ns2``, … from one counter for the whole document,
   declaring a prefix on the element where its namespace is first used and reusing it in that
   element's scope (a stack of per-element mappings; a namespace declared but not used by the
   element's name or attributes is not carried over);
4. sorts attributes: qualified ones first, by namespace URI then local name; unqualified ones
   after, by local name (Java ``String.compareTo``: UTF-16 code units);
5. writes the element's own prefix declaration first, then those its attributes need in
   attribute order, then the attributes;
6. never self-closes an element (``<a></a>``).

Escaping is the writer's, not c14n's. The reference creates its writer with
``XMLOutputFactory.newInstance()``; the official client runs on Apache CXF, which puts
Woodstox on the class path, and a later revision of the same class names
``WstxOutputFactory`` outright — so the writer is Woodstox's ``BufferingXmlWriter`` with its
defaults (``P_OUTPUT_ESCAPE_CR`` on). Its rules, which this module follows exactly:

- text: ``&`` → ``&amp;``, ``<`` → ``&lt;``; ``>`` → ``&gt;`` only as the first character of a
  text event or right after ``]`` (Woodstox guards against ``]]>``), elsewhere it stays ``>``;
  carriage return → ``&#xd;``; C1 controls U+007F–U+009F → ``&#x7f;``…; ``"`` stays as is;
- attribute values: ``&`` → ``&amp;``, ``<`` → ``&lt;``, ``"`` → ``&quot;``, CR, LF and TAB →
  ``&#xd;``, ``&#xa;``, ``&#x9;``; ``>`` stays as is.

The .NET port used with CryptoPro (``XmlDsigSmevTransform``) switched its default to the same
unescaped ``>``, which corroborates that СМЭВ itself writes ``>`` as is. The PyPI smev-transform
packages apply c14n-style escaping instead and produce other digests for such text.

Known limit: Woodstox, not coalescing, may hand a text longer than its input buffer
(about 4000 characters) to the loop in several events; where such a split would fall is not
reproducible outside the JVM, so a text node is treated as one event here.
"""

from __future__ import annotations

import re

from lxml import etree

from contracts import xmlsafe

ALGORITHM = "urn://smev-gov-ru/xmldsig/transform"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

_WHITESPACE = " \t\n\r"  # the only characters <= U+0020 XML allows, i.e. what Java trim() drops
_TEXT_SPECIAL = re.compile(r"[&<\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|^>|(?<=\])>")
_ATTR_SPECIAL = re.compile(r'[&<"\r\n\t]')
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


class TransformError(ValueError):
    """The input cannot be transformed the way the reference does (a clear, reportable cause)."""


def _entity(match: re.Match[str]) -> str:
    char = match.group()
    return _ENTITIES.get(char) or f"&#x{ord(char):x};"


def escape_text(text: str) -> str:
    """Text content escaped as Woodstox writes one text event."""
    return _TEXT_SPECIAL.sub(_entity, text)


def escape_attribute(value: str) -> str:
    """An attribute value escaped as Woodstox writes it inside double quotes."""
    return _ATTR_SPECIAL.sub(_entity, value)


def _sort_key(item: tuple[str, str, str]) -> tuple[int, bytes, bytes]:
    namespace, local, _ = item
    # Java compares UTF-16 code units; UTF-16-BE bytes compare the same way.
    return (0 if namespace else 1, namespace.encode("utf-16-be"), local.encode("utf-16-be"))


class _Writer:
    """One pass of the transform over a parsed tree; holds the prefix stack and the counter."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.scopes: list[list[tuple[str, str]]] = []  # per element: (namespace URI, prefix)
        self.counter = 0

    def _prefix(self, namespace: str, own: list[tuple[str, str]]) -> str:
        for scope in self.scopes:
            for uri, prefix in scope:
                if uri == namespace:
                    return prefix
        self.counter += 1
        prefix = f"ns{self.counter}"
        own.append((namespace, prefix))
        return prefix

    def text(self, text: str | None) -> None:
        if text and text.strip(_WHITESPACE):
            self.out.append(escape_text(text))

    def element(self, element: etree._Element) -> None:
        name = etree.QName(element)
        if not name.namespace:
            raise TransformError(
                f"element <{name.localname}> has no namespace: the СМЭВ transform (like its "
                "Java reference) supports only namespace-qualified elements")
        own: list[tuple[str, str]] = []
        self.scopes.append(own)
        prefix = self._prefix(name.namespace, own)
        attributes = []
        for key, value in element.attrib.items():
            qname = etree.QName(key)
            attributes.append((qname.namespace or "", qname.localname, value))
        attributes.sort(key=_sort_key)
        written = []
        for namespace, local, value in attributes:
            qualified = f"{self._prefix(namespace, own)}:{local}" if namespace else local
            written.append(f' {qualified}="{escape_attribute(value)}"')
        out = self.out
        out.append(f"<{prefix}:{name.localname}")
        out.extend(f' xmlns:{p}="{escape_attribute(uri)}"' for uri, p in own)
        out.extend(written)
        out.append(">")
        self.text(element.text)
        for child in element:
            if isinstance(child.tag, str):  # processing instructions and comments are dropped
                self.element(child)
            self.text(child.tail)
        out.append(f"</{prefix}:{name.localname}>")
        self.scopes.pop()


def smev_transform(data: bytes) -> bytes:
    """Apply the СМЭВ transform to a serialized XML document (normally exc-c14n output)."""
    try:
        root = xmlsafe.parse(data)
    except xmlsafe.UnsafeXml as exc:
        raise TransformError(str(exc)) from exc
    writer = _Writer()
    writer.element(root)
    return "".join(writer.out).encode("utf-8")


def exc_c14n(element: etree._Element) -> bytes:
    """Exclusive XML canonicalization without comments of one element in its document."""
    octets: bytes = etree.tostring(element, method="c14n", exclusive=True, with_comments=False)
    return octets


def digest_input(element: etree._Element) -> bytes:
    """The octets a СМЭВ Reference hashes: transform(exc-c14n(element))."""
    return smev_transform(exc_c14n(element))
