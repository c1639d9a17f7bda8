"""The SOAP services through a running hub, called by zeep over HTTP as a clinic or insurer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from zeep.exceptions import Fault

from adapters.soap.models import calls, operations
from contracts.erz.register import Reason, Source
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from hub.testing import wait_for
from storage.models import audit_log
from tests.adapters.soap.conftest import (
    ANNA,
    MO_A,
    PASSWORDS,
    PAVEL,
    SEMYON,
    SMO_A,
    Services,
    snils,
)


def _fault(call: object, *args: object, **kw: object) -> Fault:
    with pytest.raises(Fault) as caught:
        call(*args, **kw)  # type: ignore[operator]
    return caught.value


def test_wsdl_is_served_and_describes_the_operations(services: Services) -> None:
    wsdl = requests.get(f"{services.url}?wsdl", timeout=10)
    assert wsdl.status_code == 200
    assert b"urn:omshub:erz:1" in wsdl.content
    client = services.client("mo-a")
    operations_ = set(client.service._binding._operations)
    assert operations_ == {"findPersons", "getPerson", "getChanges", "submitOperation",
                           "getOperationResult"}


def test_a_clinic_finds_and_reads_its_person_before_and_after_a_change(
        services: Services) -> None:
    today = date.today()
    yesterday = today - timedelta(days=1)
    with services.hub.db.transaction() as conn:
        Register(conn, Source("test")).move(ANNA, today, Reason(), district="7")
    client = services.client("mo-a")

    found = client.service.findPersons(query={"snils": snils(1)})
    assert [p.enp for p in found] == [ANNA]
    assert found[0].surname == "Семёнова"
    by_names = client.service.findPersons(query={"surname": "семенова", "name": "анна",
                                                 "birthDate": date(1980, 5, 1)})
    assert [p.enp for p in by_names] == [ANNA]

    before = client.service.getPerson(enp=ANNA, on=yesterday)
    after = client.service.getPerson(enp=ANNA)
    assert before.attachment.district == "5" and after.attachment.district == "7"
    assert after.asOf == today and after.attachment.dateAttach == today
    assert (after.surname, after.sex, after.birthDate) == ("Семёнова", "2", date(1980, 5, 1))
    assert after.policy.smo == SMO_A and after.policy.number == ANNA
    assert after.document.type == "14" and after.alive is True and after.snils == snils(1)
    # Pavel is on the register but not this clinic's: the search does not show him.
    assert not client.service.findPersons(query={"enp": PAVEL})


def test_an_insurer_cannot_read_a_person_insured_elsewhere(services: Services) -> None:
    client = services.client("smo-a")
    assert client.service.getPerson(enp=ANNA).enp == ANNA
    fault = _fault(client.service.getPerson, enp=PAVEL)
    assert fault.code.endswith("Client.OutOfScope")
    assert PAVEL not in fault.message  # the ЕНП is masked in the answer too
    # An unknown ЕНП gets the same answer: the service does not tell who is registered.
    assert _fault(client.service.getPerson, enp="7600000000009999").code.endswith(
        "Client.OutOfScope")
    with services.hub.db.read() as conn:
        audited = conn.execute(sa.select(audit_log).where(
            audit_log.c.action == "soap.out_of_scope")).all()
        protocol = conn.execute(sa.select(calls.c.outcome).where(
            calls.c.enp == PAVEL)).scalars().all()
    assert audited and audited[0].username == "soap:smo-a"
    assert PAVEL not in audited[0].target
    assert protocol == ["Client.OutOfScope"]


def test_a_wrong_password_is_refused(services: Services) -> None:
    client = services.client("mo-a", password="not the password")
    fault = _fault(client.service.getPerson, enp=ANNA)
    assert fault.code.endswith("Client.Unauthenticated")
    raw = requests.post(services.url, data=b"<x/>", auth=("nobody", "x"), timeout=10)
    assert raw.status_code == 401 and b"Client.Unauthenticated" in raw.content
    assert raw.headers["WWW-Authenticate"].startswith("Basic")


def test_an_attachment_is_submitted_checked_and_applied(services: Services) -> None:
    client = services.client("mo-a")
    today = date.today()
    ticket = client.service.submitOperation(operation={
        "kind": "attach", "enp": SEMYON, "date": today, "district": "12",
        "department": "2", "reasonCode": "", "method": "2"})
    assert ticket.status == "pending"

    def result() -> object:
        answer = client.service.getOperationResult(ticket=ticket.ticket)
        return answer if answer.status != "pending" else None

    done = wait_for(result, message="the operation was applied")
    assert done.status == "applied" and done.enp == SEMYON and done.code is None  # type: ignore[attr-defined]
    with services.hub.db.read() as conn:
        state = queries.person_as_of(conn, SEMYON, today)
    assert state.attachment is not None
    assert (state.attachment.mo, state.attachment.district) == (MO_A, "12")
    # Now he is this clinic's: it reads him; another clinic's ticket lookup finds nothing.
    assert client.service.getPerson(enp=SEMYON).attachment.district == "12"
    other = services.client("mo-b")
    assert _fault(other.service.getOperationResult, ticket=ticket.ticket).code.endswith(
        "Client.UnknownTicket")


def test_a_refusal_by_the_register_is_reported_with_its_code(services: Services) -> None:
    # Anna is already attached: a second attachment overlaps (404), found by the register.
    client = services.client("mo-a")
    ticket = client.service.submitOperation(operation={
        "kind": "attach", "enp": ANNA, "date": date.today(), "district": "1"})
    done = wait_for(lambda: (r := client.service.getOperationResult(ticket=ticket.ticket))
                    .status != "pending" and r, message="refused")
    assert done.status == "refused" and done.code == "404"
    assert "пересекается" in done.text
    assert services.hub.dead_letters() == []


@pytest.mark.parametrize(("operation", "code"), [
    ({"kind": "attach", "enp": SEMYON[:-1] + str((int(SEMYON[-1]) + 1) % 10)},
     "Client.Flk.102"),
    ({"kind": "attach", "enp": SEMYON, "doctorSnils": "112-233-445 00"}, "Client.Flk.104"),
    ({"kind": "attach", "enp": SEMYON, "reasonCode": "Я999"}, "Client.Flk.204"),
    ({"kind": "transplant", "enp": SEMYON}, "Client.UnknownOperation"),
    ({"kind": "issue_policy", "enp": SEMYON}, "Client.NotPermitted"),
    ({"kind": "detach", "enp": PAVEL}, "Client.OutOfScope"),
])
def test_an_invalid_operation_is_a_fault_and_nothing_is_applied(
        services: Services, operation: dict[str, object], code: str) -> None:
    if code == "Client.Flk.204" and services.hub.process.settings.schemas_dir is None:
        pytest.skip("the ФФОМС dictionaries are not at hand: reason codes are not checked")
    client = services.client("mo-a")
    fault = _fault(client.service.submitOperation, operation={"date": date.today(), **operation})
    assert fault.code.endswith(code), fault.code
    if code.startswith("Client.Flk"):
        detail = fault.detail.find("{urn:omshub:erz:1}failures")
        assert detail[0].get("code") == code.rsplit(".", 1)[1]
    assert services.hub.count(operations) == 0
    with services.hub.db.read() as conn:
        assert queries.person_as_of(conn, SEMYON, date.today()).attachment is None


def test_an_insurer_issues_a_policy_and_an_unknown_reason_is_refused(
        services: Services) -> None:
    client = services.client("smo-a")
    bad = _fault(client.service.submitOperation, operation={
        "kind": "issue_policy", "enp": SEMYON, "date": date.today(), "policyType": "Z",
        "policyNumber": SEMYON})
    assert bad.code.endswith("Client.Flk.202")
    stop = client.service.submitOperation(operation={
        "kind": "stop_policy", "enp": ANNA, "date": date.today(), "reasonText": "выезд"})
    done = wait_for(lambda: (r := client.service.getOperationResult(ticket=stop.ticket))
                    .status != "pending" and r, message="applied")
    assert done.status == "applied"
    # From today Anna holds no policy of this insurer: she is out of its scope.
    assert _fault(client.service.getPerson, enp=ANNA).code.endswith("Client.OutOfScope")
    yesterday = date.today() - timedelta(days=1)
    assert client.service.getPerson(enp=ANNA, on=yesterday).policy.smo == SMO_A


def test_changes_come_in_pages_for_the_callers_scope(services: Services) -> None:
    client = services.client("mo-a")
    since = datetime.now().astimezone() - timedelta(hours=1)
    with services.hub.db.transaction() as conn:
        reg = Register(conn, Source("test"))
        for district in ("6", "7", "8"):
            reg.move(ANNA, date.today() - timedelta(days=10 - int(district)), Reason(),
                     district=district)
    seen, ids, cursor = [], [], None
    while True:
        page = client.service.getChanges(since=since if cursor is None else None,
                                         cursor=cursor, pageSize=2)
        assert len(page.change) <= 2
        seen += [(c.enp, c.op) for c in page.change]
        ids += [c.id for c in page.change]
        if not page.more:
            break
        cursor = page.next
    # Anna's creation, policy, attachment and three moves (detach + attach each): MO_A's.
    assert {e for e, _ in seen} == {ANNA}
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert [op for _, op in seen].count("attach") == 4
    assert [op for _, op in seen].count("detach") == 3


def test_an_xxe_request_is_a_fault_and_reads_no_file(services: Services, tmp_path: Path
                                                     ) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
               xmlns:e="urn:omshub:erz:1">
  <soap:Body><e:getPerson><e:enp>&x;</e:enp></e:getPerson></soap:Body>
</soap:Envelope>""".encode()
    answer = requests.post(services.url, data=body, auth=("mo-a", PASSWORDS["mo-a"]),
                           headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=10)
    assert answer.status_code == 500
    assert b"Client.UnsafeXml" in answer.content and b"TOP-SECRET" not in answer.content



