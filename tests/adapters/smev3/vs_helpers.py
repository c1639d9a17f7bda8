"""Shared checks for the built-in information types (tests/adapters/smev3/test_vs_*.py).

The fixture XSDs are used in place, through :class:`~contracts.schemas.SchemaStore` rooted at
``../shared/fixtures/smev3`` (never copied into the project).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree
from pydantic import BaseModel

from adapters.smev3.types import InformationType, discover
from contracts.schemas import SchemaStore
from contracts.xmlsafe import parse
from tests.conftest import SHARED, unavailable

FIXTURES = SHARED / "fixtures" / "smev3"


def schema_store() -> SchemaStore:
    """The store over the fixture schemas; skipped (failed under CI) where they are absent."""
    if not (FIXTURES / "vs").is_dir():
        unavailable(f"СМЭВ 3 fixtures are not at {FIXTURES}")
    return SchemaStore(FIXTURES)


def sample(relative: str) -> bytes:
    """The bytes of a fixture sample under ``fixtures/smev3/vs``."""
    path = FIXTURES / "vs" / relative
    if not path.is_file():
        unavailable(f"fixture sample {path} is absent")
    return path.read_bytes()


def fill_attributes(xml: bytes, values: dict[str, str]) -> bytes:
    """Fill empty attributes of an IDE skeleton sample (``Name=""``) with realistic values."""
    text = xml.decode("utf-8")
    for name, value in values.items():
        text = re.sub(rf'(?<![\w-]){re.escape(name)}=""', f'{name}="{value}"', text)
    return text.encode("utf-8")


def assert_valid(store: SchemaStore, schema: str, element: etree._Element) -> None:
    """The element validates against the fixture schema ``schema``."""
    errors = store.validate(schema, element)
    assert errors == [], "\n".join(errors)


def round_trip_request(store: SchemaStore, info: InformationType, model: BaseModel) -> None:
    """Canonical request → XML valid against the XSD → bytes → hardened parse → same model."""
    element = info.request_to_xml(model)
    assert_valid(store, info.request_schema, element)
    again = info.request_from_xml(parse(etree.tostring(element, encoding="utf-8")))
    assert again == model


def round_trip_response(store: SchemaStore, info: InformationType, model: BaseModel) -> None:
    """Canonical response → XML valid against the XSD → bytes → hardened parse → same model."""
    element = info.response_to_xml(model)
    assert_valid(store, info.response_schema, element)
    again = info.response_from_xml(parse(etree.tostring(element, encoding="utf-8")))
    assert again == model


def installed(key: str) -> InformationType:
    """The type ``key`` as the adapter finds it: through the entry points."""
    catalogue = discover()
    assert key not in catalogue.errors, catalogue.errors.get(key)
    return catalogue.get(key)


def rename_namespace(xml: bytes, old: str, new: str) -> bytes:
    """The same document with namespace ``old`` replaced (a wrong-namespace input)."""
    return xml.replace(old.encode(), new.encode())


def drop_element(element: etree._Element, local_name: str) -> etree._Element:
    """A copy of ``element`` without the first descendant named ``local_name``."""
    copy = parse(etree.tostring(element, encoding="utf-8"))
    victim = next(e for e in copy.iter() if isinstance(e.tag, str)
                  and etree.QName(e).localname == local_name)
    parent = victim.getparent()
    assert parent is not None
    parent.remove(victim)
    return copy



def load_module(path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import a generated module from a file, registered under ``name`` for the test."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # pydantic resolves annotations there
    spec.loader.exec_module(module)
    return module
