"""Signatures: the real signed envelopes in fixtures, ours cross-checked with the OpenSSL GOST
engine on its own, tampering, expiry, signature wrapping, and ``omshub smev3`` exit codes."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adapters.smev3 import signature
from adapters.smev3.transform import digest_input, exc_c14n
from contracts import xmlsafe
from hub.cli import main
from hub.crypto import get_provider, load_certificate, load_private_key
from tests.adapters.smev3.keys import KINDS, TestKey, make, require_engine
from tests.conftest import SHARED, unavailable

SAMPLES = SHARED / "fixtures" / "smev3" / "samples"
GIL9RED = "gil9red-SimplePyScripts"
SHARP = "burcevsemyon-Smev3Sharp"
INTACT = [  # SOURCES.md: digest and SignatureValue verified (GOST 2001, expired test cert)
    f"{GIL9RED}/SendRequestRequest-1.2-gisgmp-ExportCharges-signed-gost2001.xml",
    f"{GIL9RED}/SendRequestRequest-1.2-gisgmp-ImportPayments-signed-gost2001.xml",
    f"{GIL9RED}/AckRequest-1.2-signed-gost2001.xml",
]
REFORMATTED = [  # SOURCES.md: pretty-printed after signing, whitespace inside SignedInfo
    f"{SHARP}/SendRequestResponce.xml",
    f"{SHARP}/GetResponseResponce_InvalidContent.xml",
]
EDITED = f"{SHARP}/GetResponseResponse_ValidResponse.xml"  # payload edited by that project
PROVIDERS = ["gostcrypto", "openssl"]
DS = {"ds": signature.DS}
T13 = "urn://x-artefacts-smev-gov-ru/services/message-exchange/types/1.3"
BASIC13 = "urn://x-artefacts-smev-gov-ru/services/message-exchange/types/basic/1.3"
ENVELOPE = f"""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns:SendRequestRequest xmlns:ns="{T13}"><ns:SenderProvidedRequestData Id="SIGNED_BY_CONSUMER">
<ns:MessageID>0b0a4b5e-0000-11ee-8000-000000000001</ns:MessageID>
<b:MessagePrimaryContent xmlns:b="{BASIC13}"><r:Request xmlns:r="urn://omshub/test/request"
 Id="PERSONAL" note="a &quot;b&quot; &lt; c &gt; d&#xD;&#xA;"
