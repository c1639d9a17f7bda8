"""The verification corpus (issue 12, item 1): every envelope verifies with ``omshub smev3
verify`` and with both crypto backends, and a tampered copy of each is refused, with its reason.

The envelopes and tampers are described in :mod:`tests.adapters.smev3.corpus`: the real signed
envelopes of the fixtures (read in place) and variants made now with throwaway test keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adapters.smev3 import signature
from adapters.smev3.transform import ENVELOPED
from contracts import xmlsafe
from hub.cli import main
from hub.crypto import get_provider
from tests.adapters.smev3 import corpus, corpus_signing
from tests.adapters.smev3.keys import TestKey, require_engine
from tests.conftest import unavailable

NAMES = [s.name for s in corpus.FIXTURES] + list(corpus.MADE)
BY_NAME = {s.name: s for s in corpus.FIXTURES} | {n: s for n, (s, _) in corpus.MADE.items()}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestKey]]:
    """Throwaway 2012-256, 2012-512 and 2001 keys with certificates, for this module."""
    require_engine()
    yield corpus_signing.make_keys(tmp_path_factory.mktemp("corpus-keys"))


@pytest.fixture(scope="module")
def envelopes(keys: dict[str, TestKey]) -> dict[str, bytes]:
    """Every envelope of the corpus by name, made (or read) once for the module."""
    made: dict[str, bytes] = {}
    for sample in corpus.FIXTURES:
        path = corpus.SAMPLES / sample.fixture
        if not path.is_file():
            unavailable(f"fixture {path} is absent")
        made[sample.name] = path.read_bytes()
    if not corpus.VECTORS.is_dir():
        unavailable(f"transform vectors are not at {corpus.VECTORS}")
    for name in corpus.MADE:
        made[name] = corpus.build(name, keys)
    return made


def _verify(capsys: pytest.CaptureFixture[str], path: Path, sample: corpus.Sample
            ) -> tuple[int, str]:
    args = ["smev3", "verify", str(path)] + (["--ignore-expiry"] if sample.archived else [])
    code = main(args)
    out, _ = capsys.readouterr()
    return code, out


def test_the_corpus_is_large_enough() -> None:
    made = [s for s, _ in corpus.MADE.values()]
    assert len(NAMES) >= 15
    assert {s.version for s in made} >= {"1.1", "1.2", "1.3"}


@pytest.mark.parametrize("name", NAMES)
def test_envelope_verifies(name: str, envelopes: dict[str, bytes], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str], envelope_validator: Any) -> None:
    sample, data = BY_NAME[name], envelopes[name]
    path = tmp_path / f"{name}.xml"
    path.write_bytes(data)
    code, out = _verify(capsys, path, sample)
    count = sample.signatures
    assert code == 0, out
    assert f"{count} of {count} signature(s) valid" in out
    assert out.count("VALID: valid") == count, out
    openssl = signature.verify(xmlsafe.parse(data), get_provider("openssl"),
                               ignore_expiry=sample.archived)
    assert [r.valid for r in openssl] == [True] * count, [r.reason for r in openssl]
    if sample.version:  # the signature sits where that version's schema allows it
        assert envelope_validator.errors(data) == []


@pytest.mark.parametrize("tamper", list(corpus.TAMPERS))
@pytest.mark.parametrize("name", NAMES)
def test_tampered_copy_is_refused(name: str, tamper: str, envelopes: dict[str, bytes],
                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change, reason = corpus.TAMPERS[tamper]
    sample, data = BY_NAME[name], envelopes[name]
    tampered = change(data)
    assert tampered != data
    path = tmp_path / f"{name}-{tamper}.xml"
    path.write_bytes(tampered)
    code, out = _verify(capsys, path, sample)
    assert code == 1, out
    assert "INVALID: " in out and reason in out, out


# --- what the corpus does not show on its own ----------------------------------------------


def _made(name: str, envelopes: dict[str, bytes]) -> Any:
    return xmlsafe.parse(envelopes[name])


def test_two_references_are_each_checked(envelopes: dict[str, bytes]) -> None:
    """Both References are named in the report; editing what only the second covers is
    caught, and the reason says which Reference failed."""
    root = _made("1.3-two-references-different", envelopes)
    report = signature.verify(root, get_provider("gostcrypto"))[0]
    assert report.valid and report.reference == "#SIGNED_BY_CONSUMER, #PERSONAL"
    assert report.signed_element == "SenderProvidedRequestData, Request"
    root.find(f".//{{{corpus.REQUEST}}}Snils").text = "123-456-789 02"
    report = signature.verify(root, get_provider("gostcrypto"))[0]
    assert not report.valid and report.digest_ok is False and report.signature_ok
    assert "Reference #PERSONAL: digest mismatch: Request was changed" in report.reason


def test_enveloped_signature_needs_its_transform(keys: dict[str, TestKey]) -> None:
    """A .NET client's signature placed inside the element it signs verifies with the
    enveloped-signature transform (the signature is taken out before hashing) and is refused
    without it; the caller's tree is left as it was."""
    signing = corpus_signing.CorpusSigner(keys)
    root = xmlsafe.parse(b'<t:Data xmlns:t="urn://omshub/test/corpus" Id="D"><t:V>1</t:V>'
                         b"</t:Data>")
    root.append(signing.signer(corpus_signing.Style(chain=corpus_signing.DOTNET_CHAIN))(root))
    root = signing.finish(root)
    before = etree.tostring(root)
    report = signature.verify(root, get_provider("gostcrypto"))[0]
    assert report.valid, report.reason
    assert etree.tostring(root) == before
    for transform in root.iter(f"{{{corpus_signing.DS}}}Transform"):
        if transform.get("Algorithm") == ENVELOPED:
            transform.getparent().remove(transform)
    report = signature.verify(root, get_provider("gostcrypto"))[0]
    assert not report.valid and "inside the element it signs" in report.reason


def test_unknown_transform_chain_is_refused(envelopes: dict[str, bytes]) -> None:
    root = _made("1.3-SendRequest-2012-256", envelopes)
    transforms = next(root.iter(f"{{{corpus_signing.DS}}}Transforms"))
    transforms[0].set("Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    report = signature.verify(root, get_provider("gostcrypto"))[0]
    assert not report.valid and "unsupported transforms" in report.reason
