"""Example instances built from a JSON schema, for the catalogue of message types.

A message type may declare its own examples (``model_config = ConfigDict(json_schema_extra=
{"examples": [...]})``, or ``Field(examples=[...])`` on single fields): those are used as
they are. Elsewhere :func:`instance` builds one from the schema alone: a field's declared
example or default where it has one, else the smallest value its constraints allow (a
string matching its pattern, the minimum of a number, one item of a list). Optional fields
are filled too, so that the example shows the whole shape of the type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

Resolve = Callable[[str], Mapping[str, Any]]
"""A ``$ref`` → the schema it names."""

FORMATS: dict[str, str] = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T09:00:00Z",
    "time": "09:00:00",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.org",
    "uri": "https://example.org/",
}
"""An example value of each string format pydantic emits."""

_OMIT = object()
"""A value that cannot be built without endless recursion: the property is left out."""

_CATEGORIES = {
    sre.CATEGORY_DIGIT: "0", sre.CATEGORY_NOT_DIGIT: "a", sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: "a", sre.CATEGORY_WORD: "a", sre.CATEGORY_NOT_WORD: " ",
}


def matching(pattern: str) -> str | None:
    """A short string the regular expression obviously matches, or None.

    Walks the parsed expression: the first alternative of a branch, the least repetition
    (but an optional group once), the first character of a class. The result is checked
    against the pattern; an expression this walk does not understand (back-references,
    negated classes) gives None.
    """
    try:
        text = "".join(_emit(sre.parse(pattern)))
    except (re.error, ValueError, KeyError):
        return None
    return text if re.search(pattern, text) else None


def _emit(items: Any) -> list[str]:
    out: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op is sre.ANY:
            out.append("a")
        elif op is sre.IN:
            out.append(_first_of(arg))
        elif op is sre.CATEGORY:
            out.append(_CATEGORIES[arg])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = arg
            # An optional group is shown (it is usually the value: ``(\d{11})?``), an
            # optional sign or character is not.
            shown = low or (high == 1 and sub[0][0] is sre.SUBPATTERN)
            out.extend(_emit(sub) * max(low, int(shown)))
        elif op is sre.SUBPATTERN:
            out.extend(_emit(arg[-1]))
        elif op is sre.BRANCH:
            out.extend(_emit(arg[1][0]))
        elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            raise ValueError(f"unsupported regular expression element {op}")
    return out


def _first_of(members: Any) -> str:
    op, arg = members[0]
    if op is sre.NEGATE:
        raise ValueError("negated character class")
    if op is sre.LITERAL:
        return chr(arg)
    if op is sre.RANGE:
        return chr(arg[0])
    return _CATEGORIES[arg]


class Builder:
    """Builds example instances of schemas whose ``$ref``s ``resolve`` finds."""

    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve

    def instance(self, schema: Mapping[str, Any] | bool, *, full: bool = True) -> Any:
        """An instance of ``schema``; ``full``: optional properties too, else only required."""
        value = self._build(schema, (), full)
        return None if value is _OMIT else value

    def _build(self, schema: Mapping[str, Any] | bool, refs: tuple[str, ...],
               full: bool) -> Any:
        if isinstance(schema, bool):
            return None
        for key in ("const", "examples", "default", "enum"):
            if key in schema and not (key == "default" and full and _empty(schema[key])):
                value = schema[key]
                return value[0] if key in ("examples", "enum") and value else value
        if "$ref" in schema:
            ref = schema["$ref"]
            return _OMIT if ref in refs else self._build(self.resolve(ref), (*refs, ref), full)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in schema:
                alternatives = schema[key]
                chosen = next((a for a in alternatives if a.get("type") != "null"),
                              alternatives[0])
                return self._build(chosen, refs, full)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        build = _SCALARS.get(str(kind))
        if build is not None:
            return build(schema)
        if kind == "array":
            return self._array(schema, refs, full)
        if kind == "object" or "properties" in schema:
            return self._object(schema, refs, full)
        return None

    def _object(self, schema: Mapping[str, Any], refs: tuple[str, ...], full: bool) -> Any:
        required = set(schema.get("required", ()))
        out: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name not in required and not full:
                continue
            value = self._build(prop, refs, full)
            if value is _OMIT:
                if name in required:
                    return _OMIT
                continue
            out[name] = value
        return out

    def _array(self, schema: Mapping[str, Any], refs: tuple[str, ...], full: bool) -> Any:
        low = int(schema.get("minItems", 0))
        count = max(low, 1 if schema.get("maxItems", 1) else 0)
        if not count:
            return []
        item = self._build(schema.get("items", {}), refs, full)
        if item is _OMIT:
            return _OMIT if low else []
        return [item] * count


def _empty(value: Any) -> bool:
    """A default that shows nothing of the shape (a full example builds a value instead)."""
    return value is None or value in ("", [], {})


def _string(schema: Mapping[str, Any]) -> str:
    if "pattern" in schema:
        found = matching(schema["pattern"])
        if found is not None:
            return found
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
    text = "string".ljust(low, "s")
    return text[:high] if high is not None else text


def _number(schema: Mapping[str, Any]) -> float:
    if "minimum" in schema:
        return float(schema["minimum"])
    if "exclusiveMinimum" in schema:
        return float(schema["exclusiveMinimum"]) + 1
    for key, step in (("maximum", 0), ("exclusiveMaximum", 1)):
        if key in schema and schema[key] - step < 1:
            return float(schema[key]) - step
    return 1.0


_SCALARS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "string": _string,
    "integer": lambda s: int(_number(s)),
    "number": _number,
    "boolean": lambda s: False,
    "null": lambda s: None,
}


Errors = Callable[[dict[str, Any]], list[tuple[tuple[Any, ...], str]]]
"""An instance → its validation errors as (location, message); empty when valid."""


def fit(instance: dict[str, Any], errors: Errors, rounds: int = 200) -> dict[str, Any] | None:
    """``instance`` changed until ``errors`` finds nothing wrong with it, or None.

    A schema cannot say everything a model checks: of alternatives (an XSD choice) only one
    may be set, a counter must match a list. Where a model refuses a built example, each
    field of the object it complains about is tried without (last first, so that the first
    of alternatives stays) and, for a number, as zero: a change is kept when it changes
    the complaints, adds none and draws none about the changed field itself. Rounds are
    bounded; what still fails gives None.
    """
    current = errors(instance)
    for _ in range(rounds):
        if not current:
            return instance
        where = current[0][0]
        node = _at(instance, where)
        if not isinstance(node, dict) or not _improve(node, where, instance, errors, current):
            return None
        current = errors(instance)
    return None


def _improve(node: dict[str, Any], where: tuple[Any, ...], instance: dict[str, Any],
             errors: Errors, current: list[tuple[tuple[Any, ...], str]]) -> bool:
    """Make one change to ``node`` that :func:`fit` keeps; whether one was found."""
    for key in reversed(list(node)):
        value = node[key]
        changes: list[Any] = [_DROP]
        if isinstance(value, int) and not isinstance(value, bool) and value:
            changes.insert(0, 0)
        for change in changes:
            if change is _DROP:
                del node[key]
            else:
                node[key] = change
            after = errors(instance)
            about_key = any(loc[:len(where) + 1] == (*where, key) for loc, _ in after)
            if len(after) <= len(current) and after != current and not about_key:
                return True
            node[key] = value
    return False


_DROP = object()


def _at(instance: Any, loc: tuple[Any, ...]) -> Any:
    """The part of ``instance`` at a validation error's location (None if not there)."""
    node = instance
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node
