"""The operators' search (queries.search): a surname's beginning with case and ё folded,
narrowed by name, patronymic, birth date or year; whole identifiers in any writing; pages
with a total; a prefix served by the pattern-ops index on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from contracts.erz.register import Source
from handlers.erz import models
from handlers.erz.register import checks
from handlers.erz.register import queries as q
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth
from handlers.erz.synth.population import SynthPerson
from storage.db import Database
from tests.handlers.erz.register.conftest import ANNA, Clock, enp, register

ANNA_ENP = enp(7)


@pytest.fixture
def people(db: Database, clock: Clock) -> list[SynthPerson]:
    """300 synthetic persons and Анна Семёнова (with ё), recorded by the register."""
    found = list(synth.population(300, seed=5))
    with db.transaction() as conn:
        load_persons(conn, found, source=Source("test"), at=datetime(2025, 1, 1, tzinfo=UTC))
        register(conn, clock).create_person(ANNA_ENP, ANNA, snils="112-233-445 95")
    return found


def _order(persons: list[SynthPerson]) -> list[str]:
    def key(p: SynthPerson) -> tuple[str, str, str, str]:
        d = p.data
        return (checks.name_key(d.surname), checks.name_key(d.name),
                checks.name_key(d.patronymic), p.enp)
    return [p.enp for p in sorted(persons, key=key)]


def test_a_surname_prefix_finds_everyone_it_begins_in_order(
        db: Database, people: list[SynthPerson]) -> None:
    prefix = people[0].data.surname[:3]
    expected = _order([p for p in people
                       if checks.name_key(p.data.surname).startswith(checks.name_key(prefix))])
    with db.read() as conn:
        found, total = q.search(conn, q.PersonFilter(surname=prefix.lower()), limit=1000)
        assert (found, total) == (expected, len(expected)) and total >= 1
        first, same = q.search(conn, q.PersonFilter(surname=prefix), limit=2)
        second, _ = q.search(conn, q.PersonFilter(surname=prefix), offset=2, limit=2)
        assert same == total and first + second == expected[:4]


def test_e_and_yo_and_case_do_not_matter(db: Database, people: list[SynthPerson]) -> None:
    with db.read() as conn:
        for surname in ("Семенова", "СЕМЁН", "семе", "сЕмЁнОвА"):
            found, _ = q.search(conn, q.PersonFilter(surname=surname, name="ан"))
            assert ANNA_ENP in found, surname
        assert q.search(conn, q.PersonFilter(surname="Семёнова", patronymic="петр"))[0] == [
            ANNA_ENP]


def test_names_narrow_by_name_patronymic_birth_date_and_year(
        db: Database, people: list[SynthPerson]) -> None:
    p = people[10]
    d = p.data
    with db.read() as conn:
        def hits(**kw: Any) -> list[str]:
            return q.search(conn, q.PersonFilter(surname=d.surname, **kw))[0]

        assert p.enp in hits(name=d.name[:2], patronymic=d.patronymic)
        assert hits(birth_date=d.birth_date) == [x.enp for x in people if x.data.surname
                                                  == d.surname and x.data.birth_date
                                                  == d.birth_date]
        assert p.enp in hits(birth_year=d.birth_date.year)
        assert p.enp not in hits(birth_year=d.birth_date.year + 1)
        assert p.enp not in hits(name=d.name + "х")


def test_whole_identifiers_in_any_writing(db: Database, people: list[SynthPerson]) -> None:
    p = people[20]
    snils = p.snils
    with db.read() as conn:
        def hits(**kw: Any) -> list[str]:
            return q.search(conn, q.PersonFilter(**kw))[0]

        for written in (snils, f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}"):
            assert hits(snils=checks.digits_only(written)) == [p.enp]
        assert hits(enp=p.enp) == [p.enp] and hits(enp=p.enp[:12]) == []
        assert hits(policy_number=p.policy.number) == [p.enp]
        series = p.document.series
        assert hits(document_number=p.document.number, document_series=series) == [p.enp]
        assert hits(document_number=p.document.number,
                    document_series=series.replace(" ", "")) == [p.enp]
        assert hits(document_number=p.document.number, document_series="00 00") == []
        # identifiers and names together: every criterion must hold
        assert hits(snils=snils, surname=p.data.surname[:2]) == [p.enp]
        assert hits(snils=snils, surname="Я" if p.data.surname[0] != "Я" else "А") == []


def test_wildcards_are_letters_and_nothing_finds_nobody(db: Database,
                                                       people: list[SynthPerson]) -> None:
    with db.read() as conn:
        for wild in ("%", "_", "С%", "\\"):
            assert q.search(conn, q.PersonFilter(surname=wild)) == ([], 0), wild
        assert q.search(conn, q.PersonFilter()) == ([], 0)


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)  # the index is PostgreSQL's
def test_postgresql_serves_the_prefix_from_the_pattern_ops_index(
        db: Database, people: list[SynthPerson]) -> None:
    assert db.engine.dialect.name == "postgresql"
    c = models.person_data.c
    query = sa.select(c.person_id).where(c.superseded_at.is_(None),
                                         c.surname_key.like("СЕМ%", escape="\\"))
    with db.transaction() as conn:
        conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(conn.execute(sa.text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_erz_person_data_surname_prefix" in plan, plan
