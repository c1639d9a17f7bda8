"""GOST backends: digests against published vectors, sign/verify across backends and against
``openssl dgst`` driven directly (not through our provider), byte orders, the registry."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.crypto import (
    CryptoProvider,
    KeyFormatError,
    UnknownProvider,
    UnsupportedAlgorithm,
    algorithms,
    get_provider,
    load_certificate,
    load_private_key,
    load_public_key,
    provider_names,
)
from hub.crypto.gost94 import digest as gost94
from tests.adapters.smev3.keys import KINDS, TestKey, make, require_engine

M1 = b"012345678901234567890123456789012345678901234567890123456789012"
DATA = "Сведения о ЗЛ: Иванов И.И., полис 7700000000000000 & <ok> \"quoted\"\r\n".encode()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestKey]]:
    """One generated key of every kind, for this module."""
    require_engine()
    directory = tmp_path_factory.mktemp("gost-keys")
    yield {kind: make(directory, kind) for kind in KINDS}


def _provider(name: str) -> CryptoProvider:
    if name == "openssl":
        require_engine()
    return get_provider(name)


def _openssl_verify(data: bytes, signature: bytes, key: TestKey, tmp: Path) -> bool:
    """``openssl dgst -verify`` on the raw s‖r signature, with openssl's own public key file."""
    digest = KINDS[key.kind][2]
    (tmp / "data").write_bytes(data)
    (tmp / "sig").write_bytes(signature)
    done = subprocess.run(["openssl", "dgst", "-engine", "gost", digest, "-verify",
                           str(key.public), "-signature", str(tmp / "sig"), str(tmp / "data")],
                          capture_output=True, text=True, timeout=60, check=False)
    return done.returncode == 0 and "Verified OK" in done.stdout


def _openssl_sign(data: bytes, key: TestKey, tmp: Path) -> bytes:
    (tmp / "data").write_bytes(data)
    done = subprocess.run(["openssl", "dgst", "-engine", "gost", KINDS[key.kind][2], "-sign",
                           str(key.key), "-binary", str(tmp / "data")],
                          capture_output=True, timeout=60, check=True)
    return done.stdout


@pytest.mark.parametrize("name", ["gostcrypto", "openssl"])
def test_streebog_vectors(name: str) -> None:
    provider = _provider(name)
    # GOST R 34.11-2012, example 1 (bytes as implementations print them).
    assert provider.digest(M1, algorithms.DIGEST_2012_256).hex() == (
        "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500")
    assert provider.digest(M1, algorithms.DIGEST_2012_512).hex() == (
        "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
        "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48")


@pytest.mark.parametrize(("message", "expected"), [
    (b"", "981e5f3ca30c841487830f84fb433e13ac1101569b9c13584ac483234cd656c0"),
    (b"a", "e74c52dd282183bf37af0079c9f78055715a103f17e3133ceff1aacf2f403011"),
    (b"abc", "b285056dbf18d7392d7677369524dd14747459ed8143997e163b2986f92fd42c"),
    (b"message digest", "bc6041dd2aa401ebfa6e9886734174febdb4729aa972d60f549ac39b29721ba0"),
])
def test_gost94_published_vectors(message: bytes, expected: str) -> None:
    """GOST R 34.11-94 with the CryptoPro parameter set, as published for these messages."""
    assert gost94(message).hex() == expected


@pytest.mark.parametrize("size", [1, 31, 32, 33, 64, 100, 1000])
def test_gost94_agrees_with_openssl(size: int) -> None:
    # (OpenSSL's engine differs from the published vector only for the empty message.)
    data = bytes((i * 7 + size) % 256 for i in range(size))
    assert gost94(data) == _provider("openssl").digest(data, algorithms.DIGEST_94)


@pytest.mark.parametrize("kind", list(KINDS))
def test_pure_signature_verifies_with_openssl_command(kind: str, keys: dict[str, TestKey],
                                                      tmp_path: Path) -> None:
    key = keys[kind]
    signature = get_provider("gostcrypto").sign(DATA, load_private_key(key.key.read_bytes()),
                                                key.algorithm)
    assert _openssl_verify(DATA, signature, key, tmp_path)
    assert not _openssl_verify(DATA + b".", signature, key, tmp_path)


@pytest.mark.parametrize("kind", list(KINDS))
def test_openssl_command_signature_verifies_with_both(kind: str, keys: dict[str, TestKey],
                                                      tmp_path: Path) -> None:
    key = keys[kind]
    signature = _openssl_sign(DATA, key, tmp_path)
    certificate = load_certificate(key.cert.read_bytes())
    for name in ("gostcrypto", "openssl"):
        provider = _provider(name)
        assert provider.verify(DATA, signature, certificate, key.algorithm), name
        assert not provider.verify(DATA[:-1], signature, certificate, key.algorithm), name


