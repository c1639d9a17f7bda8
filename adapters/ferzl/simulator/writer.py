"""Writing the simulator's answers in the release's schema order, valid by construction.

An answer is given as a tree of values keyed by element name (``{"pd": {"oip": …,
"policy": {"policyItems": [{…}]}}}``), named as 24.2.6 names them; the writer asks the
release's schema (:mod:`adapters.ferzl.shapes`) for the order and the namespaces, drops what
the release does not declare (an older release lacks ``mCapitation``), and fills each
*required* element the tree does not give with the simplest value its type allows (the first
enumeration, a value of its pattern, a date…): a release that adds a mandatory element needs
no code. A required choice gets its first alternative. ФЕРЗЛ's schemas use a small part of
XSD (no attributes, groups or references), and only that is read.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

from adapters.ferzl.releases import COMMON, Release
from adapters.ferzl.shapes import XS, Child, Shapes, shapes_of
from contracts.xmlsafe import parse

XOP = "http://www.w3.org/2004/08/xop/include"
FILLER_DATE = "2024-01-01"
CANDIDATES = ("1", "0", "00000", "000000000000", "0000000000000000", "00000000000",
              "С", "П", "Иванов", "00000000-0000-4000-8000-000000000000", "0" * 12)
"""Texts tried, in order, for a required string with a pattern the tree does not give."""


@dataclass(frozen=True)
class Include:
    """An MTOM reference in place of a base64 value (``content``): ``xop:Include``."""

    content_id: str


def _xs(name: str) -> str:
    return f"{{{XS}}}{name}"


class AnswerWriter:
    """Writes answer elements of one release."""

    def __init__(self, release: Release) -> None:
        self.release = release
        self.shapes: Shapes = shapes_of(release)
        self._simple: dict[tuple[str, str], etree._Element] = {}
        for path in sorted((release.folder / "xsd").glob("*.xsd")):
            self._index(parse(path.read_bytes()))

    def _index(self, schema: etree._Element) -> None:
        target = schema.get("targetNamespace") or ""
        for node in schema.iterfind(_xs("simpleType")):
            self._simple[(target, node.get("name") or "")] = node

    def write(self, namespace: str, name: str, values: Mapping[str, Any]) -> etree._Element:
        """The global element ``{namespace}name`` filled from ``values``."""
        declaration = self.shapes.element(namespace, name)
        root = etree.Element(f"{{{namespace}}}{name}", nsmap={
            "tns": namespace, "com": self.release.namespace(COMMON)})
        self._fill(root, declaration, values)
        return root

    def _fill(self, parent: etree._Element, declaration: etree._Element,
              values: Mapping[str, Any]) -> None:
        children = self.shapes.children(declaration)
        chosen = _choices_given(children, values)
        for child in children:
            name = child.name.strip()  # a published schema writes "decisionDate "
            value = values.get(name)
            if value is None or (isinstance(value, list) and not value):
                if not self._required(child, chosen):
                    continue
                value = {} if self.shapes.complex_type(child.declaration) is not None \
                    else self.filler(child.declaration)
            items: Sequence[Any] = value if isinstance(value, list) else [value]
            for item in items:
                element = etree.SubElement(parent, f"{{{child.namespace}}}{name}")
                if isinstance(item, Mapping):
                    self._fill(element, child.declaration, item)
                elif isinstance(item, Include):
                    etree.SubElement(element, f"{{{XOP}}}Include", nsmap={"xop": XOP},
                                     href=f"cid:{item.content_id}")
                else:
                    element.text = text(item)

    @staticmethod
    def _required(child: Child, chosen: set[int]) -> bool:
        parent = child.declaration.getparent()
        if parent is not None and parent.tag == _xs("choice"):
            if id(parent) in chosen or parent.get("minOccurs") == "0":
                return False
            first = next(c for c in parent if c.tag == _xs("element"))
            chosen.add(id(parent))
            return first is child.declaration
        return child.min_occurs > 0

    def filler(self, declaration: etree._Element) -> str:
        """The simplest text an element's simple type allows."""
        facets: dict[str, list[str]] = {}
        base = self._base(declaration, facets)
        if facets.get("enumeration"):
            return facets["enumeration"][0]
        if facets.get("pattern"):
            for candidate in CANDIDATES:
                if all(re.fullmatch(p, candidate) for p in facets["pattern"]):
                    return candidate
        if base in ("date",):
            return FILLER_DATE
        if base == "dateTime":
            return f"{FILLER_DATE}T00:00:00"
        if base == "boolean":
            return "false"
        if base in ("int", "integer", "long", "short", "decimal", "positiveInteger",
                    "nonNegativeInteger"):
            return (facets.get("minInclusive") or ["1"])[0]
        if base == "base64Binary":
            return ""
        return "0" * int((facets.get("minLength") or facets.get("length") or ["1"])[0])

    def _base(self, node: etree._Element, facets: dict[str, list[str]]) -> str:
        """The built-in base of an element's or a simple type's type, facets collected."""
        inline = node.find(_xs("simpleType"))
        named = node.get("type") or node.get("base")
        if inline is not None:
            return self._simple_base(inline, facets)
        if named is None:
            return "string"
        prefix, _, local = named.rpartition(":")
        namespace = node.nsmap.get(prefix or None) or ""
        if namespace == XS:
            return str(local)
        found = self._simple.get((namespace, local))
        return self._simple_base(found, facets) if found is not None else "string"

    def _simple_base(self, simple: etree._Element, facets: dict[str, list[str]]) -> str:
        restriction = simple.find(_xs("restriction"))
        if restriction is None:
            return "string"  # a list or a union: a single token fits
        for facet in restriction:
            if isinstance(facet.tag, str) and facet.tag != _xs("simpleType"):
                facets.setdefault(etree.QName(facet).localname, []).append(
                    facet.get("value") or "")
        return self._base(restriction, facets)


def _choices_given(children: list[Child], values: Mapping[str, Any]) -> set[int]:
    """The choices (by their node's id) one of whose alternatives the tree gives."""
    given = set()
    for child in children:
        parent = child.declaration.getparent()
        if parent is not None and parent.tag == _xs("choice") \
                and values.get(child.name.strip()) not in (None, []):
            given.add(id(parent))
    return given


def text(value: Any) -> str:
    """A value as the schema writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
