"""Trust chains (issue 12, item 2, "done when"): a test CA hierarchy made with OpenSSL's GOST
engine — a root (GOST 2012-512) and an issuing CA (2012-256) whose CRL is served over local
HTTP — signs leaf certificates; envelopes signed with them are verified by
``omshub smev3 verify --trust DIR [--at DATETIME]``.
"""

from __future__ import annotations

import functools
import html
import http.server
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from adapters.smev3 import keying, signature, trust
from adapters.smev3.models import received
from adapters.smev3.service import Smev3Adapter, catalogue
from adapters.smev3.settings import Smev3Settings
from admin.app import create_app
from contracts.envelope import utcnow
from contracts.registry import TypeRegistry
from hub.cli import main
from hub.crypto import get_provider, load_certificate, load_private_key
from hub.operations import Operations
from hub.settings import Settings
from storage.db import Database
from storage.journal import store_blob
from storage.migrate import upgrade
from storage.models import journal_messages
from tests.adapters.smev3.keys import require_engine
from tests.admin.conftest import SECRET, console_logins, router_bus

_CA_CONFIG = """[ca]
default_ca = this
[this]
database = {dir}/index.txt
new_certs_dir = {dir}/new
serial = {dir}/serial
crlnumber = {dir}/crlnumber
policy = anything
unique_subject = no
default_crl_days = 30
default_md = {md}
[anything]
commonName = supplied
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{parent_crl}
[leaf_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:{crl}
[tls_ext]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
authorityKeyIdentifier = keyid
"""

_KINDS = {256: ("gost2012_256", "md_gost12_256"), 512: ("gost2012_512", "md_gost12_512")}


def _openssl(*args: str, cwd: Path | None = None) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60,
                          check=False, cwd=cwd)
    if done.returncode != 0:
        pytest.fail(f"openssl {' '.join(args)} failed: {done.stderr}")


@dataclass
class Ca:
    """A test CA: its directory (openssl ca's database), key and certificate."""

    name: str
    dir: Path
    key: Path
    cert: Path
    md: str

    @property
    def config(self) -> Path:
        return self.dir / "ca.cnf"


class Pki:
    """Builds a GOST CA hierarchy and leaf certificates with ``openssl ca``."""

    def __init__(self, base: Path, crl_base: str) -> None:
        self.base = base
        self.crl_base = crl_base

    def key(self, path: Path, bits: int) -> None:
        _openssl("genpkey", "-engine", "gost", "-algorithm", _KINDS[bits][0], "-pkeyopt",
                 "paramset:A", "-out", str(path))

    def csr(self, key: Path, name: str, bits: int) -> Path:
        csr = key.with_suffix(".csr")
        _openssl("req", "-engine", "gost", "-new", "-key", str(key), f"-{_KINDS[bits][1]}",
                 "-utf8", "-subj", f"/CN={name}/O=ТФОМС (test material)/C=RU", "-out", str(csr))
        return csr

    def ca(self, name: str, bits: int, parent: Ca | None = None,
           start: str = "20190101000000Z", end: str = "20450101000000Z") -> Ca:
        directory = self.base / f"{name} {len(list(self.base.iterdir()))}"
        (directory / "new").mkdir(parents=True)
        (directory / "index.txt").write_text("")
        (directory / "serial").write_text("1000\n")
        (directory / "crlnumber").write_text("07\n")
        key = directory / "ca.key"
        self.key(key, bits)
        ca = Ca(name, directory, key, directory / "ca.pem", _KINDS[bits][1])
        ca.config.write_text(_CA_CONFIG.format(
            dir=directory, md=_KINDS[bits][1], crl=f"{self.crl_base}/{name}.crl",
            parent_crl=f"{self.crl_base}/{parent.name if parent else name}.crl"))
        signer = parent or ca
        self._issue(signer, self.csr(key, name, bits), ca.cert, "ca_ext", start, end,
                    selfsign=parent is None, key=key)
        return ca

    def _issue(self, ca: Ca, csr: Path, out: Path, extensions: str, start: str, end: str,
               *, selfsign: bool = False, key: Path | None = None) -> None:
        args = ["ca", "-engine", "gost", "-batch", "-config", str(ca.config), "-md", ca.md,
                "-utf8", "-extensions", extensions, "-startdate", start, "-enddate", end,
                "-in", str(csr), "-out", str(out), "-notext"]
        if selfsign:
            args += ["-selfsign", "-keyfile", str(key)]
        else:
            args += ["-cert", str(ca.cert), "-keyfile", str(ca.key)]
        _openssl(*args)

    def leaf(self, ca: Ca, name: str, *, start: str = "20240101000000Z",
             end: str = "20440101000000Z", extensions: str = "leaf_ext") -> tuple[Path, Path]:
        key = self.base / f"{name}.key"
        self.key(key, 256)
        cert = self.base / f"{name}.pem"
        self._issue(ca, self.csr(key, name, 256), cert, extensions, start, end)
        return key, cert

    def revoke(self, ca: Ca, cert: Path) -> None:
        _openssl("ca", "-engine", "gost", "-config", str(ca.config), "-cert", str(ca.cert),
                 "-keyfile", str(ca.key), "-revoke", str(cert), "-crl_reason", "keyCompromise")

    def crl(self, ca: Ca, out: Path) -> Path:
        _openssl("ca", "-engine", "gost", "-config", str(ca.config), "-cert", str(ca.cert),
                 "-keyfile", str(ca.key), "-md", ca.md, "-gencrl", "-out", str(out))
        return out


