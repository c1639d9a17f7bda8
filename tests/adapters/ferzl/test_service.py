"""The ФЕРЗЛ adapter through the hub, on both footprints, against a canned ФЕРЗЛ.

A handler sends ``ferzl.call``; the adapter builds the request, calls the stand-in and
answers with ``ferzl.answer`` caused by the call: the person in the fund's terms, the exact
answer as the message's raw bytes, a row of ``ferzl_exchanges``. A 500 is retried by the
hub; a 403 and a ФЛК rejection are answered at once with their state and Russian reason; an
asynchronous operation is started, polled and answered with its zipped CSV attached.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from adapters.ferzl.models import exchanges, operations
from adapters.ferzl.service import FerzlAdapter
from contracts.envelope import Envelope
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1
from hub.component import Handler, Message, handles
from hub.testing import TestHub, running_hub, wait_for
from hub.tx import Tx
from storage.journal import load_blob
from storage.models import journal_messages
from tests.adapters.ferzl.canned import (
    Reply,
    Stand,
    echoing,
    example_envelopes,
    example_fragment,
    stand,
    zipped,
)
from tests.adapters.ferzl.conftest import FERZL_FIXTURES, ferzl_fixtures
from tests.conftest import Footprint

PERSON = "запрос-ответ getPersonData ЕНП.txt"
ALL_ENP = "запрос-ответ getAllCurrentEnp start poll фрагмент выгружаемого файла.txt"
ENP, OIP, SNILS = "6193099726000157", "200052519467", "15697566129"
FORBIDDEN = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
             "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
             "<faultstring>Нет прав на метод getPersonData</faultstring></soapenv:Fault>"
             "</soapenv:Body></soapenv:Envelope>").encode()

answers = sa.Table("test_ferzl_answers", sa.MetaData(),
                   sa.Column("message_id", sa.String(64), primary_key=True),
                   sa.Column("envelope", sa.Text))


class Asker(Handler):
    """A subsystem that asked ФЕРЗЛ and now receives the answer."""

    name: ClassVar[str] = "ferzl-asker"
    metadata: ClassVar[sa.MetaData | None] = answers.metadata

    @handles(FerzlAnswerV1)
    def on_answer(self, message: Message[FerzlAnswerV1], tx: Tx) -> None:
        """Keep the answer's envelope."""
        tx.insert(answers, message_id=message.id, envelope=message.envelope.model_dump_json())


@pytest.fixture
def hub_of(footprint: Footprint, tmp_path: Path) -> Iterator[Any]:
    """A hub with the adapter pointed at a stand-in: ``hub_of(stand, **settings)``."""
    ferzl_fixtures()
    started: list[Any] = []

    def start(ferzl: Stand, **extra: Any) -> TestHub:
        conf = {"base_url": ferzl.url, "token": "jwt-test", "release": "23.4.7", **extra}
        settings = footprint.settings(tmp_path, schemas_dir=FERZL_FIXTURES,
                                      plugins={"ferzl": conf})
        manager = running_hub(settings, ["hub.router"], extra=[FerzlAdapter, Asker])
        hub = manager.__enter__()
        started.append(manager)
        return hub

    yield start
    for manager in started:
        manager.__exit__(None, None, None)


def the_answer(hub: TestHub, call: Envelope) -> tuple[Envelope, FerzlAnswerV1]:
    """The ferzl.answer caused by ``call``, once it reached the asker."""
    def found() -> Envelope | None:
        with hub.db.read() as conn:
            for text in conn.execute(sa.select(answers.c.envelope)).scalars():
                env = Envelope.model_validate_json(text)
                if env.causation_id == call.id:
                    return env
        return None
    env = wait_for(found, message="ferzl.answer reached the asker")
    assert env is not None
    return env, FerzlAnswerV1.model_validate(env.payload)


def blob(hub: TestHub, blob_id: str) -> bytes:
    with hub.db.read() as conn:
        data = load_blob(conn, blob_id)
    assert data is not None
    return data


