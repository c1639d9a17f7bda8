"""The catalogue of messages (ADM): the bus's channels and message types, read from the
AsyncAPI document the console serves at ``/api/asyncapi.json`` (:mod:`hub.asyncapi`), so
that the page and the document can never disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin.auth import page
from admin.context import render
from admin.users import User
from hub.asyncapi import catalogue
from hub.settings import Settings

Document = dict[str, Any]
SCHEMAS = "#/components/schemas/"
ANY_COMPONENT = "*"

EXCHANGE_KINDS = {"fanout": "обменник fanout", "direct": "обменник direct",
                  "topic": "обменник topic", "headers": "обменник headers"}


def asyncapi(request: Request) -> Document:
    """The console's AsyncAPI document (built once per console, on first use)."""
    provide: Callable[[], Document] = request.app.state.asyncapi
    return provide()


@dataclass
class ChannelRow:
    """A channel as the page lists it."""

    id: str
    name: str
    kind: str
    title: str
    description: str
    arguments: dict[str, Any]
    senders: list[str] = field(default_factory=list)
    receivers: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class TypeRow:
    """A message type as the page lists it."""

    key: str
    title: str
    """The Russian name when the type declares one, else its model's name."""
    model: str
    summary: str
    package: str
    person_fields: list[str]
    receivers: list[str]
    schema_name: str
    schema: Any
    nested: list[str]
    examples: list[Any]


def channels(doc: Document) -> list[ChannelRow]:
    """Every channel with who sends to it and who receives from it."""
    rows = {}
    for cid, ch in doc.get("channels", {}).items():
        amqp = ch.get("bindings", {}).get("amqp", {})
        if amqp.get("is") == "queue":
            name, kind = amqp["queue"]["name"], "очередь"
        else:
            exchange = amqp.get("exchange", {})
            name = exchange.get("name", cid)
            kind = EXCHANGE_KINDS.get(exchange.get("type", ""), "обменник")
        arguments = dict(ch.get("x-omshub-arguments", {}))
        if "x-omshub-queue" in ch:
            arguments = {"очередь": ch["x-omshub-queue"]["name"],
                         **ch["x-omshub-queue"].get("arguments", {})}
        rows[cid] = ChannelRow(cid, name, kind, ch.get("title", ""), ch.get("description", ""),
                               arguments, messages=sorted(ch.get("messages", {})))
    for op in doc.get("operations", {}).values():
        row = rows.get(op["channel"]["$ref"].rsplit("/", 1)[-1])
        if row is not None:
            who = op.get("x-omshub-component", ANY_COMPONENT)
            who = "любой компонент" if who == ANY_COMPONENT else who
            (row.senders if op["action"] == "send" else row.receivers).append(who)
    return list(rows.values())


def types(doc: Document) -> list[TypeRow]:
    """Every message type with its schema, receivers and examples."""
    receivers: dict[str, list[str]] = {}
    for op in doc.get("operations", {}).values():
        who = op.get("x-omshub-component", ANY_COMPONENT)
        if op["action"] == "receive" and not who.startswith("hub."):
            for ref in op.get("messages", []):
                receivers.setdefault(ref["$ref"].rsplit("/", 1)[-1], []).append(who)
    schemas = doc.get("components", {}).get("schemas", {})
    rows = []
    for key, m in sorted(doc.get("components", {}).get("messages", {}).items()):
        name = m.get("x-omshub-schema", "")
        rows.append(TypeRow(
            key=key, title=m.get("title", ""), model=m.get("x-omshub-model", m.get("title", "")),
            summary=m.get("summary", ""),
            package=m.get("x-omshub-package", ""),
            person_fields=list(m.get("x-omshub-person-fields", [])),
            receivers=sorted(set(receivers.get(key, []))), schema_name=name,
            schema=schemas.get(name), nested=sorted(_reach(name, schemas) - {name}),
            examples=[e.get("payload") for e in m.get("examples", [])]))
    return rows


def _reach(name: str, schemas: dict[str, Any]) -> set[str]:
    """``name`` and every component schema it uses, however deep."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(_refs(schemas.get(current)))
    return seen


def _refs(schema: Any) -> Iterator[str]:
    """Names of the component schemas ``schema`` refers to, directly or not."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            yield ref.removeprefix(SCHEMAS)
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


@page()
def catalogue_page(request: Request, user: User, form: FormData) -> Response:
    """Каталог сообщений: channels, types, schemas (any account: no personal data here)."""
    doc = asyncapi(request)
    schemas = doc.get("components", {}).get("schemas", {})
    return render(request, "catalogue.html", {
        "info": doc.get("info", {}), "servers": doc.get("servers", {}),
        "channels": channels(doc), "types": types(doc),
        "schemas": sorted(schemas.items())})


def installed(settings: Settings) -> Callable[[], Document]:
    """The default document: the catalogue of the installed plug-ins on ``settings``' bus,
    the same as ``omshub catalogue --asyncapi`` prints (their code is imported on first use).
    """

    def build() -> Document:
        from hub.plugins import discover

        return catalogue(discover(), settings)

    return build
