"""Hardened XML parsing for everything that comes from outside.

No entity resolution (no XXE, no billion laughs), no DTD loading, no network access, no
huge trees. Every adapter parses external XML through :func:`parse`. It lives in contracts/
because the message types that map external XML use it too.
"""

from __future__ import annotations

from lxml import etree


class UnsafeXml(ValueError):
    """The document is not well-formed, or tries what a safe parser refuses (DTD entities)."""


def parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """A new hardened parser (lxml parsers are not thread-safe: one per use or per thread)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=remove_blank_text,
    )


def parse(data: bytes) -> etree._Element:
    """Parse external bytes into an element; :class:`UnsafeXml` with a clear reason if refused.

    A document that declares entities in a DTD is refused outright: СМЭВ and ФОМС formats
    have no DTDs, so one in the input is an attack or an error.
    """
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}") from exc
    doc = root.getroottree()
    if doc.docinfo.internalDTD is not None or doc.docinfo.doctype:
        raise UnsafeXml("XML with a DTD (DOCTYPE) is refused: entities are not allowed")
    return root
