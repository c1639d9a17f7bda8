"""One ФЕРЗЛ call on the wire, against a local stand-in serving the published examples:
where it goes, what it carries, and each outcome as a journal state and a retry policy."""

from __future__ import annotations

import threading

import pytest
from lxml import etree

from adapters.ferzl.binding import Endpoints
from adapters.ferzl.releases import Releases
from adapters.ferzl.transport import (
    BadAnswer,
    FlkRejected,
    HttpFailure,
    Transport,
    Unreachable,
)
from tests.adapters.ferzl.canned import Reply, example_envelopes, stand
from tests.conftest import free_port

PERSON = "запрос-ответ getPersonData ЕНП.txt"
FAULT = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
         "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
         "<faultstring>Полис уже закрыт другой СМО</faultstring></soapenv:Fault>"
         "</soapenv:Body></soapenv:Envelope>".encode())


def payload_of(envelope: bytes) -> etree._Element:
    return etree.fromstring(envelope)[-1][0]


def transport(url: str, releases: Releases, **kwargs: object) -> Transport:
    return Transport(Endpoints(url, releases), lambda: "jwt-1", releases=releases,
                     timeout=5, **kwargs)  # type: ignore[arg-type]


def test_a_call_goes_to_the_wsdl_address_with_token_action_and_request_id(
        releases: Releases) -> None:
    request, answer = example_envelopes(PERSON)
    with stand(Reply(body=answer)) as ferzl:
        got = transport(ferzl.url, releases).call(payload_of(request))
    [sent] = ferzl.received
    assert sent.path == "/api/t-foms/integration/ws/23.4.7/wsdl/mpiPersonInfoServiceWs"
    assert sent.headers["x-auth-token"] == "jwt-1"
    assert sent.headers["soapaction"] == '"http://ffoms.ru/services/tfoms/getPersonData"'
    assert sent.headers["content-type"].startswith("text/xml")
    request_id = payload_of(request)[0].text
    assert got.exchange.external_request_id == request_id
    assert f"externalRequestId>{request_id}<".encode() in sent.body
    # Exact bytes both ways for the journal; the token is never among them.
    assert got.exchange.request == sent.body and got.exchange.answer == answer
    assert b"jwt-1" not in got.exchange.request
    assert (got.exchange.status, got.exchange.operation) == (200, "getPersonData")
    assert etree.QName(got.payload).localname == "getPersonDataResponse"
    # ФЕРЗЛ's real answer lacks depId: journaled as a deviation, read all the same.
    assert any("depId" in d for d in got.deviations)


def test_the_soap_action_is_the_wsdls_and_the_url_may_be_overridden(
        releases: Releases) -> None:
    request, answer = example_envelopes("запрос-ответ registerAddress.txt")
    with stand(Reply(body=answer)) as ferzl:
        endpoints = Endpoints("http://unused.invalid", releases, overrides={
            "mpiPersonObjectsControl": ferzl.url + "/stand/objects"})
        Transport(endpoints, lambda: "t").call(payload_of(request))
    [sent] = ferzl.received
    assert sent.path == "/stand/objects"
    # The published WSDL spells this action without the last letter: the WSDL wins.
    assert sent.headers["soapaction"] == '"http://ffoms.ru/services/tfoms/registerAddres"'


@pytest.mark.parametrize(("status", "state", "retry"), [
    (400, "ferzl.malformed", False), (403, "ferzl.forbidden", False),
    (409, "ferzl.conflict", False), (500, "ferzl.server_error", True),
    (502, "ferzl.unavailable", True)])
def test_each_http_status_is_a_journal_state_and_a_policy(
        releases: Releases, status: int, state: str, retry: bool) -> None:
    request, _ = example_envelopes(PERSON)
    with stand(Reply(status, FAULT)) as ferzl, pytest.raises(HttpFailure) as caught:
        transport(ferzl.url, releases).call(payload_of(request))
    error = caught.value
    assert (error.state, error.retry, error.exchange.status) == (state, retry, status)
    assert "Полис уже закрыт другой СМО" in str(error)  # the body's message kept
    assert error.exchange.answer == FAULT
    assert len(ferzl.received) == 1


