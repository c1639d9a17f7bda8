"""The shape of a release's messages, read from its XSDs: which child elements, in which order.

The request builders write what a caller gives in the order and the namespaces the release's
schema declares, so that a release that adds, drops or moves an element needs no code: the
builder asks the shape. ФЕРЗЛ's schemas use a small part of XSD (elements, named and
anonymous complex types, sequences, a few choices, extensions of a base type, simple types
with restrictions and lists; no attributes, groups or references), and only that is read.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from adapters.ferzl.releases import Release
from contracts.xmlsafe import parse

XS = "http://www.w3.org/2001/XMLSchema"


def _xs(name: str) -> str:
    return f"{{{XS}}}{name}"


@dataclass(frozen=True)
class Child:
    """One child element a complex type allows, in its schema's order."""

    name: str
    namespace: str
    min_occurs: int
    max_occurs: int | None
    """None: unbounded."""
    declaration: etree._Element
    """The ``xs:element`` declaring it (its type is resolved through the release)."""

    @property
    def tag(self) -> str:
        """The qualified tag (every ФЕРЗЛ schema qualifies its local elements)."""
        return f"{{{self.namespace}}}{self.name}"

    @property
    def repeated(self) -> bool:
        """True when the element may occur more than once."""
        return self.max_occurs is None or self.max_occurs > 1


class Shapes:
    """The global elements and types of one release's XSDs, with each type's children."""

    def __init__(self, xsd_files: list[Path]) -> None:
        self.elements: dict[tuple[str, str], etree._Element] = {}
        self.complex_types: dict[tuple[str, str], etree._Element] = {}
        self._children: dict[int, list[Child]] = {}
        self._lock = threading.Lock()
        for path in xsd_files:
            root = parse(path.read_bytes())
            target = root.get("targetNamespace") or ""
            for node in root:
                if node.tag == _xs("element"):
                    self.elements[(target, node.get("name") or "")] = node
                elif node.tag == _xs("complexType"):
                    self.complex_types[(target, node.get("name") or "")] = node

    def element(self, namespace: str, name: str) -> etree._Element:
        """The global element declaration ``{namespace}name``; LookupError if there is none."""
        try:
            return self.elements[(namespace, name)]
        except KeyError:
            raise LookupError(f"в схеме {namespace} нет элемента {name}") from None

    def complex_type(self, declaration: etree._Element) -> etree._Element | None:
        """The complex type of an element declaration, None when its content is simple."""
        inline = declaration.find(_xs("complexType"))
        if inline is not None:
            return inline
        named = declaration.get("type")
        if named is None:
            return None
        return self.complex_types.get(_resolve(declaration, named))

    def children(self, declaration: etree._Element) -> list[Child]:
        """The children an element declaration allows, in order (a choice's are optional)."""
        key = id(declaration)
        with self._lock:
            cached = self._children.get(key)
        if cached is not None:
            return cached
        complex_type = self.complex_type(declaration)
        found = [] if complex_type is None else self._type_children(complex_type)
        with self._lock:
            self._children[key] = found
        return found

    def _type_children(self, complex_type: etree._Element) -> list[Child]:
        found: list[Child] = []
        for content in complex_type:
            if content.tag == _xs("complexContent"):
                for derivation in content:
                    if derivation.tag == _xs("extension"):
                        base = self.complex_types.get(
                            _resolve(derivation, derivation.get("base") or ""))
                        if base is not None:
                            found.extend(self._type_children(base))
                        found.extend(self._particles(derivation, optional=False))
            elif content.tag in (_xs("sequence"), _xs("choice"), _xs("all")):
                found.extend(self._particles(complex_type, optional=False))
                break
        return found

    def _particles(self, parent: etree._Element, *, optional: bool) -> list[Child]:
        found: list[Child] = []
        for node in parent:
            if node.tag in (_xs("sequence"), _xs("all")):
                found.extend(self._particles(node, optional=optional
                                             or node.get("minOccurs") == "0"))
            elif node.tag == _xs("choice"):
                found.extend(self._particles(node, optional=True))
            elif node.tag == _xs("element"):
                maximum = node.get("maxOccurs", "1")
                found.append(Child(
                    name=node.get("name") or "",
                    namespace=_target(node),
                    min_occurs=0 if optional else int(node.get("minOccurs", "1")),
                    max_occurs=None if maximum == "unbounded" else int(maximum),
                    declaration=node,
                ))
        return found


def _target(node: etree._Element) -> str:
    return node.getroottree().getroot().get("targetNamespace") or ""


def _resolve(node: etree._Element, qname: str) -> tuple[str, str]:
    """A ``prefix:name`` in a schema document as ``(namespace, name)``."""
    prefix, _, local = qname.rpartition(":")
    return (node.nsmap.get(prefix or None) or "", local)


@functools.lru_cache(maxsize=16)
def _shapes_in(folder: Path) -> Shapes:
    return Shapes(sorted((folder / "xsd").glob("*.xsd")))


def shapes_of(release: Release) -> Shapes:
    """The shapes of a release's schemas, read once per release folder."""
    return _shapes_in(release.folder)
