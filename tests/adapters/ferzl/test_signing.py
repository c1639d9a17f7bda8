"""Signed submissions to ФЕРЗЛ: data, sign (detached CMS, GOST), certificate.

What we sign verifies with ours and with ``openssl cms -verify`` and the GOST engine over the
exact bytes of ``data``; what ``openssl cms -sign`` makes over those bytes verifies with ours;
a changed document, another certificate or an invalid document is refused — by both crypto
backends, GOST R 34.10-2012 256 and 512. The documents are the spec's own examples, checked
against the signed documents' schemas (doc_service) of their version.
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from adapters.ferzl.documents import DocumentSchemas
from adapters.ferzl.signing import (
    SigningError,
    document_bytes,
    signed_document,
    verify_signed_document,
)
from contracts.xmlsafe import parse
from hub.crypto import get_provider, load_certificate, load_private_key
from tests.adapters.ferzl.conftest import ferzl_fixtures
from tests.adapters.smev3.keys import TestKey, make, require_engine

KINDS = ["256-A", "512-A"]
PROVIDERS = ["gostcrypto", "openssl"]
DOC_SERVICE = "24.1.4"


@pytest.fixture(scope="module")
def schemas() -> DocumentSchemas:
    """The signed documents' schemas as an operator's schema directory holds them."""
    return DocumentSchemas.discover(ferzl_fixtures())


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestKey]:
    directory = tmp_path_factory.mktemp("ferzl-keys")
    return {kind: make(directory, kind) for kind in KINDS}


def _loose(name: str) -> bytes:
    return (ferzl_fixtures() / "ferzl-ws" / "examples-loose" / name).read_bytes()


def nil_decision(version: str = DOC_SERVICE) -> etree._Element:
    """The spec's НИЛ decision «до перекодирования» (24.1.2), in the namespace of ``version``."""
    data = _loose("пример запроса до перекодирования.txt")
    return parse(data.replace(b"/types/24.1.2/", f"/types/{version}/".encode()))


def policy_application(version: str = DOC_SERVICE) -> etree._Element:
    """The spec's signed submitPolicyApplication sample (4.5), in the namespace of ``version``."""
    data = _loose("Пример_submitPolicyApplication_4_5.xml")
    return parse(data.replace(b"/types/4.5/", f"/types/{version}/".encode()))


def _sign(document: etree._Element, key: TestKey, provider: str,
          schemas: DocumentSchemas) -> tuple[bytes, bytes, bytes]:
    return signed_document(document, load_private_key(key.key.read_bytes()),
                           load_certificate(key.cert.read_bytes()), get_provider(provider),
                           schemas=schemas)


def _openssl_verify(tmp: Path, sign: bytes, data: bytes, key: TestKey) -> bool:
    require_engine()
    sig, content = tmp / "sign.p7s", tmp / "data.xml"
    sig.write_bytes(sign)
    content.write_bytes(data)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER",
         "-in", str(sig), "-content", str(content), "-CAfile", str(key.cert),
         "-out", "/dev/null"], capture_output=True, text=True, timeout=60, check=False)
    return done.returncode == 0 and "Verification successful" in done.stderr


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_signed_policy_application_verifies_with_ours_and_openssl(
        keys: dict[str, TestKey], schemas: DocumentSchemas, kind: str, provider: str,
        tmp_path: Path) -> None:
    document = policy_application()
    data, sign, certificate = _sign(document, keys[kind], provider, schemas)
    # data is the document itself, as the spec's example: UTF-8 XML without a declaration.
    assert data.startswith(b"<mpip:submitPolicyApplication")
    assert "ИВАНОВ".encode() in data
    assert certificate == load_certificate(keys[kind].cert.read_bytes()).der
    assert _openssl_verify(tmp_path, sign, data, keys[kind])
    verified = verify_signed_document(data, sign, certificate, get_provider(provider),
                                      schemas=schemas)
    assert f"OMS Hub test key {kind}" in verified.signed.certificate.subject
    assert verified.signed.algorithm == f"GOST R 34.10-2012 {kind[:3]}"
    assert verified.document.findtext(".//{*}dudlNum") == "111111"
    # The base64 the SOAP writer puts in the three elements round-trips to the same bytes.
    assert base64.b64decode(base64.b64encode(data)) == data


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_nil_decision_signed_by_openssl_verifies_with_ours(
        keys: dict[str, TestKey], schemas: DocumentSchemas, provider: str,
        tmp_path: Path) -> None:
    require_engine()
    data = document_bytes(nil_decision())
    content, sig = tmp_path / "data.xml", tmp_path / "sign.p7s"
    content.write_bytes(data)
    key = keys["256-A"]
    subprocess.run(["openssl", "cms", "-sign", "-engine", "gost", "-binary", "-in", str(content),
                    "-signer", str(key.cert), "-inkey", str(key.key), "-outform", "DER",
                    "-out", str(sig)], capture_output=True, timeout=60, check=True)
    certificate = load_certificate(key.cert.read_bytes()).der
    verified = verify_signed_document(data, sig.read_bytes(), certificate,
                                      get_provider(provider), schemas=schemas)
    assert verified.document.findtext(".//{*}decisionEnp") == "7690299724000060"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_changed_document_is_refused_by_ours_and_openssl(
        keys: dict[str, TestKey], schemas: DocumentSchemas, provider: str,
        tmp_path: Path) -> None:
    data, sign, certificate = _sign(nil_decision(), keys["512-A"], provider, schemas)
    changed = data.replace(b"7690299724000060", b"7690299724000061")
    assert changed != data
    assert not _openssl_verify(tmp_path, sign, changed, keys["512-A"])
    with pytest.raises(SigningError, match="подпись документа .* не действительна.*изменён"):
        verify_signed_document(changed, sign, certificate, get_provider(provider),
                               schemas=schemas)
    # Even a change that keeps the same XML (one more space) is another string: refused.
    spaced = data.replace(b"<mpin:rq>", b"<mpin:rq >")
    with pytest.raises(SigningError, match="изменён"):
        verify_signed_document(spaced, sign, certificate, get_provider(provider),
                               schemas=schemas)


