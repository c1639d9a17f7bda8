"""Submitted operations (erz.operation.submitted) go through operations.apply_operation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from contracts.erz.register import Attachment, Reason, Source
from contracts.erz_commands import OperationSubmittedV1
from handlers.erz.buffer import store as buffer
from handlers.erz.register import commands
from handlers.erz.register import queries as q
from handlers.erz.register.errors import ErzError
from storage.db import Database
from tests.handlers.erz.register.conftest import ANNA, Clock, enp, register

ENP = enp(1)
MO = "760101"
ON = date(2024, 3, 1)


def _op(kind: str, **fields: Any) -> OperationSubmittedV1:
    return OperationSubmittedV1(organisation=MO, organisation_kind="mo", user="mo-a",
                                kind=kind, enp=ENP, **fields)  # type: ignore[arg-type]


def _person(db: Database, clock: Clock) -> None:
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.create_person(ENP, ANNA)
        reg.attach(ENP, Attachment(MO, date(2020, 1, 1), district="7"), Reason())


def test_a_submitted_move_and_the_same_one_replayed_from_the_buffer_agree(
        db: Database, clock: Clock) -> None:
    _person(db, clock)
    op = _op("move", on=ON, district="12", reason_text="перераспределение")
    payload = commands.payload(op)
    assert payload == {"enp": ENP, "on": "2024-03-01", "district": "12", "department": None,
                       "doctor_snils": None, "method": None,
                       "reason": {"code": None, "text": "перераспределение"}}
    with db.transaction() as conn:
        item = buffer.propose(conn, op.kind, payload, "проверка", Source("test"), MO)
        decision = buffer.approve(conn, item, "operator1", clock=clock)
    assert decision.applied
    with db.read() as conn:
        after = q.person_as_of(conn, ENP, ON).attachment
    assert after is not None and (after.mo, after.district) == (MO, "12")


@pytest.mark.parametrize(("kind", "fields", "code", "field"), [
    ("attach", {}, "106", "on"),
    ("move", {"on": ON}, "106", "district"),
    ("move", {"district": "12"}, "106", "on"),
    ("issue_policy", {"on": ON, "policy_number": ENP}, "106", "policy.type"),
    ("issue_policy", {"on": ON, "policy_type": "П"}, "106", "policy.number"),
    ("issue_policy", {"policy_type": "П", "policy_number": ENP}, "106", "on"),
    ("annul_policy", {}, "106", "policy.number"),
    ("detach", {"on": date(2019, 1, 1)}, "406", "on"),
    ("move_district", {"on": ON, "from_district": "7", "district": "7"}, "410", "district"),
])
def test_refusals_keep_their_codes(db: Database, clock: Clock, kind: str,
                                   fields: dict[str, Any], code: str, field: str) -> None:
    _person(db, clock)
    with pytest.raises(ErzError) as err, db.transaction() as conn:
        commands.apply(register(conn, clock), _op(kind, **fields))
    assert (err.value.code, err.value.failures[0].field) == (code, field)