>Иванов &amp; сын &lt;ООО&gt; ]]&gt;&#xD;
<r:Snils>123-456-789 01</r:Snils></r:Request></b:MessagePrimaryContent>
</ns:SenderProvidedRequestData></ns:SendRequestRequest></soap:Body></soap:Envelope>""".encode()


def _sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        unavailable(f"fixture {path} is absent")
    return path


def _provider(name: str) -> Any:
    if name == "openssl":
        require_engine()
    return get_provider(name)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestKey]]:
    """A 256-bit and a 512-bit test key with certificates, generated for this module."""
    require_engine()
    directory = tmp_path_factory.mktemp("gost-keys")
    yield {kind: make(directory, kind) for kind in ("256-A", "512-A")}


def _signer(key: TestKey, provider: str) -> signature.Signer:
    return signature.Signer(load_private_key(key.key.read_bytes()),
                            load_certificate(key.cert.read_bytes()), _provider(provider))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("name", INTACT)
def test_intact_fixture_envelopes_verify(name: str, provider: str) -> None:
    root = xmlsafe.parse(_sample(name).read_bytes())
    reports = signature.verify(root, _provider(provider), ignore_expiry=True)
    assert len(reports) == 1
    report = reports[0]
    assert report.valid, report.reason
    assert report.digest_ok and report.signature_ok and report.certificate_current is False
    assert report.signer == "CN=Alias, O=CryptoPro, C=RU"  # RFC 4514 order
    assert report.location.endswith("CallerInformationSystemSignature/Signature")
    assert "expired on 2019-09-25" in report.reason  # a note, not a cause, for an archive
    strict = signature.verify(root, _provider(provider))[0]
    assert not strict.valid and strict.reason.startswith("certificate expired on 2019-09-25")


@pytest.mark.parametrize("name", INTACT)
def test_edited_copy_of_an_intact_envelope_is_invalid(name: str) -> None:
    data = _sample(name).read_bytes()
    edited = data.replace(b"SIGNED_BY_C", b"SIGNED_BY_C", 1).replace(b"</ns:MessageID>",
                                                                     b"0</ns:MessageID>", 1)
    if edited == data:  # the AckRequest has no MessageID: change the acknowledged id instead
        edited = data.replace(b"accepted=\"true\">9", b"accepted=\"true\">8", 1)
    assert edited != data
    report = signature.verify(xmlsafe.parse(edited), get_provider("gostcrypto"),
                              ignore_expiry=True)[0]
    assert not report.valid and report.digest_ok is False and report.signature_ok
    assert "digest mismatch" in report.reason


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("name", REFORMATTED)
def test_reformatted_envelopes_are_named_as_such(name: str, provider: str) -> None:
    reports = signature.verify(xmlsafe.parse(_sample(name).read_bytes()), _provider(provider),
                               ignore_expiry=True)
    assert reports
    for report in reports:
        assert report.digest_ok  # the transform drops the whitespace the payload gained
        assert report.signature_ok is False and not report.valid
        assert "reformatted (pretty-printed) after signing" in report.reason


def test_edited_fixture_envelope_is_invalid() -> None:
    reports = signature.verify(xmlsafe.parse(_sample(EDITED).read_bytes()),
                               get_provider("gostcrypto"), ignore_expiry=True)
    assert [r.signed_element for r in reports] == ["SenderProvidedResponseData", "Response"]
    assert all(not r.valid and r.digest_ok is False for r in reports)


def _sign_envelope(keys: dict[str, TestKey], provider: str) -> etree._Element:
    root = xmlsafe.parse(ENVELOPE)
    signature.sign(root, "PERSONAL", _signer(keys["512-A"], provider))
    signature.sign(root, "SIGNED_BY_CONSUMER", _signer(keys["256-A"], provider))
    return root


@pytest.mark.parametrize("signer", PROVIDERS)
def test_our_signatures_verify_with_both_backends(signer: str,
                                                  keys: dict[str, TestKey]) -> None:
    root = xmlsafe.parse(etree.tostring(_sign_envelope(keys, signer)))  # through bytes
    personal, caller = root.iterfind(".//ds:Signature", DS)
    assert etree.QName(personal.getparent()).text == f"{{{T13}}}PersonalSignature"
    assert personal.getparent().getprevious().tag == f"{{{BASIC13}}}MessagePrimaryContent"
    assert etree.QName(caller.getparent()).text == f"{{{T13}}}CallerInformationSystemSignature"
    for info in root.iterfind(".//ds:SignedInfo", DS):  # compact: no whitespace at all
        assert all(n.tail is None and (n.text is None or n.text.strip()) for n in info.iter())
        assert b"\n" not in etree.tostring(info)
    for verifier in PROVIDERS:
        reports = signature.verify(root, _provider(verifier))
        assert [r.signed_element for r in reports] == ["Request", "SenderProvidedRequestData"]
        assert all(r.valid for r in reports), [r.reason for r in reports]


def test_our_signatures_verify_with_openssl_alone(keys: dict[str, TestKey],
                                                  tmp_path: Path) -> None:
    """The OpenSSL command recomputes each digest and checks each SignatureValue (raw s‖r:
    OpenSSL's own order, so no conversion) with the public key it extracted itself."""
    root = _sign_envelope(keys, "gostcrypto")
    by_reference = {"#PERSONAL": keys["512-A"], "#SIGNED_BY_CONSUMER": keys["256-A"]}
    for sig in root.iterfind(".//ds:Signature", DS):
        info = sig.find("ds:SignedInfo", DS)
        reference = info.find("ds:Reference", DS)
        key = by_reference[reference.get("URI")]
        md = KINDS[key.kind][2]
        target = signature.find_by_id(root, reference.get("URI")[1:])[0]
        (tmp_path / "octets").write_bytes(digest_input(target))
        (tmp_path / "info").write_bytes(exc_c14n(info))
        (tmp_path / "sig").write_bytes(base64.b64decode(sig.findtext("ds:SignatureValue", "",
                                                                     DS)))
        digest = subprocess.run(["openssl", "dgst", "-engine", "gost", md, "-binary",
                                 str(tmp_path / "octets")], capture_output=True, check=True)
        assert base64.b64encode(digest.stdout).decode() == reference.findtext(
            "ds:DigestValue", "", DS)
        done = subprocess.run(["openssl", "dgst", "-engine", "gost", md, "-verify",
                               str(key.public), "-signature", str(tmp_path / "sig"),
                               str(tmp_path / "info")], capture_output=True, text=True,
                              check=False)
        assert "Verified OK" in done.stdout, done.stderr


def test_tampering_is_caught(keys: dict[str, TestKey]) -> None:
    root = _sign_envelope(keys, "gostcrypto")
    snils = root.find(".//{urn://omshub/test/request}Snils")
    snils.text = "123-456-789 02"
    value = root.find(".//ds:Signature/ds:SignatureValue", DS)
    raw = bytearray(base64.b64decode(value.text or ""))
    raw[5] ^= 1
    value.text = base64.b64encode(raw).decode()  # the personal signature's own value
    personal, caller = signature.verify(root, get_provider("gostcrypto"))
    assert personal.digest_ok is False and personal.signature_ok is False
    assert "does not verify with the certificate" in personal.reason
    assert caller.digest_ok is False and caller.signature_ok  # it covers the Snils too


def test_expired_certificate(keys: dict[str, TestKey]) -> None:
    root = _sign_envelope(keys, "gostcrypto")
    later = datetime.now(UTC) + timedelta(days=30)
    report = signature.verify(root, get_provider("gostcrypto"), at=later)[1]
    assert not report.valid and report.digest_ok and report.signature_ok
    assert report.reason.startswith("certificate expired on")
    archived = signature.verify(root, get_provider("gostcrypto"), at=later,
                                ignore_expiry=True)[1]
    assert archived.valid and "ignored for an archived message" in archived.reason
    earlier = signature.verify(root, get_provider("gostcrypto"),
                               at=datetime(2000, 1, 1, tzinfo=UTC))[1]
    assert "not valid before" in earlier.reason


def test_duplicate_id_is_refused(keys: dict[str, TestKey]) -> None:
    root = _sign_envelope(keys, "gostcrypto")
    body = root[0]
    decoy = etree.SubElement(body, f"{{{T13}}}SenderProvidedRequestData", Id="SIGNED_BY_CONSUMER")
    report = signature.verify(root, get_provider("gostcrypto"))[1]
    assert not report.valid and "2 elements; several elements with one Id" in report.reason
    with pytest.raises(signature.SigningError, match="2 elements have Id"):
        signature.sign(root, "SIGNED_BY_CONSUMER", _signer(keys["256-A"], "gostcrypto"))
    body.remove(decoy)
    with pytest.raises(signature.SigningError, match="0 elements"):
        signature.sign(root, "NO_SUCH_ID", _signer(keys["256-A"], "gostcrypto"))


def test_detached_needs_an_id(keys: dict[str, TestKey]) -> None:
    root = xmlsafe.parse(ENVELOPE)
    snils = root.find(".//{urn://omshub/test/request}Snils")
    with pytest.raises(signature.SigningError, match="Snils has no Id attribute"):
        _signer(keys["256-A"], "gostcrypto")(snils)


def test_signature_inside_the_signed_element_is_refused(keys: dict[str, TestKey]) -> None:
    root = xmlsafe.parse(ENVELOPE)
    inside = root.find(f".//{{{T13}}}SenderProvidedRequestData")
    with pytest.raises(signature.SigningError, match="inside the signed element"):
        signature.sign(root, "SIGNED_BY_CONSUMER", _signer(keys["256-A"], "gostcrypto"), inside)


def test_protocol_builders_take_our_signer(keys: dict[str, TestKey],
                                           envelope_validator: Any) -> None:
    """A Signer is the protocol's signer shape: the built request validates and verifies."""
    from adapters.smev3 import protocol

    content = etree.fromstring('<r:Request xmlns:r="urn://omshub/test/request" Id="PERSONAL">'
                               "<r:Snils>123-456-789 01</r:Snils></r:Request>")
    call = protocol.SendRequestCall(protocol.RequestData(content=content))
    envelope = protocol.build_request("1.3", call, signer=_signer(keys["256-A"], "gostcrypto"),
                                      personal_signer=_signer(keys["512-A"], "gostcrypto"))
    data = protocol.to_bytes(envelope)
    assert envelope_validator.errors(data) == []
    reports = signature.verify(xmlsafe.parse(data), _provider("openssl"))
    assert [(r.signed_element, r.valid) for r in reports] == [
        ("Request", True), ("SenderProvidedRequestData", True)]


# --- the command line -------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["smev3", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cli_verify_exit_codes(provider: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    _provider(provider)
    intact = str(_sample(INTACT[0]))
    code, out, _ = _cli(capsys, "verify", intact, "--provider", provider, "--ignore-expiry")
    assert code == 0 and "VALID: valid" in out and "1 of 1 signature(s) valid" in out
    code, out, _ = _cli(capsys, "verify", intact, "--provider", provider)
    assert code == 1 and "INVALID: certificate expired on 2019-09-25" in out
    edited = tmp_path / "edited.xml"
    edited.write_bytes(_sample(INTACT[0]).read_bytes().replace(b">123<", b">124<"))
    code, out, _ = _cli(capsys, "verify", str(edited), "--provider", provider,
                        "--ignore-expiry")
    assert code == 1 and "digest mismatch" in out
    code, out, _ = _cli(capsys, "verify", str(_sample(REFORMATTED[0])), "--ignore-expiry")
    assert code == 1 and "reformatted" in out


def test_cli_verify_without_signatures_and_bad_input(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "verify", str(_sample(f"{SHARP}/GetResponseResponce_"
                                                      "MultipartEmptyQueue.xml")))
    assert code == 1 and "no ds:Signature found" in out  # the MTOM part was found and read
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<a><b></a>")
    code, _, err = _cli(capsys, "verify", str(broken))
    assert code == 2 and "not well-formed" in err
    code, _, err = _cli(capsys, "verify", str(broken), "--provider", "gostcryto")
    assert code == 2 and "did you mean 'gostcrypto'" in err
    code, _, err = _cli(capsys, "verify", str(tmp_path / "absent.xml"))
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cli_sign_then_verify(provider: str, keys: dict[str, TestKey], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "request.xml"
    source.write_bytes(ENVELOPE)
    key = keys["256-A"]
    code, out, err = _cli(capsys, "sign", str(source), "--id", "SIGNED_BY_CONSUMER", "--key",
                          str(key.key), "--cert", str(key.cert), "--provider", provider)
    assert code == 0, err
    signed = tmp_path / "signed.xml"
    signed.write_text(out, encoding="utf-8")
    code, out, _ = _cli(capsys, "verify", str(signed), "--provider", provider)
    assert code == 0 and "CallerInformationSystemSignature/Signature" in out
    code, _, err = _cli(capsys, "sign", str(source), "--id", "NOPE", "--key", str(key.key),
                        "--cert", str(key.cert))
    assert code == 2 and "0 elements have Id='NOPE'" in err


def test_cli_plugin_commands_come_from_entry_points(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """hub.cli adds every ``omshub.cli`` entry point; a broken one is reported, not fatal."""
    import hub.cli

    class Broken:
        name, value = "broken", "nowhere:register"

        def load(self) -> Any:
            raise ImportError("No module named 'nowhere'")

    from importlib.metadata import entry_points as real

    def fake(group: str) -> list[Any]:
        return [*real(group=group), Broken()]

    monkeypatch.setattr(hub.cli, "entry_points", fake)
    parser = hub.cli.parser()
    assert "plug-in commands 'broken' not loaded" in capsys.readouterr().err
    assert parser.parse_args(["smev3", "verify", "x.xml"]).smev3_command == "verify"
