"""The buffer (ERZ-6): a proposed change waits, then approve applies it or reject does not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Connection

from contracts.erz.register import Policy, Reason, Source
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.operations import dump
from storage.db import Database
from tests.handlers.erz.register.conftest import ANNA, Clock, enp, register

SOURCE = Source("test.oplist", user="76002", file="OPS76002T76_2406011.xml")


def _anna_insured(db: Database, clock: Clock) -> str:
    person = enp(101)
    with db.engine.begin() as conn:
        reg = register(conn, clock)
        reg.create_person(person, ANNA)
        reg.issue_policy(person, Policy("П", person, "76001", date(2020, 1, 1)),
                         Reason("П010"))
    return person


def _insurer(conn: Connection, person: str) -> str | None:
    policy = queries.person_as_of(conn, person, date(2024, 6, 1)).policy
    return policy.smo if policy else None


def _propose_reinsurance(db: Database, clock: Clock, person: str) -> int:
    payload = {"enp": person, "policy": dump(Policy("П", person, "76002", date(2024, 5, 1))),
               "reason": {"code": "П031", "text": "замена СМО"}}
    with db.engine.begin() as conn:
        return buffer.propose(conn, "reinsure", payload, "insured by 76001", SOURCE, "76002",
                              clock=clock)


def test_approve_applies_the_stored_operation(db: Database, clock: Clock) -> None:
    person = _anna_insured(db, clock)
    item = _propose_reinsurance(db, clock, person)
    with db.engine.connect() as conn:
        waiting = buffer.pending(conn, "reinsure")
        assert [(w.id, w.status, w.enp, w.organisation) for w in waiting] == [
            (item, "pending", person, "76002")]
        assert _insurer(conn, person) == "76001"
    with db.engine.begin() as conn:
        decision = buffer.approve(conn, item, "operator", "заявление проверено", clock=clock)
    assert decision.applied and decision.changes
    with db.engine.connect() as conn:
        assert _insurer(conn, person) == "76002"
        assert buffer.pending(conn) == []
        done = buffer.get(conn, item)
        assert (done.status, done.decided_by, done.note) == (
            "applied", "operator", "заявление проверено")
        assert queries.timeline(conn, person)[-1].user == "operator"


def test_reject_leaves_the_register_unchanged(db: Database, clock: Clock) -> None:
    person = _anna_insured(db, clock)
    item = _propose_reinsurance(db, clock, person)
    with db.engine.connect() as conn:
        before = queries.timeline(conn, person)
    with db.engine.begin() as conn:
        assert buffer.reject(conn, item, "operator", "нет заявления").status == "rejected"
    with db.engine.connect() as conn:
        assert queries.timeline(conn, person) == before
        assert buffer.get(conn, item).status == "rejected"
    with db.engine.begin() as conn, pytest.raises(buffer.NotPending):
        buffer.approve(conn, item, "operator")


def test_a_refused_approval_stays_pending_with_its_code(db: Database, clock: Clock) -> None:
    person = _anna_insured(db, clock)
    with db.engine.begin() as conn:
        item = buffer.propose(conn, "annul_policy", {"enp": person, "number": "0000"},
                              "annulment", SOURCE, "76002", clock=clock)
    with db.engine.begin() as conn:
        decision = buffer.approve(conn, item, "operator", clock=clock)
    assert decision.status == "pending" and decision.error is not None
    assert decision.error.code == "408"
    with db.engine.connect() as conn:
        still = buffer.get(conn, item)
        assert still.status == "pending" and (still.last_error or {}).get("code") == "408"
