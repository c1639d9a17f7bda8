"""The AsyncAPI catalogue: valid against the official AsyncAPI 3.0.0 JSON Schema, complete
(every registered type, every queue and exchange of the bus), its references resolving and
its examples valid for their payload schemas and their models."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.envelope import Envelope
from contracts.registry import message_type, type_of
from hub.asyncapi import catalogue, document, payload_examples
from hub.bus import DELAY_TIERS
from hub.bus.base import QueueSpec
from hub.bus.topology import RETURN_EXCHANGE, delay_name, queue_arguments
from hub.cli import main
from hub.plugins import Plugins, discover
from hub.routing import RoutingTable
from hub.schema_examples import Builder, matching
from hub.settings import Settings
from tests.hub.asyncapi_spec import official_validator, payload_validator

PRODUCTION = Settings(broker_url="amqp://hub:s3cr3t-pass@rabbit.example:5672/%2Foms",
                      delivery_limit=7)


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    """Every installed plug-in (the built-in ones and the sample third-party one)."""
    return discover()


@pytest.fixture(scope="module")
def doc(plugins: Plugins) -> dict[str, Any]:
    """The catalogue of the installed plug-ins on a production broker."""
    return catalogue(plugins, PRODUCTION)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_the_document_is_valid_asyncapi_3(doc: dict[str, Any], plugins: Plugins) -> None:
    validator = official_validator()
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    assert errors == []
    embedded = catalogue(plugins, Settings())
    assert [e.message for e in validator.iter_errors(embedded)] == []
    assert doc["asyncapi"] == "3.0.0"


def test_the_official_schema_refuses_a_broken_document(doc: dict[str, Any]) -> None:
    validator = official_validator()
    broken = copy.deepcopy(doc)
    broken["operations"]["publish"]["action"] = "publish"  # AsyncAPI 2's word, not 3's
    del broken["info"]["version"]
    found = {e.message for e in validator.iter_errors(broken)}
    assert any("version" in m for m in found), found
    assert not validator.is_valid(broken)
    channel = copy.deepcopy(doc)
    channel["channels"]["omshub.router"]["bindings"]["amqp"]["exchange"] = {"name": "x"}
    assert not validator.is_valid(channel)  # a queue binding with an exchange too


def test_every_registered_type_is_a_message(doc: dict[str, Any], plugins: Plugins) -> None:
    messages = doc["components"]["messages"]
    assert sorted(messages) == sorted(t.key for t in plugins.types)
    assert "sample.greeting.v1" in messages  # the third-party plug-in's type
    for t in plugins.types:
        m = messages[t.key]
        assert m["name"] == t.key and m["summary"]
        payload = m["payload"]
        assert payload["properties"]["type"] == {"const": t.name}
        assert payload["properties"]["version"] == {"const": t.version}
        schema = _resolve(doc, payload["properties"]["payload"]["$ref"])
        assert schema["title"] == t.model.__name__
        assert m.get("x-omshub-person-fields", []) == list(t.person_fields)
    assert messages["sample.greeting.v1"]["x-omshub-person-fields"] == ["snils"]


def test_each_message_says_what_it_is(doc: dict[str, Any]) -> None:
    messages = doc["components"]["messages"]
    assert messages["erz.person.changed.v1"]["x-omshub-kind"] == "event"
    assert messages["zags.deaths.processed.v1"]["x-omshub-kind"] == "document"
    assert messages["hub.job.run.v1"]["x-omshub-routine"] is True
    assert "x-omshub-routine" not in messages["hub.probe.v1"]


def test_every_queue_and_exchange_is_a_channel(doc: dict[str, Any], plugins: Plugins) -> None:
    table = RoutingTable.build(plugins.components.values(), PRODUCTION.routes)
    channels = doc["channels"]
    expected = {"omshub.router", "omshub.dead", RETURN_EXCHANGE,
                *(delay_name(s) for s in DELAY_TIERS), *table.queues()}
    assert set(channels) == expected
    for queue in ["omshub.router", *table.queues()]:
        amqp = channels[queue]["bindings"]["amqp"]
        assert amqp["is"] == "queue" and amqp["queue"]["name"] == queue
        assert amqp["queue"]["vhost"] == "/oms"
        assert channels[queue]["x-omshub-arguments"] == queue_arguments(
            QueueSpec(queue, delivery_limit=7))
    assert channels["omshub.dead"]["x-omshub-arguments"] == {"x-queue-type": "quorum"}
    tier = channels[delay_name(30)]
    assert tier["bindings"]["amqp"]["exchange"]["type"] == "fanout"
    assert tier["x-omshub-queue"]["arguments"]["x-message-ttl"] == 30_000
    assert channels[RETURN_EXCHANGE]["bindings"]["amqp"]["exchange"]["type"] == "direct"


def test_each_component_receives_what_it_subscribes_to(doc: dict[str, Any],
                                                       plugins: Plugins) -> None:
    ops = doc["operations"]
    for name, cls in plugins.components.items():
        received = {r["$ref"].rsplit("/", 1)[-1] for r in ops[f"{name}.receive"]["messages"]}
        subscribed = {t.key for t in cls.message_types()}
        assert subscribed <= received, name
        if cls.jobs():
            assert "hub.job.run.v1" in received, name  # the scheduler addresses it
        assert ops[f"{name}.receive"]["channel"]["$ref"] == f"#/channels/{cls.queue_name()}"
        assert ops[f"hub.router.deliver.{name}"]["action"] == "send"
    erz = {r["$ref"].rsplit("/", 1)[-1] for r in ops["handler.erz.receive"]["messages"]}
    assert "files.received.v1" in erz and "files.send.v1" not in erz
    assert ops["publish"]["action"] == "send" and ops["hub.router.route"]["action"] == "receive"


def test_references_resolve_and_operations_use_their_channels_messages(
        doc: dict[str, Any]) -> None:
    refs = set(_refs(doc))
    assert refs
    for ref in refs:
        _resolve(doc, ref)  # raises on a dangling reference
    for op_id, op in doc["operations"].items():
        channel = op["channel"]["$ref"]
        for m in op["messages"]:
            assert m["$ref"].startswith(channel + "/messages/"), op_id


def test_examples_are_valid_for_their_schema_and_model(doc: dict[str, Any],
                                                       plugins: Plugins) -> None:
    for t in plugins.types:
        examples = doc["components"]["messages"][t.key]["examples"]
        assert examples, f"{t.key} has no example"
        validator = payload_validator(doc, t.key)
        for example in examples:
            errors = [e.message for e in validator.iter_errors(example["payload"])]
            assert errors == [], t.key
            env = Envelope.model_validate(example["payload"])
            assert (env.type, env.version) == (t.name, t.version)
            t.validate(env.payload)
        # and the validator has teeth: a payload of the wrong type fails
        wrong = copy.deepcopy(examples[0]["payload"])
        wrong["version"] = t.version + 1
        assert not validator.is_valid(wrong)


def test_credentials_never_appear(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    assert "s3cr3t" not in text and "hub:" not in text
    assert doc["servers"] == {"rabbitmq": {
        "host": "rabbit.example:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
        "pathname": "/oms", "title": "RabbitMQ",
        "description": doc["servers"]["rabbitmq"]["description"]}}


@message_type("test.choice", 1)
class ChoiceV1(BaseModel):
    """A type whose model checks more than its schema says (alternatives, a counter)."""

    inn: str = Field(default="", pattern=r"^(\d{10}|\d{12})?$")
    ogrn: str = Field(default="", pattern=r"^(\d{13})?$")
    count: int = 0
    items: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checks(self) -> ChoiceV1:
        if bool(self.inn) == bool(self.ogrn):
            raise ValueError("inn, ogrn are alternatives: set one")
        if self.count != len(self.items):
            raise ValueError("count does not match")
        return self


def test_an_example_is_fitted_to_what_the_model_checks() -> None:
    mt = type_of(ChoiceV1)
    schemas = {"ChoiceV1": mt.json_schema()}
    builder = Builder(lambda ref: schemas[ref.rsplit("/", 1)[-1]])
    built = builder.instance({"$ref": "#/components/schemas/ChoiceV1"})
    assert built == {"inn": "0000000000", "ogrn": "0000000000000", "count": 0,
                     "items": ["string"]}
    with pytest.raises(ValueError, match="alternatives"):
        ChoiceV1.model_validate(built)
    [example] = payload_examples(mt, "ChoiceV1", builder)
    ChoiceV1.model_validate(example)
    assert example["inn"] == "0000000000" and "ogrn" not in example  # the first one stays


@message_type("test.declared", 1)
class DeclaredV1(BaseModel):
    """A type that declares its own examples (one of them wrong)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"code": "A1", "count": 3}, {"code": "lowercase", "count": 1}]})

    code: str = Field(pattern=r"^[A-Z]\d$")
    count: int = Field(ge=1)


