"""CRLs refreshed from their distribution points and the configured addresses."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from adapters.smev3.trust.store import (
    TrustStore,
)
from adapters.smev3.trust.x509 import (
    parse_crl,
    signed_by,
)
from hub.crypto import CryptoProvider
from hub.crypto.keys import KeyFormatError

log = logging.getLogger(__name__)


@dataclass
class RefreshResult:
    """What one CRL refresh did per URL: ``updated``, ``unchanged`` or why it failed."""

    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> dict[str, str]:
        """URLs whose CRL could not be taken, with why."""
        return {u: o for u, o in self.outcomes.items() if o not in ("updated", "unchanged")}


def _http_get(url: str, timeout: float) -> bytes:
    import httpx

    answer = httpx.get(url, timeout=timeout, follow_redirects=True)
    answer.raise_for_status()
    return answer.content


def refresh_crls(directory: Path, urls: Iterable[str], provider: CryptoProvider, *,
                 fetch: Callable[[str, float], bytes] = _http_get,
                 timeout: float = 30.0) -> RefreshResult:
    """Download each CRL, check that a CA of the store signed it, and keep it in
    ``directory/crl/`` when it is newer than the one kept."""
    store = TrustStore.load(directory)
    result = RefreshResult()
    target = directory / "crl"
    for url in urls:
        try:
            crl = parse_crl(fetch(url, timeout))
        except KeyFormatError as exc:
            result.outcomes[url] = f"not a CRL: {exc}"
            continue
        except Exception as exc:  # noqa: BLE001 - any network failure is reported per URL
            result.outcomes[url] = f"download failed: {exc}"
            continue
        issuer = next((ca for ca in store.cas if ca.subject == crl.issuer and signed_by(
            crl.tbs, crl.signature_oid, crl.signature, ca, provider)), None)
        if issuer is None:
            result.outcomes[url] = f"not signed by a trusted CA ({crl.issuer})"
            continue
        path = target / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".crl")
        old = None
        if path.exists():
            try:
                old = parse_crl(path.read_bytes())
            except (OSError, KeyFormatError):
                old = None
        if old is not None and (old.number or 0, old.this_update) >= (
                crl.number or 0, crl.this_update):
            result.outcomes[url] = "unchanged"
            continue
        target.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(crl.der)
        temporary.replace(path)
        result.outcomes[url] = "updated"
        log.info("CRL %s of %s from %s kept", crl.label, crl.issuer, url)
    return result
