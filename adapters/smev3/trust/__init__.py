"""Trust in signers' certificates: CA certificates and CRLs, chains built and checked.

The operator puts the trusted CA certificates (root and intermediate) and their CRLs, PEM or
DER, in the directory ``[plugins.smev3] trust_dir``; CRLs downloaded by :func:`refresh_crls`
(the adapter's ``refresh_crls`` job) are kept in its ``crl/`` subdirectory. A certificate is
trusted at a moment when a chain leads from it to a CA of the store and every link holds at
that moment: the issuer's GOST signature (through the adapter's crypto provider), validity,
basic constraints and key usage, and no revocation by a CRL of the issuer before the moment.

Every refusal reads in English (the command line) and in Russian (the console):
:class:`Problem`. The package: :mod:`.x509` reads certificates and CRLs, :mod:`.store`
builds and checks chains, :mod:`.crls` refreshes CRLs, :mod:`.inuse` lists the certificates
in use for the console and the health; this module checks the chains of a signed document.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from adapters.smev3.signature import SignatureReport
from adapters.smev3.trust.crls import RefreshResult, refresh_crls
from adapters.smev3.trust.inuse import (
    CertificateInUse,
    Overview,
    configured_trust_dir,
    in_use,
    overview,
    seen_certificates,
    warnings,
)
from adapters.smev3.trust.store import ChainReport, TrustStore
from adapters.smev3.trust.x509 import X509, Crl, Problem, Revoked, parse_certificate, parse_crl
from hub.crypto import CryptoProvider
from hub.crypto.keys import KeyFormatError

__all__ = [
    "X509", "CertificateInUse", "ChainReport", "Crl", "Overview", "Problem", "RefreshResult",
    "Revoked", "TrustStore", "check_chains", "configured_trust_dir", "in_use", "overview",
    "parse_certificate", "parse_crl", "refresh_crls", "seen_certificates", "signing_time",
    "warnings",
]

log = logging.getLogger(__name__)


# -- the command line: ``omshub smev3 verify --trust DIR [--at DATETIME]`` ------------------

_DS = "http://www.w3.org/2000/09/xmldsig#"
_SIGNING_TIMES = ("SigningTime", "SendingTimestamp")


def signing_time(root: etree._Element) -> datetime | None:
    """The moment the envelope says it was signed or sent (XAdES SigningTime, or СМЭВ's
    SendingTimestamp), if it says one."""
    for name in _SIGNING_TIMES:
        found: list[etree._Element] = root.xpath("//*[local-name()=$n]", n=name)
        for element in found:
            try:
                moment = datetime.fromisoformat((element.text or "").strip())
            except ValueError:
                continue
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    return None


def check_chains(root: etree._Element, reports: list[SignatureReport], directory: Path,
                 provider: CryptoProvider, at: datetime | None) -> TrustStore:
    """Add each signer's chain verdict to its report (reports in document order, as
    :func:`adapters.smev3.signature.verify` returns them)."""
    store = TrustStore.load(directory)
    for problem in store.errors:
        log.warning("trust store: %s", problem)
    for report, element in zip(reports, root.iter(f"{{{_DS}}}Signature"), strict=False):
        encoded = element.findtext(f"{{{_DS}}}KeyInfo/{{{_DS}}}X509Data/{{{_DS}}}X509Certificate")
        if not encoded:
            continue
        try:
            certificate = parse_certificate(encoded.strip().encode("ascii"))
        except KeyFormatError:
            continue  # the signature's own report already says the certificate is unreadable
        verdict = store.check(certificate, provider, at)
        report.problems.extend(p.en for p in verdict.problems)
        report.notes.extend(p.en for p in verdict.notes)
        if verdict.trusted:
            chain = " <- ".join(link.title for link in verdict.chain[1:])
            report.notes.append(f"chain: {chain}")
    return store