def test_get_person_data_by_enp_comes_back_as_the_person(hub_of: Any) -> None:
    request, answer = example_envelopes(PERSON)
    with stand(echoing(answer)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": ENP},
                                       purpose="сверка полиса застрахованного"))
        env, got = the_answer(hub, call)
    [sent] = ferzl.received
    assert sent.headers["x-auth-token"] == "jwt-test"
    assert f"<com:enp>{ENP}</com:enp>".encode() in sent.body
    assert (got.state, got.operation, got.release, got.error) == (
        "ok", "getPersonData", "23.4.7", "")
    assert got.message is not None
    [person] = got.message.persons
    assert (person.enp, person.oip, person.snils) == (ENP, OIP, SNILS)
    # ФЕРЗЛ's real answer lacks depId: a deviation, read all the same.
    [deviation] = got.deviations
    assert deviation.startswith("схема: ") and "mCapitation" in deviation
    with hub.db.read() as conn:
        row = conn.execute(sa.select(exchanges)).one()
        raw = conn.execute(sa.select(journal_messages.c.raw_blob_id).where(
            journal_messages.c.message_id == env.id)).scalar()
    assert (row.operation, row.release, row.http_status, row.state, row.call_id) == (
        "getPersonData", "23.4.7", 200, "ferzl.answered", call.id)
    assert row.deviations == len(got.deviations) and row.duration_ms >= 0
    assert row.external_request_id in sent.body.decode()
    # The exact bytes both ways: the answer is the message's raw bytes, the request beside.
    assert blob(hub, row.request_blob_id) == sent.body
    assert raw == row.answer_blob_id and b"mCapitation" in blob(hub, raw)
    assert [a.blob_id for a in env.attachments] == [row.answer_blob_id, row.request_blob_id]
    assert "ferzl.answered" in hub.trail(call.id) and "handled" in hub.trail(call.id)