def test_another_certificate_than_the_signers_is_refused(
        keys: dict[str, TestKey], schemas: DocumentSchemas) -> None:
    data, sign, _ = _sign(nil_decision(), keys["256-A"], "gostcrypto", schemas)
    other = load_certificate(keys["512-A"].cert.read_bytes()).der
    with pytest.raises(SigningError, match="а передан сертификат «.*512-A"):
        verify_signed_document(data, sign, other, get_provider("gostcrypto"), schemas=schemas)
    with pytest.raises(SigningError, match="сертификат .* не читается"):
        verify_signed_document(data, sign, b"fgjbvmcx", get_provider("gostcrypto"),
                               schemas=schemas)


def test_the_spec_examples_placeholder_sign_is_refused(keys: dict[str, TestKey],
                                                       schemas: DocumentSchemas) -> None:
    """The published example carries «Фигня» as its sign: no signature at all."""
    data = document_bytes(nil_decision())
    certificate = load_certificate(keys["256-A"].cert.read_bytes()).der
    with pytest.raises(SigningError, match="не действительна.*не читается"):
        verify_signed_document(data, base64.b64decode("0KTQuNCz0L3Rjw=="), certificate,
                               get_provider("gostcrypto"), schemas=schemas)


@pytest.mark.parametrize("version", ["23.4.7", "24.1.2", "24.1.4", "24.2.6"])
def test_documents_validate_against_the_schema_of_their_version(
        schemas: DocumentSchemas, version: str) -> None:
    assert schemas.validate(policy_application(version)) == []
    found = schemas.found[(f"http://ffoms.ru/types/{version}/mpiPolicyApplicationSchema",
                           "submitPolicyApplication")]
    # Since 24.1.4 the signed document has schemas of its own (doc_service), preferred.
    assert ("doc_service" in str(found)) == (version == DOC_SERVICE)


def test_an_invalid_document_is_not_signed(keys: dict[str, TestKey],
                                           schemas: DocumentSchemas) -> None:
    document = nil_decision()
    rq = document.find("{*}rq")
    assert rq is not None
    decision = rq.find("{*}decision")
    assert decision is not None
    decision.text = "ЗЛ"  # an int in the schema
    with pytest.raises(SigningError, match="не соответствует своей схеме и не подписан.*decision"):
        _sign(document, keys["256-A"], "gostcrypto", schemas)


def test_a_document_of_a_version_not_installed_is_not_signed(
        keys: dict[str, TestKey], schemas: DocumentSchemas) -> None:
    """The spec's sample is of 4.5, a version whose schemas are not published."""
    document = parse(_loose("Пример_submitPolicyApplication_4_5.xml"))
    with pytest.raises(SigningError, match=r"не подписан: схема .*/types/4\.5/"
                                           r"mpiPolicyApplicationSchema не установлена"):
        _sign(document, keys["256-A"], "gostcrypto", schemas)


def test_a_signed_document_that_breaks_its_schema_is_refused_on_receipt(
        keys: dict[str, TestKey], schemas: DocumentSchemas, tmp_path: Path) -> None:
    """The simulator's side: a valid signature over an invalid document is still refused."""
    require_engine()
    key = keys["256-A"]
    data = document_bytes(nil_decision()).replace(b"<mpin:decision>0", b"<mpin:decision>X")
    content, sig = tmp_path / "data.xml", tmp_path / "sign.p7s"
    content.write_bytes(data)
    subprocess.run(["openssl", "cms", "-sign", "-engine", "gost", "-binary", "-in", str(content),
                    "-signer", str(key.cert), "-inkey", str(key.key), "-outform", "DER",
                    "-out", str(sig)], capture_output=True, timeout=60, check=True)
    with pytest.raises(SigningError, match="не соответствует своей схеме"):
        verify_signed_document(data, sig.read_bytes(),
                               load_certificate(key.cert.read_bytes()).der,
                               get_provider("gostcrypto"), schemas=schemas)
