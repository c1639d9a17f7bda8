"""OpenSSL backend: the ``openssl`` command line with the GOST engine (``libengine-gost-openssl``).

One process per operation, data on stdin, keys in a private temporary directory removed right
after. ``openssl dgst -sign`` with a GOST key already writes s‖r big-endian and hashes the way
CryptoPro does, so no byte-order conversion is needed here (see :mod:`pure` for the other side).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from hub.crypto import algorithms
from hub.crypto.keys import Certificate, PrivateKey, PublicKey
from hub.crypto.provider import (
    CryptoError,
    CryptoProvider,
    ProviderUnavailable,
    signing_algorithm,
    verifying_key,
)

_TIMEOUT = 60


@cache
def _engine_state(binary: str) -> str:
    """Empty when ``openssl`` runs with the GOST engine, otherwise why not."""
    path = shutil.which(binary)
    if path is None:
        return f"the {binary} command is not installed"
    done = subprocess.run([path, "engine", "gost", "-t"], capture_output=True, text=True,
                          timeout=_TIMEOUT, check=False)
    if done.returncode != 0 or "available" not in done.stdout:
        return ("OpenSSL has no GOST engine (Debian: apt-get install libengine-gost-openssl): "
                + (done.stderr.strip().splitlines() or ["engine gost not available"])[-1])
    return ""


class OpenSSLProvider(CryptoProvider):
    """GOST through ``openssl dgst -engine gost``."""

    name = "openssl"

    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or os.environ.get("OMSHUB_OPENSSL", "openssl")

    def check(self) -> None:
        """The command and its GOST engine must be there."""
        reason = _engine_state(self.binary)
        if reason:
            raise ProviderUnavailable(reason)

    def _run(self, args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
        self.check()
        return subprocess.run([self.binary, "dgst", "-engine", "gost", *args], input=data,
                              capture_output=True, timeout=_TIMEOUT, check=False)

    def digest(self, data: bytes, algorithm: str) -> bytes:
        """``openssl dgst -md_gost… -binary``."""
        spec = algorithms.digest_algorithm(algorithm)
        done = self._run([spec.openssl, "-binary"], data)
        if done.returncode != 0 or len(done.stdout) != spec.size:
            raise CryptoError(f"openssl dgst failed: {done.stderr.decode(errors='replace')}")
        return done.stdout

    def sign(self, data: bytes, key: PrivateKey, algorithm: str) -> bytes:
        """``openssl dgst -md_gost… -sign key.pem``: s‖r as XMLDSig wants it."""
        scheme = signing_algorithm(key, algorithm)
        with tempfile.TemporaryDirectory(prefix="omshub-gost-") as tmp:
            key_file = Path(tmp) / "key.pem"
            key_file.touch(mode=0o600)
            key_file.write_bytes(key.pem())
            done = self._run([scheme.digest.openssl, "-sign", str(key_file), "-binary"], data)
        if done.returncode != 0 or len(done.stdout) != 2 * scheme.size:
            raise CryptoError(f"openssl dgst -sign failed: "
                              f"{done.stderr.decode(errors='replace')}")
        return done.stdout

    def verify(self, data: bytes, signature: bytes, key: Certificate | PublicKey,
               algorithm: str) -> bool:
        """``openssl dgst -md_gost… -verify pub.pem -signature sig.bin``."""
        scheme, public = verifying_key(key, algorithm)
        if len(signature) != 2 * scheme.size:  # openssl would fail reading it, not verify
            return False
        with tempfile.TemporaryDirectory(prefix="omshub-gost-") as tmp:
            pub_file, sig_file = Path(tmp) / "pub.pem", Path(tmp) / "sig.bin"
            pub_file.write_bytes(public.pem())
            sig_file.write_bytes(signature)
            done = self._run([scheme.digest.openssl, "-verify", str(pub_file),
                              "-signature", str(sig_file)], data)
        if done.returncode == 0 and b"Verified OK" in done.stdout:
            return True
        if b"Verification failure" in done.stdout or b"Verification failure" in done.stderr:
            return False
        raise CryptoError(f"openssl dgst -verify failed: {done.stderr.decode(errors='replace')}")