def test_a_types_own_examples_are_used_and_checked() -> None:
    doc = document([type_of(DeclaredV1)], RoutingTable())
    [example] = doc["components"]["messages"]["test.declared.v1"]["examples"]
    assert example["payload"]["payload"] == {"code": "A1", "count": 3}
    assert list(payload_validator(doc, "test.declared.v1").iter_errors(
        example["payload"])) == []


def test_patterns_give_matching_strings() -> None:
    assert matching(r"^(?:([0-9]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{10})$") == "010000000000"
    assert matching(r"^[а-яА-ЯёЁ\-\s]{1,100}$") == "а"
    assert matching(r"^\d{3}-\d{3}$") == "000-000"
    assert matching(r"^(\w)\1$") is None  # a back-reference: not understood, so no guess


def test_cli_writes_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 plugins: Plugins) -> None:
    monkeypatch.setenv("OMSHUB_BROKER_URL", "amqp://hub:s3cr3t@rabbit:5672/%2F")
    out = tmp_path / "asyncapi.json"
    assert main(["catalogue", "--asyncapi", "-o", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == catalogue(plugins, Settings(broker_url="amqp://rabbit:5672/%2F"))
    assert "s3cr3t" not in out.read_text(encoding="utf-8")
    assert document([], RoutingTable())["channels"]["omshub.router"]["messages"] == {}
