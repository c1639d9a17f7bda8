"""Python source of bound models from an XSD tree, for the ``new-type`` scaffold.

Each complex type becomes an :class:`~contracts.xmlbind.binding.XmlModel` subclass, each
attribute and child element a field with its type and facets (lengths, anchored patterns,
code lists as ``Literal``). ``xs:choice`` becomes a choice group; a choice between a value
and a ``Пр…`` flag element becomes an ``absent=`` flag. Names are transliterated from the
XML names (the XML name stays in the field's metadata, so renaming a field is safe). What the
tree reader could not represent is written as ``# TODO(scaffold)`` in the class.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from adapters.smev3.xsdtree import Complex, Facets, Node
from contracts.xmlbind.binding import XmlModel

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True))
_TEXT_BASES = {"string", "normalizedString", "token", "Name", "NCName", "ID", "IDREF",
               "anyURI", "language", "NMTOKEN", "base64Binary", "hexBinary", "QName",
               "gMonth", "gDay", "gMonthDay", "duration", "anyType", "anySimpleType"}
_INT_BASES = {"integer", "int", "long", "short", "byte", "nonNegativeInteger",
              "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong",
              "unsignedInt", "unsignedShort", "unsignedByte"}
_SCALARS = {"date": ("date", "2024-01-15"), "dateTime": ("datetime", "2024-01-15T10:30:00"),
            "time": ("time", "10:30:00"), "decimal": ("Decimal", "100.50"),
            "float": ("float", "1.5"), "double": ("float", "1.5"), "boolean": ("bool", "true"),
            "gYear": ("str", "2024"), "gYearMonth": ("str", "2024-01")}
_XSD_ONLY_REGEX = re.compile(r"\\[ic]|\\[pP]\{Is|-\[")
_PERSONAL = ("фамилия", "имя", "отчество", "датарожд", "снилс", "серномдок", "familyname",
             "firstname", "lastname", "middlename", "patronymic", "birthdate", "snils",
             "unitedpolicynumber", "енп")
_RESERVED = set(dir(XmlModel)) | {"date", "time", "datetime", "Decimal", "Annotated",
                                  "Literal", "Field", "StringConstraints", "ClassVar"}


def identifier(xml_name: str, *, camel: bool) -> str:
    """A Python name for an XML name: Cyrillic transliterated, CamelCase or snake_case."""
    latin = "".join(_CYRILLIC.get(c.lower(), c).capitalize() if c.isupper() and c.lower()
                    in _CYRILLIC else _CYRILLIC.get(c, c) for c in xml_name)
    latin = re.sub(r"[^0-9A-Za-z_]+", "_", latin).strip("_") or "x"
    if camel:
        name = "".join(p[:1].upper() + p[1:] for p in latin.split("_"))
    else:
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", latin).lower()
        name = re.sub(r"_+", "_", name)
    if name[0].isdigit() or keyword.iskeyword(name) or name in _RESERVED or name.startswith(
            "model_"):
        name = f"x_{name}" if not camel else f"X{name}"
    return name


def is_personal(xml_name: str) -> bool:
    """Heuristic: the XML name is a person's name, birth date, SNILS, document or policy."""
    lowered = xml_name.lower()
    return any(word == lowered or (len(word) > 3 and word in lowered) for word in _PERSONAL)


def _is_flag(node: Node) -> bool:
    return (node.simple is not None and node.simple.enumeration == ["1"]
            and node.name.startswith("Пр"))