def test_a_500_is_retried_then_answered(hub_of: Any) -> None:
    _, answer = example_envelopes(PERSON)
    # One call per attempt: the runner's immediate re-run of a failed batch sends nothing.
    with stand(Reply(500, b"<html>Internal Server Error</html>"), echoing(answer)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": ENP}))
        _, got = the_answer(hub, call)
    assert got.state == "ok" and got.message is not None
    assert len(ferzl.received) == 2
    failed = [e for e in hub.events(call.id) if e.status == "failed"]
    assert len(failed) == 1 and "HTTP 500" in (failed[0].detail or "")
    assert "retried" in hub.trail(call.id)
    # The failed attempt is in the request journal too (its batch was rolled back).
    wait_for(lambda: hub.count(exchanges) == 2, message="both attempts recorded")
    with hub.db.read() as conn:
        rows = conn.execute(sa.select(exchanges).order_by(exchanges.c.at)).all()
    assert [(r.http_status, r.state) for r in rows] == [
        (500, "ferzl.server_error"), (200, "ferzl.answered")]


def test_a_403_is_answered_with_its_state_and_not_retried(hub_of: Any) -> None:
    with stand(Reply(403, FORBIDDEN)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": ENP}))
        _, got = the_answer(hub, call)
        wait_for(lambda: "handled" in hub.trail(call.id), message="the call handled")
    assert got.state == "ferzl.forbidden" and got.message is not None
    assert "HTTP 403" in got.error and "Нет прав на метод getPersonData" in got.error
    assert len(ferzl.received) == 1
    trail = hub.trail(call.id)
    assert "ferzl.forbidden" in trail and "failed" not in trail and "dead" not in trail
    assert not hub.dead_letters()
    with hub.db.read() as conn:
        row = conn.execute(sa.select(exchanges)).one()
    assert (row.http_status, row.state) == (403, "ferzl.forbidden")
    assert "Нет прав" in (row.error or "")


def test_a_flk_rejection_is_answered_with_its_codes(hub_of: Any) -> None:
    com = "http://ffoms.ru/types/23.4.7/commonTypes"
    rejected = (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        '<ns2:getPersonDataResponse xmlns:ns2="http://ffoms.ru/types/23.4.7/mpiPersonInfoSchema"'
        f' xmlns:ns3="{com}"><ns3:externalRequestId>x</ns3:externalRequestId><ns3:errors>'
        "<ns3:errorItem><ns3:code>FLK.ENP.01</ns3:code><ns3:message>ЕНП не найден в ЕРЗЛ"
        "</ns3:message><ns3:tag>enp</ns3:tag></ns3:errorItem></ns3:errors>"
        "</ns2:getPersonDataResponse></S:Body></S:Envelope>").encode()
    with stand(echoing(rejected)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": ENP}))
        _, got = the_answer(hub, call)
    assert got.state == "ferzl.flk_rejected" and "ЕНП не найден в ЕРЗЛ" in got.error
    assert got.message is not None and [e.code for e in got.message.errors] == ["FLK.ENP.01"]
    assert len(ferzl.received) == 1
    assert "ferzl.flk_rejected" in hub.trail(call.id) and not hub.dead_letters()


def test_bad_parameters_are_answered_without_sending(hub_of: Any) -> None:
    with stand(Reply(500)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": "12"}))
        _, got = the_answer(hub, call)
    assert got.state == "ferzl.bad_request" and "ЕНП — 16 цифр" in got.error
    assert ferzl.received == []


def test_a_start_poll_operation_completes_with_its_zipped_csv(hub_of: Any) -> None:
    _, start_answer, _, poll_answer = example_envelopes(ALL_ENP)
    pending = re.sub(rb"<ns10:content>.*</ns10:content>", b"", poll_answer.replace(
        b">COMPLETED<", b">IN_PROGRESS<"), flags=re.S)
    archive = zipped("\n".join(example_fragment(ALL_ENP)).encode())
    from hub import mtom

    content_type, done = mtom.multipart_related(
        poll_answer, [("3b462ac9-7935-4ede-9654-7940ae48b2e0@ffoms.ru", "application/zip",
                       archive)], root_id="root", boundary="uuid:p")
    with stand(echoing(start_answer), echoing(pending),
               Reply(body=done, content_type=content_type)) as ferzl:
        hub = hub_of(ferzl, poll_first=0.05, poll_factor=1.0)
        call = hub.publish(FerzlCallV1(operation="getAllCurrentEnpStart",
                                       params={"territory": "46000"}))
        env, got = the_answer(hub, call)
    actions = [r.headers["soapaction"].strip('"').rsplit("/", 1)[1] for r in ferzl.received]
    assert actions == ["getAllCurrentEnpStart", "getAllCurrentEnpPoll", "getAllCurrentEnpPoll"]
    assert b"286db304-bcd7-4ed4-9d28-b3666a7b4a86" in ferzl.received[2].body
    assert got.state == "ok" and got.message is not None
    assert got.message.processing_status == "COMPLETED"
    [stored] = [a for a in env.attachments if a.media_type == "application/zip"]
    with zipfile.ZipFile(io.BytesIO(blob(hub, stored.blob_id))) as kept:
        rows = kept.read(kept.namelist()[0]).decode().splitlines()
    assert len(rows) == 19 and rows[0].startswith("5051140833001937,")
    with hub.db.read() as conn:
        op = conn.execute(sa.select(operations)).one()
        states = list(conn.execute(sa.select(exchanges.c.operation).order_by(
            exchanges.c.id)).scalars())
    assert (op.status, op.starts, op.polls, op.call_id) == ("done", 1, 2, call.id)
    assert states == ["getAllCurrentEnpStart", "getAllCurrentEnpPoll", "getAllCurrentEnpPoll"]
    assert "ferzl.queued" in hub.trail(call.id)


def test_a_token_that_never_completes_is_answered_with_the_cause(hub_of: Any) -> None:
    _, start_answer, _, poll_answer = example_envelopes(ALL_ENP)
    pending = re.sub(rb"<ns10:content>.*</ns10:content>", b"", poll_answer.replace(
        b">COMPLETED<", b">IN_PROGRESS<"), flags=re.S)
    with stand(echoing(start_answer), echoing(pending)) as ferzl:
        hub = hub_of(ferzl, poll_first=0.05, poll_factor=1.0, poll_deadline=3)
        call = hub.publish(FerzlCallV1(operation="getAllCurrentEnpStart",
                                       params={"territory": "46000"}))
        _, got = the_answer(hub, call)
    assert got.state == "ferzl.poll_timeout"
    assert "не завершилась за отведённые 3 с" in got.error
    assert "последний статус «IN_PROGRESS»" in got.error
    with hub.db.read() as conn:
        op = conn.execute(sa.select(operations)).one()
    assert (op.status, op.starts) == ("failed", 1) and op.polls >= 1
    assert "ferzl.poll_timeout" in hub.trail(call.id)


def test_a_start_refused_is_answered_at_once(hub_of: Any) -> None:
    with stand(Reply(403, FORBIDDEN)) as ferzl:
        hub = hub_of(ferzl)
        call = hub.publish(FerzlCallV1(operation="getAllCurrentEnpStart",
                                       params={"territory": "46000"}))
        _, got = the_answer(hub, call)
    assert got.state == "ferzl.forbidden" and "Нет прав" in got.error
    assert len(ferzl.received) == 1


def test_a_start_that_fails_is_tried_again_after_the_delay(hub_of: Any) -> None:
    _, start_answer, _, poll_answer = example_envelopes(ALL_ENP)
    from hub import mtom

    content_type, done = mtom.multipart_related(
        poll_answer, [("3b462ac9-7935-4ede-9654-7940ae48b2e0@ffoms.ru", "application/zip",
                       zipped(b"5051140833001937,null,null\n"))], root_id="root",
        boundary="uuid:p")
    with stand(Reply(500, b"busy"), echoing(start_answer),
               Reply(body=done, content_type=content_type)) as ferzl:
        hub = hub_of(ferzl, poll_first=0.05, retry_delays=[0.1])
        call = hub.publish(FerzlCallV1(operation="getAllCurrentEnpStart",
                                       params={"territory": "46000"}))
        _, got = the_answer(hub, call)
    assert got.state == "ok" and len(ferzl.received) == 3
    failed = [e for e in hub.events(call.id) if e.status == "failed"]
    assert len(failed) == 1 and "HTTP 500" in (failed[0].detail or "")
    with hub.db.read() as conn:
        op = conn.execute(sa.select(operations).where(operations.c.call_id == call.id)).one()
    assert (op.status, op.attempts, op.starts, op.polls) == ("done", 1, 1, 1)
