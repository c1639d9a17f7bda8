"""Identification (issue 13, item 3; done when: "a person unknown to the regional register is
identified through ФЕРЗЛ"): ``person.identify`` through the hub, answered from the demo
register or, when the region does not hold the person, from the simulated ФЕРЗЛ over HTTP
(adapter.ferzl ↔ adapter.ferzl-simulator built from the same demo region, with its planted
differences: the persons only ФЕРЗЛ holds are the ``absent`` ones)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from contracts.envelope import Envelope
from contracts.identification import IdentifyPersonV1, PersonIdentifiedV1
from handlers.erz.ident.flow import identifications
from handlers.erz.register import queries
from hub.component import Handler, Message, handles
from hub.testing import TestHub, wait_for
from hub.tx import Tx
from tests.conftest import Footprint
from tests.handlers.erz.ferzl_hub import ferzl_hub, planted

answers = sa.Table("test_identified", sa.MetaData(),
                   sa.Column("request_id", sa.String(64), primary_key=True),
                   sa.Column("payload", sa.Text))


class Asker(Handler):
    """A subsystem (ПУМП, next) that asked who a person is."""

    name: ClassVar[str] = "ident-asker"
    metadata: ClassVar[sa.MetaData | None] = answers.metadata

    @handles(PersonIdentifiedV1)
    def on_identified(self, message: Message[PersonIdentifiedV1], tx: Tx) -> None:
        """Keep the answer by the request it answers."""
        tx.insert(answers, request_id=message.payload.request_id,
                  payload=message.payload.model_dump_json())


@pytest.fixture
def federal(footprint: Footprint, tmp_path: Path) -> Iterator[tuple[TestHub, Any]]:
    """The hub with the demo register and ФЕРЗЛ simulated from the same region."""
    with ferzl_hub(footprint, tmp_path, extra=[Asker]) as running:
        yield running


def identify(hub: TestHub, **criteria: Any) -> PersonIdentifiedV1:
    """Ask through the hub and wait for the answer."""
    sent: Envelope = hub.publish(IdentifyPersonV1(purpose="случай оказания помощи", **criteria))

    def answered() -> str | None:
        with hub.db.read() as conn:
            return conn.execute(sa.select(answers.c.payload).where(
                answers.c.request_id == sent.id)).scalar()
    text = wait_for(answered, timeout=60, message="person.identified came back")
    return PersonIdentifiedV1.model_validate_json(str(text))


def test_a_person_of_the_region_is_identified_by_the_register(
        federal: tuple[TestHub, Any]) -> None:
    hub, _ = federal
    with hub.db.read() as conn:
        enp = conn.execute(sa.text("SELECT enp FROM erz_persons ORDER BY id LIMIT 1")).scalar()
        state = queries.person_as_of(conn, str(enp), date.today())
    assert state.data is not None and state.policy is not None
    by_enp = identify(hub, enp=enp)
    assert (by_enp.outcome, by_enp.source) == ("found", "register")
    person = by_enp.person
    assert person is not None and person.enp == enp and person.insured is True
    assert person.insurer == state.policy.smo and person.surname == state.data.surname
    # By names and birth date, in another case and with ё/е folded: the same person.
    by_names = identify(hub, surname=state.data.surname.upper(), name=state.data.name.lower(),
                        birth_date=state.data.birth_date)
    assert by_names.person is not None and by_names.person.enp == enp
    # Nobody of the region was asked of ФЕРЗЛ.
    with hub.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(identifications)).scalar() == 0


def test_a_person_unknown_to_the_region_is_identified_through_ferzl(
        federal: tuple[TestHub, Any]) -> None:
    hub, simulator = federal
    absent = planted(simulator, "absent")
    assert absent, "the simulator plants persons only ФЕРЗЛ holds"
    enp = absent[0].enp
    with hub.db.read() as conn:
        assert queries.find_by_enp(conn, enp) == []
    federal_person = simulator.server.ferzl.register.by_enp(enp)
    by_enp = identify(hub, enp=enp)
    assert (by_enp.outcome, by_enp.source) == ("found", "ferzl")
    assert by_enp.person is not None
    assert by_enp.person.oip == federal_person.oip
    assert by_enp.person.insurer == federal_person.policy.insurer
    assert by_enp.person.insured is True
    # By names and birth date: ФЕРЗЛ searched by names, then asked for the one it found.
    by_names = identify(hub, surname=federal_person.surname, name=federal_person.name,
                        patronymic=federal_person.patronymic or None,
                        birth_date=federal_person.birth_date)
    assert (by_names.outcome, by_names.source) == ("found", "ferzl")
    assert by_names.person is not None and by_names.person.enp == enp
    assert by_names.person.policy_number is not None


def test_nobody_and_a_register_only_question_are_not_found(
        federal: tuple[TestHub, Any]) -> None:
    hub, simulator = federal
    nobody = identify(hub, surname="Несуществующая", name="Персона",
                      birth_date=date(1901, 1, 1))
    assert (nobody.outcome, nobody.source, nobody.persons) == ("not_found", "ferzl", [])
    assert "ФЕРЗЛ" in nobody.note
    enp = planted(simulator, "absent")[0].enp
    regional = identify(hub, enp=enp, federal=False)
    assert (regional.outcome, regional.source) == ("not_found", "register")


def test_ferzl_refusing_is_a_failed_identification_with_its_reason(
        federal: tuple[TestHub, Any]) -> None:
    hub, simulator = federal
    enp = planted(simulator, "absent")[0].enp
    simulator.server.ferzl.controls.forbidden.add("getPersonData")
    failed = identify(hub, enp=enp)
    assert (failed.outcome, failed.source, failed.persons) == ("failed", "ferzl", [])
    assert failed.note.startswith("ФЕРЗЛ не ответил")
    with hub.db.read() as conn:
        row = conn.execute(sa.select(identifications)).mappings().one()
    assert (row["status"], row["outcome"]) == ("answered", "failed")


def test_without_ferzl_the_register_answers_alone(footprint: Footprint, tmp_path: Path) -> None:
    # [plugins.erz] ferzl off (the embedded demo has no ФЕРЗЛ): nothing is sent that would die.
    with ferzl_hub(footprint, tmp_path, extra=[Asker], erz={"ferzl": False}) as (hub, sim):
        enp = planted(sim, "absent")[0].enp
        alone = identify(hub, enp=enp)
        assert (alone.outcome, alone.source) == ("not_found", "register")
        assert "ФЕРЗЛ не подключён" in alone.note
        assert hub.count(identifications) == 0