def test_a_401_renews_the_token_and_sends_once_more(releases: Releases) -> None:
    request, answer = example_envelopes(PERSON)
    renewed: list[str] = []

    def renew() -> str:
        renewed.append("jwt-2")
        return "jwt-2"

    with stand(Reply(401, b"expired"), Reply(body=answer)) as ferzl:
        got = transport(ferzl.url, releases, renew=renew).call(payload_of(request))
    assert [r.headers["x-auth-token"] for r in ferzl.received] == ["jwt-1", "jwt-2"]
    assert (got.exchange.attempts, got.exchange.status, renewed) == (2, 200, ["jwt-2"])

    with stand(Reply(401, b"token revoked")) as ferzl, pytest.raises(HttpFailure) as caught:
        transport(ferzl.url, releases, renew=renew).call(payload_of(request))
    assert len(ferzl.received) == 2
    assert (caught.value.state, caught.value.retry, caught.value.policy.final) == (
        "ferzl.auth_failed", False, True)


def test_flk_errors_in_a_200_are_a_business_rejection_with_their_codes(
        releases: Releases) -> None:
    request, _ = example_envelopes(PERSON)
    com = "http://ffoms.ru/types/23.4.7/commonTypes"
    answer = (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        '<ns2:getPersonDataResponse xmlns:ns2="http://ffoms.ru/types/23.4.7/mpiPersonInfoSchema"'
        f' xmlns:ns3="{com}"><ns3:externalRequestId>{payload_of(request)[0].text}'
        "</ns3:externalRequestId><ns3:errors><ns3:errorItem><ns3:code>FLK.ENP.01</ns3:code>"
        "<ns3:message>ЕНП не прошёл проверку контрольной суммы</ns3:message>"
        "<ns3:tag>enp</ns3:tag><ns3:value>5051140833001930</ns3:value></ns3:errorItem>"
        "<ns3:errorItem><ns3:code>FLK.DT.02</ns3:code><ns3:message>Дата в будущем"
        "</ns3:message></ns3:errorItem></ns3:errors></ns2:getPersonDataResponse>"
        "</S:Body></S:Envelope>").encode()
    with stand(Reply(body=answer)) as ferzl, pytest.raises(FlkRejected) as caught:
        transport(ferzl.url, releases).call(payload_of(request))
    error = caught.value
    assert (error.state, error.retry) == ("ferzl.flk_rejected", False)
    assert [(e.code, e.tag, e.value) for e in error.errors] == [
        ("FLK.ENP.01", "enp", "5051140833001930"), ("FLK.DT.02", None, None)]
    assert "ЕНП не прошёл проверку" in str(error) and "Дата в будущем" in str(error)
    assert error.exchange.answer == answer


def test_an_answer_that_is_not_xml_or_is_hostile_is_refused(releases: Releases) -> None:
    request, answer = example_envelopes(PERSON)
    with stand(Reply(body=answer[: len(answer) // 2])) as ferzl, \
            pytest.raises(BadAnswer) as caught:
        transport(ferzl.url, releases).call(payload_of(request))
    assert (caught.value.state, caught.value.retry) == ("ferzl.bad_answer", True)
    assert caught.value.exchange.answer == answer[: len(answer) // 2]

    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
           b"<r>&x;</r></S:Body></S:Envelope>")
    with stand(Reply(body=xxe)) as ferzl, pytest.raises(BadAnswer) as caught:
        transport(ferzl.url, releases).call(payload_of(request))
    assert (caught.value.state, caught.value.retry) == ("ferzl.unsafe_answer", False)
    assert b"root:" not in caught.value.exchange.answer

    with stand(Reply(body=b"<html>502</html>")) as ferzl, pytest.raises(BadAnswer,
                                                                        match="не конверт"):
        transport(ferzl.url, releases).call(payload_of(request))


def test_no_connection_and_a_timeout_are_retried(releases: Releases) -> None:
    request, _ = example_envelopes(PERSON)
    with pytest.raises(Unreachable) as caught:
        transport(f"http://127.0.0.1:{free_port()}", releases).call(payload_of(request))
    assert (caught.value.state, caught.value.retry) == ("ferzl.unreachable", True)
    assert caught.value.exchange.status is None

    hold = threading.Event()
    with stand(Reply(body=b"", hold=hold)) as ferzl:
        try:
            with pytest.raises(Unreachable, match="timed out"):
                Transport(Endpoints(ferzl.url, releases), lambda: "t", timeout=0.2).call(
                    payload_of(request))
        finally:
            hold.set()  # the stand-in answers (to nobody) and can stop


def test_a_request_without_external_request_id_is_not_sent(releases: Releases) -> None:
    request, _ = example_envelopes(PERSON)
    payload = payload_of(request)
    payload.remove(payload[0])
    with pytest.raises(ValueError, match="нет externalRequestId"):
        Transport(Endpoints("http://127.0.0.1:9", releases), lambda: "t").call(payload)
