"""Pure-Python backend: Streebog and GOST R 34.10-2012 from ``gostcrypto``.

Byte orders — gostcrypto follows the standard's integer notation, XMLDSig and OpenSSL do not,
so three conversions happen here and nowhere else:

- the digest: CryptoPro, OpenSSL and every state exchange take the hash output as a
  *little-endian* integer (e = h mod q with h read from the last byte); gostcrypto reads the
  bytes it is given as big-endian, so it is handed the digest reversed;
- the signature: gostcrypto returns r‖s, XMLDSig wants s‖r (both big-endian): the halves swap;
- the keys: gostcrypto takes the private scalar and the point X‖Y big-endian; certificates and
  PKCS#8 store them little-endian — :mod:`keys` has read them into integers already.

Each was checked against ``openssl dgst -engine gost`` and the real envelopes in fixtures.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hub.crypto import algorithms, gost94
from hub.crypto.keys import Certificate, PrivateKey, PublicKey
from hub.crypto.provider import (
    CryptoProvider,
    ProviderUnavailable,
    signing_algorithm,
    verifying_key,
)

# Curve parameter set OIDs → gostcrypto's names (RFC 7836: tc26 256 B/C/D are CryptoPro A/B/C).
_CURVES = {
    "1.2.643.2.2.35.1": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-A
    "1.2.643.2.2.35.2": "id-tc26-gost-3410-2012-256-paramSetC",  # CryptoPro-B
    "1.2.643.2.2.35.3": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-C
    "1.2.643.2.2.36.0": "id-tc26-gost-3410-2012-256-paramSetB",  # CryptoPro-XchA = A
    "1.2.643.2.2.36.1": "id-tc26-gost-3410-2012-256-paramSetD",  # CryptoPro-XchB = C
    "1.2.643.7.1.2.1.1.1": "id-tc26-gost-3410-2012-256-paramSetA",
    "1.2.643.7.1.2.1.1.2": "id-tc26-gost-3410-2012-256-paramSetB",
    "1.2.643.7.1.2.1.1.3": "id-tc26-gost-3410-2012-256-paramSetC",
    "1.2.643.7.1.2.1.1.4": "id-tc26-gost-3410-2012-256-paramSetD",
    "1.2.643.7.1.2.1.2.1": "id-tc26-gost-3410-12-512-paramSetA",
    "1.2.643.7.1.2.1.2.2": "id-tc26-gost-3410-12-512-paramSetB",
    "1.2.643.7.1.2.1.2.3": "id-tc26-gost-3410-2012-512-paramSetC",
}


def _gostcrypto() -> Any:
    try:
        import gostcrypto  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise ProviderUnavailable("the gostcrypto package is not installed "
                                  "(pip install gostcrypto)") from exc
    return gostcrypto


@cache
def _curve(curve_oid: str, size: int) -> Any:
    """A gostcrypto signature object per curve (building one checks the curve: slow)."""
    gostcrypto = _gostcrypto()
    name = _CURVES.get(curve_oid)
    if name is None:
        raise algorithms.UnsupportedAlgorithm(f"unsupported GOST curve {curve_oid}")
    signature = gostcrypto.gostsignature
    mode = signature.MODE_256 if size == 32 else signature.MODE_512
    return signature.new(mode, signature.CURVES_R_1323565_1_024_2019[name])


class GostcryptoProvider(CryptoProvider):
    """GOST in pure Python (gostcrypto for Streebog and the curves, our own GOST R 34.11-94)."""

    name = "gostcrypto"

    def check(self) -> None:
        """gostcrypto must be importable."""
        _gostcrypto()

    def digest(self, data: bytes, algorithm: str) -> bytes:
        """Streebog 256/512 by gostcrypto, GOST R 34.11-94 by :mod:`gost94`."""
        spec = algorithms.digest_algorithm(algorithm)
        if spec is algorithms.GOST_94:
            return gost94.digest(data)
        name = "streebog256" if spec.size == 32 else "streebog512"
        return bytes(_gostcrypto().gosthash.new(name, data=data).digest())

    def sign(self, data: bytes, key: PrivateKey, algorithm: str) -> bytes:
        """s‖r over ``data``; gostcrypto's r‖s and big-endian digest converted (module doc)."""
        scheme = signing_algorithm(key, algorithm)
        digest = self.digest(data, scheme.digest.uri)
        signer = _curve(key.curve, scheme.size)
        # sign() wipes the key buffer it is given: hand it a fresh one each time.
        r_s = signer.sign(bytearray(key.scalar.to_bytes(scheme.size, "big")),
                          bytearray(digest[::-1]))
        return bytes(r_s[scheme.size:] + r_s[:scheme.size])

    def verify(self, data: bytes, signature: bytes, key: Certificate | PublicKey,
               algorithm: str) -> bool:
        """Whether s‖r verifies; a malformed signature or key is simply not valid."""
        scheme, public = verifying_key(key, algorithm)
        if len(signature) != 2 * scheme.size:
            return False
        digest = self.digest(data, scheme.digest.uri)
        verifier = _curve(public.curve, scheme.size)
        point = public.x.to_bytes(scheme.size, "big") + public.y.to_bytes(scheme.size, "big")
        r_s = signature[scheme.size:] + signature[:scheme.size]
        try:
            return bool(verifier.verify(bytearray(point), bytearray(digest[::-1]),
                                        bytearray(r_s)))
        except _gostcrypto().gostsignature.GOSTSignatureError:
            return False