@pytest.mark.parametrize("signer", ["gostcrypto", "openssl"])
@pytest.mark.parametrize("verifier", ["gostcrypto", "openssl"])
@pytest.mark.parametrize("kind", ["256-A", "512-A"])
def test_cross_backend(signer: str, verifier: str, kind: str,
                       keys: dict[str, TestKey]) -> None:
    key = keys[kind]
    private = load_private_key(key.key.read_bytes())
    signature = _provider(signer).sign(DATA, private, key.algorithm)
    assert len(signature) == 2 * private.size
    public = load_public_key(key.public.read_bytes())
    assert _provider(verifier).verify(DATA, signature, public, key.algorithm)


def test_byte_order_is_s_then_r(keys: dict[str, TestKey], tmp_path: Path) -> None:
    """XMLDSig and OpenSSL write s‖r; the swapped halves (gostcrypto's r‖s) must not verify."""
    key = keys["256-A"]
    signature = get_provider("gostcrypto").sign(DATA, load_private_key(key.key.read_bytes()),
                                                key.algorithm)
    assert _openssl_verify(DATA, signature, key, tmp_path)
    assert not _openssl_verify(DATA, signature[32:] + signature[:32], key, tmp_path)


def test_keys_read_into_plain_values(keys: dict[str, TestKey]) -> None:
    key = keys["512-C"]
    certificate = load_certificate(key.cert.read_bytes())
    assert certificate.subject == "C=RU, O=ТФОМС (test material), CN=OMS Hub test key 512-C"
    assert certificate.issuer == certificate.subject
    assert certificate.not_before < certificate.not_after
    assert certificate.public_key == load_public_key(key.public.read_bytes())
    assert certificate.public_key.curve == "1.2.643.7.1.2.1.2.3"
    private = load_private_key(key.key.read_bytes())
    assert private.size == 64 and private.algorithm == algorithms.OID_GOST2012_512
    assert str(private.scalar) not in repr(private)
    assert load_certificate(certificate.der) == load_certificate(certificate.base64().encode())


def test_legacy_gost2001_is_verify_only(keys: dict[str, TestKey]) -> None:
    private = load_private_key(keys["256-A"].key.read_bytes())
    for name in ("gostcrypto", "openssl"):
        with pytest.raises(UnsupportedAlgorithm, match="verification only"):
            _provider(name).sign(DATA, private, algorithms.SIGNATURE_2001)


def test_key_must_fit_the_algorithm(keys: dict[str, TestKey]) -> None:
    private = load_private_key(keys["256-A"].key.read_bytes())
    certificate = load_certificate(keys["512-A"].cert.read_bytes())
    provider = get_provider("gostcrypto")
    with pytest.raises(UnsupportedAlgorithm, match="cannot sign"):
        provider.sign(DATA, private, algorithms.SIGNATURE_2012_512)
    with pytest.raises(UnsupportedAlgorithm, match="cannot verify"):
        provider.verify(DATA, bytes(64), certificate, algorithms.SIGNATURE_2012_256)
    with pytest.raises(UnsupportedAlgorithm, match="unsupported signature algorithm"):
        provider.verify(DATA, bytes(64), certificate, "http://www.w3.org/2000/09/xmldsig#rsa")


@pytest.mark.parametrize("name", ["gostcrypto", "openssl"])
def test_malformed_signature_is_just_invalid(name: str, keys: dict[str, TestKey]) -> None:
    certificate = load_certificate(keys["256-A"].cert.read_bytes())
    provider = _provider(name)
    for bad in (b"", bytes(64), b"\xff" * 64, bytes(63)):
        assert not provider.verify(DATA, bad, certificate, algorithms.SIGNATURE_2012_256)


def test_garbage_is_not_a_key() -> None:
    for loader in (load_certificate, load_private_key, load_public_key):
        with pytest.raises(KeyFormatError):
            loader(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        with pytest.raises(KeyFormatError):
            loader(b"\x30\x03\x02\x01")


def test_registry_by_name_with_a_suggestion() -> None:
    assert {"gostcrypto", "openssl"} <= set(provider_names())
    assert get_provider("gostcrypto").name == "gostcrypto"
    assert get_provider("openssl").name == "openssl"
    with pytest.raises(UnknownProvider, match="did you mean 'openssl'"):
        get_provider("opensll")
    with pytest.raises(UnknownProvider, match="known: "):
        get_provider("cryptopro")


def test_damaged_certificates_fail_cleanly(keys: dict[str, TestKey]) -> None:
    """Every single-byte change or truncation either still parses or is a KeyFormatError."""
    der = load_certificate(keys["256-A"].cert.read_bytes()).der
    damaged = [der[:cut] for cut in range(0, len(der), 7)]
    damaged += [der[:i] + bytes([der[i] ^ 0xA5]) + der[i + 1:] for i in range(len(der))]
    for data in damaged:
        with contextlib.suppress(KeyFormatError):  # anything else fails the test
            load_certificate(data)