def test_malformed_requests_are_client_faults(services: Services) -> None:
    client = services.client("mo-a")
    assert _fault(client.service.findPersons, query={}).code.endswith("Client.BadRequest")
    assert _fault(client.service.getChanges, cursor="not-a-cursor").code.endswith(
        "Client.BadRequest")
    too_long = _fault(client.service.getPerson, enp="7" * 40)
    assert too_long.code.endswith("Client.ValidationError")


def test_a_clinic_moves_its_own_district_only(services: Services) -> None:
    # Anna (MO_A) and Pavel (MO_B) are both in a district "5": MO_A moves its own.
    client = services.client("mo-a")
    today = date.today()
    same = _fault(client.service.submitOperation, operation={
        "kind": "move_district", "date": today, "fromDistrict": "5", "district": "5"})
    assert same.code.endswith("Client.Flk.410")
    ticket = client.service.submitOperation(operation={
        "kind": "move_district", "date": today, "fromDistrict": "5", "district": "9",
        "reasonText": "перераспределение участков"})
    done = wait_for(lambda: (r := client.service.getOperationResult(ticket=ticket.ticket))
                    .status != "pending" and r, message="applied")
    assert done.status == "applied" and done.enp is None and done.text == "перемещено ЗЛ: 1"
    with services.hub.db.read() as conn:
        anna = queries.person_as_of(conn, ANNA, today).attachment
        pavel = queries.person_as_of(conn, PAVEL, today).attachment
    assert anna is not None and (anna.mo, anna.district, anna.date_attach) == (MO_A, "9", today)
    assert pavel is not None and pavel.district == "5"
    # District 5 of MO_A is empty now: the register refuses it (406), as an answer.
    again = client.service.submitOperation(operation={
        "kind": "move_district", "date": today, "fromDistrict": "5", "district": "9"})
    refused = wait_for(lambda: (r := client.service.getOperationResult(ticket=again.ticket))
                       .status != "pending" and r, message="refused")
    assert refused.status == "refused" and refused.code == "406"
    assert services.hub.dead_letters() == []


