"""A reader of the simple structure of an XSD, for the ``new-type`` scaffold.

It turns a global element into a tree of :class:`Node` (elements with their simple type's
facets or a nested :class:`Complex`), following imports and includes relative to each file,
named and anonymous types, ``xs:group`` and ``xs:attributeGroup`` references, element
references and ``xs:extension`` of complex and simple content. What it cannot represent —
``xs:any``, repeated or nested compositors, choices of sequences, restriction of complex
content, lists and unions, recursion — is recorded in ``Complex.unsupported`` so that the
generator writes a TODO instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from contracts.xmlsafe import parser

XS = "http://www.w3.org/2001/XMLSchema"
_DEFS = ("element", "complexType", "simpleType", "group", "attributeGroup")


class XsdError(ValueError):
    """The XSD cannot be read (missing file, unknown reference)."""


@dataclass
class Facets:
    """A simple type: its built-in base and the facets collected along its restrictions."""

    base: str = "string"
    patterns: list[str] = field(default_factory=list)
    enumeration: list[str] = field(default_factory=list)
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    bounds: dict[str, str] = field(default_factory=dict)
    """minInclusive, maxInclusive, minExclusive, maxExclusive as written."""
    unsupported: str = ""


@dataclass
class Attribute:
    """An attribute of a complex type."""

    name: str
    facets: Facets
    required: bool
    doc: str = ""


@dataclass
class Complex:
    """A complex type: attributes, child elements in order, or simple content."""

    name: str
    """The type's name, or the owning element's for an anonymous type."""
    attributes: list[Attribute] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    text: Facets | None = None
    required_choices: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


@dataclass
class Node:
    """An element: name, namespace, occurrence and its simple or complex type."""

    name: str
    namespace: str
    min_occurs: int
    max_occurs: int | None
    """None for unbounded."""
    simple: Facets | None = None
    complex: Complex | None = None
    choice: str | None = None
    doc: str = ""


@dataclass
class _Def:
    el: etree._Element
    tns: str
    qualified: bool


class Schema:
    """The global definitions of an XSD and every schema it imports or includes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.defs: dict[tuple[str, str, str], _Def] = {}
        self.root_elements: list[tuple[str, str]] = []
        self._choices = 0
        self._load(self.path.resolve(), set(), top=True)

    def _load(self, path: Path, seen: set[Path], *, top: bool, tns: str | None = None) -> None:
        if path in seen:
            return
        seen.add(path)
        if not path.is_file():
            raise XsdError(f"schema file {path} is not there")
        doc = etree.parse(str(path), parser()).getroot()
        ns = doc.get("targetNamespace", tns or "")
        qualified = doc.get("elementFormDefault") == "qualified"
        for child in doc:
            if not isinstance(child.tag, str):
                continue
            kind = etree.QName(child).localname
            if kind in ("import", "include") and child.get("schemaLocation"):
                self._load((path.parent / child.get("schemaLocation", "")).resolve(), seen,
                           top=False, tns=ns if kind == "include" else None)
            elif kind in _DEFS and child.get("name"):
                self.defs[(kind, ns, child.get("name", ""))] = _Def(child, ns, qualified)
                if top and kind == "element":
                    self.root_elements.append((ns, child.get("name", "")))

    def _ref(self, kind: str, el: etree._Element, qname: str) -> _Def:
        prefix, _, local = qname.rpartition(":")
        ns = el.nsmap.get(prefix or None, "")
        found = self.defs.get((kind, ns, local))
        if found is None:
            raise XsdError(f"{kind} {qname} ({ns}) is not defined in {self.path.name} "
                           "or the schemas it imports")
        return found

    def element(self, namespace: str, name: str) -> Node:
        """The tree of the global element ``name`` in ``namespace``."""
        found = self.defs.get(("element", namespace, name))
        if found is None:
            raise XsdError(f"no global element {name} in {namespace}")
        return self._node(found.el, found.tns, True, (), None)

    def _node(self, el: etree._Element, tns: str, qualified: bool, stack: tuple[str, ...],
              choice: str | None, min_occurs: int | None = None) -> Node:
        occurs_min = int(el.get("minOccurs", "1")) if min_occurs is None else min_occurs
        raw_max = el.get("maxOccurs", "1")
        occurs_max = None if raw_max == "unbounded" else int(raw_max)
        if el.get("ref"):
            target = self._ref("element", el, el.get("ref", ""))
            node = self._node(target.el, target.tns, True, stack, choice, occurs_min)
            node.max_occurs = occurs_max
            return node
        name = el.get("name", "")
        ns = tns if (el.get("form") == "qualified" or (qualified and el.get("form") is None)
                     or el.getparent() is el.getroottree().getroot()) else ""
        node = Node(name, ns, occurs_min, occurs_max, choice=choice, doc=_doc(el))
        type_name = el.get("type")
        inline_complex = el.find(f"{{{XS}}}complexType")
        inline_simple = el.find(f"{{{XS}}}simpleType")
        if type_name and _is_xs(el, type_name):
            node.simple = Facets(base=type_name.rpartition(":")[2])
        elif type_name:
            prefix, _, local = type_name.rpartition(":")
            ns_of_type = el.nsmap.get(prefix or None, "")
            if ("complexType", ns_of_type, local) in self.defs:
                node.complex = self._complex_named(el, type_name, stack)
            else:
                node.simple = self.facets(el, type_name)
        elif inline_complex is not None:
            node.complex = self._complex(inline_complex, name, tns, qualified, stack)
        elif inline_simple is not None:
            node.simple = self._simple(inline_simple)
        else:
            node.simple = Facets(base="anyType", unsupported="no type given (xs:anyType)")
        return node

    def _complex_named(self, el: etree._Element, qname: str, stack: tuple[str, ...]) -> Complex:
        target = self._ref("complexType", el, qname)
        name = target.el.get("name", "")
        if name in stack:
            return Complex(name, unsupported=[f"recursive type {name}"])
        return self._complex(target.el, name, target.tns, target.qualified, (*stack, name))

    def _complex(self, el: etree._Element, name: str, tns: str, qualified: bool,
                 stack: tuple[str, ...]) -> Complex:
        result = Complex(name)
        self._content(el, result, tns, qualified, stack, None)
        return result

    def _content(self, el: etree._Element, out: Complex, tns: str, qualified: bool,
                 stack: tuple[str, ...], choice: str | None) -> None:
        for child in el:
            if not isinstance(child.tag, str) or etree.QName(child).namespace != XS:
                continue
            kind = etree.QName(child).localname
            if kind in ("annotation",):
                continue
            repeated = child.get("maxOccurs", "1") != "1"
            if kind == "element":
                out.children.append(self._node(child, tns, qualified, stack, choice,
                                               0 if choice else None))
            elif kind in ("sequence", "all"):
                if repeated or (choice and len(child) > 1):
                    out.unsupported.append(f"a repeated or alternative xs:{kind} in {out.name}")
                    continue
                optional = child.get("minOccurs") == "0"
                before = len(out.children)
                self._content(child, out, tns, qualified, stack, choice)
                if optional:
                    for node in out.children[before:]:
                        node.min_occurs = 0
            elif kind == "choice":
                if repeated or choice:
                    out.unsupported.append(f"a repeated or nested xs:choice in {out.name}")
                    continue
                self._choices += 1
                group = f"choice{self._choices}"
                if child.get("minOccurs", "1") != "0":
                    out.required_choices.append(group)
                self._content(child, out, tns, qualified, stack, group)
            elif kind == "group":
                target = self._ref("group", child, child.get("ref", ""))
                self._content(target.el, out, target.tns, target.qualified, stack, choice)
            elif kind == "attribute":
                out.attributes.append(self._attribute(child))
            elif kind == "attributeGroup":
                target = self._ref("attributeGroup", child, child.get("ref", ""))
                self._content(target.el, out, target.tns, target.qualified, stack, choice)
            elif kind in ("complexContent", "simpleContent"):
                self._derived(child, out, tns, qualified, stack, kind)
            elif kind in ("any", "anyAttribute"):
                out.unsupported.append(f"xs:{kind} (open content) in {out.name}")

    def _derived(self, el: etree._Element, out: Complex, tns: str, qualified: bool,
                 stack: tuple[str, ...], kind: str) -> None:
        for how in el:
            if not isinstance(how.tag, str) or etree.QName(how).localname == "annotation":
                continue
            base = how.get("base", "")
            if kind == "simpleContent":
                if etree.QName(how).localname == "extension":
                    out.text = (Facets(base=base.rpartition(":")[2]) if _is_xs(how, base)
                                else self.facets(how, base))
                else:
                    out.unsupported.append(f"simple content restriction in {out.name}")
                self._content(how, out, tns, qualified, stack, None)
            elif etree.QName(how).localname == "extension":
                if not _is_xs(how, base):
                    parent = self._complex_named(how, base, stack)
                    out.attributes += parent.attributes
                    out.children += parent.children
                    out.required_choices += parent.required_choices
                    out.unsupported += parent.unsupported
                self._content(how, out, tns, qualified, stack, None)
            else:
                out.unsupported.append(f"complex content restriction in {out.name}")

    def _attribute(self, el: etree._Element) -> Attribute:
        if el.get("ref"):
            return Attribute(el.get("ref", "").rpartition(":")[2], Facets(
                unsupported="attribute reference"), el.get("use") == "required")
        type_name = el.get("type")
        inline = el.find(f"{{{XS}}}simpleType")
        if type_name:
            facets = self.facets(el, type_name)
        elif inline is not None:
            facets = self._simple(inline)
        else:
            facets = Facets()
        return Attribute(el.get("name", ""), facets, el.get("use") == "required", _doc(el))

    def facets(self, el: etree._Element, qname: str) -> Facets:
        """The facets of the simple type ``qname`` as referenced from ``el``."""
        if _is_xs(el, qname):
            return Facets(base=qname.rpartition(":")[2])
        return self._simple(self._ref("simpleType", el, qname).el)

    def _simple(self, el: etree._Element) -> Facets:
        restriction = el.find(f"{{{XS}}}restriction")
        if restriction is None:
            kind = "xs:list" if el.find(f"{{{XS}}}list") is not None else "xs:union"
            return Facets(unsupported=f"{kind} (mapped as plain text)")
        base = restriction.get("base")
        inline = restriction.find(f"{{{XS}}}simpleType")
        if base:
            facets = self.facets(restriction, base)
        elif inline is not None:
            facets = self._simple(inline)
        else:
            facets = Facets()
        patterns: list[str] = []
        enumeration: list[str] = []
        for facet in restriction:
            if not isinstance(facet.tag, str):
                continue
            kind, value = etree.QName(facet).localname, facet.get("value", "")
            if kind == "pattern":
                patterns.append(value)
            elif kind == "enumeration":
                enumeration.append(value)
            elif kind in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                facets.bounds[kind] = value
            elif kind == "length":
                facets.min_length = facets.max_length = int(value)
            elif kind in ("minLength", "maxLength", "totalDigits", "fractionDigits"):
                attr = {"minLength": "min_length", "maxLength": "max_length",
                        "totalDigits": "total_digits", "fractionDigits": "fraction_digits"}[kind]
                setattr(facets, attr, int(value))
        if enumeration:
            facets.enumeration = enumeration
        if patterns:
            facets.patterns = ["|".join(f"(?:{p})" for p in patterns)] if len(
                patterns) > 1 else patterns
        return facets


def _is_xs(el: etree._Element, qname: str) -> bool:
    prefix = qname.rpartition(":")[0]
    return bool(el.nsmap.get(prefix or None) == XS)


def _doc(el: etree._Element) -> str:
    texts = el.xpath("./xs:annotation/xs:documentation/text()", namespaces={"xs": XS})
    return " ".join(" ".join(str(t).split()) for t in texts)
