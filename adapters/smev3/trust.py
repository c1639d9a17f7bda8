"""Trust in signers' certificates: CA certificates and CRLs, chains built and checked.

The operator puts the trusted CA certificates (root and intermediate) and their CRLs, PEM or
DER, in the directory ``[plugins.smev3] trust_dir``; CRLs downloaded by :func:`refresh_crls`
(the adapter's ``refresh_crls`` job) are kept in its ``crl/`` subdirectory. A certificate is
trusted at a moment when a chain leads from it to a CA of the store and every link holds at
that moment: the issuer's GOST signature (through the adapter's crypto provider), validity,
basic constraints and key usage, and no revocation by a CRL of the issuer before the moment.

Every refusal reads in English (the command line) and in Russian (the console):
:class:`Problem`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from adapters.smev3.crypto import CryptoError, CryptoProvider, algorithms, der
from adapters.smev3.crypto.keys import Certificate, KeyFormatError, _name, load_certificate
from adapters.smev3.signature import SignatureReport

if TYPE_CHECKING:
    from adapters.smev3.settings import Smev3Settings
    from storage.db import Database

log = logging.getLogger(__name__)

# X.509 signature algorithm OIDs → the XMLDSig URIs the crypto providers take.
SIGNATURE_OIDS = {
    "1.2.643.7.1.1.3.2": algorithms.SIGNATURE_2012_256,
    "1.2.643.7.1.1.3.3": algorithms.SIGNATURE_2012_512,
    "1.2.643.2.2.3": algorithms.SIGNATURE_2001,
}
_BASIC_CONSTRAINTS = "2.5.29.19"
_KEY_USAGE = "2.5.29.15"
_CRL_DP = "2.5.29.31"
_SKI = "2.5.29.14"
_AKI = "2.5.29.35"
_CRL_NUMBER = "2.5.29.20"
_DIGITAL_SIGNATURE, _NON_REPUDIATION, _KEY_CERT_SIGN, _CRL_SIGN = 0, 1, 5, 6
MAX_DEPTH = 8


@dataclass(frozen=True)
class Problem:
    """Why a certificate is not trusted (or what is worth a note), in both languages."""

    en: str
    ru: str

    def __str__(self) -> str:
        return self.en


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}Z"


def _ru_day(moment: datetime, tz: tzinfo = UTC) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in the fund's time zone (named when it is UTC)."""
    text = f"{moment.astimezone(tz):%d.%m.%Y %H:%M}"
    return f"{text} UTC" if tz is UTC else text


