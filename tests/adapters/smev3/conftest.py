"""Shared fixtures of the СМЭВ 3 tests: the fixture schemas, an envelope validator, a dummy signer.

The official XSDs are read in place from ``../shared/fixtures/smev3`` (never copied into the
project); where that directory is absent the tests that need it are skipped with the reason,
and fail under ``CI=true``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3.protocol import EnvelopeValidator, repair_rnip_1_2
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.files import SimulatedFileExchange
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from contracts.schemas import SchemaStore
from tests.conftest import SHARED, unavailable

SMEV3_FIXTURES = SHARED / "fixtures" / "smev3"
DS = "http://www.w3.org/2000/09/xmldsig#"


@pytest.fixture(scope="session")
def smev3_fixtures() -> Path:
    """``../shared/fixtures/smev3``: official schemas, WSDLs and real envelopes."""
    if not (SMEV3_FIXTURES / "1.3").is_dir():
        unavailable(f"СМЭВ 3 fixtures are not at {SMEV3_FIXTURES}")
    return SMEV3_FIXTURES


@pytest.fixture(scope="session")
def envelope_validator(smev3_fixtures: Path) -> EnvelopeValidator:
    """Validates envelopes of 1.1, 1.2 (repaired in memory, see validation.py) and 1.3."""
    return EnvelopeValidator(SchemaStore(smev3_fixtures), repairs=[repair_rnip_1_2])


def dummy_signature(target: etree._Element) -> etree._Element:
    """A syntactically complete detached ds:Signature over ``target`` with dummy values.

    Shaped like СМЭВ's (exc-c14n, the СМЭВ transform, GOST 2012-256), so that schema
    validation covers the signature slots; it verifies nothing.
    """
    def sub(parent: etree._Element, name: str, **attrib: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{DS}}}{name}", attrib)

    signature = etree.Element(f"{{{DS}}}Signature", nsmap={"ds": DS})
    info = sub(signature, "SignedInfo")
    sub(info, "CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    sub(info, "SignatureMethod", Algorithm="urn:ietf:params:xml:ns:cpxmlsec:algorithms:"
        "gostr34102012-gostr34112012-256")
    ident = target.get("Id")
    reference = sub(info, "Reference", URI=f"#{ident}" if ident else "")
    transforms = sub(reference, "Transforms")
    sub(transforms, "Transform", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    sub(transforms, "Transform", Algorithm="urn://smev-gov-ru/xmldsig/transform")
    sub(reference, "DigestMethod",
        Algorithm="urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256")
    sub(reference, "DigestValue").text = base64.b64encode(bytes(32)).decode()
    sub(signature, "SignatureValue").text = base64.b64encode(bytes(64)).decode()
    certificate = sub(sub(sub(signature, "KeyInfo"), "X509Data"), "X509Certificate")
    certificate.text = base64.b64encode(b"not a certificate").decode()
    return signature


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    """The schema store over the fixture XSDs (what an operator's schema directory holds)."""
    from tests.adapters.smev3.vs_helpers import schema_store

    return schema_store()


@pytest.fixture
def simulator() -> Iterator[SimulatorServer]:
    """The СМЭВ 3 simulator over HTTP on a free port, unsigned, with the fixture schemas."""
    if not SMEV3_FIXTURES.is_dir():
        unavailable(f"СМЭВ 3 schemas are not at {SMEV3_FIXTURES}")
    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES))
    server = SimulatorServer(smev, port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ftp(tmp_path: Path) -> Iterator[SimulatedFileExchange]:
    """The simulated СМЭВ file exchange (FTP on loopback), started for one test."""
    server = SimulatedFileExchange(tmp_path / "ftp", port=0)
    server.start()
    yield server
    server.stop()
