"""GOST cryptography every signing adapter shares: a provider interface and its backends by name.

Why here, in the hub: more than one adapter signs and verifies with GOST (XMLDSig envelopes,
detached CMS of files, signed documents of federal registers), and adapters never import one
another; the layers let every adapter import the hub, and nothing in this package knows a
channel or a format of the fund — only keys, certificates, digests, signatures and CMS
(:mod:`hub.crypto.cms`). What one channel does with them (its XML transforms, where a
signature goes) stays in that channel's adapter.

Backends: ``gostcrypto`` (pure Python) and ``openssl`` (the command line with the GOST
engine). Third-party backends register a :class:`CryptoProvider` subclass under the entry
point group ``omshub.crypto``; :func:`get_provider` finds either kind by name, loads it only
when asked, and suggests the closest name on a typo. Importing this package is cheap: the
backends load on first use.
"""

from __future__ import annotations

import difflib
import importlib
from importlib.metadata import entry_points

from hub.crypto.algorithms import UnsupportedAlgorithm
from hub.crypto.keys import (
    Certificate,
    KeyFormatError,
    PrivateKey,
    PublicKey,
    load_certificate,
    load_private_key,
    load_public_key,
)
from hub.crypto.provider import CryptoError, CryptoProvider, ProviderUnavailable

ENTRY_POINT_GROUP = "omshub.crypto"
DEFAULT = "gostcrypto"
_BUILT_IN = {
    "gostcrypto": "hub.crypto.pure:GostcryptoProvider",
    "openssl": "hub.crypto.openssl:OpenSSLProvider",
}

__all__ = [
    "Certificate", "CryptoError", "CryptoProvider", "KeyFormatError", "PrivateKey",
    "ProviderUnavailable", "PublicKey", "UnknownProvider", "UnsupportedAlgorithm",
    "get_provider", "load_certificate", "load_private_key", "load_public_key",
    "provider_names",
]


class UnknownProvider(LookupError):
    """No backend by that name; the message suggests the closest one."""


def _registered() -> dict[str, str]:
    found = dict(_BUILT_IN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def provider_names() -> list[str]:
    """Names of every backend, built in or registered."""
    return sorted(_registered())


def get_provider(name: str = DEFAULT) -> CryptoProvider:
    """A backend by name, imported only now."""
    registered = _registered()
    target = registered.get(name)
    if target is None:
        close = difflib.get_close_matches(name, registered, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownProvider(f"unknown crypto provider {name!r}{hint} "
                              f"(known: {', '.join(sorted(registered))})")
    module_name, _, attribute = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attribute)
    if not (isinstance(cls, type) and issubclass(cls, CryptoProvider)):
        raise UnknownProvider(f"crypto provider {name!r} ({target}) is not a CryptoProvider")
    provider: CryptoProvider = cls()
    return provider