def test_a_clinic_updates_the_contacts_of_its_person_and_reads_them(
        services: Services) -> None:
    client = services.client("mo-a")
    today = date.today()
    ticket = client.service.submitOperation(operation={
        "kind": "contacts", "enp": ANNA, "date": today, "phone": "+7 (4852) 30-12-45",
        "email": "anna@example.org"})
    done = wait_for(lambda: (r := client.service.getOperationResult(ticket=ticket.ticket))
                    .status != "pending" and r, message="contacts applied")
    assert done.status == "applied", done.text
    read = client.service.getPerson(enp=ANNA)
    assert (read.phone, read.email) == ("+7 (4852) 30-12-45", "anna@example.org")
    with services.hub.db.read() as conn:
        [change] = [c for c in queries.timeline(conn, ANNA) if c.aspect == "contact"
                    and c.detail["new"]["kind"] == "email"]
    assert change.effective_date == today and change.user == f"{MO_A}/mo-a"
    # A malformed phone, nothing to change, or a person of another clinic: faults.
    bad = _fault(client.service.submitOperation, operation={
        "kind": "contacts", "enp": ANNA, "date": today, "phone": "звоните вечером"})
    assert bad.code.endswith("Client.Flk.108")
    empty = _fault(client.service.submitOperation, operation={
        "kind": "contacts", "enp": ANNA, "date": today})
    assert empty.code.endswith("Client.Flk.106")
    other = _fault(client.service.submitOperation, operation={
        "kind": "contacts", "enp": PAVEL, "date": today, "phone": "+74852301245"})
    assert other.code.endswith("Client.OutOfScope")
    assert services.hub.count(operations) == 1
