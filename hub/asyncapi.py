"""The AsyncAPI 3.0 catalogue of the bus: every channel and every message type.

Built only from what is installed and configured — the registry of message types, the
routing table the components' ``@handles`` declare (plus configured routes) and the broker
objects of :mod:`hub.bus.topology` — so it is generated documentation, never written by
hand. ``omshub catalogue --asyncapi`` prints it; the console serves it at
``/api/asyncapi.json`` and shows it as a page.

Design decisions:

* **The message is the envelope.** What travels on the bus is the JSON of a
  :class:`~contracts.envelope.Envelope`; so each message's ``payload`` schema is the
  envelope's, with ``type`` and ``version`` fixed to the type's and ``payload`` the type's
  own JSON schema. The bus headers the hub sets (attempt, replay, trace context) are the
  message ``headers``; the correlation id is ``$message.payload#/correlation_id``.
* **Channels are broker objects, addressed by their names.** ``omshub.router`` (every
  component publishes there through its outbox), one queue per component (the router
  delivers there), ``omshub.delay.{T}s`` (retries wait there), ``omshub.return`` (where
  a waited retry goes back to its queue) and ``omshub.dead`` (dead letters). The AMQP
  binding says queue or exchange; what the binding cannot say (quorum type, delivery
  limit, dead-letter exchange, TTL) is in the ``x-omshub-arguments`` extension, exactly
  as declared.
* **Operations are the hub's own moves**: every component sends to the router, the router
  receives and delivers to each subscriber queue, each component receives from its queue,
  a failing handler sends a retry to a delay tier, the router keeps the dead letters.
  Which component sends which type is decided at run time and not declared, so the send
  to the router lists every type.
* **Schemas are shared.** The types' models, and the models they nest, are one set of
  ``components.schemas`` (names made unique by pydantic), so a nested model appears once.
* **Examples** are the type's own where it declares them, else built from its schema
  (:mod:`hub.schema_examples`); each is checked against the model before it is listed.
* **Servers** name the broker's host, port and virtual host; never its credentials.
* **What a message is** travels as ``x-omshub-kind``: ``document`` (must reach a subscriber)
  or ``event`` (a fact for whoever listens); ``x-omshub-routine`` marks the hub's chatter
  (see :mod:`contracts.registry`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from contracts.envelope import Envelope
from contracts.hub import JobRunV1
from contracts.registry import MessageType, type_of
from hub import headers as H
from hub.bus import DELAY_TIERS, QueueSpec
from hub.bus.base import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE
from hub.bus.topology import (
    DEAD_SPEC,
    RETURN_EXCHANGE,
    delay_name,
    queue_arguments,
    tier_arguments,
)
from hub.outbox import ROUTER_QUEUE
from hub.plugins import Plugins
from hub.routing import RoutingTable
from hub.schema_examples import Builder, fit
from hub.settings import Settings

ASYNCAPI_VERSION = "3.0.0"
SCHEMAS = "#/components/schemas/"
AMQP = "0.3.0"
"""Version of the AsyncAPI AMQP bindings used."""

ROUTER_COMPONENT = "hub.router"
EXAMPLE_TIME = datetime(2024, 1, 31, 9, 0, tzinfo=UTC)

HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Заголовки AMQP, которые ставит хаб (брокер сам добавляет x-delivery-count).",
    "properties": {
        H.ATTEMPT: {"type": "integer", "minimum": 0,
                    "description": "Сколько раз обработчик уже не справился с сообщением."},
        H.REPLAY: {"type": "string", "description": "Запись аудита повтора оператором."},
        H.TRACEPARENT: {"type": "string", "description": "W3C trace context."},
        H.ORIGIN_QUEUE: {"type": "string",
                         "description": "Очередь, которой принадлежит повтор или отказ."},
        H.JOURNALED: {"type": "string",
                      "description": "Отправитель уже записал сообщение в журнал (outbox)."},
    },
}


def document(types: Iterable[MessageType], table: RoutingTable,
             settings: Settings | None = None, *,
             addressed: Mapping[str, Iterable[str]] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of ``types`` on the bus ``table`` routes.

    ``addressed``: component name → keys of the types sent straight to it (by
    ``destination``, not by subscription), e.g. the scheduler's ``hub.job.run.v1``.
    """
    settings = settings or Settings()
    types = sorted(types, key=lambda t: t.key)
    schemas, names = _schemas(types)
    builder = Builder(lambda ref: schemas[ref.removeprefix(SCHEMAS)])
    messages = {t.key: _message(t, names[t.key], builder) for t in types}
    channels, operations = _bus(types, table, settings, addressed or {})
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "OMS Hub",
            "version": _version(),
            "description": "Каталог шины интеграционного хаба ТФОМС: каналы (очереди и "
                           "обменники RabbitMQ) и типы канонических сообщений. Создан "
                           "`omshub catalogue --asyncapi` из установленных плагинов.",
        },
        "servers": _servers(settings.broker_url),
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def catalogue(plugins: Plugins, settings: Settings,
              table: RoutingTable | None = None) -> dict[str, Any]:
    """The document of what ``plugins`` install, routed as ``settings`` configure (or as
    ``table``, a running process's): what ``omshub catalogue --asyncapi`` prints."""
    if table is None:
        table = RoutingTable.build(plugins.components.values(), settings.routes)
    job = type_of(JobRunV1).key
    addressed = {name: [job] for name, cls in plugins.components.items() if cls.jobs()}
    return document(plugins.types, table, settings, addressed=addressed)


