"""Attachments at the protocol level (MTOM both ways) and the file exchange (real FTP).

MTOM: what goes on the wire is ``multipart/related`` with the bytes in binary MIME parts
and ``xop:Include`` in the SOAP part; read back, the bytes are the same and the infoset
validates against the official XSDs. FTP: uploads and downloads against the simulator's
pyftpdlib server on loopback, with the refusals a user would meet.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3 import protocol as p
from adapters.smev3.attachments import (
    Attachment,
    AttachmentError,
    AttachmentTooLarge,
    AttachmentTransfer,
    Limits,
    file_hash,
    mime_type,
    streebog,
)
from adapters.smev3.fileexchange import FileExchange, FileExchangeUnavailable, FtpEndpoint
from adapters.smev3.protocol.versions import XOP
from adapters.smev3.simulator.files import RECIPIENT, SimulatedFileExchange, accept
from tests.adapters.smev3.conftest import dummy_signature

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\r\n--not-a-boundary\r\n\r\n%%EOF"
CONTENT = etree.fromstring(b'<r:Query xmlns:r="urn://example/vs/1.0"><r:INN>7707083893'
                           b'</r:INN></r:Query>')
DIGEST = streebog()


def _request(version: str, files: list[Attachment]) -> etree._Element:
    out = AttachmentTransfer(Limits(), None, DIGEST).outgoing(files)
    data = p.RequestData(content=CONTENT, attachment_headers=out.headers)
    return p.build_request(version, p.SendRequestCall(data, out.contents),
                           signer=dummy_signature)


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3"])
def test_a_request_with_attachments_goes_as_mtom_and_reads_back(
        version: str, envelope_validator: p.EnvelopeValidator) -> None:
    files = [Attachment("выписка.pdf", "application/pdf", PDF),
             Attachment("1.xml", "text/xml; charset=utf-8", b"<a/>")]
    envelope = _request(version, files)
    headers, body = p.http.request("SendRequest", envelope)

    content_type = headers["Content-Type"]
    assert content_type.startswith("multipart/related;")
    assert 'type="application/xop+xml"' in content_type and 'start-info="text/xml"' in content_type
    assert PDF in body, "the bytes travel binary, not base64"
    assert base64.b64encode(PDF) not in body

    unpacked = p.http.unpack(body, content_type)
    assert b"xop:Include" in unpacked.envelope and len(unpacked.parts) == 2
    call = p.parse_request(unpacked.envelope).call
    assert isinstance(call, p.SendRequestCall)
    assert all(a.content is None and a.xop_href for a in call.attachments)
    resolved = p.mtom.resolve(call.attachments, unpacked.parts)
    by_id = {a.id: a.content for a in resolved}
    headers_read = call.data.attachment_headers
    # The file name survives as the contentId where it is a valid xs:ID.
    assert [(h.content_id, h.mime_type) for h in headers_read] == [
        ("выписка.pdf", "application/pdf"), ("attachment2", "text/xml")]
    assert by_id == {"выписка.pdf": PDF, "attachment2": b"<a/>"}
    p.mtom.check_coordination(headers_read, resolved)
    # The infoset (xop:Include put back as base64) is a valid envelope of its version.
    envelope_validator.check(p.mtom.inline(unpacked.envelope, unpacked.parts))


def test_the_signed_block_is_the_same_before_and_after_mtom() -> None:
    envelope = _request("1.3", [Attachment("scan.pdf", "application/pdf", PDF)])
    _, body = p.http.request("SendRequest", envelope)
    received = etree.fromstring(p.http.unpack(body).envelope)

    def signed(root: etree._Element) -> bytes:
        (element,) = root.xpath("//*[@Id='SIGNED_BY_CONSUMER']")
        return etree.tostring(element, method="c14n", exclusive=True)

    assert signed(received) == signed(envelope)
    assert b"AttachmentHeaderList" in signed(received)


def test_a_reply_with_attachments_goes_as_mtom_and_plain_without() -> None:
    out = AttachmentTransfer(Limits(), None, DIGEST).outgoing(
        [Attachment("answer.pdf", "application/pdf", PDF)])
    data = p.ResponseData(to="sim:1", content=CONTENT, attachment_headers=out.headers)
    metadata = p.MessageMetadata(message_type="RESPONSE", sending_timestamp=p.values.now())
    message = p.ResponseMessage(data=data, metadata=metadata, attachments=out.contents)
    status, headers, body = p.http.response(p.build_reply("1.3", "GetResponse", message))
    assert status == 200 and headers["Content-Type"].startswith("multipart/related")
    unpacked = p.http.unpack(body, headers["Content-Type"])
    reply = p.parse_reply("GetResponse", unpacked.envelope)
    assert reply is not None
    (content,) = p.mtom.resolve(reply.attachments, unpacked.parts)
    assert content.content == PDF

    empty = p.build_reply("1.3", "GetResponse", None)
    assert p.http.response(empty)[1]["Content-Type"].startswith("text/xml")


def test_headers_and_contents_that_disagree_are_a_miscoordination() -> None:
    header = p.AttachmentHeader(content_id="a1", mime_type="application/pdf")
    with pytest.raises(p.FAULTS["AttachmentContentMiscoordination"], match="no content for a1"):
        p.mtom.check_coordination([header], [])
    with pytest.raises(p.FAULTS["AttachmentContentMiscoordination"], match="no header for b2"):
        p.mtom.check_coordination([header], [p.AttachmentContent("a1", b"x"),
                                             p.AttachmentContent("b2", b"y")])
    missing = p.AttachmentContent("a1", xop_href="cid:gone@x")
    with pytest.raises(p.FAULTS["AttachmentContentMiscoordination"], match="no MIME part"):
        p.mtom.resolve([missing], {})


def test_an_xop_include_without_bytes_cannot_be_sent() -> None:
    envelope = _request("1.3", [Attachment("a.pdf", "application/pdf", b"x")])
    (content,) = envelope.iter("{*}Content")
    content.text = None
    etree.SubElement(content, f"{{{XOP}}}Include", href="cid:x@y")
    with pytest.raises(p.ProtocolError, match="without its bytes"):
        p.http.request("SendRequest", envelope)


def test_media_types_are_narrowed_to_the_xsd_pattern() -> None:
    assert mime_type("Application/PDF") == "application/pdf"
    assert mime_type("text/xml; charset=utf-8") == "text/xml"
    assert mime_type("multipart/mixed") == "application/octet-stream"


# -- the file exchange -----------------------------------------------------------------


def _client(server: SimulatedFileExchange, **kw: object) -> FileExchange:
    return FileExchange(FtpEndpoint(server.host, server.port, timeout=5, **kw))  # type: ignore[arg-type]


def test_a_file_goes_up_anonymously_and_comes_down_with_the_recipients_login(
        ftp: SimulatedFileExchange) -> None:
    client = _client(ftp)
    file_uuid = client.upload(PDF, "выписка 2024.pdf")
    assert (ftp.root / file_uuid / "выписка 2024.pdf").read_bytes() == PDF
    fs = ftp.fs_attachment(file_uuid)
    assert (fs.user_name, fs.file_name) == (RECIPIENT, "выписка 2024.pdf")
    data = client.download(fs.uuid, fs.file_name, user=fs.user_name, password=fs.password,
                           max_size=len(PDF))
    assert data == PDF


def test_the_file_exchange_refuses_what_a_user_should_hear_about(
        ftp: SimulatedFileExchange, tmp_path: Path) -> None:
    client = _client(ftp)
    file_uuid = client.upload(PDF, "big.pdf")
    login = {"user": RECIPIENT, "password": ftp.password}
    with pytest.raises(AttachmentTooLarge, match="more than the allowed 100"):
        client.download(file_uuid, "big.pdf", max_size=100, **login)
    with pytest.raises(AttachmentError, match="is not on the СМЭВ file exchange"):
        client.download(file_uuid, "other.pdf", max_size=10**6, **login)
    with pytest.raises(AttachmentError, match="refused user"):
        client.download(file_uuid, "big.pdf", max_size=10**6, user=RECIPIENT, password="no")
    # The recipient's login reads but cannot write.
    reader = _client(ftp, user=RECIPIENT, password=ftp.password)
    with pytest.raises(AttachmentError, match="refused"):
        reader.upload(b"x", "x.txt")
    gone = SimulatedFileExchange(tmp_path / "gone", port=0)
    port = gone.port
    gone.stop()
    with pytest.raises(FileExchangeUnavailable, match="unreachable"):
        FileExchange(FtpEndpoint("127.0.0.1", port, timeout=2)).upload(b"x", "x.txt")


def test_large_files_go_by_ftp_and_are_checked_by_hash(ftp: SimulatedFileExchange) -> None:
    client = _client(ftp)
    transfer = AttachmentTransfer(Limits(inline_total=1000, max_size=10_000), client, DIGEST)
    small = Attachment("small.xml", "text/xml", b"<ok/>")
    large = Attachment("large.pdf", "application/pdf", PDF)
    out = transfer.outgoing([large, small])
    assert [h.content_id for h in out.headers] == ["small.xml"]
    (ref,) = out.refs
    assert ref.hash == file_hash(PDF, DIGEST) and len(base64.b64decode(ref.hash)) == 32
    assert (ftp.root / ref.uuid / "large.pdf").read_bytes() == PDF

    # The recipient's side: the simulator hands out the FSAttachment, the adapter fetches.
    fs = [ftp.fs_attachment(ref.uuid)]
    got = transfer.incoming(out.headers, out.refs, out.contents, fs, {})
    assert [(f.name, f.media_type, f.data) for f in got] == [
        ("small.xml", "text/xml", b"<ok/>"), ("large.pdf", "application/pdf", PDF)]

    forged = p.RefAttachmentHeader(ref.uuid, file_hash(b"other", DIGEST), ref.mime_type)
    with pytest.raises(AttachmentError, match="hash is .* the signed header says"):
        transfer.incoming((), [forged], (), fs, {})
    with pytest.raises(AttachmentError, match="does not say where to fetch it"):
        transfer.incoming((), out.refs, (), [], {})
    with pytest.raises(AttachmentTooLarge, match="attachments_max_size"):
        transfer.outgoing([Attachment("huge.bin", "application/octet-stream", bytes(10_001))])


def test_the_simulator_checks_what_a_sender_announces(ftp: SimulatedFileExchange) -> None:
    transfer = AttachmentTransfer(Limits(inline_total=1000, max_size=10_000), ftp, DIGEST)
    file_uuid = _client(ftp).upload(PDF, "large.pdf")
    good = p.RefAttachmentHeader(file_uuid, file_hash(PDF, DIGEST), "application/pdf")
    (file,) = accept(transfer, (), [good], (), {}, ftp)
    assert file.data == PDF
    bad = p.RefAttachmentHeader(file_uuid, file_hash(b"x", DIGEST), "application/pdf")
    with pytest.raises(p.FAULTS["AttachmentContentMiscoordination"], match="hash"):
        accept(transfer, (), [bad], (), {}, ftp)
    absent = p.RefAttachmentHeader("no-such-uuid", good.hash, "application/pdf")
    with pytest.raises(p.FAULTS["AttachmentContentMiscoordination"], match="not uploaded"):
        accept(transfer, (), [absent], (), {}, ftp)
    header = p.AttachmentHeader("big", "application/pdf")
    with pytest.raises(p.FAULTS["AttachmentSizeLimitExceeded"]) as raised:
        accept(transfer, [header], (), [p.AttachmentContent("big", PDF)], {}, ftp)
    assert raised.value.values and "exceed" in raised.value.message


def test_a_busy_ftp_port_leaves_the_simulator_down_not_the_hub(
        ftp: SimulatedFileExchange, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from adapters.smev3.simulator.service import Smev3Simulator

    component = Smev3Simulator()
    component.ctx = SimpleNamespace(settings=SimpleNamespace(  # type: ignore[assignment]
        plugins={"smev3-simulator": {"port": 0, "ftp_port": ftp.port}}, schemas_dir=None,
        data_dir=tmp_path))
    component.start()  # must not raise
    health = component.health()
    assert health["status"] == "down" and f"{ftp.port} (FTP)" in health["detail"]
    component.stop()
