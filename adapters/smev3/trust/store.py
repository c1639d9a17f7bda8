"""The trust store: CA certificates and CRLs of a directory, chains built and checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from adapters.smev3.trust.x509 import (
    _DIGITAL_SIGNATURE,
    _KEY_CERT_SIGN,
    _NON_REPUDIATION,
    MAX_DEPTH,
    X509,
    Crl,
    Problem,
    _day,
    _ru_day,
    parse_certificate,
    parse_crl,
    signed_by,
)
from hub.crypto import CryptoProvider
from hub.crypto.keys import Certificate, KeyFormatError


@dataclass
class ChainReport:
    """The verdict on one certificate: its chain up to a trusted CA, problems and notes."""

    certificate: X509
    at: datetime
    chain: list[X509] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tz: tzinfo = UTC
    """The time zone Russian texts give times in (the fund's)."""

    @property
    def trusted(self) -> bool:
        """A chain to a trusted CA was found and nothing is wrong with it."""
        return not self.problems

    @property
    def reason(self) -> str:
        """One line in English: ``trusted`` or every cause."""
        return "; ".join(p.en for p in self.problems) or "trusted"

    @property
    def ru_reason(self) -> str:
        """One line in Russian."""
        return "; ".join(p.ru for p in self.problems) or "доверенный"


@dataclass
class TrustStore:
    """CA certificates and CRLs, read from the operator's directory."""

    cas: list[X509] = field(default_factory=list)
    crls: list[Crl] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Files that could not be read, each with why."""
    directory: Path | None = None

    @classmethod
    def load(cls, directory: Path) -> TrustStore:
        """Every certificate and CRL in the directory and its ``crl/`` subdirectory."""
        store = cls(directory=directory)
        files = sorted(p for d in (directory, directory / "crl") if d.is_dir()
                       for p in d.iterdir() if p.is_file() and not p.name.startswith("."))
        for path in files:
            try:
                store.add_file(path.read_bytes())
            except (OSError, KeyFormatError) as exc:
                store.errors.append(f"{path.name}: {exc}")
        return store

    def add_file(self, data: bytes) -> None:
        """Every PEM block of a file, or its one DER certificate or CRL."""
        if b"-----BEGIN" in data:
            blocks = [b for b in data.split(b"-----END ") if b"-----BEGIN" in b]
            for block in blocks:
                label = block.split(b"-----BEGIN ", 1)[1].split(b"-----", 1)[0]
                pem = block + b"-----END " + label + b"-----\n"
                if label == b"CERTIFICATE":
                    self.add_ca(parse_certificate(pem))
                elif label == b"X509 CRL":
                    self.add_crl(parse_crl(pem))
            return
        try:
            self.add_crl(parse_crl(data))
        except KeyFormatError:
            self.add_ca(parse_certificate(data))

    def add_ca(self, ca: X509) -> None:
        """A trusted CA certificate (once)."""
        if all(c.certificate.der != ca.certificate.der for c in self.cas):
            self.cas.append(ca)

    def add_crl(self, crl: Crl) -> None:
        """A CRL; of two from the same issuer the newer is kept."""
        for i, known in enumerate(self.crls):
            if known.issuer == crl.issuer and known.authority_key_id == crl.authority_key_id:
                if (crl.number or 0, crl.this_update) > (known.number or 0, known.this_update):
                    self.crls[i] = crl
                return
        self.crls.append(crl)

    def issuers_of(self, certificate: X509) -> list[X509]:
        """CAs of the store whose name (and key id, when both say) is the certificate's
        issuer."""
        return [ca for ca in self.cas if ca.subject == certificate.issuer
                and not (ca.key_id and certificate.authority_key_id
                         and ca.key_id != certificate.authority_key_id)]

    def crl_of(self, issuer: X509, provider: CryptoProvider) -> Crl | None:
        """The newest CRL the issuer signed."""
        for crl in self.crls:
            if crl.issuer == issuer.subject and signed_by(crl.tbs, crl.signature_oid,
                                                          crl.signature, issuer, provider):
                return crl
        return None

    def check(self, certificate: X509 | Certificate, provider: CryptoProvider,
              at: datetime | None = None, tz: tzinfo = UTC) -> ChainReport:
        """Build the chain from the certificate to a CA of the store, and check each link at
        the moment ``at`` (now by default); ``tz``: the fund's, for the Russian texts."""
        if isinstance(certificate, Certificate):
            certificate = parse_certificate(certificate.der)
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        report = ChainReport(certificate, moment, [certificate], tz=tz)
        current = certificate
        while True:
            anchor = any(ca.certificate.der == current.certificate.der for ca in self.cas)
            if anchor and current.self_signed:
                break
            candidates = self.issuers_of(current)
            issuer = next((ca for ca in candidates if signed_by(
                current.tbs, current.signature_oid, current.signature, ca, provider)), None)
            if issuer is None:
                if anchor:  # an intermediate CA trusted without its root
                    break
                if candidates:
                    report.problems.append(Problem(
                        f"the signature of CA {current.issuer!r} on {current.title!r} does "
                        f"not verify", f"подпись УЦ «{current.issuer}» на сертификате "
                        f"«{current.title}» неверна"))
                else:
                    report.problems.append(Problem(
                        f"unknown CA: {current.issuer!r} is not in the trust store",
                        f"неизвестный УЦ: «{current.issuer}» нет среди доверенных"))
                break
            report.chain.append(issuer)
            current = issuer
            if len(report.chain) > MAX_DEPTH:
                report.problems.append(Problem("the chain is too long",
                                               "слишком длинная цепочка сертификатов"))
                break
        self._check_links(report, provider)
        return report

    def _check_links(self, report: ChainReport, provider: CryptoProvider) -> None:
        at = report.at

        def ru(moment: datetime) -> str:
            return _ru_day(moment, report.tz)

        for depth, link in enumerate(report.chain):
            cert = link.certificate
            if at < cert.not_before:
                report.problems.append(Problem(
                    f"{link.title!r} is not yet valid at {_day(at)} (valid from "
                    f"{_day(cert.not_before)})",
                    f"сертификат «{link.title}» на {ru(at)} ещё не действует (действует "
                    f"с {ru(cert.not_before)})"))
            elif at > cert.not_after:
                report.problems.append(Problem(
                    f"{link.title!r} expired at the moment {_day(at)} (valid until "
                    f"{_day(cert.not_after)})",
                    f"срок действия сертификата «{link.title}» на {ru(at)} истёк "
                    f"({ru(cert.not_after)})"))
            if depth == 0:
                if not link.is_ca and link.key_usage is not None and not link.key_usage & {
                        _DIGITAL_SIGNATURE, _NON_REPUDIATION}:
                    report.problems.append(Problem(
                        f"{link.title!r}: key usage does not allow signing",
                        f"сертификат «{link.title}»: назначение ключа не допускает подпись"))
            else:
                if not link.is_ca:
                    report.problems.append(Problem(
                        f"{link.title!r} is not a CA certificate (basic constraints)",
                        f"сертификат «{link.title}» не является сертификатом УЦ"))
                elif link.path_length is not None and depth - 1 > link.path_length:
                    report.problems.append(Problem(
                        f"{link.title!r}: path length constraint exceeded",
                        f"сертификат «{link.title}»: превышена длина цепочки"))
                if link.key_usage is not None and _KEY_CERT_SIGN not in link.key_usage:
                    report.problems.append(Problem(
                        f"{link.title!r}: key usage does not allow signing certificates",
                        f"сертификат «{link.title}»: ключ не предназначен для подписи "
                        f"сертификатов"))
                self._check_revocation(report, report.chain[depth - 1], link, provider)
        top = report.chain[-1]
        if top.self_signed and report.trusted and not signed_by(
                top.tbs, top.signature_oid, top.signature, top, provider):
            report.problems.append(Problem(
                f"the self-signature of {top.title!r} does not verify",
                f"самоподпись сертификата «{top.title}» неверна"))

    def _check_revocation(self, report: ChainReport, link: X509, issuer: X509,
                          provider: CryptoProvider) -> None:
        crl = self.crl_of(issuer, provider)
        if crl is None:
            report.notes.append(Problem(
                f"no CRL of {issuer.title!r}: revocation of {link.title!r} not checked",
                f"нет СОС УЦ «{issuer.title}»: отзыв «{link.title}» не проверен"))
            return
        entry = crl.revoked.get(link.certificate.serial)
        number = crl.ru_label(report.tz)

        def ru(moment: datetime) -> str:
            return _ru_day(moment, report.tz)

        if entry is not None and entry.at <= report.at:
            report.problems.append(Problem(
                f"{link.title!r} revoked by CRL {crl.label} of {issuer.title!r} on "
                f"{_day(entry.at)}",
                f"сертификат «{link.title}» отозван {ru(entry.at)} (СОС {number} "
                f"УЦ «{issuer.title}»)"))
        elif entry is not None:
            report.notes.append(Problem(
                f"{link.title!r} revoked later, on {_day(entry.at)}",
                f"сертификат «{link.title}» отозван позже, {ru(entry.at)}"))
        elif crl.next_update is not None and crl.next_update < datetime.now(UTC):
            report.notes.append(Problem(
                f"CRL {crl.label} of {issuer.title!r} is out of date since "
                f"{_day(crl.next_update)}",
                f"СОС {number} УЦ «{issuer.title}» устарел с {ru(crl.next_update)}"))

    def crl_urls(self, extra: Iterable[X509] = ()) -> list[str]:
        """Distribution points of the CAs' CRLs: what each CA and certificate names."""
        urls: list[str] = []
        for cert in (*self.cas, *extra):
            for url in cert.crl_urls:
                if url.startswith(("http://", "https://")) and url not in urls:
                    urls.append(url)
        return urls