def _version() -> str:
    try:
        return version("omshub")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def _schemas(types: list[MessageType]) -> tuple[dict[str, Any], dict[str, str]]:
    """``components.schemas`` of the envelope and every type, and each type's schema name."""
    models: list[type[BaseModel]] = [Envelope, *(t.model for t in types)]
    found, defs = models_json_schema([(m, "validation") for m in models],
                                     ref_template=SCHEMAS + "{model}")
    names = {t.key: found[(t.model, "validation")]["$ref"].removeprefix(SCHEMAS)
             for t in types}
    return dict(defs.get("$defs", {})), names


def _message(mt: MessageType, schema: str, builder: Builder) -> dict[str, Any]:
    """The message object of one type: the envelope carrying its payload."""
    message: dict[str, Any] = {
        "name": mt.key,
        "title": mt.title or mt.model.__name__,
        "summary": mt.description or mt.key,
        "x-omshub-model": mt.model.__name__,
        "contentType": "application/json",
        "headers": HEADERS_SCHEMA,
        "payload": {
            "allOf": [{"$ref": SCHEMAS + "Envelope"}],
            "type": "object",
            "properties": {"type": {"const": mt.name}, "version": {"const": mt.version},
                           "payload": {"$ref": SCHEMAS + schema}},
        },
        "correlationId": {"location": "$message.payload#/correlation_id",
                          "description": "Общий идентификатор переписки."},
        "bindings": {"amqp": {"messageType": mt.key, "bindingVersion": AMQP}},
        "x-omshub-package": mt.package,
        "x-omshub-schema": schema,
        "x-omshub-kind": mt.kind,
        "examples": [_envelope_example(mt, p) for p in payload_examples(mt, schema, builder)],
    }
    if mt.person_fields:
        message["x-omshub-person-fields"] = list(mt.person_fields)
    if mt.routine:
        message["x-omshub-routine"] = True
    return message


def payload_examples(mt: MessageType, schema: str, builder: Builder) -> list[dict[str, Any]]:
    """Examples of a type's payload, each valid for its model: its own declared ones, else
    one built from its schema (all fields, or failing that only the required ones)."""
    declared = mt.model.model_json_schema().get("examples")
    if isinstance(declared, list) and declared:
        return [d for d in declared if isinstance(d, dict) and not _errors(mt, d)]
    for full in (True, False):
        built = builder.instance({"$ref": SCHEMAS + schema}, full=full)
        fitted = fit(built, lambda p: _errors(mt, p)) if isinstance(built, dict) else None
        if fitted is not None:
            return [fitted]
    return []


