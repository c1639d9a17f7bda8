"""ФЕРЗЛ's messages are read tolerantly: validated, every deviation listed, still read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.ferzl.cli import example_envelopes
from adapters.ferzl.reader import NotXml, ReadError, ReadResult, read_message
from adapters.ferzl.releases import Releases
from tests.adapters.ferzl.conftest import EXAMPLES

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "http://ffoms.ru/types/23.4.7"


def _example(name: str, index: int, folder: Path = EXAMPLES) -> bytes:
    """The ``index``-th envelope of a published example file (0 the request, 1 the answer)."""
    return example_envelopes((folder / name).read_bytes())[index][1]


def _read(data: bytes | str, releases: Releases) -> ReadResult:
    return read_message(data.encode() if isinstance(data, str) else data, releases)


def _envelope(payload: str) -> str:
    return (f'<s:Envelope xmlns:s="{SOAP}" xmlns:c="{NS}/commonTypes" '
            f'xmlns:p="{NS}/mpiPersonInfoSchema" xmlns:a="{NS}/mpiAttachControlSchema">'
            f"<s:Header/><s:Body>{payload}</s:Body></s:Envelope>")


def test_the_fifteen_deviating_answers_are_reported_and_still_read(releases: Releases) -> None:
    read = [_read(envelope, releases) for f in sorted(EXAMPLES.glob("*.txt"))
            for _, envelope in example_envelopes(f.read_bytes())]
    deviating = [r for r in read if any(d.startswith("схема:") for d in r.deviations)]
    assert (len(read), len(deviating)) == (73, 15)
    assert {r.message.direction for r in deviating} == {"answer"}
    # Each deviating answer still carries what it says: persons or the MTOM reference.
    assert all(r.message.persons or r.message.content for r in deviating)


def test_a_person_in_the_fund_terms_from_getpersondata(releases: Releases) -> None:
    result = _read(_example("запрос-ответ getPersonData ЕНП.txt", 1), releases)
    message = result.message
    assert (message.operation, message.release, message.direction) == (
        "getPersonData", "23.4.7", "answer")
    assert message.external_request_id == "e3b62914-1e18-4977-8441-ba419e4cee24"
    [person] = message.persons
    assert (person.oip, person.enp, person.snils) == (
        "200052519467", "6193099726000157", "15697566129")
    assert (person.surname, person.name, person.patronymic, str(person.birth_date),
            person.sex, person.status) == ("ИВАНОВ", "МАКСИМ", "ЭДУАРДОВИЧ", "2009-06-23",
                                           "1", "ДПП")
    [policy] = person.policies
    assert (policy.type, policy.status, policy.insurer_code, policy.insurer_ogrn,
            str(policy.starts_on)) == ("П", "ДПП", "61013", "1027739099772", "2013-07-24")
    [document] = person.documents
    assert (document.type, document.series, document.number) == ("3", "II-АН", "793389")
    [attachment] = person.attachments
    # The answer deviates (mCapitation where depId belongs): read all the same.
    assert (attachment.mo_code, attachment.method, attachment.doctor_snils,
            attachment.capitation) == ("610244", "1", "03205573312", "1")
    [deviation] = result.deviations
    assert "mCapitation" in deviation and "depId" in deviation


def test_order_unknown_elements_and_missing_optional_ones(releases: Releases) -> None:
    answer = _envelope(
        "<p:getPersonDataResponse><p:pd>"
        "<p:snils><p:snilsItems><p:statusSnils>ДПП</p:statusSnils>"
        "<p:snils>156-975-661 29</p:snils></p:snilsItems></p:snils>"
        "<p:novelty><p:enp>0000000000000000</p:enp></p:novelty>"
        "<p:policy><p:policyItems><c:pcyStatus>ДПП</c:pcyStatus><c:pcyType>П</c:pcyType>"
        "<c:enp>6193099726000157</c:enp></p:policyItems></p:policy>"
        "<p:oip>200052519467</p:oip></p:pd>"
        "<c:externalRequestId>e3b62914-1e18-4977-8441-ba419e4cee24</c:externalRequestId>"
        "</p:getPersonDataResponse>")
    result = _read(answer, releases)
    [person] = result.message.persons
    assert (person.oip, person.enp, person.snils) == (
        "200052519467", "6193099726000157", "15697566129")
    assert (person.policies[0].type, person.policies[0].status) == ("П", "ДПП")
    assert person.surname is None and person.birth_date is None and person.attachments == []
    assert result.message.external_request_id == "e3b62914-1e18-4977-8441-ba419e4cee24"
    assert any("novelty" in d and "не описан в схемах выпуска; пропущен" in d
               for d in result.deviations)
    assert "0000000000000000" not in result.message.model_dump_json()  # skipped, not read
    assert any(d.startswith("схема:") for d in result.deviations)  # the order, too


def test_flk_errors_of_a_200_answer(releases: Releases) -> None:
    answer = _envelope(
        "<a:registerAttachResponse><c:externalRequestId>ea560757-11cd-445e-813c-cdfd305a863c"
        "</c:externalRequestId><c:errors><c:errorItem><c:code>ATT_007</c:code>"
        "<c:message>Период прикрепления пересекается</c:message>"
        "<c:tag>att/dateAttachB</c:tag><c:value>2023-11-11</c:value></c:errorItem>"
        "</c:errors></a:registerAttachResponse>")
    message = _read(answer, releases).message
    [error] = message.errors
    assert (error.code, error.message, error.tag, error.value) == (
        "ATT_007", "Период прикрепления пересекается", "att/dateAttachB", "2023-11-11")
    assert message.rejected and message.operation == "registerAttach"


def test_a_soap_fault_is_read_as_such(releases: Releases) -> None:
    fault = (f'<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault><faultcode>s:Server</faultcode>'
             "<faultstring>Внутренняя ошибка сервиса</faultstring><detail>"
             f'<c:errors xmlns:c="{NS}/commonTypes"><c:errorItem><c:code>500</c:code>'
             "<c:message>Сервис недоступен</c:message></c:errorItem></c:errors>"
             "</detail></s:Fault></s:Body></s:Envelope>")
    result = _read(fault, releases)
    assert result.message.fault is not None
    assert (result.message.fault.code, result.message.fault.message) == (
        "s:Server", "Внутренняя ошибка сервиса")
    assert "Сервис недоступен" in (result.message.fault.detail or "")
    assert [e.code for e in result.message.errors] == ["500"]
    assert (result.message.direction, result.message.release, result.deviations) == (
        "answer", "23.4.7", ())


def test_nested_persons_events_and_an_uninstalled_release(releases: Releases) -> None:
    newborn = _read(_example("запрос-ответ getNRData по серии и номеру мед.св-ва.txt", 1),
                    releases).message
    child, mother = newborn.persons
    assert (child.oip, child.surname, str(child.birth_date), str(child.death_date)) == (
        "400358584204", "Козлова", "2023-12-04", "2023-12-04")
    assert [d.type for d in child.documents] == ["14", "33"]
    assert (mother.role, mother.related_oip, mother.enp) == (
        "legal_representative", "400358584204", "4456110896000260")
    loose = EXAMPLES.parent / "examples-loose"
    changes = _read(_example("запрос ответ getInsuranceStatusChanges.txt", 3, loose), releases)
    assert changes.deviations == (
        "схема: выпуск API ФЕРЗЛ 24.1.1 не установлен в каталоге схем "
        "(установлены: 23.4.7, 24.1.2, 24.1.4, 24.2.6)",)
    assert changes.message.processing_status == "COMPLETED"
    groups = [(p.enp, p.events[0].code, p.events[0].group) for p in changes.message.persons]
    assert len(groups) == 17
    assert groups[0] == ("4457620827000196", "1П", "enpArrived")
    assert groups[-1] == ("4457700829000301", "ЗДАДРС", "enpChanged")


def test_async_token_status_and_mtom_reference(releases: Releases) -> None:
    name = "запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt"
    start = _read(_example(name, 1), releases).message
    poll = _read(_example(name, 3), releases).message
    assert (start.operation, start.op_token) == (
        "getAllCurrentEnpStart", "286db304-bcd7-4ed4-9d28-b3666a7b4a86")
    assert (poll.operation, poll.processing_status, poll.content) == (
        "getAllCurrentEnpPoll", "COMPLETED", "cid:3b462ac9-7935-4ede-9654-7940ae48b2e0%40ffoms.ru")


def test_a_value_that_is_no_date_is_a_deviation_not_a_failure(releases: Releases) -> None:
    answer = _envelope("<p:getMergeAncessorOipResponse><c:externalRequestId>"
                       "e3b62914-1e18-4977-8441-ba419e4cee24</c:externalRequestId>"
                       "<p:mergeAncessorOip><p:whenMerged>вчера</p:whenMerged>"
                       "<p:mergeAncessorOip>900358580772</p:mergeAncessorOip>"
                       "</p:mergeAncessorOip></p:getMergeAncessorOipResponse>")
    result = _read(answer, releases)
    [ancestor] = result.message.persons
    assert (ancestor.role, ancestor.oip, ancestor.merged_on) == (
        "merge_ancestor", "900358580772", None)
    assert any("whenMerged — не дата; пропущено" in d for d in result.deviations)


@pytest.mark.parametrize(("data", "error", "reason"), [
    (b"\xff\xfe not xml", NotXml, "это не XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b"<x>&e;</x>", ReadError, "DTD"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b"<x>&b;</x>", ReadError, "XXE"),
    (b"<getPersonDataRequest/>", ReadError, "не конверт SOAP"),
    (_envelope("<x xmlns='urn:other'/>").encode(), ReadError, "не из пространства имён ФЕРЗЛ"),
    (_envelope("").encode(), ReadError, "нет сообщения"),
])
def test_what_cannot_be_understood_is_refused_clearly(
        releases: Releases, data: bytes, error: type[ReadError], reason: str) -> None:
    with pytest.raises(error, match=re.escape(reason)):
        read_message(data, releases)
