"""The official AsyncAPI 3.0.0 JSON Schema, and validators built on it, for the tests.

The schema comes from the AsyncAPI Initiative's npm package ``@asyncapi/specs``, fetched
outside the repository by ``tests/hub/fetch_asyncapi_schema.sh`` (``.ci/run`` runs it);
``OMSHUB_ASYNCAPI_SCHEMA`` names another copy. Missing, the tests skip — or fail under CI.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT7

from tests.conftest import unavailable

SPECS_VERSION = "6.11.1"
FETCH = "bash tests/hub/fetch_asyncapi_schema.sh"
DOCUMENT_URI = "urn:omshub:asyncapi"


def schema_path() -> Path:
    """Where the official 3.0.0 schema is expected."""
    named = os.environ.get("OMSHUB_ASYNCAPI_SCHEMA")
    if named:
        return Path(named)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "omshub" / f"asyncapi-specs-{SPECS_VERSION}" / "package/schemas/3.0.0.json"


@functools.cache
def _official() -> dict[str, Any]:
    path = schema_path()
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def official_validator() -> jsonschema.Draft7Validator:
    """A validator of AsyncAPI 3.0.0 documents: the official bundle, draft-07, every
    definition it embeds registered under its own ``$id`` (no network)."""
    spec = _official()
    if not spec:
        unavailable(f"the official AsyncAPI 3.0.0 JSON Schema is not at {schema_path()} "
                    f"(fetch it with `{FETCH}`)")
    assert spec["$id"] == "http://asyncapi.com/definitions/3.0.0/asyncapi.json"
    registry: Registry[Any] = Registry().with_resources(
        (uri, DRAFT7.create_resource(definition))
        for uri, definition in spec["definitions"].items())
    return jsonschema.Draft7Validator(spec, registry=registry)


def payload_validator(document: dict[str, Any], message: str) -> jsonschema.Validator:
    """A validator of the payload of ``message`` (a key of ``components.messages``), its
    ``$ref``s resolved inside ``document``, read as the AsyncAPI Schema Object is: JSON
    Schema draft-07."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, DRAFT7.create_resource(document))
    ref = f"{DOCUMENT_URI}#/components/messages/{message}/payload"
    return jsonschema.Draft7Validator({"$ref": ref}, registry=registry)
