"""Templates of the files ``omshub smev3 new-type`` writes (``{{name}}`` placeholders)."""

from __future__ import annotations

PYPROJECT = '''\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{{distribution}}"
version = "0.1.0"
description = "OMS Hub СМЭВ 3 information type {{key}}: models, mapping and tests"
requires-python = ">=3.11"
dependencies = ["omshub"]

[project.entry-points."omshub.smev3.types"]
"{{key}}" = "{{package}}.mapping:{{camel}}"

[project.entry-points."omshub.message_types"]
"smev3-{{key}}" = "{{package}}.messages"

[tool.setuptools]
packages = ["{{package}}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error"]
'''

README = '''\
# {{distribution}}

СМЭВ 3 information type `{{key}}` ({{title}}), scaffolded by `omshub smev3 new-type` from
`{{schema}}`: role **{{role}}**, request `{{request_element}}`, response `{{response_element}}`.

- `{{package}}/messages.py`: canonical models generated from the XSD. Field names are
  transliterated from the XML names; rename them freely (the XML name is in `Attr`/`Elem`).
  Check the fields marked personal (`PERSONAL`) and the `person_fields` of the roots.
- `{{package}}/mapping.py`: the information type; it maps through the declarative binding.
- `{{package}}/samples.py`: sample payloads (the tests and the СМЭВ simulator use them);
  replace the placeholder values with realistic ones.
- `tests/`: `OMSHUB_SCHEMAS_DIR=<directory of official schemas> python -m pytest tests`.

Install with `pip install .`; `omshub plugins --check` then lists the message types.

What the generator could not map (search for `TODO(scaffold)`):

{{todos}}
'''

INIT = '''\
"""СМЭВ 3 information type {{key}} (scaffolded by omshub smev3 new-type)."""
'''

MESSAGES = '''\
"""Canonical models of {{key}}, generated from {{schema}} by omshub smev3 new-type.

Field order is the schema's element order. Review: names, personal fields, TODO(scaffold).
"""

from __future__ import annotations

from datetime import date, datetime, time  # noqa: F401 - used by some generated fields
from decimal import Decimal  # noqa: F401
from typing import Annotated, ClassVar, Literal  # noqa: F401

from pydantic import Field, StringConstraints  # noqa: F401

from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel  # noqa: F401
from contracts.xmlbind.fields import PERSONAL  # noqa: F401

SCHEMA = "{{schema}}"
REQUEST_NS = "{{request_ns}}"
RESPONSE_NS = "{{response_ns}}"


{{models}}
'''

SAMPLES = '''\
"""Sample payloads of {{key}}: generated placeholders that satisfy the XSD; make them real."""

from __future__ import annotations

from typing import Any

REQUEST: dict[str, Any] = {{sample_request}}

RESPONSE: dict[str, Any] = {{sample_response}}
'''

MAPPING = '''\
"""The information type {{key}}: schemas, role and the mapping (through the binding)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from contracts.xmlbind.binding import XmlModel
from {{package}} import samples
from {{package}}.messages import (
    REQUEST_NS,
    RESPONSE_NS,
    SCHEMA,
    {{request_class}},
    {{response_class}},
)


class {{camel}}(BoundInformationType):
    """{{title}}"""

    key: ClassVar[str] = "{{key}}"
    title: ClassVar[str] = "{{title}}"
    role: ClassVar[Role] = "{{role}}"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = REQUEST_NS
    response_namespace: ClassVar[str] = RESPONSE_NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = {{request_class}}
    response_model: ClassVar[type[XmlModel]] = {{response_class}}

    def sample_request(self) -> BaseModel | None:
        """The sample request of samples.py."""
        return {{request_class}}.model_validate(samples.REQUEST)

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """The sample response of samples.py (whatever the request)."""
        return {{response_class}}.model_validate(samples.RESPONSE)
'''

TEST = '''\
"""Generated tests of {{key}}: samples map to XML valid against {{schema}}, and back."""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from lxml import etree

from contracts.schemas import SchemaStore
from contracts.xmlsafe import parse
from {{package}}.mapping import {{camel}}


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    root = os.environ.get("OMSHUB_SCHEMAS_DIR")
    if not root:
        pytest.skip("OMSHUB_SCHEMAS_DIR (the directory of official schemas) is not set")
    return SchemaStore(Path(root))


def test_request_validates_and_round_trips(store: SchemaStore) -> None:
    info = {{camel}}()
    request = info.sample_request()
    assert request is not None
    element = info.request_to_xml(request)
    assert store.validate(info.request_schema, element) == []
    assert info.request_from_xml(parse(etree.tostring(element, encoding="utf-8"))) == request


def test_response_validates_and_round_trips(store: SchemaStore) -> None:
    info = {{camel}}()
    request = info.sample_request()
    assert request is not None
    response = info.sample_response(request)
    assert response is not None
    element = info.response_to_xml(response)
    assert store.validate(info.response_schema, element) == []
    assert info.response_from_xml(parse(etree.tostring(element, encoding="utf-8"))) == response


def test_registered_by_entry_point() -> None:
    names = {ep.name for ep in entry_points(group="omshub.smev3.types")}
    if "{{key}}" not in names:
        pytest.skip("the package is not installed (pip install .)")
    (ep,) = [ep for ep in entry_points(group="omshub.smev3.types") if ep.name == "{{key}}"]
    assert ep.load() is {{camel}}
'''

FILES = {
    "pyproject.toml": PYPROJECT, "README.md": README, "{{package}}/__init__.py": INIT,
    "{{package}}/messages.py": MESSAGES, "{{package}}/samples.py": SAMPLES,
    "{{package}}/mapping.py": MAPPING, "tests/test_{{words}}.py": TEST,
}
"""Target path (itself a template) → template."""