@dataclass
class World:
    """The hierarchy, its leaves, the trust directory and the CRL web server's folder."""

    pki: Pki
    root: Ca
    issuing: Ca
    leaves: dict[str, tuple[Path, Path]]
    trust_dir: Path
    served: Path
    crl_base: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Root → issuing CA → leaves (good, revoked, lapsed in 2020, not for signing); another
    root's leaf; the issuing CA's CRL (revoking one leaf) in the trust directory and served
    over HTTP."""
    require_engine()
    base = tmp_path_factory.mktemp("pki")
    served = base / "www"
    served.mkdir()
    handler = functools.partial(_Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    crl_base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pki = Pki(base, crl_base)
        root = pki.ca("Test Root CA", 512)
        issuing = pki.ca("Test Issuing CA", 256, root)
        stranger_root = pki.ca("Stranger Root CA", 256)
        leaves = {
            "good": pki.leaf(issuing, "Good Signer"),
            "revoked": pki.leaf(issuing, "Revoked Signer"),
            "lapsed": pki.leaf(issuing, "Lapsed Signer", start="20200101000000Z",
                               end="20210101000000Z"),
            "tls": pki.leaf(issuing, "Not A Signer", extensions="tls_ext"),
            "stranger": pki.leaf(stranger_root, "Stranger Signer"),
        }
        pki.revoke(issuing, leaves["revoked"][1])
        trust_dir = base / "trust"
        trust_dir.mkdir()
        (trust_dir / "root.pem").write_bytes(root.cert.read_bytes())
        (trust_dir / "issuing.cer").write_bytes(issuing.cert.read_bytes())
        pki.crl(issuing, trust_dir / "issuing.crl")
        yield World(pki, root, issuing, leaves, trust_dir, served, crl_base)
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


def _signed(world: World, leaf: str, tmp_path: Path, when: str = "") -> Path:
    key, cert = world.leaves[leaf]
    stamp = f"<SendingTimestamp>{when}</SendingTimestamp>" if when else ""
    root = etree.fromstring(
        f'<Request xmlns="urn://test/trust"><SenderProvidedRequestData Id="r1">'
        f"<Data>сведения</Data></SenderProvidedRequestData>{stamp}</Request>".encode())
    signer = signature.Signer(load_private_key(key.read_bytes()),
                              load_certificate(cert.read_bytes()), get_provider())
    signature.sign(root, "r1", signer, root)
    path = tmp_path / f"{leaf}.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def _verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["smev3", "verify", *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_certificate_of_a_configured_ca_verifies(world: World, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    envelope = _signed(world, "good", tmp_path)
    code, out = _verify(capsys, str(envelope), "--trust", str(world.trust_dir))
    assert code == 0, out
    assert "chain: Test Issuing CA <- Test Root CA" in out
    assert "1 of 1 signature(s) valid" in out


def test_unknown_ca_revoked_and_lapsed_are_refused_with_reasons(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trust_dir = str(world.trust_dir)
    code, out = _verify(capsys, str(_signed(world, "stranger", tmp_path)), "--trust", trust_dir)
    assert code == 1
    assert "unknown CA: 'CN=Stranger Root CA' is not in the trust store" in out

    code, out = _verify(capsys, str(_signed(world, "revoked", tmp_path)), "--trust", trust_dir)
    assert code == 1
    assert "'Revoked Signer' revoked by CRL No 7 of 'Test Issuing CA' on" in out

    lapsed = str(_signed(world, "lapsed", tmp_path))
    code, out = _verify(capsys, lapsed, "--trust", trust_dir, "--at", "2022-06-01T12:00:00")
    assert code == 1
    assert ("'Lapsed Signer' expired at the moment 2022-06-01 12:00Z (valid until "
            "2021-01-01 00:00Z)") in out
    # the archived message was signed while the certificate was valid
    code, out = _verify(capsys, lapsed, "--trust", trust_dir, "--at", "2020-06-01T15:00+03:00")
    assert code == 0, out
    assert "certificates checked at 2020-06-01 12:00:00Z" in out
    code, out = _verify(capsys, lapsed, "--trust", trust_dir, "--at", "2019-12-31")
    assert code == 1
    assert "'Lapsed Signer' is not yet valid at 2019-12-31 00:00Z" in out

    code, out = _verify(capsys, str(_signed(world, "tls", tmp_path)), "--trust", trust_dir)
    assert code == 1
    assert "'Not A Signer': key usage does not allow signing" in out


def test_the_signing_time_the_envelope_carries_is_the_default_moment(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    during = _signed(world, "lapsed", tmp_path, when="2020-03-23T07:03:07.000+03:00")
    code, out = _verify(capsys, str(during), "--trust", str(world.trust_dir))
    assert code == 0, out
    after = _signed(world, "lapsed", tmp_path, when="2023-03-23T07:03:07.000+03:00")
    code, out = _verify(capsys, str(after), "--trust", str(world.trust_dir))
    assert code == 1 and "expired at the moment 2023-03-23 04:03Z" in out
    code, out = _verify(capsys, str(after), "--at", "tomorrow")
    assert code == 2 and "--at 'tomorrow': not a date and time" in out


def test_revocation_after_the_signing_moment_does_not_void_an_archived_signature(
        world: World) -> None:
    store = trust.TrustStore.load(world.trust_dir)
    revoked = trust.parse_certificate(world.leaves["revoked"][1].read_bytes())
    provider = get_provider()
    assert not store.check(revoked, provider).trusted
    earlier = store.check(revoked, provider, datetime(2024, 6, 1, tzinfo=UTC))
    assert earlier.trusted, earlier.reason
    assert any("revoked later" in n.en for n in earlier.notes)
    assert "отозван" in store.check(revoked, provider).ru_reason


def test_a_forged_link_and_a_ca_without_its_crl(world: World, tmp_path: Path) -> None:
    provider = get_provider()
    good = trust.parse_certificate(world.leaves["good"][1].read_bytes())
    # a store holding only an impostor named like the issuing CA
    impostor = world.pki.ca("Test Issuing CA", 256, start="20190101000000Z")
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "impostor.pem").write_bytes(impostor.cert.read_bytes())
    verdict = trust.TrustStore.load(fake).check(good, provider)
    assert not verdict.trusted
    assert "does not verify" in verdict.reason or "unknown CA" in verdict.reason
    # the real CAs without the CRL: trusted, with a note that revocation was not checked
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "both.pem").write_bytes(world.root.cert.read_bytes()
                                    + world.issuing.cert.read_bytes())
    (bare / "notes.txt").write_text("not a certificate")
    store = trust.TrustStore.load(bare)
    assert [ca.title for ca in store.cas] == ["Test Root CA", "Test Issuing CA"]
    assert store.errors and store.errors[0].startswith("notes.txt:")
    verdict = store.check(good, provider)
    assert verdict.trusted, verdict.reason
    assert any("revocation of 'Good Signer' not checked" in n.en for n in verdict.notes)


def test_crls_refresh_from_their_distribution_points(world: World, tmp_path: Path) -> None:
    provider = get_provider()
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    for ca in (world.root, world.issuing):
        (store_dir / f"{ca.name}.pem").write_bytes(ca.cert.read_bytes())
    revoked = trust.parse_certificate(world.leaves["revoked"][1].read_bytes())
    urls = trust.TrustStore.load(store_dir).crl_urls([revoked])
    assert f"{world.crl_base}/Test Issuing CA.crl" in urls
    assert f"{world.crl_base}/Test Root CA.crl" in urls

    world.pki.crl(world.issuing, world.served / "Test Issuing CA.crl")
    (world.served / "Test Root CA.crl").write_bytes(b"<html>not found</html>")
    result = trust.refresh_crls(store_dir, urls, provider)
    assert result.outcomes[f"{world.crl_base}/Test Issuing CA.crl"] == "updated"
    assert result.failed[f"{world.crl_base}/Test Root CA.crl"].startswith("not a CRL")
    verdict = trust.TrustStore.load(store_dir).check(revoked, provider)
    assert "revoked by CRL No" in verdict.reason

    issuing = f"{world.crl_base}/Test Issuing CA.crl"
    again = trust.refresh_crls(store_dir, [issuing], provider)
    assert again.outcomes == {issuing: "unchanged"}
    # a CRL no trusted CA signed is not kept
    stranger = world.pki.crl(world.pki.ca("Test Issuing CA x", 256), tmp_path / "x.crl")
    (world.served / "other.crl").write_bytes(stranger.read_bytes())
    other = trust.refresh_crls(store_dir, [f"{world.crl_base}/other.crl"], provider)
    assert "not signed by a trusted CA" in other.failed[f"{world.crl_base}/other.crl"]
    gone = trust.refresh_crls(store_dir, ["http://127.0.0.1:9/none.crl"], provider,
                              timeout=2)
    assert gone.failed["http://127.0.0.1:9/none.crl"].startswith("download failed")


def test_certificates_in_use_warn_weeks_ahead(world: World) -> None:
    store = trust.TrustStore.load(world.trust_dir)
    provider = get_provider()
    good = trust.parse_certificate(world.leaves["good"][1].read_bytes())
    rows = trust.in_use(store, provider, own=good,
                        at=datetime(2043, 12, 20, tzinfo=UTC))
    assert [r.role for r in rows] == ["own", "ca", "ca"]
    assert rows[0].warning(30) == "истекает через 12 дн."
    assert rows[0].warning(7) == ""
    assert trust.warnings(rows, 30) == ["Good Signer: истекает через 12 дн."]
    later = trust.in_use(store, provider, own=good, at=datetime(2044, 2, 1, tzinfo=UTC))
    assert later[0].warning(30) == "срок действия истёк"


# -- the console's page, the adapter's health and its CRL job --------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The hub's tables at head and the adapter's own."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    yield database
    database.dispose()


def _received_signed_by(db: Database, world: World, leaf: str, tmp_path: Path,
                        number: int) -> None:
    """A message taken in from СМЭВ whose stored bytes carry a signature by ``leaf``."""
    raw = _signed(world, leaf, tmp_path).read_bytes()
    now = utcnow()
    envelope_id = f"00000000-0000-4000-8000-{number:012d}"
    with db.transaction() as conn:
        blob_id = store_blob(conn, raw, "text/xml")
        conn.execute(journal_messages.insert().values(
            message_id=envelope_id, type="test.trust", version=1, source="adapter.smev3",
            correlation_id=envelope_id, created_at=now, first_seen_at=now, last_at=now,
            status="routed", envelope="{}", raw_blob_id=blob_id))
        conn.execute(received.insert().values(
            message_id=f"6a1b2c3d-0000-11ee-8000-{number:012d}", kind="request",
            type_key="ffoms.services", envelope_id=envelope_id, outcome="taken",
            received_at=now))


def _plugin(world: World, **extra: object) -> dict[str, object]:
    return {"trust_dir": str(world.trust_dir), "certificate": str(world.leaves["good"][1]),
            **extra}


def test_the_console_shows_certificates_in_use_with_chains_and_warnings(
        world: World, db: Database, tmp_path: Path) -> None:
    _received_signed_by(db, world, "lapsed", tmp_path, 1)
    _received_signed_by(db, world, "stranger", tmp_path, 2)
    _received_signed_by(db, world, "good", tmp_path, 3)  # ours: listed once, as ours
    _received_signed_by(db, world, "revoked", tmp_path, 4)
    settings = Settings(plugins={"smev3": _plugin(world, certificate_warn_days=7400)})
    with router_bus() as bus:
        app = create_app(db, Operations(db, bus, TypeRegistry()), TypeRegistry(),
                         secret_key=SECRET, settings=settings, timezone="Europe/Moscow")
        with console_logins(app, db) as login:
            client = login("viewer")
            assert 'href="/smev3/certificates"' in client.get("/smev3").text
            answer = client.get("/smev3/certificates")
    assert answer.status_code == 200
    page = html.unescape(answer.text)
    own = _section(page, "certificates-own")
    assert "Good Signer" in own and "← Test Issuing CA" in own and "← Test Root CA" in own
    assert "истекает через" in own  # 7400 days ahead: within the configured warning period
    cas = _section(page, "certificates-ca")
    assert "Test Root CA" in cas and "Test Issuing CA" in cas and "корневой" in cas
    others = _section(page, "certificates-counterparty")
    assert "Good Signer" not in others
    assert "Lapsed Signer" in others and "срок действия истёк" in others
    assert "Stranger Signer" in others
    assert "неизвестный УЦ: «CN=Stranger Root CA» нет среди доверенных" in others
    revoked = trust.parse_certificate(world.leaves["revoked"][1].read_bytes())
    when = trust.TrustStore.load(world.trust_dir).crls[0].revoked[revoked.certificate.serial].at
    assert (f"сертификат «Revoked Signer» отозван "
            f"{when.astimezone(ZoneInfo('Europe/Moscow')):%d.%m.%Y %H:%M} (СОС № 7 УЦ "
            f"«Test Issuing CA»)") in others
    warnings = _section(page, "certificate-warnings", "p")
    assert "предупреждаем за 7400 дн." in warnings
    assert "Lapsed Signer: срок действия истёк" in warnings


def _section(page: str, element_id: str, tag: str = "table") -> str:
    start = page.index(f'id="{element_id}"')
    return page[start:page.index(f"</{tag}>", start)]


def test_health_warns_of_certificates_and_the_job_refreshes_crls(
        world: World, db: Database) -> None:
    component = Smev3Adapter()
    component.ctx = SimpleNamespace(  # type: ignore[assignment]
        db=db, settings=Settings(timezone="Europe/Moscow"))
    component.types = catalogue()
    component.settings = Smev3Settings.model_validate(_plugin(world))
    health = component.health()
    assert health["certificates"] == [] and health["status"] == ("degraded" if
                                                                  component.types.errors
                                                                  else "ok")
    assert "certificates" in Smev3Adapter.health_labels

    component.settings = Smev3Settings.model_validate(_plugin(world, certificate_warn_days=7400))
    component._certificates = None
    health = component.health()
    assert health["status"] == "degraded"
    assert health["certificates"][0].startswith("Good Signer: истекает через")

    crl_url = f"{world.crl_base}/Test Issuing CA.crl"
    world.pki.crl(world.issuing, world.served / "Test Issuing CA.crl")
    (world.served / "Test Root CA.crl").unlink(missing_ok=True)
    store = tmp_store = world.trust_dir.parent / "job-store"
    store.mkdir(exist_ok=True)
    for ca in (world.root, world.issuing):
        (store / f"{ca.name}.pem").write_bytes(ca.cert.read_bytes())
    component.settings = Smev3Settings.model_validate(
        {"trust_dir": str(tmp_store), "crl_urls": [crl_url]})
    with pytest.raises(RuntimeError, match="СОС не обновлены: .*Test Root CA.crl: download "
                                           "failed"):
        component.refresh_crls()  # the root's distribution point serves nothing
    assert list((store / "crl").iterdir())  # the issuing CA's CRL was kept all the same
    assert any(spec.name == "refresh_crls" for spec in Smev3Adapter.jobs())


def test_verify_takes_the_trust_store_of_the_configuration(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "omshub.toml"
    config.write_text(f'[plugins.smev3]\ntrust_dir = "{tmp_path / "absent"}"\n')
    monkeypatch.setenv("OMSHUB_CONFIG", str(config))
    stranger = str(_signed(world, "stranger", tmp_path))
    code, out = _verify(capsys, stranger)
    assert code == 2 and f"trust store {tmp_path / 'absent'}: not a directory" in out
    config.write_text(f'[plugins.smev3]\ntrust_dir = "{world.trust_dir}"\n')
    code, out = _verify(capsys, stranger)
    assert code == 1 and "unknown CA: 'CN=Stranger Root CA'" in out


def test_chains_check_the_same_with_the_openssl_backend(world: World) -> None:
    store = trust.TrustStore.load(world.trust_dir)
    openssl = get_provider("openssl")
    good = trust.parse_certificate(world.leaves["good"][1].read_bytes())
    verdict = store.check(good, openssl)
    assert verdict.trusted, verdict.reason
    assert [link.title for link in verdict.chain] == ["Good Signer", "Test Issuing CA",
                                                      "Test Root CA"]
    revoked = trust.parse_certificate(world.leaves["revoked"][1].read_bytes())
    assert "revoked by CRL No 7" in store.check(revoked, openssl).reason


def test_what_smev_delivers_is_refused_when_its_signer_does_not_chain_to_the_store(
        world: World, tmp_path: Path) -> None:
    """The adapter's check of received messages (``keying.verifier_for``) uses the trust
    store of ``[plugins.smev3] trust_dir``: a signer of a configured CA passes, a stranger's
    and a revoked one are refused with the reason; without a store only the signature counts."""
    settings = Smev3Settings(trust_dir=world.trust_dir)
    check = keying.verifier_for(settings)
    assert check(_signed(world, "good", tmp_path).read_bytes()) == []
    (stranger,) = check(_signed(world, "stranger", tmp_path).read_bytes())
    assert "unknown CA" in stranger and "Stranger Root CA" in stranger
    (revoked,) = check(_signed(world, "revoked", tmp_path).read_bytes())
    assert "revoked by CRL" in revoked
    assert keying.verifier_for(Smev3Settings())(
        _signed(world, "stranger", tmp_path).read_bytes()) == []