def sample_text(regex: str) -> str | None:
    """A string matching the pattern ``regex`` (simple patterns only), or None."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(regex)
    except Exception:  # noqa: BLE001 - any pattern Python cannot read gets no sample
        return None
    text = _emit(tree, minimal=True)
    if text is None or text == "":
        text = _emit(tree, minimal=False)
    return text if text is not None and re.fullmatch(regex, text) else None


def _emit(items: Any, *, minimal: bool) -> str | None:
    from re import _constants as c  # type: ignore[attr-defined]

    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op in (c.NOT_LITERAL, c.ANY):
            out.append("x" if op is c.ANY or chr(av) != "x" else "y")
        elif op is c.IN:
            out.append(_first_of(av))
        elif op is c.CATEGORY:
            out.append(_category(av))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _high, sub = av
            part = _emit(sub, minimal=minimal)
            if part is None:
                return None
            out.append(part * (low if minimal or low > 0 else 1))
        elif op is c.SUBPATTERN:
            part = _emit(av[-1], minimal=minimal)
            if part is None:
                return None
            out.append(part)
        elif op is c.BRANCH:
            part = _emit(av[1][0], minimal=minimal)
            if part is None:
                return None
            out.append(part)
        elif op is not c.AT:
            return None
    return "".join(out)


def _first_of(members: Any) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    op, av = members[0]
    if op is c.NEGATE:
        return "x"
    if op is c.LITERAL:
        return chr(av)
    if op is c.RANGE:
        return chr(av[0])
    return _category(av) if op is c.CATEGORY else "x"


def _category(av: Any) -> str:
    name = str(av)
    return "0" if name.endswith("_DIGIT") else " " if name.endswith("_SPACE") else "a"


@dataclass
class _Class:
    name: str
    lines: list[str]


@dataclass
class ModelWriter:
    """Writes the model classes of one or more root elements into one module."""

    classes: list[_Class] = field(default_factory=list)
    _by_signature: dict[str, str] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)
    todos: list[str] = field(default_factory=list)

    def root(self, node: Node, class_name: str, message: str, doc: str) -> dict[str, Any]:
        """Write the root model of ``node``; returns a sample payload for it."""
        assert node.complex is not None, f"root element {node.name} has no complex type"
        self._write(node.complex, class_name, node.namespace,
                    root=(node.name, message, doc or node.doc))
        return self.sample(node.complex)

    def _class_for(self, complex_: Complex) -> str:
        signature = repr(complex_)
        known = self._by_signature.get(signature)
        if known is not None:
            return known
        base = identifier(complex_.name, camel=True)
        name, n = base, 2
        while name in self._names:
            name, n = f"{base}{n}", n + 1
        self._by_signature[signature] = name
        self._names.add(name)
        namespaces = [c.namespace for c in complex_.children]
        namespace = max(set(namespaces), key=namespaces.count) if namespaces else ""
        self._write(complex_, name, namespace, root=None)
        return name

    def _write(self, complex_: Complex, name: str, namespace: str,
               root: tuple[str, str, str] | None) -> None:
        self._names.add(name)
        lines: list[str] = []
        flags = self._flags(complex_)
        fields: list[str] = []
        personal: list[str] = []
        used: set[str] = set()
        for attribute in complex_.attributes:
            py = self._unique(identifier(attribute.name, camel=False), used)
            type_, notes = self._simple_type(attribute.facets)
            lines += [f"    # TODO(scaffold): {n}" for n in notes]
            optional = not attribute.required
            fields.append(self._field(py, type_, f'Attr("{attribute.name}")', optional, False,
                                      is_personal(attribute.name), attribute.doc))
            if is_personal(attribute.name):
                personal.append(py)
        for child in complex_.children:
            if child.name in flags.values() and _is_flag(child):
                continue
            py = self._unique(identifier(child.name, camel=False), used)
            notes = []
            if child.complex is not None:
                type_ = self._class_for(child.complex)
            else:
                type_, notes = self._simple_type(child.simple or Facets())
            lines += [f"    # TODO(scaffold): {n}" for n in notes]
            extra = [] if child.namespace == namespace else [f'ns="{child.namespace}"']
            if child.name in flags:
                extra.append(f'absent="{flags[child.name]}"')
            elif child.choice:
                extra.append(f'choice="{child.choice}"')
            elem = ", ".join([f'"{child.name}"', *extra])
            many = child.max_occurs is None or child.max_occurs > 1
            optional = child.min_occurs == 0 or child.choice is not None
            pers = child.simple is not None and is_personal(child.name)
            fields.append(self._field(py, type_, f"Elem({elem})", optional, many, pers,
                                      child.doc, child.min_occurs))
            if pers:
                personal.append(py)
        required_choices = [c for c in complex_.required_choices
                            if c not in {ch.choice for ch in complex_.children
                                         if ch.name in flags}]
        head: list[str] = []
        if root is not None:
            person = ", ".join(f'"{p}"' for p in personal)
            person_arg = f", person_fields=({person},)" if personal else ""
            head.append(f'@message_type("{root[1]}", 1{person_arg})')
        head.append(f"class {name}(XmlModel):")
        doc = (root[2] if root else "") or f"{complex_.name} (generated from the XSD)."
        head.append(f'    """{_docstring(doc)}"""')
        head.append("")
        head.append(f'    xml_namespace: ClassVar[str] = "{namespace}"')
        if root is not None:
            head.append(f'    xml_root: ClassVar[str] = "{root[0]}"')
        if required_choices:
            groups = ", ".join(f'"{g}"' for g in required_choices)
            head.append(f"    xml_required_choices: ClassVar[frozenset[str]] = frozenset({{"
                        f"{groups}}})")
        head += [f"    # TODO(scaffold): {n}" for n in complex_.unsupported]
        self.todos += complex_.unsupported
        head.append("")
        self.classes.append(_Class(name, head + lines + (fields or ["    pass"])))

    @staticmethod
    def _flags(complex_: Complex) -> dict[str, str]:
        """Value element → its "no data" flag element, for choices of values and a flag."""
        out: dict[str, str] = {}
        groups: dict[str, list[Node]] = {}
        for child in complex_.children:
            if child.choice:
                groups.setdefault(child.choice, []).append(child)
        for members in groups.values():
            flag = [m for m in members if _is_flag(m)]
            if len(flag) == 1 and len(members) > 1:
                out.update({m.name: flag[0].name for m in members if m is not flag[0]})
        return out

    @staticmethod
    def _unique(name: str, used: set[str]) -> str:
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}_{n}", n + 1
        used.add(candidate)
        return candidate

    @staticmethod
    def _field(py: str, type_: str, where: str, optional: bool, many: bool, personal: bool,
               doc: str, min_occurs: int = 1) -> str:
        extra = "json_schema_extra=PERSONAL" if personal else ""
        if many:
            annotation = f"list[{type_}]"
            if min_occurs > 0 and not optional:
                annotation += f", Field(min_length={min_occurs})"
                default = ""
            else:
                default = " = []"
        elif optional:
            annotation = f"{type_} | None"
            default = f" = Field(default=None, {extra})" if extra else " = None"
        else:
            annotation = type_
            default = f" = Field({extra})" if extra else ""
        line = f"    {py}: Annotated[{annotation}, {where}]{default}"
        comment = f'    """{_docstring(doc)}"""' if doc else ""
        return line + ("\n" + comment if comment else "")

    @staticmethod
    def _simple_type(facets: Facets) -> tuple[str, list[str]]:
        notes = [facets.unsupported] if facets.unsupported else []
        if facets.enumeration:
            return "Literal[" + ", ".join(repr(v) for v in facets.enumeration) + "]", notes
        python, _ = _SCALARS.get(facets.base, ("str", ""))
        if facets.base in _INT_BASES:
            python = "int"
        if python != "str":
            if facets.base in ("gYear", "gYearMonth"):
                regex = r"-?\d{4,}" if facets.base == "gYear" else r"-?\d{4,}-\d{2}"
                return f'Annotated[str, StringConstraints(pattern=r"^(?:{regex})$")]', notes
            limits = {"minInclusive": "ge", "maxInclusive": "le", "minExclusive": "gt",
                      "maxExclusive": "lt"}
            args = [f"{limits[k]}={v if python == 'int' else repr(v)}"
                    for k, v in facets.bounds.items() if python in ("int", "Decimal", "float")]
            if python == "Decimal" and args:
                args = [a.replace("=", "=Decimal(", 1) + ")" for a in args]
            return (f"Annotated[{python}, Field({', '.join(args)})]" if args else python), notes
        if facets.base not in _TEXT_BASES:
            notes.append(f"xs:{facets.base} is mapped as text")
        args = []
        if facets.min_length is not None:
            args.append(f"min_length={facets.min_length}")
        if facets.max_length is not None:
            args.append(f"max_length={facets.max_length}")
        for regex in facets.patterns:
            if _XSD_ONLY_REGEX.search(regex):
                notes.append(f"pattern {regex!r} uses XSD-only regex syntax: not enforced")
            else:
                args.append(f'pattern=r"^(?:{regex})$"')
        return (f"Annotated[str, StringConstraints({', '.join(args)})]" if args else "str"), notes

    def sample(self, complex_: Complex, depth: int = 0) -> dict[str, Any]:
        """A payload for the model of ``complex_``: every field filled, first alternatives."""
        data: dict[str, Any] = {}
        used: set[str] = set()
        flags = self._flags(complex_)
        chosen: set[str] = set()
        for attribute in complex_.attributes:
            data[self._unique(identifier(attribute.name, camel=False), used)] = _sample_value(
                attribute.facets)
        for child in complex_.children:
            if child.name in flags.values() and _is_flag(child):
                continue
            py = self._unique(identifier(child.name, camel=False), used)
            group = flags.get(child.name) or child.choice
            if group is not None:
                if group in chosen:
                    continue
                chosen.add(group)
            if child.complex is not None:
                if depth > 12:
                    continue
                value: Any = self.sample(child.complex, depth + 1)
            else:
                value = _sample_value(child.simple or Facets())
            many = child.max_occurs is None or child.max_occurs > 1
            data[py] = [value] if many else value
        return data

    def source(self) -> str:
        """The classes, dependencies first."""
        return "\n\n\n".join("\n".join(c.lines) for c in self.classes)


def _sample_value(facets: Facets) -> Any:
    if facets.enumeration:
        return facets.enumeration[0]
    if facets.base in _INT_BASES:
        bound = facets.bounds.get("minInclusive")
        return max(1, int(bound)) if bound is not None and bound.lstrip("-").isdigit() else 1
    if facets.base in _SCALARS:
        return _SCALARS[facets.base][1]
    text = "Образец"
    for regex in facets.patterns:
        text = sample_text(regex) or text
    low, high = facets.min_length or 1, facets.max_length
    if len(text) < low:
        text = (text * low)[:low] if not facets.patterns else text
    if high is not None and len(text) > high:
        text = text[:high]
    return text


def _docstring(text: str) -> str:
    text = " ".join(text.replace('"""', "'''").replace("\\", "\\\\").split())
    return text if len(text) <= 88 else text[:85].rsplit(" ", 1)[0] + "…"
