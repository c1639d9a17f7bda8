"""``omshub smev3 new-type``: a new information type package scaffolded from its XSD.

The generated package has its own ``pyproject.toml`` (entry points in ``omshub.smev3.types``
and ``omshub.message_types``, so installing it is all it takes), ``messages.py`` (bound
pydantic models generated from the XSD, see :mod:`adapters.smev3.codegen`), ``mapping.py``
(the :class:`~adapters.smev3.types.InformationType`, mapping through the binding) and
``tests/`` that build a sample from the models, map it to XML, validate it against the XSD
under ``OMSHUB_SCHEMAS_DIR`` and read it back.

The root elements are found by name (``*Request`` / ``*Response``), else the first two
global elements of the file; ``--request-element`` / ``--response-element`` override.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.smev3.codegen import ModelWriter, identifier
from adapters.smev3.scaffold_templates import FILES
from adapters.smev3.xsdtree import Schema, XsdError

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class ScaffoldError(ValueError):
    """The scaffold cannot be made (bad key, no root element, unreadable XSD)."""


@dataclass(frozen=True)
class Scaffolded:
    """What was generated."""

    directory: Path
    package: str
    distribution: str
    request_element: str
    response_element: str
    todos: tuple[str, ...]


def _roots(schema: Schema, request: str | None, response: str | None) -> tuple[
        tuple[str, str], tuple[str, str]]:
    elements = schema.root_elements
    names = [name for _, name in elements]

    def pick(wanted: str | None, suffix: str, index: int) -> tuple[str, str]:
        if wanted:
            for ns, name in elements:
                if name == wanted:
                    return ns, name
            raise ScaffoldError(f"no global element {wanted} in {schema.path.name} "
                                f"(it declares {', '.join(names) or 'none'})")
        by_name = [e for e in elements if e[1].lower().endswith(suffix)]
        if len(by_name) == 1:
            return by_name[0]
        if len(elements) > index:
            return elements[index]
        raise ScaffoldError(f"{schema.path.name} declares {', '.join(names) or 'no elements'}: "
                            "name the roots with --request-element and --response-element")

    return pick(request, "request", 0), pick(response, "response", 1)


def scaffold(xsd: Path, role: str, key: str, out: Path, *, request_element: str | None = None,
             response_element: str | None = None, title: str = "") -> Scaffolded:
    """Generate the plug-in package for the information type ``key`` into ``out/<dist>``."""
    if not KEY_PATTERN.match(key):
        raise ScaffoldError(f"key {key!r}: lower-case words joined by dots, e.g. fns.egrul")
    if role not in ("consumer", "provider"):
        raise ScaffoldError(f"role {role!r}: consumer (we request) or provider (we answer)")
    try:
        schema = Schema(xsd)
        (req_ns, req_name), (resp_ns, resp_name) = _roots(schema, request_element,
                                                          response_element)
        request_tree = schema.element(req_ns, req_name)
        response_tree = schema.element(resp_ns, resp_name)
    except XsdError as exc:
        raise ScaffoldError(str(exc)) from exc
    for tree in (request_tree, response_tree):
        if tree.complex is None:
            raise ScaffoldError(f"root element {tree.name} has a simple type: nothing to model")
    words = key.replace(".", "_")
    package = f"omshub_vs_{words}"
    distribution = f"omshub-vs-{key.replace('.', '-').replace('_', '-')}"
    camel = identifier(words, camel=True)
    writer = ModelWriter()
    samples = {
        "request": writer.root(request_tree, f"{camel}RequestV1", f"smev3.{key}.request",
                               f"The request of {key} ({req_name})."),
        "response": writer.root(response_tree, f"{camel}ResponseV1", f"smev3.{key}.response",
                                f"The response of {key} ({resp_name})."),
    }
    if (req_ns, req_name) == (resp_ns, resp_name):
        writer.classes.pop()  # one element for both sides: one model
    values = {
        "key": key, "package": package, "distribution": distribution, "camel": camel,
        "role": role, "title": title or f"{key} ({xsd.name})", "schema": xsd.name,
        "request_ns": req_ns, "response_ns": resp_ns, "request_element": req_name,
        "response_element": resp_name, "request_class": f"{camel}RequestV1",
        "response_class": f"{camel}RequestV1" if (req_ns, req_name) == (resp_ns, resp_name)
        else f"{camel}ResponseV1",
        "models": writer.source(), "sample_request": _literal(samples["request"]),
        "sample_response": _literal(samples["response"]),
        "todos": "\n".join(f"- {t}" for t in writer.todos) or "- none", "words": words,
    }
    root = Path(out) / distribution
    for target, template in FILES.items():
        path = root / _render(target, values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(template, values), encoding="utf-8")
    return Scaffolded(root, package, distribution, req_name, resp_name, tuple(writer.todos))


def _render(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=4)


def cmd_new_type(args: argparse.Namespace) -> int:
    """``omshub smev3 new-type``: scaffold, then say what to do next."""
    try:
        made = scaffold(Path(args.xsd), args.role, args.name, Path(args.out),
                        request_element=args.request_element,
                        response_element=args.response_element, title=args.title or "")
    except ScaffoldError as exc:
        print(f"new-type: {exc}", file=sys.stderr)
        return 2
    print(f"scaffolded {made.distribution} in {made.directory}")
    print(f"  request {made.request_element}, response {made.response_element}")
    for todo in made.todos:
        print(f"  TODO: {todo}")
    print("next:")
    print(f"  OMSHUB_SCHEMAS_DIR=<schemas> python -m pytest {made.directory / 'tests'}")
    print(f"  pip install {made.directory}   # then: omshub plugins")
    return 0


def add_new_type_command(smev3_subparsers: Any) -> None:
    """Add ``new-type`` to the subparsers of ``omshub smev3``."""
    p = smev3_subparsers.add_parser(
        "new-type", help="scaffold an information type package from its XSD")
    p.add_argument("--xsd", required=True, help="the XSD declaring the request and response")
    p.add_argument("--role", required=True, choices=("consumer", "provider"),
                   help="consumer: the fund requests; provider: the fund answers")
    p.add_argument("--name", required=True, help="the type's key, e.g. pfr.snils")
    p.add_argument("--out", default=".", help="directory to create the package in")
    p.add_argument("--request-element", help="root element of the request (default: guessed)")
    p.add_argument("--response-element", help="root element of the response")
    p.add_argument("--title", help="human title in Russian, as the registry names the type")
    p.set_defaults(func=cmd_new_type)
