"""The crypto-provider interface every GOST backend implements.

Conventions at this boundary are those of XMLDSig with the GOST algorithms (CMS stores the
same values), whatever a backend does inside: a digest is the raw hash output (what
DigestValue carries, base64-decoded); a signature is s‖r, each big-endian and as long as the
key (what SignatureValue carries, base64-decoded).
Algorithms are named by their XMLDSig URIs (:mod:`hub.crypto.algorithms`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from hub.crypto import algorithms, keys
from hub.crypto.keys import Certificate, PrivateKey, PublicKey


class CryptoError(RuntimeError):
    """A backend failed (not: a signature did not verify — that is ``False``)."""


class ProviderUnavailable(CryptoError):
    """The backend cannot run here (a tool or package is missing); the reason says which."""


class CryptoProvider(ABC):
    """Digest, sign and verify with GOST algorithms named by XMLDSig URIs."""

    name: ClassVar[str]
    """Registry name (``gostcrypto``, ``openssl``)."""

    def check(self) -> None:  # noqa: B027 - optional hook, most backends need no check
        """Raise :class:`ProviderUnavailable` if this backend cannot run here."""

    @abstractmethod
    def digest(self, data: bytes, algorithm: str) -> bytes:
        """Raw hash of ``data`` by a DigestMethod URI."""

    @abstractmethod
    def sign(self, data: bytes, key: PrivateKey, algorithm: str) -> bytes:
        """Signature s‖r of ``data`` by a SignatureMethod URI (hashing included)."""

    @abstractmethod
    def verify(self, data: bytes, signature: bytes, key: Certificate | PublicKey,
               algorithm: str) -> bool:
        """Whether s‖r ``signature`` of ``data`` verifies with the key (hashing included)."""

    @staticmethod
    def load_private_key(pem: bytes) -> PrivateKey:
        """A private key from PEM (PKCS#8) or DER."""
        return keys.load_private_key(pem)

    @staticmethod
    def load_certificate(pem: bytes) -> Certificate:
        """A certificate from PEM, DER or bare base64."""
        return keys.load_certificate(pem)

    @staticmethod
    def load_public_key(pem: bytes) -> PublicKey:
        """A public key from PEM or SubjectPublicKeyInfo DER."""
        return keys.load_public_key(pem)


def signing_algorithm(key: PrivateKey, algorithm: str) -> algorithms.SignatureAlgorithm:
    """The algorithm, checked to be one we sign with and to fit the key."""
    scheme = algorithms.signature_algorithm(algorithm)
    if not scheme.can_sign:
        raise algorithms.UnsupportedAlgorithm(f"{scheme.title}: verification only, no signing")
    if key.algorithm != scheme.key_oid:
        raise algorithms.UnsupportedAlgorithm(
            f"a key of algorithm {key.algorithm} cannot sign with {scheme.title}")
    return scheme


def verifying_key(key: Certificate | PublicKey, algorithm: str
                  ) -> tuple[algorithms.SignatureAlgorithm, PublicKey]:
    """The algorithm and the public key, checked to fit each other."""
    scheme = algorithms.signature_algorithm(algorithm)
    public = key.public_key if isinstance(key, Certificate) else key
    if public.algorithm != scheme.key_oid:
        raise algorithms.UnsupportedAlgorithm(
            f"a key of algorithm {public.algorithm} cannot verify {scheme.title}")
    return scheme, public
