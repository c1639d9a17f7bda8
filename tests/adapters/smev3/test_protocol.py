"""The СМЭВ 3 protocol package against the official XSDs, WSDLs and real 1.2 traffic.

Every envelope the builders make — requests of the adapter, replies and faults of the
simulator, in 1.1, 1.2 and 1.3 — validates against the fixture XSDs of its version (1.2
through the in-memory repair documented in ``adapters/smev3/protocol/validation.py``) and
parses back to what it was built from. Enumerations and fault lists are read from the XSDs,
so a value added there fails here until the policy table knows it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adapters.smev3 import protocol as p
from adapters.smev3.protocol import faults, policy
from adapters.smev3.protocol.envelope import Element
from adapters.smev3.protocol.soapfault import write_status_fault
from adapters.smev3.protocol.values import message_id_time
from contracts.schemas import SchemaStore
from contracts.xmlsafe import UnsafeXml
from tests.adapters.smev3.conftest import DS, dummy_signature

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
NUMBERS = ("1.1", "1.2", "1.3")
T0 = datetime(2026, 3, 2, 10, 15, 30, 123000, tzinfo=UTC)


def xml(text: str) -> Element:
    return etree.fromstring(text.encode())


def c14n(element: Element | None) -> bytes:
    assert element is not None
    return bytes(etree.tostring(element, method="c14n", exclusive=True))


def xsd(root: Path, v: p.Version, kind: str) -> etree._ElementTree:
    return etree.parse(str(root / v.number / f"smev-message-exchange-{kind}-{v.number}.xsd"))


def enumeration(document: etree._ElementTree, type_name: str) -> set[str]:
    """Values of a named simple type (or of an element's anonymous one) in an XSD."""
    owner = document.getroot().find(f"{{{XS}}}simpleType[@name='{type_name}']")
    if owner is None:
        owner = next(e for e in document.iter(f"{{{XS}}}element") if e.get("name") == type_name
                     and e.find(f"{{{XS}}}simpleType") is not None)
    return {e.get("value") for e in owner.iter(f"{{{XS}}}enumeration")}


def fault_elements(document: etree._ElementTree) -> dict[str, str]:
    """Top-level fault elements of a faults XSD and their types."""
    return {e.get("name"): e.get("type") for e in document.getroot().findall(f"{{{XS}}}element")}


# --- values built per version ---------------------------------------------------------------

CONTENT = ('<z:Query xmlns:z="urn://example/zags/1.0" Id="Q1">'
           "<z:Name>Ёлкина &amp; Co</z:Name></z:Query>")


def metadata(v: p.Version, message_type: str = "REQUEST", **extra: Any) -> p.MessageMetadata:
    """MessageMetadata as version ``v`` defines it (round-trips exactly)."""
    named = v.number != "1.2"
    values: dict[str, Any] = {
        "message_type": message_type, "sending_timestamp": T0, "message_id": p.new_message_id(),
        "sender": p.Participant("TFOMS01", "ТФОМС" if named else None),
        "recipient": p.Participant("ZAGS01", "ЕГР ЗАГС" if named else None),
        "delivery_timestamp": T0 + timedelta(seconds=3),
        "status": "responseIsDelivered" if v.number == "1.1" else "messageIsDelivered",
    }
    if v.number == "1.1":
        values.update(message_broker="broker-1", destination_name="zags.fatal",
                      detected_content_type_name="Сведения о смерти", interaction_type="OIV2OIV")
    if v.number == "1.2":
        values.update(caller_signature_expire_days=30, personal_signature_expire_days=7)
    values.update(extra)
    return p.MessageMetadata(**values)


def archive(v: p.Version) -> tuple[p.ArchiveFile, ...]:
    return (p.ArchiveFile("a.xml", "urn://example/a"),) if v.number == "1.3" else ()


def full_request_data(v: p.Version, **extra: Any) -> p.RequestData:
    v13 = v.number == "1.3"
    return p.RequestData(
        content=xml(CONTENT), reference_message_id=p.new_message_id(), transaction_code="TX-1",
        node_id="node-7", eol=T0 + timedelta(days=1), test_message=True,
        attachment_headers=(p.AttachmentHeader("att1", "application/pdf", b"pkcs7",
                                               "urn://example/a" if v13 else None, archive(v)),),
        ref_attachment_headers=(p.RefAttachmentHeader(
            "1f0e8a4c-0000-1000-8000-000000000001", "aGFzaA==", "application/zip", b"sig",
            "big.zip" if v13 else None, "urn://example/b" if v13 else None, archive(v)),),
        business_process_metadata=(xml('<b:Step xmlns:b="urn://example/bpm">1</b:Step>'),),
        **extra)


def response_variants(v: p.Version) -> dict[str, p.ResponseData]:
    rejected = p.AsyncProcessingStatus(
        p.new_message_id(), "requestIsRejectedBySmev", "Бизнес-данные не соответствуют схеме",
        faults.InvalidContent(code="SMEV-403", description="не по схеме",
                              validation_errors=(p.ValidationError("cvc-complex-type.2.4.b", 3),)),
        routing_status=routing_status(v))
    return {
        "content": p.ResponseData(to="reply-to", content=xml(CONTENT),
                                  attachment_headers=(p.AttachmentHeader("att1", "text/plain"),)),
        "rejected": p.ResponseData(to="reply-to", rejections=(
            p.Rejection("NO_DATA", "нет сведений"), p.Rejection("ACCESS_DENIED", "нет доступа"))),
        "status": p.ResponseData(to="reply-to", request_status=p.RequestStatus(
            "1", "принят к рассмотрению", (("stage", "2"),))),
        "async": p.ResponseData(to="reply-to", async_status=rejected, id="SIGNED_ASYNC_BY_SMEV"),
    }


def routing(v: p.Version) -> Element | None:
    if v.routing is None:
        return None
    element = xml(f'<r:Routing xmlns:r="{v.routing}"><r:RoutingInformation Id="ROUTING">'
                  f"<r:MessageID>{p.new_message_id()}</r:MessageID><r:DynamicRouting>"
                  "<r:DynamicValue>45000000</r:DynamicValue></r:DynamicRouting>"
                  "</r:RoutingInformation><r:RoutingSignature/></r:Routing>")
    element[1].append(dummy_signature(element[0]))
    return element


def routing_status(v: p.Version) -> Element | None:
    if v.routing is None:
        return None
    return xml(f'<r:RoutingStatus xmlns:r="{v.routing}"><r:DynamicRoutingStatus>'
               "<r:DynamicValue>45000000</r:DynamicValue><r:RoutingStatusCode>success"
               "</r:RoutingStatusCode></r:DynamicRoutingStatus></r:RoutingStatus>")


def calls(v: p.Version) -> dict[str, p.Call]:
    selector = p.MessageTypeSelector("urn://example/zags/1.0", "Query", "node-7", T0)
    found: dict[str, p.Call] = {
        "SendRequest-minimal": p.SendRequestCall(p.RequestData(content=xml(CONTENT))),
        "SendRequest-full": p.SendRequestCall(full_request_data(v), (
            p.AttachmentContent("att1", b"%PDF-1.4 \x00\xff"),), routing=routing(v)),
        "GetRequest-any": p.GetRequestCall(p.MessageTypeSelector(timestamp=T0)),
        "GetRequest-type": p.GetRequestCall(selector),
        "GetResponse-type": p.GetResponseCall(selector),
        "Ack-accepted": p.AckCall(p.new_message_id()),
        "Ack-refused": p.AckCall(p.new_message_id(), accepted=False),
        "GetStatus": p.GetStatusCall(T0),
    }
    for name, data in response_variants(v).items():
        found[f"SendResponse-{name}"] = p.SendResponseCall(
            data, (p.AttachmentContent("att1", b"text"),) if name == "content" else ())
    return found


def replies(v: p.Version) -> dict[str, tuple[p.Operation, p.Reply | None]]:
    smev = dummy_signature(xml('<x Id="SIGNED_BY_SMEV"/>'))
    found: dict[str, tuple[p.Operation, p.Reply | None]] = {
        "SendRequest": ("SendRequest", p.SendResult(metadata(v, status="requestIsQueued",
                                                             id="SIGNED_BY_SMEV"))),
        "SendResponse": ("SendResponse", p.SendResult(metadata(v, "RESPONSE", id="SMEV_1"))),
        "GetRequest-empty": ("GetRequest", None),
        "GetRequest": ("GetRequest", p.RequestMessage(
            full_request_data(v, personal_signature=smev), metadata(v), reply_to="eyJzaWQiOjF9",
            fs_attachments=(p.FSAttachment("f-1", "anonymous", "secret", "big.zip"),),
            attachments=(p.AttachmentContent("att1", b"pdf"),), sender_signature=smev)),
        "GetResponse-empty": ("GetResponse", None),
        "GetStatus-empty": ("GetStatus", None),
        "GetStatus": ("GetStatus", p.StatusMessage(p.AsyncProcessingStatus(
            p.new_message_id(), "requestIsAcceptedBySmev", "принят",
            routing_status=routing_status(v)))),
        "Ack": ("Ack", None),
    }
    for name, data in response_variants(v).items():
        found[f"GetResponse-{name}"] = ("GetResponse", p.ResponseMessage(
            data, metadata(v, "RESPONSE"), original_message_id=p.new_message_id(),
            original_transaction_code="TX-1", reference_message_id=p.new_message_id(),
            external=True if v.number == "1.2" else None, sender_signature=smev,
            attachments=(p.AttachmentContent("att1", b"text"),) if name == "content" else ()))
    if v.number == "1.1":
        found["GetRequest-cancel"] = ("GetRequest", p.CancelMessage(
            p.new_message_id(), metadata(v, "CANCEL"), reference_id="REF", sender_signature=smev))
    return found


CALL_CASES = [(n, c) for n in NUMBERS for c in calls(p.version(n))]
REPLY_CASES = [(n, r) for n in NUMBERS for r in replies(p.version(n))]


# --- versions, WSDLs, identifiers ---------------------------------------------------------------

@pytest.mark.parametrize("number", NUMBERS)
def test_namespaces_are_those_of_the_schemas(smev3_fixtures: Path, number: str) -> None:
    v = p.version(number)
    for kind, ns in (("types", v.types), ("basic", v.basic), ("faults", v.faults)):
        assert xsd(smev3_fixtures, v, kind).getroot().get("targetNamespace") == ns
    if number == "1.3":
        assert xsd(smev3_fixtures, v, "routing").getroot().get("targetNamespace") == v.routing
        assert xsd(smev3_fixtures, v, "directive").getroot().get("targetNamespace") == v.directive
    wsdl = etree.parse(str(smev3_fixtures / number / v.wsdl)).getroot()
    assert wsdl.get("targetNamespace") == v.service
    assert (wsdl.nsmap["types"], wsdl.nsmap["fault"]) == (v.types, v.faults)


@pytest.mark.parametrize("number", NUMBERS)
def test_soap_actions_are_those_of_the_wsdl_binding(smev3_fixtures: Path, number: str) -> None:
    wsdl = etree.parse(str(smev3_fixtures / number / p.version(number).wsdl))
    actions = {
        op.get("name"): op.find(f"{{{WSDL_SOAP}}}operation").get("soapAction")
        for op in wsdl.iterfind(f"{{{WSDL}}}binding/{{{WSDL}}}operation")
    }
    actions.pop("GetIncomingQueueStatistics", None)  # 1.1 only; the adapter does not use it
    assert actions == p.SOAP_ACTIONS
    for operation in p.OPERATIONS:
        headers, body = p.http.request(operation, p.build_request(
            number, p.GetStatusCall(), signer=dummy_signature))
        assert headers == {"Content-Type": "text/xml; charset=utf-8",
                           "SOAPAction": f'"{actions[operation]}"'}
        assert p.http.operation_of_action(headers["SOAPAction"]) == operation
        assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_message_ids_are_time_based_uuids_matching_the_xsd_pattern() -> None:
    ids = [p.new_message_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    assert all(p.is_message_id(i) for i in ids)
    assert abs(message_id_time(ids[0]) - datetime.now(UTC)) < timedelta(seconds=5)
    assert uuid.UUID(ids[0]).node & (1 << 40)  # random node id, multicast bit: not our MAC
    assert not p.is_message_id(str(uuid.uuid4()))
    # a real one: СМЭВ's MessageId of the sample SendRequestResponce was minted at sending time
    assert message_id_time("ac9fbf27-8b8c-11eb-9086-e2bf794ac2e9").replace(microsecond=0) \
        == datetime(2021, 3, 23, 4, 3, 7, tzinfo=UTC)


# --- every envelope validates, and parses back ----------------------------------------------------

@pytest.mark.parametrize(("number", "case"), CALL_CASES)
def test_request_validates_and_round_trips(envelope_validator: p.EnvelopeValidator,
                                           number: str, case: str) -> None:
    call = calls(p.version(number))[case]
    envelope = p.build_request(number, call, signer=dummy_signature,
                               personal_signer=dummy_signature)
    assert envelope_validator.errors(envelope) == []
    incoming = p.parse_request(p.to_bytes(envelope), expected=number)
    assert (incoming.version.number, incoming.operation) == (number, p.operation_of(call))
    assert incoming.call == call
    assert incoming.call.caller_signature is not None
    data = getattr(call, "data", None)
    if data is not None and data.content is not None:
        assert c14n(incoming.call.data.content) == c14n(data.content)  # type: ignore[union-attr]
        assert incoming.call.data.personal_signature is not None  # type: ignore[union-attr]


@pytest.mark.parametrize(("number", "case"), REPLY_CASES)
def test_reply_validates_and_round_trips(envelope_validator: p.EnvelopeValidator,
                                         number: str, case: str) -> None:
    operation, reply = replies(p.version(number))[case]
    envelope = p.build_reply(number, operation, reply, signer=dummy_signature)
    assert envelope_validator.errors(envelope) == []
    parsed = p.parse_reply(operation, p.to_bytes(envelope), expected=number)
    assert parsed == reply
    if isinstance(parsed, p.RequestMessage | p.CancelMessage | p.ResponseMessage):
        assert parsed.smev_signature is not None and parsed.sender_signature is not None
    if isinstance(parsed, p.ResponseMessage) and parsed.data.async_status is not None:
        assert parsed.data.async_status.policy.state == "smev.invalid"


def test_signers_see_the_element_they_sign_in_place() -> None:
    seen: list[tuple[str, list[str]]] = []

    def spy(target: Element) -> Element:
        seen.append((etree.QName(target).localname,
                     [etree.QName(c).localname for c in target]))
        return dummy_signature(target)

    p.build_request("1.3", p.SendRequestCall(p.RequestData(content=xml(CONTENT))),
                    signer=spy, personal_signer=spy)
    # ЭП-СП first, over the content; then ЭП-ОВ over the block that already holds the ЭП-СП
    assert seen == [("Query", ["Name"]),
                    ("SenderProvidedRequestData", ["MessageID", "MessagePrimaryContent",
                                                   "PersonalSignature"])]


def test_builders_refuse_what_the_version_cannot_carry() -> None:
    with pytest.raises(p.ProtocolError, match="must be signed"):
        p.build_request("1.3", p.GetStatusCall())
    with pytest.raises(p.ProtocolError, match="only in 1.3"):
        p.build_request("1.2", p.SendRequestCall(p.RequestData(content=xml(CONTENT)),
                                                 routing=routing(p.version("1.3"))))
    with pytest.raises(p.ProtocolError, match="not a .*Signature"):
        p.build_request("1.3", p.GetRequestCall(), signer=lambda e: etree.Element("x"))
    with pytest.raises(p.ProtocolError, match="requires destination_name"):
        p.build_reply("1.1", "SendRequest", p.SendResult(metadata(p.version("1.3"))))
    with pytest.raises(p.ProtocolError, match="CANCEL exists only in 1.1"):
        p.build_reply("1.3", "SendRequest", p.SendResult(metadata(p.version("1.3"), "CANCEL")))
    with pytest.raises(TypeError):
        p.build_reply("1.3", "GetResponse", p.SendResult(metadata(p.version("1.3"))))
    with pytest.raises(ValueError, match="exactly one"):
        p.ResponseData(to="x")
    with pytest.raises(p.UnknownVersion):
        p.build_request("1.4", p.GetRequestCall())


# --- real 1.2 traffic ---------------------------------------------------------------------------

def sample(root: Path, name: str) -> bytes:
    found = list((root / "samples").rglob(name))
    assert len(found) == 1, name
    return found[0].read_bytes()


def test_every_real_sample_validates_against_repaired_1_2(
        smev3_fixtures: Path, envelope_validator: p.EnvelopeValidator) -> None:
    files = sorted((smev3_fixtures / "samples").rglob("*.xml"))
    assert len(files) == 10
    for file in files:
        body = p.http.unpack(file.read_bytes()).envelope
        assert envelope_validator.errors(body) == [], file.name


def test_the_1_2_repair_is_needed_and_minimal(smev3_fixtures: Path) -> None:
    store = SchemaStore(smev3_fixtures)
    with pytest.raises(p.ProtocolError, match="do not compile"):
        p.EnvelopeValidator(store).schema(p.version("1.2"))

    def basic_only(name: str, root: Element) -> None:
        if "basic" in name:
            p.repair_rnip_1_2(name, root)

    # Repairing basic-1.2 alone: the RNIP emulator's Sender/Mnemonic still rejects real traffic.
    errors = p.EnvelopeValidator(store, [basic_only]).errors(
        sample(smev3_fixtures, "AckRequest-1.2-signed-gost2001.xml"))
    assert len(errors) == 1 and "Sender" in errors[0]
    # Pristine 1.1 and 1.3 are untouched by it.
    for number in ("1.1", "1.3"):
        for kind in ("basic", "types"):
            v = p.version(number)
            document = xsd(smev3_fixtures, v, kind).getroot()
            before = etree.tostring(document)
            p.repair_rnip_1_2(getattr(v, f"{kind}_xsd"), document)
            assert etree.tostring(document) == before


def test_real_send_request_response(smev3_fixtures: Path) -> None:
    result = p.parse_reply("SendRequest", sample(smev3_fixtures, "SendRequestResponce.xml"),
                           expected="1.2")
    m = result.metadata
    assert (m.message_id, m.message_type, m.status) == (
        "ac9fbf27-8b8c-11eb-9086-e2bf794ac2e9", "REQUEST", "requestIsQueued")
    assert (m.sender, m.recipient) == (p.Participant("77BD01"), p.Participant("emu"))
    assert m.sending_timestamp == datetime(2021, 3, 23, 4, 3, 7, tzinfo=UTC)
    assert m.id == "SIGNED_BY_SMEV" and result.smev_signature is not None
    assert policy.status_policy(m.status or "").state == "smev.queued"


@pytest.mark.parametrize("name", ["GetResponseResponce_EmptyQueue.xml",
                                  "GetResponseResponce_MultipartEmptyQueue.xml"])
def test_real_empty_queue(smev3_fixtures: Path, name: str) -> None:
    unpacked = p.http.unpack(sample(smev3_fixtures, name))
    assert unpacked.multipart == name.startswith("GetResponseResponce_Multipart")
    assert p.parse_reply("GetResponse", unpacked.envelope) is None


def test_real_rejection_with_invalid_content(smev3_fixtures: Path) -> None:
    message = p.parse_reply("GetResponse",
                            sample(smev3_fixtures, "GetResponseResponce_InvalidContent.xml"))
    assert message is not None and message.data.async_status is not None
    status = message.data.async_status
    assert (status.original_message_id, status.category) == (
        "ac9fbf27-8b8c-11eb-9086-e2bf794ac2e9", "requestIsRejectedBySmev")
    fault = status.fault
    assert isinstance(fault, faults.InvalidContent)
    assert fault.code == "tsmev3:P:TSMEV3_ASYNC_CORE1:TR:ASYNC:PP:BSV:3"
    assert fault.description is not None and fault.description.startswith("SMEV-403:")
    [error] = fault.validation_errors
    assert error.position == -1 and error.message.startswith("cvc-complex-type.2.4.b")
    assert status.policy == policy.FAULT_POLICY["InvalidContent"]
    assert message.data.id == "SIGNED_ASYNC_BY_SMEV" and message.sender_signature is not None
    assert message.metadata.sender == p.Participant("smev")


def test_real_valid_response(smev3_fixtures: Path) -> None:
    message = p.parse_reply("GetResponse",
                            sample(smev3_fixtures, "GetResponseResponse_ValidResponse.xml"))
    assert message is not None and message.data.content is not None
    assert message.original_message_id == "681e6b22-c751-11eb-b66e-218eae1a9246"
    assert message.data.message_id == "8ac9a002-c751-11eb-bc0d-001a4a165f5b"
    assert etree.QName(message.data.content).localname == "FakeSmevServiceResponse"
    assert message.data.content.findtext("{urn://fake-smev-service-response}Status") \
        == "SUCCEEDED"
    assert (message.metadata.status, message.metadata.sender) == (
        "messageIsDelivered", p.Participant("ISIA01001"))
    assert message.smev_signature is not None and message.sender_signature is not None


def test_real_soap_faults(smev3_fixtures: Path) -> None:
    with pytest.raises(p.SmevFault) as plain:
        p.parse_reply("SendRequest", sample(smev3_fixtures, "SoapFaultResponse.xml"))
    assert type(plain.value) is p.SmevFault
    assert (plain.value.kind, plain.value.faultcode, plain.value.message) == (
        "", "Server", "Сообщение об ошибке")
    assert plain.value.policy == policy.SERVER_FAULT
    with pytest.raises(faults.SignatureVerificationFault) as expired:
        p.parse_reply("GetResponse", sample(
            smev3_fixtures, "SoapFaultResponse_SignatureVerificationFault.xml"))
    assert expired.value.reason == "CertificateIsExpired"
    assert expired.value.code == "tsmev3:PRODUCTION_AREA:TSMEV3_CORE2 : TR:SYNC:SPS:4"
    assert expired.value.message.startswith("Срок действия сертификата ЭП-ОВ истёк")
    assert expired.value.policy.state == "smev.cert_expired"
    assert expired.value.version == p.version("1.2")


def test_real_requests(smev3_fixtures: Path) -> None:
    export = p.parse_request(sample(
        smev3_fixtures, "SendRequestRequest-1.2-gisgmp-ExportCharges-signed-gost2001.xml"))
    assert isinstance(export.call, p.SendRequestCall) and export.version.number == "1.2"
    data = export.call.data
    assert (data.message_id, data.node_id, data.test_message, data.id) == (
        "cdbcea40-de9a-11e8-cee1-891cbddbaf49", "181102449082753879", True, "SIGNED_BY_CONSUMER")
    assert etree.QName(data.content).localname == "ExportChargesRequest"
    assert export.call.caller_signature is not None
    payments = p.parse_request(sample(
        smev3_fixtures, "SendRequestRequest-1.2-gisgmp-ImportPayments-signed-gost2001.xml"))
    assert "Плата за предоставление" in etree.tostring(
        payments.call.data.content, encoding="unicode")  # type: ignore[union-attr]
    ack = p.parse_request(sample(smev3_fixtures, "AckRequest-1.2-signed-gost2001.xml"))
    assert ack.call == p.AckCall("91686b40-af89-11e8-b8b3-005056857a87", True)
    assert ack.operation == "Ack" and ack.call.caller_signature is not None


# --- faults and the policy table, read from the XSDs ------------------------------------------

FIELDS: dict[str, dict[str, Any]] = {
    "BusinessDataTypeIsNotSupported": {"root_element_local_name": "Query",
                                       "root_element_namespace_uri": "urn://example/zags/1.0"},
    "InvalidContent": {"validation_errors": (p.ValidationError("cvc-pattern-valid", 12),
                                             p.ValidationError("cvc-type.3.1.3"))},
    "AttachmentSizeLimitExceeded": {"permitted_total_attachment_size": 5_242_880,
                                    "real_total_attachment_size": 7_000_000},
    "QuoteLimitExceeded": {"remained_total_quote_size": 10, "real_total_attachment_size": 20},
    "SignatureVerificationFault": {"reason": "SignatureIsInvalid"},
    "DestinationOverflow": {"message_broker_address": "mq-1", "destination_name": "zags"},
}


def make_fault(kind: str, v: p.Version) -> p.SmevFault:
    common: dict[str, Any] = {} if faults.is_void(kind, v) else {
        "code": "SMEV-1", "description": "описание"}
    return p.FAULTS[kind](f"отказ {kind}", **common, **FIELDS.get(kind, {}))


@pytest.mark.parametrize("number", NUMBERS)
def test_fault_classes_match_the_faults_xsd(smev3_fixtures: Path, number: str) -> None:
    v = p.version(number)
    declared = fault_elements(xsd(smev3_fixtures, v, "faults"))
    assert set(declared) == faults.fault_kinds(v)
    for kind, type_name in declared.items():
        assert faults.is_void(kind, v) == (type_name == "basic:Void"), kind
        assert (kind in faults.TYPED) == (type_name == f"tns:{kind}"), kind
    assert enumeration(xsd(smev3_fixtures, v, "faults"), "SignatureVerificationFault") >= set(
        policy.SIGNATURE_REASON_POLICY)


@pytest.mark.parametrize(("number", "kind"), [
    (n, k) for n in NUMBERS for k in sorted(faults.fault_kinds(p.version(n)))])
def test_every_fault_validates_and_parses_typed(envelope_validator: p.EnvelopeValidator,
                                                number: str, kind: str) -> None:
    v = p.version(number)
    fault = make_fault(kind, v)
    envelope = p.fault_envelope(v, fault)
    assert envelope_validator.errors(envelope) == []
    status, headers, body = p.http.response(envelope)
    assert status == 500 and headers["Content-Type"] == "text/xml; charset=utf-8"
    with pytest.raises(p.FAULTS[kind]) as raised:
        p.parse_reply("SendRequest", body)
    assert raised.value == fault and raised.value.message == fault.message
    assert raised.value.version == v and raised.value.policy.state.startswith("smev.")


@pytest.mark.parametrize("number", NUMBERS)
def test_typed_faults_inside_statuses(envelope_validator: p.EnvelopeValidator,
                                      number: str) -> None:
    v = p.version(number)
    category = "requestIsRejectedBySmev" if number == "1.1" else "responseIsRejectedBySmev"
    for kind in sorted(faults.TYPED) + ["AccessDenied", ""]:
        fault = make_fault(kind, v) if kind else p.SmevFault(code="X", description="y")
        if kind and faults.is_void(kind, v):
            fault = p.FAULTS[kind](code="X", description="y")
        status = p.AsyncProcessingStatus(p.new_message_id(), category, "d", fault)
        reply = p.ResponseMessage(p.ResponseData(to="t", async_status=status), metadata(v))
        envelope = p.build_reply(v, "GetResponse", reply)
        assert envelope_validator.errors(envelope) == [], kind
        parsed = p.parse_reply("GetResponse", envelope)
        assert parsed is not None and parsed.data.async_status is not None
        back = parsed.data.async_status.fault
        assert back is not None
        if kind in faults.TYPED:
            assert back == fault and back.policy == fault.policy
        else:  # the XSD has no type for it: a plain basic:SmevFault, status policy applies
            assert (back.kind, back.code) == ("", "X")
            assert parsed.data.async_status.policy is policy.STATUS_POLICY[category]


@pytest.mark.parametrize("number", NUMBERS)
def test_policy_covers_every_value_of_the_xsds(smev3_fixtures: Path, number: str) -> None:
    v = p.version(number)
    statuses = enumeration(xsd(smev3_fixtures, v, "basic"), "InteractionStatusType")
    assert statuses <= set(policy.STATUS_POLICY), statuses - set(policy.STATUS_POLICY)
    codes = enumeration(xsd(smev3_fixtures, v, "types"), "RejectCode")
    assert codes <= set(policy.REJECTION_POLICY), codes - set(policy.REJECTION_POLICY)
    kinds = set(fault_elements(xsd(smev3_fixtures, v, "faults")))
    assert kinds <= set(policy.FAULT_POLICY), kinds - set(policy.FAULT_POLICY)
    for value in statuses:
        assert p.AsyncProcessingStatus(p.new_message_id(), value).policy \
            is policy.STATUS_POLICY[value]
    for code in codes:
        assert p.Rejection(code, "").policy is policy.REJECTION_POLICY[code]


def test_policy_table_is_documented_and_fits_the_journal() -> None:
    doc = policy.__doc__ or ""
    tables = (policy.FAULT_POLICY, policy.STATUS_POLICY, policy.REJECTION_POLICY,
              policy.SIGNATURE_REASON_POLICY)
    extra = (policy.SERVER_FAULT, policy.CLIENT_FAULT, policy.UNKNOWN_FAULT,
             policy.UNKNOWN_STATUS, policy.UNKNOWN_REJECTION)
    every = [pol for table in tables for pol in table.values()] + list(extra)
    assert all(len(pol.state) <= 20 for pol in every)  # journal_events.status is String(20)
    states = [pol.state for pol in every]
    assert len(states) == len(set(states))
    for table in tables:
        for key, pol in table.items():
            assert any(key in line and pol.state in line and pol.action.value in line
                       for line in doc.splitlines()), key
    assert policy.status_policy("statusFromTheFuture") is policy.UNKNOWN_STATUS
    assert p.SmevFault(kind="NewFault").policy is policy.UNKNOWN_FAULT
    assert p.SmevFault(faultcode="Client").policy is policy.CLIENT_FAULT


# --- hostile and wrong input ------------------------------------------------------------------

ENVELOPE = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{}'
            "</s:Body></s:Envelope>")
HOSTILE = {
    "entity": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "boom">]>'
              + ENVELOPE.format("<a>&x;</a>").encode(),
    "xxe": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + ENVELOPE.format("<a>&x;</a>").encode(),
    "laughs": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              + ENVELOPE.format("<a>&c;</a>").encode(),
    "malformed": ENVELOPE.format("<a>").encode(),
    "not xml": b"HTTP/1.1 502 Bad Gateway",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_is_refused_clearly(envelope_validator: p.EnvelopeValidator,
                                          case: str) -> None:
    with pytest.raises(UnsafeXml, match="DTD|not well-formed"):
        p.parse_request(HOSTILE[case])
    with pytest.raises(UnsafeXml):
        p.parse_reply("GetResponse", HOSTILE[case])
    assert envelope_validator.errors(HOSTILE[case])  # reported, not raised


WRONG = {
    "soap 1.2": ('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/>'
                 "</e:Envelope>", p.ProtocolError, "SOAP 1.2"),
    "not an envelope": ("<Envelope/>", p.ProtocolError, "not a SOAP 1.1 envelope"),
    "two in body": (ENVELOPE.format("<a/><b/>"), p.ProtocolError, "one element, found 2"),
    "empty body": (ENVELOPE.format(""), p.ProtocolError, "one element, found 0"),
    "unknown version": (ENVELOPE.format(
        '<t:AckResponse xmlns:t="urn://x-artefacts-smev-gov-ru/services/message-exchange/'
        'types/1.4"/>'), p.UnknownVersion, "types/1.4"),
    "foreign": (ENVELOPE.format('<t:AckResponse xmlns:t="urn:other"/>'), p.UnknownVersion,
                "not a СМЭВ 3"),
    "basic namespace": (ENVELOPE.format(f'<t:AckResponse xmlns:t="{p.version("1.3").basic}"/>'),
                        p.ProtocolError, "operations namespace|expected AckResponse"),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_envelopes_are_refused_clearly(case: str) -> None:
    text, error, message = WRONG[case]
    with pytest.raises(error, match=message):
        p.parse_reply("Ack", text.encode())


def test_wrong_operation_or_version_is_refused_clearly() -> None:
    envelope = p.to_bytes(p.build_reply("1.3", "Ack", None))
    assert p.parse_reply("Ack", envelope, expected="1.3") is None
    with pytest.raises(p.ProtocolError, match="expected СМЭВ 3 message exchange 1.2"):
        p.parse_reply("Ack", envelope, expected="1.2")
    with pytest.raises(p.ProtocolError, match="expected GetResponseResponse"):
        p.parse_reply("GetResponse", envelope)
    with pytest.raises(p.ProtocolError, match="not a request"):
        p.parse_request(envelope)
    request = p.build_request("1.1", p.AckCall(p.new_message_id()))
    with pytest.raises(p.ProtocolError, match="expected СМЭВ 3 message exchange 1.3"):
        p.parse_request(request, expected="1.3")
    target = request.find(f".//{{{p.version('1.1').basic}}}AckTargetMessage")
    target.set("accepted", "maybe")
    with pytest.raises(p.ProtocolError, match="xs:boolean"):
        p.parse_request(request)


# --- HTTP framing and the MTOM seam -----------------------------------------------------------

def test_multipart_bodies_with_headers_and_xop_references() -> None:
    envelope = p.build_reply("1.3", "GetResponse",
                             replies(p.version("1.3"))["GetResponse-content"][1])
    content = envelope.find(".//{*}AttachmentContent/{*}Content")
    assert content is not None
    content.text = None
    etree.SubElement(content, "{http://www.w3.org/2004/08/xop/include}Include",
                     href="cid:att1@example")
    root = p.to_bytes(envelope)
    body = (b"--b1\r\nContent-Type: application/xop+xml\r\nContent-ID: <root@example>\r\n\r\n"
            + root + b"\r\n--b1\r\nContent-ID: <att1@example>\r\n\r\n%PDF\x00\r\n--b1--\r\n")
    unpacked = p.http.unpack(body, 'multipart/related; type="application/xop+xml"; '
                                   'boundary="b1"; start="<root@example>"')
    assert unpacked.envelope == root and unpacked.parts == {"att1@example": b"%PDF\x00"}
    message = p.parse_reply("GetResponse", unpacked.envelope)
    assert message is not None
    assert message.attachments == (p.AttachmentContent("att1", xop_href="cid:att1@example"),)
    assert p.http.unpack(root, "text/xml; charset=utf-8") == p.http.Unpacked(root)
    assert p.mtom.resolve(message.attachments, unpacked.parts) == (
        p.AttachmentContent("att1", b"%PDF\x00"),)
    # An xop:Include has no bytes behind it: MTOM is made from inline contents only.
    with pytest.raises(p.ProtocolError, match="without its bytes"):
        p.http.request("GetResponse", envelope)
    with pytest.raises(p.ProtocolError, match="give its bytes"):
        p.build_request("1.3", p.SendRequestCall(p.RequestData(content=xml(CONTENT)),
                                                 (p.AttachmentContent("a", xop_href="cid:a"),)))


def test_signature_slot_holds_a_real_ds_signature() -> None:
    envelope = p.build_request("1.2", p.AckCall(p.new_message_id()), signer=dummy_signature)
    slot = envelope.find(".//{*}CallerInformationSystemSignature")
    assert slot is not None and slot[0].tag == f"{{{DS}}}Signature"
    assert slot[0].find(f".//{{{DS}}}Reference").get("URI") == "#SIGNED_BY_CALLER"


def test_status_fault_without_faults_prefix_declares_one() -> None:
    parent = etree.Element("{urn:x}holder")
    v = p.version("1.3")
    element = write_status_fault(parent, faults.InvalidContent(code="c"), v)
    assert element.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "faults:InvalidContent"
