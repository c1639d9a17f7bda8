"""Shared fixtures of the ПУМП tests: the fixture XSDs read in place."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from contracts.schemas import SchemaStore
from handlers.pump.models import metadata
from handlers.pump.synth.packages import PackageSpec, write_package
from handlers.pump.xml import SCHEMAS, Namespaced
from storage.db import Database
from tests.conftest import SHARED, unavailable

REGISTRY = SHARED / "fixtures" / "ffoms-registry"


@pytest.fixture
def schemas() -> SchemaStore:
    """The registry XSDs of ``../shared`` (skipped with a reason outside CI if absent)."""
    if not (REGISTRY / "xsd" / "v3.x" / "OMS-D1-1-NEW.xsd").is_file():
        unavailable(f"the registry XSDs are not at {REGISTRY}")
    return SchemaStore(REGISTRY)


def package(spec: PackageSpec) -> bytes:
    """The zip's bytes."""
    out = io.BytesIO()
    write_package(out, spec)
    return out.getvalue()


def validate(schemas: SchemaStore, data: bytes, kind: str) -> int:
    """Validate one file against its fixture XSD as a stream; the number of elements read.
    Raises ``etree.XMLSyntaxError`` (a validity error is one) on the first problem."""
    xsd, ns = SCHEMAS[kind]
    count = 0
    for _ in etree.iterparse(Namespaced(io.BytesIO(data), ns), events=("end",),
                             schema=schemas.schema(xsd)):
        count += 1
    return count


def entries(data: bytes) -> dict[str, bytes]:
    """The zip's entries, name → bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The ПУМП tables on SQLite and on PostgreSQL (create_all)."""
    url = (f"sqlite:///{tmp_path / 'pump.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    metadata.create_all(database.engine)
    yield database
    database.dispose()
