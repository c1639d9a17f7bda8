"""XMLDSig algorithm URIs of GOST signatures and what each one means.

A signature algorithm fixes its digest and the size of its key. GOST R 34.10-2012 with
Streebog (256 and 512 bits) signs and verifies; GOST R 34.10-2001 with GOST R 34.11-94 is
legacy and only verified (the fixtures carry real envelopes signed that way).
"""

from __future__ import annotations

from dataclasses import dataclass

DIGEST_2012_256 = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"
DIGEST_2012_512 = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512"
DIGEST_94 = "http://www.w3.org/2001/04/xmldsig-more#gostr3411"

SIGNATURE_2012_256 = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256"
SIGNATURE_2012_512 = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-512"
SIGNATURE_2001 = "http://www.w3.org/2001/04/xmldsig-more#gostr34102001-gostr3411"

# Key algorithm OIDs as certificates and PKCS#8 keys carry them.
OID_GOST2001 = "1.2.643.2.2.19"
OID_GOST2012_256 = "1.2.643.7.1.1.1.1"
OID_GOST2012_512 = "1.2.643.7.1.1.1.2"


class UnsupportedAlgorithm(ValueError):
    """An algorithm URI this product does not know (or may only verify, not sign)."""


@dataclass(frozen=True)
class DigestAlgorithm:
    """A hash by its XMLDSig URI."""

    uri: str
    title: str
    size: int
    """Output length in bytes."""
    openssl: str
    """The ``openssl dgst`` option selecting it (GOST engine)."""


@dataclass(frozen=True)
class SignatureAlgorithm:
    """A signature scheme by its XMLDSig URI: its digest and the key algorithm it needs."""

    uri: str
    title: str
    digest: DigestAlgorithm
    key_oid: str
    size: int
    """Length of r and of s in bytes (SignatureValue is twice this)."""
    can_sign: bool


STREEBOG_256 = DigestAlgorithm(DIGEST_2012_256, "GOST R 34.11-2012 256", 32, "-md_gost12_256")
STREEBOG_512 = DigestAlgorithm(DIGEST_2012_512, "GOST R 34.11-2012 512", 64, "-md_gost12_512")
GOST_94 = DigestAlgorithm(DIGEST_94, "GOST R 34.11-94", 32, "-md_gost94")

DIGESTS = {d.uri: d for d in (STREEBOG_256, STREEBOG_512, GOST_94)}

GOST2012_256 = SignatureAlgorithm(SIGNATURE_2012_256, "GOST R 34.10-2012 256", STREEBOG_256,
                                  OID_GOST2012_256, 32, can_sign=True)
GOST2012_512 = SignatureAlgorithm(SIGNATURE_2012_512, "GOST R 34.10-2012 512", STREEBOG_512,
                                  OID_GOST2012_512, 64, can_sign=True)
GOST2001 = SignatureAlgorithm(SIGNATURE_2001, "GOST R 34.10-2001 (legacy, verify only)", GOST_94,
                              OID_GOST2001, 32, can_sign=False)

SIGNATURES = {s.uri: s for s in (GOST2012_256, GOST2012_512, GOST2001)}
BY_KEY_OID = {s.key_oid: s for s in SIGNATURES.values()}

# CryptoPro's current names of the GOST 2001 algorithms (cadesplugin's XmlDsigGost3410Url and
# XmlDsigGost3411Url; it calls the xmldsig-more ones above obsolete): clients send both.
DIGEST_94_CRYPTOPRO = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr3411"
SIGNATURE_2001_CRYPTOPRO = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102001-gostr3411"
DIGESTS[DIGEST_94_CRYPTOPRO] = GOST_94
SIGNATURES[SIGNATURE_2001_CRYPTOPRO] = GOST2001


def digest_algorithm(uri: str) -> DigestAlgorithm:
    """The digest named by an XMLDSig DigestMethod URI."""
    try:
        return DIGESTS[uri]
    except KeyError:
        raise UnsupportedAlgorithm(f"unsupported digest algorithm {uri}") from None


def signature_algorithm(uri: str) -> SignatureAlgorithm:
    """The signature scheme named by an XMLDSig SignatureMethod URI."""
    try:
        return SIGNATURES[uri]
    except KeyError:
        raise UnsupportedAlgorithm(f"unsupported signature algorithm {uri}") from None


def for_key(key_oid: str) -> SignatureAlgorithm:
    """The signature scheme a key of this algorithm OID signs with."""
    try:
        return BY_KEY_OID[key_oid]
    except KeyError:
        raise UnsupportedAlgorithm(f"unsupported key algorithm OID {key_oid}") from None
