"""A single request composed by hand (SMEV-6): an example to start from, and the checks.

A request typed in the console or posted to the API is sent only when it passes, in order:
JSON syntax, the canonical model of its information type (pydantic), the mapping to XML,
and the type's official XSD (read from the operator's schema directory). Every problem
comes back as a :class:`Problem` naming where it is: a field path (``records.0.number``)
or a line of the XML the request maps to, which is returned alongside to read it against.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from lxml import etree
from pydantic import BaseModel, ValidationError

from adapters.smev3.types import InformationType
from contracts.schemas import SchemaNotFound, SchemaStore
from contracts.xmlsafe import parse

Stage = Literal["json", "model", "mapping", "schema"]
MAX_DEPTH = 12


@dataclass(frozen=True)
class Problem:
    """One reason a request is refused: the check, where, and what."""

    stage: Stage
    location: str
    message: str

    def as_json(self) -> dict[str, str]:
        """The problem for the API."""
        return {"stage": self.stage, "location": self.location, "message": self.message}

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class Refused(ValueError):
    """The request fails a check; ``xml`` is what it maps to, when it got that far."""

    def __init__(self, problems: list[Problem], xml: str = "") -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.xml = xml
        self.stage: Stage = problems[0].stage if problems else "model"


@dataclass(frozen=True)
class Checked:
    """A request that passed every check: the canonical model and its XML."""

    model: BaseModel
    xml: str


def parse_payload(text: str) -> dict[str, Any]:
    """The JSON object typed in the form; :class:`Refused` otherwise."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise Refused([Problem("json", "", f"не JSON: {exc}")]) from None
    if not isinstance(value, dict):
        raise Refused([Problem("json", "", "нужен JSON-объект ({…}) с полями запроса")])
    return value


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(запрос)"


def check(info: InformationType, payload: Mapping[str, Any],
          schemas: SchemaStore | None) -> Checked:
    """Validate a request payload of ``info`` all the way to its XSD; :class:`Refused` if not."""
    try:
        model = info.request_model.model_validate(dict(payload))
    except ValidationError as exc:
        raise Refused([Problem("model", _location(e["loc"]), e["msg"])
                       for e in exc.errors(include_url=False)]) from None
    try:
        element = info.request_to_xml(model)
    except ValueError as exc:
        # A MappingError, or lxml refusing what XML cannot hold (a control character, say).
        raise Refused([Problem("mapping", "", str(exc))]) from None
    # Re-read the indented text so that the schema's line numbers point into what is shown.
    text = pretty(element)
    if schemas is None:
        raise Refused([Problem("schema", "", "каталог официальных схем не настроен "
                               "(schemas_dir, OMSHUB_SCHEMAS_DIR; установка: omshub schemas "
                               "import): запрос не проверить по XSD")],
                      text)
    try:
        errors = schemas.validate(info.request_schema, parse(text.encode("utf-8")))
    except (SchemaNotFound, etree.XMLSchemaParseError) as exc:
        raise Refused([Problem("schema", info.request_schema, str(exc))], text) from None
    if errors:
        raise Refused([_schema_problem(e) for e in errors], text)
    return Checked(model, text)


def _schema_problem(error: str) -> Problem:
    where, _, what = error.partition(": ")
    return Problem("schema", where, what or error)


def pretty(element: etree._Element) -> str:
    """An element as indented XML text."""
    copy = parse(etree.tostring(element, encoding="utf-8"))
    etree.indent(copy, space="  ")
    return str(etree.tostring(copy, encoding="unicode"))


# -- an example to start from ----------------------------------------------------------------


def example(info: InformationType) -> dict[str, Any]:
    """A payload to prefill the form: the type's own sample, else one built from its schema.

    From the JSON schema come a skeleton of the required fields and a version with every
    field. Where the model refuses the skeleton as a whole (an ``xs:choice`` that needs one
    of several optional fields), optional fields of the full version are added one at a
    time where the error points, keeping each that clears it. Whatever still fails is left
    for the operator to fill in.
    """
    try:
        sample = info.sample_request()
    except Exception:  # noqa: BLE001 - a broken sample must not break the form
        sample = None
    if sample is not None:
        return dict(sample.model_dump(mode="json", exclude_none=True))
    try:
        schema = info.request_model.model_json_schema()
    except Exception:  # noqa: BLE001 - a model without a JSON schema: start from nothing
        return {}
    defs = schema.get("$defs", {})
    skeleton, full = _value(schema, defs, False, 0), _value(schema, defs, True, 0)
    return _repair(info.request_model, skeleton, full)


