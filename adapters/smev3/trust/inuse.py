"""Certificates in use — ours, the store's CAs, the signers seen — for the console's page
and the adapter's health, with warnings weeks ahead."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.smev3.trust.store import ChainReport, TrustStore
from adapters.smev3.trust.x509 import X509, parse_certificate
from hub.crypto import CryptoProvider
from hub.crypto.keys import KeyFormatError

if TYPE_CHECKING:
    from adapters.smev3.settings import Smev3Settings
    from storage.db import Database


@dataclass(frozen=True)
class CertificateInUse:
    """A certificate the console shows: whose it is, its chain and how long it lasts."""

    role: str
    """``own``, ``ca`` or ``counterparty``."""
    certificate: X509
    report: ChainReport
    expires_in: timedelta

    def warning(self, warn_days: int, *, chains: bool = True) -> str:
        """Russian: expired, expires soon, untrusted (``chains``: a trust store is
        configured); empty when all is well."""
        if self.expires_in <= timedelta(0):
            return "срок действия истёк"
        if chains and not self.report.trusted:
            return self.report.ru_reason
        if self.expires_in <= timedelta(days=warn_days):
            return f"истекает через {self.expires_in.days} дн."
        return ""


def in_use(store: TrustStore, provider: CryptoProvider, *, own: X509 | None = None,
           counterparties: Iterable[X509] = (), at: datetime | None = None,
           tz: tzinfo = UTC) -> list[CertificateInUse]:
    """Our certificate, the store's CAs and the counterparties', each checked now."""
    moment = at or datetime.now(UTC)
    rows = [("own", own)] if own is not None else []
    rows += [("ca", ca) for ca in store.cas]
    rows += [("counterparty", c) for c in counterparties]
    return [CertificateInUse(role, cert, store.check(cert, provider, moment, tz),
                             cert.certificate.not_after - moment)
            for role, cert in rows if cert is not None]


def warnings(certificates: Iterable[CertificateInUse], warn_days: int, *,
             chains: bool = True) -> list[str]:
    """One Russian line per certificate that needs the operator's attention."""
    return [f"{c.certificate.title}: {c.warning(warn_days, chains=chains)}"
            for c in certificates if c.warning(warn_days, chains=chains)]


# -- certificates in use: the console's page and the adapter's health -----------------------

_CERTIFICATE_TEXT = re.compile(rb"X509Certificate>([A-Za-z0-9+/=\s]+)</")


def seen_certificates(db: Database, limit: int = 200) -> list[X509]:
    """Signers' certificates in the last ``limit`` messages received from СМЭВ, newest first,
    each once."""
    import sqlalchemy as sa

    from adapters.smev3.models import received
    from storage.journal import load_blob
    from storage.models import journal_messages as jm

    found: dict[bytes, X509] = {}
    with db.read() as conn:
        ids = conn.execute(
            sa.select(jm.c.raw_blob_id).select_from(received.join(
                jm, jm.c.message_id == received.c.envelope_id))
            .where(jm.c.raw_blob_id.is_not(None))
            .order_by(received.c.received_at.desc()).limit(limit)).scalars().all()
        for blob_id in dict.fromkeys(ids):
            data = load_blob(conn, blob_id) or b""
            for encoded in _CERTIFICATE_TEXT.findall(data):
                try:
                    certificate = parse_certificate(encoded)
                except KeyFormatError:
                    continue
                found.setdefault(certificate.certificate.der, certificate)
    return list(found.values())


@dataclass
class Overview:
    """Every certificate in use, checked, with what needs the operator's attention."""

    rows: list[CertificateInUse]
    store_errors: list[str]
    warn_days: int
    trust_dir: Path | None
    own_error: str = ""

    @property
    def warnings(self) -> list[str]:
        """Russian lines: certificates expiring, expired or untrusted; unreadable files."""
        lines = warnings(self.rows, self.warn_days, chains=self.trust_dir is not None)
        lines += [f"хранилище доверенных сертификатов: {e}" for e in self.store_errors]
        if self.own_error:
            lines.append(f"сертификат информационной системы: {self.own_error}")
        return lines


def overview(settings: Smev3Settings, provider: CryptoProvider, db: Database | None = None,
             at: datetime | None = None, tz: tzinfo = UTC) -> Overview:
    """Our signing certificate, the trust store's CAs and the counterparties' certificates
    seen recently, each with its chain checked now."""
    store = TrustStore.load(settings.trust_dir) if settings.trust_dir else TrustStore()
    own, own_error = None, ""
    if settings.certificate is not None:
        try:
            own = parse_certificate(settings.certificate.read_bytes())
        except (OSError, KeyFormatError) as exc:
            own_error = f"не читается ({exc})"
    known = {ca.certificate.der for ca in store.cas}
    if own is not None:
        known.add(own.certificate.der)
    others = [c for c in (seen_certificates(db) if db is not None else [])
              if c.certificate.der not in known]
    rows = in_use(store, provider, own=own, counterparties=others, at=at, tz=tz)
    return Overview(rows, store.errors, settings.certificate_warn_days, settings.trust_dir,
                    own_error)


def configured_trust_dir() -> Path | None:
    """``[plugins.smev3] trust_dir`` of the config file ``OMSHUB_CONFIG`` names, if any (what
    ``omshub smev3 verify`` uses without ``--trust``)."""
    import os

    if not os.environ.get("OMSHUB_CONFIG"):
        return None
    from adapters.smev3.settings import Smev3Settings
    from hub.settings import load_settings

    try:
        plugin = load_settings().plugins.get("smev3", {})
        return Smev3Settings.model_validate(plugin).trust_dir
    except (OSError, ValueError):
        return None