def _errors(mt: MessageType, payload: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """What the type's model finds wrong with ``payload`` (as JSON, as it travels)."""
    try:
        mt.model.model_validate_json(json.dumps(payload))
    except ValidationError as exc:
        return [(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
    return []


def _envelope_example(mt: MessageType, payload: dict[str, Any]) -> dict[str, Any]:
    message_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"omshub:{mt.key}"))
    env = Envelope(id=message_id, type=mt.name, version=mt.version, source="adapter.example",
                   created_at=EXAMPLE_TIME, payload=payload,
                   headers={"traceparent": f"00-{message_id.replace('-', '')}-"
                                           "00f067aa0ba902b7-01"})
    return {"name": mt.key, "summary": f"Конверт {mt.key}",
            "headers": {H.JOURNALED: "1"}, "payload": env.model_dump(mode="json")}


def _servers(broker_url: str) -> dict[str, Any]:
    """The broker, without credentials."""
    parts = urlsplit(broker_url)
    scheme = parts.scheme.split("+")[-1] if parts.scheme else "memory"
    if scheme in ("amqp", "amqps"):
        port = f":{parts.port}" if parts.port else ""
        return {"rabbitmq": {
            "host": f"{parts.hostname or 'localhost'}{port}", "protocol": scheme,
            "protocolVersion": "0.9.1", "pathname": "/" + _vhost(broker_url).lstrip("/"),
            "title": "RabbitMQ", "description": "Брокер производственной установки."}}
    return {"embedded": {
        "host": "localhost", "protocol": scheme,
        "title": "Встроенный брокер",
        "description": "Брокер внутри процесса хаба (kombu), без сети: встроенная установка."}}


def _vhost(broker_url: str) -> str:
    path = urlsplit(broker_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


# -- channels and operations -----------------------------------------------------------------


Channels = dict[str, Any]
Operations = dict[str, Any]


def _bus(types: list[MessageType], table: RoutingTable, settings: Settings,
         addressed: Mapping[str, Iterable[str]]) -> tuple[Channels, Operations]:
    """The channels (broker objects) and the hub's operations on them."""
    keys = [t.key for t in types]
    vhost = _vhost(settings.broker_url)
    channels: Channels = {}
    operations: Operations = {}

    def queue(name: str, title: str, description: str, messages: list[str]) -> None:
        spec = QueueSpec(name, delivery_limit=settings.delivery_limit)
        channels[name] = _queue_channel(name, vhost, spec, title, description, messages)

    queue(ROUTER_QUEUE, "Маршрутизатор", "Сюда каждый компонент публикует свои сообщения "
          "(через outbox); маршрутизатор проверяет их и раздаёт подписчикам.", keys)
    operations["publish"] = _operation(
        "send", ROUTER_QUEUE, keys, "*", "Публикация",
        "Любой компонент: сообщения из его outbox публикует ретранслятор.")
    operations["hub.router.route"] = _operation(
        "receive", ROUTER_QUEUE, keys, ROUTER_COMPONENT, "Маршрутизация",
        "Проверка конверта и схемы, журнал, копия каждому подписчику.")
    delivered: set[str] = set()
    for component, name in sorted(table.components.items()):
        direct = set(addressed.get(component, ()))
        routed = [k for k in keys if name in table.routes.get(k, ()) or k in direct]
        delivered.update(routed)
        queue(name, f"Очередь {component}",
              f"Сообщения, на которые подписан {component}, и адресованные ему.", routed)
        operations[f"hub.router.deliver.{component}"] = _operation(
            "send", name, routed, ROUTER_COMPONENT, f"Доставка в {component}",
            "Маршрутизатор кладёт копию сообщения в очередь подписчика.")
        operations[f"{component}.receive"] = _operation(
            "receive", name, routed, component, f"Приём в {component}",
            "Обработка пачкой в одной транзакции с inbox и outbox.")
    _retries_and_dead(channels, operations, vhost, keys,
                      [k for k in keys if k in delivered])
    return channels, operations


def _retries_and_dead(channels: Channels, operations: Operations, vhost: str,
                      keys: list[str], retried: list[str]) -> None:
    """The delay tiers, the return exchange and the dead letters, with their operations."""
    for seconds in DELAY_TIERS:
        tier = delay_name(seconds)
        channels[tier] = _exchange_channel(
            tier, "fanout", vhost, f"Отложенный повтор, {seconds} с",
            f"Повтор ждёт {seconds} с в очереди {tier}, затем через {RETURN_EXCHANGE} "
            "возвращается в свою очередь.", retried,
            {"x-omshub-queue": {"name": tier, "arguments": tier_arguments(seconds)}})
        operations[f"retry.{seconds}s"] = _operation(
            "send", tier, retried, "*", f"Повтор через {seconds} с",
            "Исполнитель компонента откладывает сообщение, обработка которого не удалась.")
    channels[RETURN_EXCHANGE] = _exchange_channel(
        RETURN_EXCHANGE, "direct", vhost, "Возврат после ожидания",
        "Брокер возвращает сюда дождавшиеся повторы; сообщение без очереди уходит "
        f"в {DEAD_LETTER_EXCHANGE}.", retried,
        {"x-omshub-arguments": {"alternate-exchange": DEAD_LETTER_EXCHANGE}})
    channels[DEAD_LETTER_QUEUE] = _queue_channel(
        DEAD_LETTER_QUEUE, vhost, DEAD_SPEC, "Недоставленные",
        f"Обменник {DEAD_LETTER_EXCHANGE} (fanout) и очередь без лимита доставок: сообщения, "
        "исчерпавшие попытки или лимит доставок, с причиной.", keys,
        {"x-omshub-exchange": {"name": DEAD_LETTER_EXCHANGE, "type": "fanout"}})
    operations["hub.router.keep-dead"] = _operation(
        "receive", DEAD_LETTER_QUEUE, keys, ROUTER_COMPONENT, "Учёт недоставленных",
        "Маршрутизатор сохраняет каждое недоставленное сообщение для консоли.")


def _refs(keys: list[str]) -> dict[str, Any]:
    return {k: {"$ref": f"#/components/messages/{k}"} for k in keys}


def _queue_channel(name: str, vhost: str, spec: QueueSpec, title: str, description: str,
                   keys: list[str], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A durable quorum queue, published to through the default exchange."""
    channel: dict[str, Any] = {
        "address": name, "title": title, "description": description, "messages": _refs(keys),
        "bindings": {"amqp": {"is": "queue", "bindingVersion": AMQP, "queue": {
            "name": name, "durable": True, "exclusive": False, "autoDelete": False,
            "vhost": vhost}}},
        "x-omshub-arguments": queue_arguments(spec),
    }
    if name != DEAD_LETTER_QUEUE:
        channel["x-omshub-bindings"] = [{"exchange": RETURN_EXCHANGE, "routingKey": name}]
    return {**channel, **(extra or {})}


def _exchange_channel(exchange: str, kind: str, vhost: str, title: str, description: str,
                      keys: list[str], extra: Mapping[str, Any]) -> dict[str, Any]:
    """An exchange whose routing key is the name of the queue a message belongs to."""
    return {
        "address": "{queue}", "title": title, "description": description,
        "messages": _refs(keys),
        "parameters": {"queue": {"description": "Очередь, которой принадлежит сообщение "
                                                "(ключ маршрутизации)."}},
        "bindings": {"amqp": {"is": "routingKey", "bindingVersion": AMQP, "exchange": {
            "name": exchange, "type": kind, "durable": True, "autoDelete": False,
            "vhost": vhost}}},
        **extra,
    }


def _operation(action: str, channel: str, keys: list[str], component: str, title: str,
               description: str) -> dict[str, Any]:
    """An operation of ``component`` (``*``: any component) on ``channel``."""
    binding: dict[str, Any] = ({"deliveryMode": 2, "mandatory": True} if action == "send"
                               else {"ack": True})
    return {
        "action": action, "channel": {"$ref": f"#/channels/{channel}"}, "title": title,
        "description": description,
        "messages": [{"$ref": f"#/channels/{channel}/messages/{k}"} for k in keys],
        "bindings": {"amqp": {**binding, "bindingVersion": AMQP}},
        "x-omshub-component": component,
    }
