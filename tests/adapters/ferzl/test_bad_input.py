"""Bad input from ФЕРЗЛ, through the hub (issue 13, done when: "HTTP 401/403/409/500, a ФЛК
rejection, malformed XML, XXE, an MTOM part missing … each a clear journal entry and a retry
or dead letter; nothing else lost"). Each case answers one person's call badly while another
person's call, published with it, is answered as usual; the bad one ends as the policy
table of ``adapters/ferzl/policy.py`` says: answered with its state (the caller decides), or
retried by the hub and dead-lettered with the cause. A Poll token that never completes and a
CSV with a broken row are tested in test_service.py and the reconciliation's tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.ferzl.models import exchanges
from contracts.ferzl import FerzlCallV1
from hub import mtom
from hub.testing import TestHub, wait_for
from storage.journal import load_blob
from storage.models import blobs
from tests.adapters.ferzl.canned import Received, Reply, echoing, example_envelopes, stand
from tests.adapters.ferzl.test_service import ENP, FORBIDDEN, PERSON, hub_of, the_answer

__all__ = ["hub_of"]

BAD_ENP = "7700000000000012"
XXE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
       b"<r>&x;</r></S:Body></S:Envelope>")
COM = "http://ffoms.ru/types/23.4.7/commonTypes"
FLK = ('<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
       '<ns2:getPersonDataResponse xmlns:ns2="http://ffoms.ru/types/23.4.7/mpiPersonInfoSchema"'
       f' xmlns:ns3="{COM}"><ns3:externalRequestId>x</ns3:externalRequestId><ns3:errors>'
       "<ns3:errorItem><ns3:code>FLK.ENP.01</ns3:code><ns3:message>ЕНП не найден в ЕРЗЛ"
       "</ns3:message><ns3:tag>enp</ns3:tag></ns3:errorItem></ns3:errors>"
       "</ns2:getPersonDataResponse></S:Body></S:Envelope>").encode()
CONFLICT = ('<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
            "<S:Fault><faultcode>S:Client</faultcode><faultstring>Прикрепление уже "
            "существует</faultstring></S:Fault></S:Body></S:Envelope>").encode()


def _missing_part(answer: bytes) -> Reply:
    """The answer as MTOM whose ``xop:Include`` names a part that is not there."""
    root = re.sub(rb"(</[\w.-]+:getPersonDataResponse>)",
                  rb'<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" '
                  rb'href="cid:lost@ffoms.ru"/>\1', answer, count=1)
    assert root != answer
    content_type, body = mtom.multipart_related(root, [], root_id="root", boundary="uuid:b")
    return Reply(body=body, content_type=content_type)


@dataclass(frozen=True)
class Case:
    """What ФЕРЗЛ answers the bad call, and how the hub must end it."""

    reply: Callable[[bytes], Reply]
    state: str
    outcome: str  # "answered": a ferzl.answer with the state; "dead": retried, dead-lettered
    says: str


CASES = {
    "401 twice": Case(lambda a: Reply(401, b"token revoked"), "ferzl.auth_failed",
                      "answered", "HTTP 401"),
    "403": Case(lambda a: Reply(403, FORBIDDEN), "ferzl.forbidden", "answered", "Нет прав"),
    "409": Case(lambda a: Reply(409, CONFLICT), "ferzl.conflict", "answered",
                "Прикрепление уже существует"),
    "500": Case(lambda a: Reply(500, b"<html>Internal Server Error</html>"),
                "ferzl.server_error", "dead", "HTTP 500"),
    "ФЛК": Case(lambda a: Reply(body=FLK), "ferzl.flk_rejected", "answered",
                "ЕНП не найден в ЕРЗЛ"),
    "malformed XML": Case(lambda a: Reply(body=a[: len(a) // 2]), "ferzl.bad_answer", "dead",
                          "ответ"),
    "XXE": Case(lambda a: Reply(body=XXE), "ferzl.unsafe_answer", "answered", "DTD"),
    "MTOM part missing": Case(_missing_part, "ferzl.no_mtom_part", "dead", "lost@ffoms.ru"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_answer_ends_as_its_policy_says_and_loses_nothing_else(
        hub_of: Any, name: str) -> None:
    case = CASES[name]
    _, answer = example_envelopes(PERSON)
    good = echoing(answer)

    def reply(got: Received) -> Reply:
        return case.reply(answer) if BAD_ENP.encode() in got.body else good(got)

    with stand(reply) as ferzl:
        hub: TestHub = hub_of(ferzl)
        bad = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": BAD_ENP}))
        fine = hub.publish(FerzlCallV1(operation="getPersonData", params={"enp": ENP}))
        _, ok = the_answer(hub, fine)
        assert ok.state == "ok" and ok.message is not None, "the other call is not lost"
        if case.outcome == "answered":
            _, got = the_answer(hub, bad)
            assert got.state == case.state and case.says in got.error, got.error
            wait_for(lambda: "handled" in hub.trail(bad.id), message="the bad call handled")
            assert not hub.dead_letters()
            assert case.state in hub.trail(bad.id)
        else:
            [dead] = wait_for(hub.dead_letters, timeout=60, message="dead-lettered")
            assert dead.message_id == bad.id
            assert case.says in dead.cause_message, dead.cause_message
            trail = hub.trail(bad.id)
            assert trail.count("failed") >= 2 and "dead" in trail
        calls_of_bad = [r for r in ferzl.received if BAD_ENP.encode() in r.body]
        # Final states are sent once (401: once more with a renewed token); retries repeat.
        expected = {"answered": 2 if name == "401 twice" else 1}.get(case.outcome)
        if expected is not None:
            assert len(calls_of_bad) == expected
        else:
            assert len(calls_of_bad) == 3  # the first try and the hub's two retries
    wait_for(lambda: hub.count(exchanges, exchanges.c.state == case.state) >= 1,
             message=f"the exchange recorded as {case.state}")
    if name == "XXE":
        with hub.db.read() as conn:
            kept = [load_blob(conn, b) for b in conn.execute(sa.select(blobs.c.id)).scalars()]
        assert not any(b"root:" in (k or b"") for k in kept), "the entity was never resolved"
