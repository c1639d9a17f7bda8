"""Throwaway GOST test keys and self-signed certificates, made with OpenSSL's GOST engine.

Nothing is committed: every session generates its own into a temporary directory (see
README.md). Keys are test material for tests only.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.crypto import algorithms
from hub.crypto.openssl import OpenSSLProvider
from hub.crypto.provider import ProviderUnavailable
from tests.conftest import unavailable

# (OpenSSL algorithm, its -pkeyopt paramset, digest option, signature URI)
KINDS = {
    "256-A": ("gost2012_256", "A", "-md_gost12_256", algorithms.SIGNATURE_2012_256),
    "256-B": ("gost2012_256", "B", "-md_gost12_256", algorithms.SIGNATURE_2012_256),
    "256-C": ("gost2012_256", "C", "-md_gost12_256", algorithms.SIGNATURE_2012_256),
    "256-XA": ("gost2012_256", "XA", "-md_gost12_256", algorithms.SIGNATURE_2012_256),
    "256-TCA": ("gost2012_256", "TCA", "-md_gost12_256", algorithms.SIGNATURE_2012_256),
    "512-A": ("gost2012_512", "A", "-md_gost12_512", algorithms.SIGNATURE_2012_512),
    "512-B": ("gost2012_512", "B", "-md_gost12_512", algorithms.SIGNATURE_2012_512),
    "512-C": ("gost2012_512", "C", "-md_gost12_512", algorithms.SIGNATURE_2012_512),
}


@dataclass(frozen=True)
class TestKey:
    """Paths of one generated key pair and its certificate, with its signature URI."""

    __test__ = False  # not a test class, despite the name

    kind: str
    key: Path
    cert: Path
    public: Path
    algorithm: str


def require_engine() -> None:
    """Skip (fail under CI) unless ``openssl`` with the GOST engine is here."""
    try:
        OpenSSLProvider().check()
    except ProviderUnavailable as exc:
        unavailable(str(exc))


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60,
                          check=False)
    if done.returncode != 0:
        pytest.fail(f"openssl {' '.join(args)} failed: {done.stderr}")


def make(directory: Path, kind: str, days: int = 3) -> TestKey:
    """Generate a key pair of a kind (``256-A``, ``512-C`` …) and a self-signed certificate."""
    require_engine()
    algorithm, paramset, digest, uri = KINDS[kind]
    directory.mkdir(parents=True, exist_ok=True)
    key, cert, public = (directory / f"test-{kind}-{name}.pem"
                         for name in ("key", "cert", "pub"))
    _openssl("genpkey", "-engine", "gost", "-algorithm", algorithm, "-pkeyopt",
             f"paramset:{paramset}", "-out", str(key))
    _openssl("req", "-engine", "gost", "-x509", "-new", "-key", str(key), digest, "-utf8",
             "-subj", f"/CN=OMS Hub test key {kind}/O=ТФОМС (test material)/C=RU",
             "-days", str(days), "-out", str(cert))
    _openssl("pkey", "-engine", "gost", "-in", str(key), "-pubout", "-out", str(public))
    return TestKey(kind, key, cert, public, uri)


_LAPSED_CA = """[ca]
default_ca = lapsed
[lapsed]
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
policy = anything
[anything]
commonName = supplied
"""


def make_lapsed(directory: Path, kind: str = "256-A") -> TestKey:
    """A key pair whose self-signed certificate was valid in January 2020 only.

    ``openssl req -x509`` cannot backdate a certificate before OpenSSL 3.4; ``openssl ca``
    with explicit start and end dates can, from a throwaway one-entry database.
    """
    require_engine()
    algorithm, paramset, digest, uri = KINDS[kind]
    directory.mkdir(parents=True, exist_ok=True)
    key, cert, public, csr = (directory / f"lapsed-{kind}-{name}.pem"
                              for name in ("key", "cert", "pub", "csr"))
    _openssl("genpkey", "-engine", "gost", "-algorithm", algorithm, "-pkeyopt",
             f"paramset:{paramset}", "-out", str(key))
    _openssl("req", "-engine", "gost", "-new", "-key", str(key), digest, "-utf8",
             "-subj", f"/CN=OMS Hub lapsed test key {kind}/O=ТФОМС (test material)/C=RU",
             "-out", str(csr))
    (directory / "index.txt").write_text("")
    (directory / "serial").write_text("01\n")
    config = directory / "ca.cnf"
    config.write_text(_LAPSED_CA.format(dir=directory))
    _openssl("ca", "-engine", "gost", "-batch", "-config", str(config), "-selfsign",
             "-keyfile", str(key), "-md", digest.removeprefix("-"), "-utf8",
             "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
             "-in", str(csr), "-out", str(cert), "-notext")
    _openssl("pkey", "-engine", "gost", "-in", str(key), "-pubout", "-out", str(public))
    return TestKey(kind, key, cert, public, uri)