def _bits(node: der.Node) -> set[int]:
    data = node.expect(der.BIT_STRING).data
    return {i for i in range(8 * (len(data) - 1)) if data[1 + i // 8] & (0x80 >> (i % 8))}


def _uris(node: der.Node) -> Iterable[str]:
    if node.tag == 0x86:  # GeneralName uniformResourceIdentifier
        yield node.data.decode("ascii", errors="replace")
    elif node.tag & 0x20:
        for child in node.children:
            yield from _uris(child)


def _extensions(node: der.Node) -> dict[str, tuple[bool, bytes]]:
    found: dict[str, tuple[bool, bytes]] = {}
    for extension in node.expect(der.SEQUENCE).children:
        parts = extension.children
        critical = len(parts) == 3 and parts[1].tag == 0x01 and parts[1].data != b"\x00"
        found[parts[0].oid()] = (critical, parts[-1].expect(der.OCTET_STRING).data)
    return found


@dataclass(frozen=True)
class X509:
    """A certificate with what chain building needs beyond :class:`Certificate`."""

    certificate: Certificate
    tbs: bytes
    signature_oid: str
    signature: bytes
    is_ca: bool = False
    path_length: int | None = None
    key_usage: frozenset[int] | None = None
    crl_urls: tuple[str, ...] = ()
    key_id: bytes = b""
    authority_key_id: bytes = b""

    @property
    def subject(self) -> str:
        """The subject's distinguished name (RFC 4514 order)."""
        return self.certificate.subject

    @property
    def issuer(self) -> str:
        """The issuer's distinguished name."""
        return self.certificate.issuer

    @property
    def self_signed(self) -> bool:
        """Subject and issuer are the same name."""
        return self.subject == self.issuer

    @property
    def fingerprint(self) -> str:
        """SHA-1 of the DER, hex (how operators tell certificates apart)."""
        return hashlib.sha1(self.certificate.der, usedforsecurity=False).hexdigest()

    @property
    def title(self) -> str:
        """The subject's CN if it has one, else the whole subject."""
        for part in self.subject.split(", "):
            if part.startswith("CN="):
                return part[3:]
        return self.subject


def parse_certificate(data: bytes) -> X509:
    """A GOST X.509 certificate (PEM, DER or bare base64) with its extensions read."""
    certificate = load_certificate(data)
    try:
        outer = der.parse(certificate.der).children
        tbs_node, algorithm, value = outer[:3]
        tbs = tbs_node.children
        extensions: dict[str, tuple[bool, bytes]] = {}
        for node in tbs:
            if node.tag == 0xA3:
                extensions = _extensions(node.children[0])
        is_ca, path_length, key_id, authority = False, None, b"", b""
        usage: frozenset[int] | None = None
        urls: tuple[str, ...] = ()
        if _BASIC_CONSTRAINTS in extensions:
            for part in der.parse(extensions[_BASIC_CONSTRAINTS][1]).children:
                if part.tag == 0x01:
                    is_ca = part.data != b"\x00"
                elif part.tag == der.INTEGER:
                    path_length = part.integer()
        if _KEY_USAGE in extensions:
            usage = frozenset(_bits(der.parse(extensions[_KEY_USAGE][1])))
        if _CRL_DP in extensions:
            urls = tuple(_uris(der.parse(extensions[_CRL_DP][1])))
        if _SKI in extensions:
            key_id = der.parse(extensions[_SKI][1]).expect(der.OCTET_STRING).data
        if _AKI in extensions:
            for part in der.parse(extensions[_AKI][1]).children:
                if part.tag == 0x80:
                    authority = part.data
        return X509(certificate, tbs_node.raw, algorithm.children[0].oid(), value.bits(),
                    is_ca, path_length, usage, urls, key_id, authority)
    except (IndexError, ValueError) as exc:
        raise KeyFormatError(f"not an X.509 certificate: {exc}") from exc


@dataclass(frozen=True)
class Revoked:
    """One entry of a CRL."""

    serial: int
    at: datetime


@dataclass(frozen=True)
class Crl:
    """A certificate revocation list."""

    der: bytes
    issuer: str
    this_update: datetime
    next_update: datetime | None
    number: int | None
    revoked: dict[int, Revoked]
    tbs: bytes
    signature_oid: str
    signature: bytes
    authority_key_id: bytes = b""

    @property
    def label(self) -> str:
        """``No NN`` (or the date it was issued when it has no number)."""
        return f"No {self.number}" if self.number is not None else f"of {_day(self.this_update)}"

    def ru_label(self, tz: tzinfo = UTC) -> str:
        """``№ NN`` in Russian."""
        return (f"№ {self.number}" if self.number is not None
                else f"от {_ru_day(self.this_update, tz)}")


def parse_crl(data: bytes) -> Crl:
    """An X.509 CRL from PEM or DER."""
    try:
        raw = der.from_pem(data, "X509 CRL")[1] if b"-----BEGIN" in data else data
        tbs_node, algorithm, value = der.parse(raw).expect(der.SEQUENCE).children[:3]
        parts = tbs_node.children
        if parts[0].tag == der.INTEGER:
            parts = parts[1:]
        issuer = _name(parts[1])
        this_update = parts[2].time()
        rest = parts[3:]
        next_update = None
        if rest and rest[0].tag in (der.UTC_TIME, der.GENERALIZED_TIME):
            next_update, rest = rest[0].time(), rest[1:]
        revoked: dict[int, Revoked] = {}
        number, authority = None, b""
        for node in rest:
            if node.tag == der.SEQUENCE:
                for entry in node.children:
                    serial, when = entry.children[:2]
                    revoked[serial.integer()] = Revoked(serial.integer(), when.time())
            elif node.tag == 0xA0:
                extensions = _extensions(node.children[0])
                if _CRL_NUMBER in extensions:
                    number = der.parse(extensions[_CRL_NUMBER][1]).integer()
                if _AKI in extensions:
                    for part in der.parse(extensions[_AKI][1]).children:
                        if part.tag == 0x80:
                            authority = part.data
        return Crl(raw, issuer, this_update, next_update, number, revoked, tbs_node.raw,
                   algorithm.children[0].oid(), value.bits(), authority)
    except (IndexError, ValueError) as exc:
        raise KeyFormatError(f"not an X.509 CRL: {exc}") from exc


def signed_by(data: bytes, signature_oid: str, signature: bytes, issuer: X509,
              provider: CryptoProvider) -> bool:
    """Whether ``issuer``'s key made the signature (False for an algorithm we do not know)."""
    uri = SIGNATURE_OIDS.get(signature_oid)
    if uri is None:
        return False
    try:
        return provider.verify(data, signature, issuer.certificate, uri)
    except (algorithms.UnsupportedAlgorithm, CryptoError):
        return False


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
