"""SOAP 1.1 envelopes, the signing slots, and the element helpers builders and parsers share.

Signing plugs in as a :data:`Signer`: a callable that gets the element to sign — already in
its final place in the envelope, with its ``Id`` attribute — and returns a ``ds:Signature``
element; the builder puts that into the signature slot the XSD defines
(``CallerInformationSystemSignature``, ``PersonalSignature``, ``SMEVSignature``). Detached
signing with the СМЭВ transform lives in ``adapters/smev3/signature.py``; this package
never imports it, so any callable of that shape works (tests use a dummy one).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TypeAlias

from lxml import etree

from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.versions import SOAP_ENV, XMLDSIG, Version
from contracts.xmlsafe import parse

Element: TypeAlias = etree._Element
Signer = Callable[[etree._Element], etree._Element]
"""Element to sign (in place, with its ``Id``) → its detached ``ds:Signature`` element."""

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"


def q(ns: str, name: str) -> str:
    """Clark notation ``{ns}name``."""
    return f"{{{ns}}}{name}"


def new_envelope(version: Version) -> tuple[Element, Element]:
    """An empty ``soap:Envelope`` (prefixes of ``version`` declared once) and its Body."""
    envelope = etree.Element(q(SOAP_ENV, "Envelope"), nsmap=version.namespaces)
    return envelope, etree.SubElement(envelope, q(SOAP_ENV, "Body"))


def sub(parent: Element, ns: str, name: str, text: str | None = None,
        attrib: dict[str, str | None] | None = None) -> Element:
    """Append ``{ns}name`` with optional text and attributes (None-valued ones left out)."""
    element = etree.SubElement(parent, q(ns, name))
    if text is not None:
        element.text = text
    for key, value in (attrib or {}).items():
        if value is not None:
            element.set(key, value)
    return element


def sub_opt(parent: Element, ns: str, name: str, text: str | None) -> None:
    """Append ``{ns}name`` with ``text`` unless ``text`` is None (an optional element)."""
    if text is not None:
        sub(parent, ns, name, text)


def put_signature(parent: Element, ns: str, slot: str, target: Element,
                  signer: Signer | None, ready: Element | None, *, need_id: bool = True) -> None:
    """Sign ``target`` into a new ``{ns}slot`` under ``parent`` (or put a ready signature).

    Nothing is added when there is neither a signer nor a ready signature: every slot but
    GetStatus's is optional in the XSD, so that simplified test servers work unsigned.
    ``need_id`` is false for the personal signature, whose target is the business content:
    how that is referenced is the signer's business.
    """
    if signer is not None:
        if need_id and not target.get("Id"):
            raise ProtocolError(f"{etree.QName(target).localname} needs an Id to be signed")
        signature = signer(target)
    elif ready is not None:
        signature = copy.deepcopy(ready)
    else:
        return
    if not isinstance(signature, etree._Element) or signature.tag != q(XMLDSIG, "Signature"):
        raise ProtocolError(f"the signer returned {getattr(signature, 'tag', signature)!r}, "
                            f"not a {q(XMLDSIG, 'Signature')} element")
    sub(parent, ns, slot).append(signature)


def to_bytes(envelope: Element) -> bytes:
    """The envelope as UTF-8 bytes with an XML declaration (what goes on the wire)."""
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def elements(parent: Element) -> list[Element]:
    """Child elements, without comments and processing instructions."""
    return [child for child in parent if isinstance(child.tag, str)]


def local(element: Element) -> str:
    """Local name of an element."""
    return str(etree.QName(element).localname)


def namespace(element: Element) -> str | None:
    """Namespace URI of an element."""
    ns = etree.QName(element).namespace
    return None if ns is None else str(ns)


def open_envelope(data: bytes | Element) -> Element:
    """The single element in the Body of a SOAP 1.1 envelope (the operation, or soap:Fault).

    Bytes go through the hardened parser (:class:`contracts.xmlsafe.UnsafeXml` for a DTD, entities
    or malformed XML); anything not shaped like a SOAP 1.1 envelope is a :class:`ProtocolError`.
    """
    root = parse(data) if isinstance(data, bytes) else data
    if root.tag != q(SOAP_ENV, "Envelope"):
        if namespace(root) == SOAP12_ENV:
            raise ProtocolError("a SOAP 1.2 envelope: СМЭВ 3 speaks SOAP 1.1 "
                                f"({SOAP_ENV})")
        raise ProtocolError(f"not a SOAP 1.1 envelope: the root element is {root.tag}")
    parts = elements(root)
    if parts and parts[0].tag == q(SOAP_ENV, "Header"):
        parts = parts[1:]
    if len(parts) != 1 or parts[0].tag != q(SOAP_ENV, "Body"):
        raise ProtocolError("a SOAP envelope holds an optional Header and one Body, "
                            f"found {[p.tag for p in elements(root)]}")
    body = parts[0]
    content = elements(body)
    stray = (body.text or "").strip() or any((c.tail or "").strip() for c in body)
    if len(content) != 1 or stray:
        raise ProtocolError(f"the SOAP Body holds one element, found {len(content)}"
                            + (" and text" if stray else ""))
    return content[0]


def find(parent: Element, ns: str, name: str) -> Element | None:
    """The first child ``{ns}name``, or None."""
    found: Element | None = parent.find(q(ns, name))
    return found


def need(parent: Element, ns: str, name: str) -> Element:
    """The child ``{ns}name``; a :class:`ProtocolError` naming both ends when it is missing."""
    found = find(parent, ns, name)
    if found is None:
        raise ProtocolError(f"{local(parent)} has no {name} ({ns})")
    return found


def text(parent: Element, ns: str, name: str) -> str | None:
    """Stripped text of the child ``{ns}name``; None when the child is missing."""
    found = find(parent, ns, name)
    return None if found is None else (found.text or "").strip()


def need_text(parent: Element, ns: str, name: str) -> str:
    """Stripped text of the required child ``{ns}name``."""
    return (need(parent, ns, name).text or "").strip()


def content_of(wrapper: Element) -> Element:
    """The one element inside ``MessagePrimaryContent`` (or another single-element wrapper)."""
    inside = elements(wrapper)
    if len(inside) != 1:
        raise ProtocolError(f"{local(wrapper)} holds one element, found {len(inside)}")
    return inside[0]


def signature_in(parent: Element, ns: str, slot: str) -> Element | None:
    """The ``ds:Signature`` inside the slot ``{ns}slot`` of ``parent``, if there is one."""
    holder = find(parent, ns, slot)
    return None if holder is None else holder.find(q(XMLDSIG, "Signature"))