def _errors(model: type[BaseModel], payload: Any) -> set[tuple[tuple[int | str, ...], str]]:
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        return {(tuple(e["loc"]), e["msg"]) for e in exc.errors(include_url=False)}
    return set()


def _at(value: Any, loc: tuple[int | str, ...]) -> Any:
    for part in loc:
        inside = (part in value if isinstance(value, dict) else
                  isinstance(value, list) and isinstance(part, int) and part < len(value))
        if not inside:
            return None
        value = value[part]
    return value


def _repair(model: type[BaseModel], skeleton: dict[str, Any], full: dict[str, Any],
            rounds: int = 20) -> dict[str, Any]:
    current = copy.deepcopy(skeleton)
    for _ in range(rounds):
        errors = _errors(model, current)
        progressed = False
        for loc, msg in sorted(errors, key=str):
            target, source = _at(current, loc), _at(full, loc)
            if not (isinstance(target, dict) and isinstance(source, dict)):
                continue
            for name in [n for n in source if n not in target]:
                target[name] = copy.deepcopy(source[name])
                # Kept only if it clears this error and brings no other: a nested error
                # would hide this one without fixing it.
                if _errors(model, current) <= errors - {(loc, msg)}:
                    progressed = True
                    break
                del target[name]
        if not errors or not progressed:
            break
    return current


def _value(schema: Mapping[str, Any], defs: Mapping[str, Any], full: bool, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs.get(ref.rsplit("/", 1)[-1], {})
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key, []) if o.get("type") != "null"]
        if options:
            return _value(options[0], defs, full, depth + 1)
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", []))
        return {name: _value(sub, defs, full, depth + 1)
                for name, sub in schema.get("properties", {}).items()
                if full or name in required}
    if kind == "array":
        count = max(int(schema.get("minItems", 0)), 1 if full else 0)
        return [_value(schema.get("items", {}), defs, full, depth + 1) for _ in range(count)]
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    return None


def _string(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return date.today().isoformat()
    if fmt == "date-time":
        return datetime.now(UTC).replace(microsecond=0).isoformat()
    if fmt == "time":
        return "12:00:00"
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        found = sample_of(pattern)
        if found is not None:
            return found
    low, high = int(schema.get("minLength", 1)), schema.get("maxLength")
    text = "пример" * (low // 6 + 1)
    text = text[: max(low, 6)]
    return text[:high] if isinstance(high, int) else text


_CLASS_SAMPLE = {"d": "1", "w": "a", "s": " "}


def sample_of(pattern: str) -> str | None:
    """A short string matching a simple XSD-style ``pattern`` (digits, classes, counts).

    Patterns with groups or negated classes are not attempted (None).
    """
    body = pattern.removeprefix("^").removesuffix("$")
    if body.startswith("(?:") and body.endswith(")"):
        body = body[3:-1]
    body = body.split("|", 1)[0]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            atom, i = _CLASS_SAMPLE.get(body[i + 1], body[i + 1]), i + 2
        elif c == "[":
            end = body.find("]", i + 1)
            inner = body[i + 1:end]
            if end < 0 or not inner or inner.startswith("^"):
                return None
            atom = _CLASS_SAMPLE.get(inner[1], inner[1]) if inner[0] == "\\" else inner[0]
            i = end + 1
        elif c in "()":
            return None
        else:
            atom, i = ("a" if c == "." else c), i + 1
        count = 1
        if i < len(body) and body[i] in "?*":
            count, i = 0, i + 1
        elif i < len(body) and body[i] == "+":
            i += 1
        elif i < len(body) and body[i] == "{":
            end = body.find("}", i)
            if end < 0:
                return None
            count, i = int(body[i + 1:end].split(",")[0] or 0), end + 1
        out.append(atom * count)
    result = "".join(out)
    return result if re.fullmatch(pattern, result) else None
