"""Detached CMS signatures of attachments (SignaturePKCS7), cross-checked with ``openssl cms``.

What we make verifies with ``openssl cms -verify -engine gost`` (binary DER, detached
content), what ``openssl cms -sign -engine gost`` makes verifies with ours, and a tampered
file is refused by both — for GOST R 34.10-2012 256 and 512 and by both crypto backends.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.crypto import cms, get_provider, load_certificate, load_private_key
from hub.crypto.der import parse
from tests.adapters.smev3.keys import TestKey, make, require_engine

FILE = "Выписка ЕГРЮЛ.pdf\n".encode() + bytes(range(256)) * 40
KINDS = ["256-A", "512-A", "512-C"]
PROVIDERS = ["gostcrypto", "openssl"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestKey]:
    directory = tmp_path_factory.mktemp("cms-keys")
    return {kind: make(directory, kind) for kind in KINDS}


def _openssl_verify(tmp: Path, signature: bytes, data: bytes, key: TestKey) -> bool:
    sig, content = tmp / "sig.p7s", tmp / "file.bin"
    sig.write_bytes(signature)
    content.write_bytes(data)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER",
         "-in", str(sig), "-content", str(content), "-CAfile", str(key.cert),
         "-out", "/dev/null"], capture_output=True, text=True, timeout=60, check=False)
    return done.returncode == 0 and "Verification successful" in done.stderr


def _openssl_sign(tmp: Path, data: bytes, key: TestKey) -> bytes:
    content, sig = tmp / "in.bin", tmp / "out.p7s"
    content.write_bytes(data)
    subprocess.run(["openssl", "cms", "-sign", "-engine", "gost", "-binary", "-in", str(content),
                    "-signer", str(key.cert), "-inkey", str(key.key), "-outform", "DER",
                    "-out", str(sig)], capture_output=True, timeout=60, check=True)
    return sig.read_bytes()


def _ours(key: TestKey, provider: str, data: bytes = FILE, **kw: datetime) -> bytes:
    return cms.sign_detached(data, load_private_key(key.key.read_bytes()),
                             load_certificate(key.cert.read_bytes()), get_provider(provider),
                             **kw)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_ours_verifies_with_openssl_cms(keys: dict[str, TestKey], kind: str, provider: str,
                                        tmp_path: Path) -> None:
    signature = _ours(keys[kind], provider)
    assert _openssl_verify(tmp_path, signature, FILE, keys[kind])
    assert not _openssl_verify(tmp_path, signature, FILE[:-1] + b"\x00", keys[kind])
    signed = cms.verify_detached(signature, FILE, get_provider(provider))
    assert signed.certificate.subject == load_certificate(keys[kind].cert.read_bytes()).subject


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_openssl_cms_verifies_with_ours(keys: dict[str, TestKey], kind: str, provider: str,
                                        tmp_path: Path) -> None:
    signature = _openssl_sign(tmp_path, FILE, keys[kind])
    signed = cms.verify_detached(signature, FILE, get_provider(provider))
    assert f"OMS Hub test key {kind}" in signed.certificate.subject
    assert signed.algorithm.startswith(f"GOST R 34.10-2012 {kind[:3]}")
    assert signed.signing_time is not None
    assert abs((datetime.now(UTC) - signed.signing_time).total_seconds()) < 600
    with pytest.raises(cms.CmsError, match="файл изменён"):
        cms.verify_detached(signature, FILE + b"!", get_provider(provider))


def test_signed_attributes_and_certificate_are_there(keys: dict[str, TestKey]) -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    signature = _ours(keys["256-A"], "gostcrypto", signing_time=moment)
    assert b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03" in signature  # contentType
    assert b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04" in signature  # messageDigest
    assert load_certificate(keys["256-A"].cert.read_bytes()).der in signature
    parse(signature)  # one DER value, nothing after it
    signed = cms.verify_detached(signature, FILE, get_provider("gostcrypto"))
    assert signed.signing_time == moment


def test_a_forged_signature_value_is_refused(keys: dict[str, TestKey], tmp_path: Path) -> None:
    signature = bytearray(_ours(keys["256-A"], "gostcrypto"))
    signature[-5] ^= 0x01  # inside the signature value, the last field
    assert not _openssl_verify(tmp_path, bytes(signature), FILE, keys["256-A"])
    with pytest.raises(cms.CmsError, match="подпись неверна"):
        cms.verify_detached(bytes(signature), FILE, get_provider("gostcrypto"))


def test_a_signature_of_another_file_and_garbage_are_refused(keys: dict[str, TestKey]) -> None:
    other = _ours(keys["512-A"], "gostcrypto", data=b"another file")
    with pytest.raises(cms.CmsError, match="файл изменён"):
        cms.verify_detached(other, FILE, get_provider("gostcrypto"))
    with pytest.raises(cms.CmsError, match="не читается"):
        cms.verify_detached(b"not a signature at all", FILE, get_provider("gostcrypto"))


def _indefinite(value: bytes) -> bytes:
    """A DER SEQUENCE re-encoded with an indefinite length, as streaming writers do."""
    node = parse(value)
    return b"\x30\x80" + node.data + b"\x00\x00"


def test_a_streamed_ber_signature_verifies_and_an_attached_one_is_refused(
        keys: dict[str, TestKey], tmp_path: Path) -> None:
    signature = _openssl_sign(tmp_path, FILE, keys["256-A"])
    streamed = _indefinite(signature)
    assert streamed != signature
    assert _openssl_verify(tmp_path, streamed, FILE, keys["256-A"])
    assert cms.verify_detached(streamed, FILE, get_provider("gostcrypto")).signing_time
    with pytest.raises(cms.CmsError, match="файл изменён"):
        cms.verify_detached(streamed, FILE[1:], get_provider("gostcrypto"))
    # `openssl cms -stream` keeps the file inside (BER): not the detached signature asked for.
    content, attached = tmp_path / "in.bin", tmp_path / "attached.p7s"
    content.write_bytes(FILE)
    subprocess.run(["openssl", "cms", "-sign", "-engine", "gost", "-binary", "-stream",
                    "-in", str(content), "-signer", str(keys["256-A"].cert),
                    "-inkey", str(keys["256-A"].key), "-outform", "DER", "-out", str(attached)],
                   capture_output=True, timeout=60, check=True)
    with pytest.raises(cms.CmsError, match="отсоединённой"):
        cms.verify_detached(attached.read_bytes(), FILE, get_provider("gostcrypto"))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_legacy_gost_2001_signature_verifies(tmp_path: Path, provider: str) -> None:
    require_engine()
    key, cert, content, sig = (tmp_path / n for n in ("k.pem", "c.pem", "f.bin", "s.p7s"))
    content.write_bytes(FILE)
    for args in (["genpkey", "-engine", "gost", "-algorithm", "gost2001", "-pkeyopt",
                  "paramset:A", "-out", str(key)],
                 ["req", "-engine", "gost", "-x509", "-new", "-key", str(key), "-md_gost94",
                  "-subj", "/CN=OMS Hub legacy test key", "-days", "2", "-out", str(cert)],
                 ["cms", "-sign", "-engine", "gost", "-binary", "-in", str(content),
                  "-signer", str(cert), "-inkey", str(key), "-outform", "DER",
                  "-out", str(sig)]):
        subprocess.run(["openssl", *args], capture_output=True, timeout=60, check=True)
    signed = cms.verify_detached(sig.read_bytes(), FILE, get_provider(provider))
    assert signed.algorithm.startswith("GOST R 34.10-2001")
    with pytest.raises(cms.CmsError, match="файл изменён"):
        cms.verify_detached(sig.read_bytes(), FILE + b"\n", get_provider(provider))


def test_the_sign_with_digest_algorithm_oid_is_understood(keys: dict[str, TestKey]) -> None:
    """Some writers name the signature algorithm ``id-tc26-signwithdigest-gost3410-12-256``
    (1.2.643.7.1.1.3.2) instead of the key's OID; the name is not signed."""
    signature = _ours(keys["256-A"], "gostcrypto")
    key_oid = bytes.fromhex("06082a85030701010101")  # 1.2.643.7.1.1.1.1
    at = signature.rindex(key_oid)
    renamed = signature[:at] + bytes.fromhex("06082a85030701010302") + signature[at + 10:]
    signed = cms.verify_detached(renamed, FILE, get_provider("gostcrypto"))
    assert signed.algorithm == "GOST R 34.10-2012 256"
    with pytest.raises(cms.CmsError, match="файл изменён"):
        cms.verify_detached(renamed, FILE[:-3], get_provider("gostcrypto"))
