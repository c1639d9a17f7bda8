"""The adapter's keys at work: a signer for outgoing envelopes, a verifier for incoming ones.

Outgoing: the protocol hands each element to sign (in its final place, with its Id) to the
signer, which returns a detached ds:Signature (ЭП-ОВ). Incoming: every ds:Signature in a
received envelope is checked — digest, signature value, certificate validity — and the
problems are returned for the journal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

from adapters.smev3 import signature, trust
from adapters.smev3.protocol import http
from adapters.smev3.settings import Smev3Settings
from contracts.xmlsafe import UnsafeXml, parse
from hub.crypto import get_provider
from hub.crypto.keys import load_certificate, load_private_key

ElementSigner = Callable[[etree._Element], etree._Element]


def element_signer(key: Path, certificate: Path, provider: str) -> ElementSigner:
    """A protocol signer: element with an Id -> its detached ds:Signature."""
    who = signature.Signer(key=load_private_key(key.read_bytes()),
                           certificate=load_certificate(certificate.read_bytes()),
                           provider=get_provider(provider))

    def sign(element: etree._Element) -> etree._Element:
        return signature.detached(element, who)

    return sign


def document_verifier(provider: str, *, require: bool = False, trust_dir: Path | None = None
                      ) -> Callable[[bytes], list[str]]:
    """Checks every signature of a received HTTP body; the problems, or [] when all hold.

    ``require``: a document without any signature is a problem too. ``trust_dir``: each
    signer's certificate must also chain to a CA of that trust store
    (:mod:`adapters.smev3.trust`), valid and unrevoked at the signing moment.
    """
    crypto = get_provider(provider)

    def verify(data: bytes) -> list[str]:
        try:
            root = parse(http.unpack(data).envelope)
        except UnsafeXml as exc:
            return [str(exc)]
        reports = signature.verify(root, crypto)
        if trust_dir is not None:
            trust.check_chains(root, reports, trust_dir, crypto, trust.signing_time(root))
        problems = [f"{r.location}: {r.reason}" for r in reports if not r.valid]
        if require and not reports:
            problems.append("the message carries no signature")
        return problems

    return verify


def signer_for(settings: Smev3Settings) -> ElementSigner:
    """Our information system's signer (ЭП-ОВ) from ``[plugins.smev3]``."""
    assert settings.key is not None and settings.certificate is not None
    return element_signer(settings.key, settings.certificate, settings.crypto_provider)


def verifier_for(settings: Smev3Settings) -> Callable[[bytes], list[str]]:
    """The check of what СМЭВ delivers: every signature must hold, and one must be there."""
    return document_verifier(settings.crypto_provider, require=True,
                             trust_dir=settings.trust_dir)
