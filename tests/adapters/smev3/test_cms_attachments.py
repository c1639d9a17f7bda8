"""Signed attachments (SignaturePKCS7) in MTOM and in the file exchange, both directions.

Every file we send carries a detached CMS signature in its header (``AttachmentHeader`` for
inline files, ``RefAttachmentHeader`` for the file exchange) that ``openssl cms -verify``
accepts and that lands in the envelope where the schema puts it; every file we receive with
one is verified: a file changed after signing is refused, saying which file and why; an
unsigned file is accepted with a note, or refused where signatures are required.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3 import protocol as p
from adapters.smev3.attachments import (
    Attachment,
    AttachmentError,
    AttachmentTransfer,
    Limits,
    cms_signer,
    cms_verifier,
    streebog,
)
from adapters.smev3.fileexchange import FileExchange, FtpEndpoint
from adapters.smev3.simulator.files import SimulatedFileExchange, accept
from tests.adapters.smev3.conftest import dummy_signature
from tests.adapters.smev3.keys import TestKey, make

SMALL = Attachment("zayavlenie.xml", "text/xml", b"<zayavlenie>1</zayavlenie>")
LARGE = Attachment("скан.pdf", "application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8)
CONTENT = etree.fromstring(b'<r:Query xmlns:r="urn://example/vs/1.0"><r:INN>7707083893'
                           b'</r:INN></r:Query>')


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> TestKey:
    return make(tmp_path_factory.mktemp("pkcs7-keys"), "256-B")


def _transfer(ftp: SimulatedFileExchange, key: TestKey | None, **kw: bool) -> AttachmentTransfer:
    sign = cms_signer(key.key.read_bytes(), key.cert.read_bytes()) if key else None
    return AttachmentTransfer(Limits(inline_total=1000, max_size=10_000),
                              FileExchange(FtpEndpoint(ftp.host, ftp.port, timeout=5)),
                              streebog(), sign=sign, verify=cms_verifier(), **kw)


def _openssl_verifies(signature: bytes, data: bytes, key: TestKey, tmp: Path) -> bool:
    (tmp / "s.p7s").write_bytes(signature)
    (tmp / "f.bin").write_bytes(data)
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER",
         "-in", str(tmp / "s.p7s"), "-content", str(tmp / "f.bin"), "-CAfile", str(key.cert),
         "-out", "/dev/null"], capture_output=True, text=True, timeout=60, check=False)
    return done.returncode == 0


def _incoming(transfer: AttachmentTransfer, ftp: SimulatedFileExchange,
              headers: tuple[p.AttachmentHeader, ...],
              refs: tuple[p.RefAttachmentHeader, ...],
              contents: tuple[p.AttachmentContent, ...]) -> list[str]:
    got = transfer.received(headers, refs, contents,
                            [ftp.fs_attachment(r.uuid) for r in refs], {})
    assert [f.data for f in got.files] == [SMALL.data, LARGE.data]
    return got.notes


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3"])
def test_files_we_send_are_signed_where_the_schema_says(
        ftp: SimulatedFileExchange, key: TestKey, tmp_path: Path, version: str,
        envelope_validator: p.EnvelopeValidator) -> None:
    out = _transfer(ftp, key).outgoing([SMALL, LARGE])
    (header,), (ref,) = out.headers, out.refs
    assert header.signature_pkcs7 and ref.signature_pkcs7
    assert _openssl_verifies(header.signature_pkcs7, SMALL.data, key, tmp_path)
    assert _openssl_verifies(ref.signature_pkcs7, LARGE.data, key, tmp_path)
    assert not _openssl_verifies(ref.signature_pkcs7, SMALL.data, key, tmp_path)
    # In the envelope: SignaturePKCS7 inside AttachmentHeader and RefAttachmentHeader,
    # valid against the version's schema, and read back byte for byte.
    data = p.RequestData(content=CONTENT, attachment_headers=out.headers,
                         ref_attachment_headers=out.refs)
    envelope = p.build_request(version, p.SendRequestCall(data, out.contents),
                               signer=dummy_signature)
    headers, body = p.http.request("SendRequest", envelope)
    unpacked = p.http.unpack(body, headers["Content-Type"])
    infoset = p.mtom.inline(unpacked.envelope, unpacked.parts)
    envelope_validator.check(infoset)
    names = [etree.QName(e.getparent()).localname
             for e in infoset.iter("{*}SignaturePKCS7")]
    assert names == ["AttachmentHeader", "RefAttachmentHeader"]
    call = p.parse_request(unpacked.envelope).call
    assert isinstance(call, p.SendRequestCall)
    assert call.data.attachment_headers[0].signature_pkcs7 == header.signature_pkcs7
    assert call.data.ref_attachment_headers[0].signature_pkcs7 == ref.signature_pkcs7


def test_signed_files_we_receive_are_verified(ftp: SimulatedFileExchange, key: TestKey) -> None:
    sender = _transfer(ftp, key)
    out = sender.outgoing([SMALL, LARGE])
    assert _incoming(_transfer(ftp, None), ftp, out.headers, out.refs,
                     out.contents) == []


def test_a_file_changed_after_signing_is_refused(ftp: SimulatedFileExchange,
                                                 key: TestKey) -> None:
    out = _transfer(ftp, key).outgoing([SMALL, LARGE])
    receiver = _transfer(ftp, None)
    # Inline (MTOM): the part carries other bytes than were signed.
    changed = (p.AttachmentContent(out.contents[0].id, b"<zayavlenie>2</zayavlenie>"),)
    with pytest.raises(AttachmentError) as refused:
        receiver.received(out.headers, (), changed, [], {})
    assert "«zayavlenie.xml»" in str(refused.value) and "файл изменён" in str(refused.value)
    # File exchange: the signature of another file in the signed header (the hash matches).
    other = _transfer(ftp, key).outgoing([Attachment("other.pdf", "application/pdf",
                                                     b"%PDF other" * 200)]).refs[0]
    forged = (p.RefAttachmentHeader(out.refs[0].uuid, out.refs[0].hash, out.refs[0].mime_type,
                                    signature_pkcs7=other.signature_pkcs7,
                                    file_name=out.refs[0].file_name),)
    with pytest.raises(AttachmentError, match="подпись ЭП-СП вложения «скан.pdf».*файл изменён"):
        receiver.received((), forged, (), [ftp.fs_attachment(forged[0].uuid)], {})
    # Garbage where the signature should be.
    garbage = (p.AttachmentHeader(out.headers[0].content_id, "text/xml",
                                  signature_pkcs7=b"\x30\x03\x02\x01\x01"),)
    with pytest.raises(AttachmentError, match="не читается"):
        receiver.received(garbage, (), out.contents, [], {})


def test_unsigned_files_are_noted_or_refused_as_configured(ftp: SimulatedFileExchange) -> None:
    out = _transfer(ftp, None).outgoing([SMALL, LARGE])
    assert not out.headers[0].signature_pkcs7 and not out.refs[0].signature_pkcs7
    notes = _incoming(_transfer(ftp, None), ftp, out.headers, out.refs, out.contents)
    assert notes == ["вложение «zayavlenie.xml» без подписи ЭП-СП (SignaturePKCS7)",
                     "вложение «скан.pdf» без подписи ЭП-СП (SignaturePKCS7)"]
    strict = _transfer(ftp, None, require_signatures=True)
    with pytest.raises(AttachmentError, match="без подписи ЭП-СП.*обязательна"):
        strict.received(out.headers, out.refs, out.contents,
                        [ftp.fs_attachment(out.refs[0].uuid)], {})


def test_the_simulator_refuses_a_bad_signature_on_what_it_gets(
        ftp: SimulatedFileExchange, key: TestKey) -> None:
    out = _transfer(ftp, key).outgoing([SMALL])
    changed = (p.AttachmentContent(out.contents[0].id, b"<zayavlenie>3</zayavlenie>"),)
    with pytest.raises(p.SmevFault, match="файл изменён"):
        accept(_transfer(ftp, None), out.headers, (), changed, {}, ftp)
    (file,) = accept(_transfer(ftp, None), out.headers, (), out.contents, {}, ftp)
    assert file.data == SMALL.data


def test_the_simulator_component_signs_with_its_configured_key(
        key: TestKey, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from adapters.smev3.simulator.service import Smev3Simulator

    component = Smev3Simulator()
    component.ctx = SimpleNamespace(settings=SimpleNamespace(  # type: ignore[assignment]
        plugins={"smev3-simulator": {
            "port": 0, "ftp_port": 0, "attachment_key": str(key.key),
            "attachment_certificate": str(key.cert)}},
        schemas_dir=None, data_dir=tmp_path))
    component.start()
    try:
        assert component.server is not None
        (header,) = component.server.smev.transfer.outgoing([SMALL]).headers
        assert header.signature_pkcs7 is not None
        assert _openssl_verifies(header.signature_pkcs7, SMALL.data, key, tmp_path)
    finally:
        component.stop()
