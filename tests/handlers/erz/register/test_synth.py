"""The synthetic population: valid by every check, deterministic, loadable on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from contracts.erz.register import Policy, Reason, Source
from handlers.erz.register import checks
from handlers.erz.register import queries as q
from handlers.erz.register.bulk import load_persons
from handlers.erz.register.dictionaries import DOC_TYPES, Dictionaries
from handlers.erz.synth import population as synth
from handlers.erz.synth.names import MALE, feminine, patronymic
from storage.db import Database
from tests.handlers.erz.register.conftest import Clock, register

TODAY = synth.REFERENCE_DATE


def test_every_generated_person_passes_every_check(dictionaries: Dictionaries) -> None:
    people = list(synth.population(2000, seed=7))
    for p in people:
        failures = (
            checks.check_enp(p.enp) + checks.check_snils(p.snils)
            + checks.check_person(p.data.surname, p.data.name, p.data.sex, p.data.birth_date,
                                  TODAY, dictionaries)
            + checks.check_document(p.document.doc_type, p.document.series,
                                    p.document.number, dictionaries)
            + checks.check_policy(p.policy.policy_type, p.policy.number, p.policy.series,
                                  p.policy.date_begin, p.policy.date_end, dictionaries)
            + checks.check_snils(p.attachment.doctor_snils or ""))
        assert failures == [], (p, failures)
        assert p.policy.date_begin >= p.data.birth_date
        assert p.attachment.date_attach >= p.data.birth_date
    assert len({p.enp for p in people}) == len({p.snils for p in people}) == len(people)
    assert {p.document.doc_type for p in people} == {"3", "14"}
    assert {"3", "14"} <= set(dictionaries.names(DOC_TYPES))
    assert {p.policy.policy_type for p in people} >= {"В", "Э", "П"}


def test_names_agree_with_sex() -> None:
    for p in synth.population(500, seed=3):
        d = p.data
        if d.sex == "1":
            assert d.patronymic.endswith("ич"), d
        else:
            assert d.patronymic.endswith("на"), d
            assert not d.surname.endswith(("ов", "ев", "ин", "ский")), d
    assert feminine("Соловьёв") == "Соловьёва"
    assert feminine("Вишневский") == "Вишневская"
    assert feminine("Толстой") == "Толстая"
    assert feminine("Шевченко") == "Шевченко"


PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"), "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"), "Сергей": ("Сергеевич", "Сергеевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Иван": ("Иванович", "Ивановна"),
    "Михаил": ("Михайлович", "Михайловна"), "Николай": ("Николаевич", "Николаевна"),
    "Владимир": ("Владимирович", "Владимировна"), "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Павел": ("Павлович", "Павловна"), "Юрий": ("Юрьевич", "Юрьевна"),
    "Виктор": ("Викторович", "Викторовна"), "Олег": ("Олегович", "Олеговна"),
    "Игорь": ("Игоревич", "Игоревна"), "Константин": ("Константинович", "Константиновна"),
    "Максим": ("Максимович", "Максимовна"), "Артём": ("Артёмович", "Артёмовна"),
    "Роман": ("Романович", "Романовна"), "Денис": ("Денисович", "Денисовна"),
    "Пётр": ("Петрович", "Петровна"), "Василий": ("Васильевич", "Васильевна"),
    "Анатолий": ("Анатольевич", "Анатольевна"), "Геннадий": ("Геннадьевич", "Геннадьевна"),
    "Кирилл": ("Кириллович", "Кирилловна"), "Егор": ("Егорович", "Егоровна"),
    "Григорий": ("Григорьевич", "Григорьевна"), "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Антон": ("Антонович", "Антоновна"), "Вадим": ("Вадимович", "Вадимовна"),
    "Станислав": ("Станиславович", "Станиславовна"), "Валерий": ("Валерьевич", "Валерьевна"),
    "Борис": ("Борисович", "Борисовна"), "Леонид": ("Леонидович", "Леонидовна"),
    "Тимофей": ("Тимофеевич", "Тимофеевна"), "Матвей": ("Матвеевич", "Матвеевна"),
    # not among the generator's names, but the rules must know them
    "Илья": ("Ильич", "Ильинична"), "Никита": ("Никитич", "Никитична"),
    "Лука": ("Лукич", "Лукинична"), "Фома": ("Фомич", "Фоминична"),
}
"""Every father's name of the generator, and the irregular ones: the son's, the daughter's."""


def test_every_first_name_of_the_generator_gives_grammatical_patronymics() -> None:
    assert set(MALE) <= set(PATRONYMICS)
    for father, (son, daughter) in PATRONYMICS.items():
        assert (patronymic(father, True), patronymic(father, False)) == (son, daughter)
    given = {p.data.patronymic for p in synth.population(2000, seed=7)}
    assert given <= {x for pair in PATRONYMICS.values() for x in pair}
    assert "Антоновна" in given and not any(x.endswith("вина") for x in given)


def test_the_same_seed_gives_the_same_people() -> None:
    assert list(synth.population(50, seed=1)) == list(synth.population(50, seed=1))
    assert list(synth.population(50, seed=1)) != list(synth.population(50, seed=2))
    assert list(synth.population(10, seed=1, start=40)) == list(
        synth.population(50, seed=1))[40:]


def test_a_loaded_population_is_searchable_and_changeable(db: Database, clock: Clock) -> None:
    people = list(synth.population(300, seed=11))
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with db.transaction() as conn:
        assert load_persons(conn, people[:200], source=Source("test"), at=at) == 200
    with db.transaction() as conn:  # a second batch continues the ids
        load_persons(conn, people[200:], source=Source("test"), at=at)
    p = people[250]
    with db.read() as conn:
        state = q.person_as_of(conn, p.enp, TODAY)
        assert state.data == p.data and state.snils == p.snils
        assert state.document == p.document
        assert state.policy is not None and state.policy.number == p.policy.number
        assert state.attachment is not None and state.attachment.mo == p.attachment.mo
        assert q.find_by_snils(conn, p.snils) == [p.enp]
        assert p.enp in q.find_by_names(conn, p.data.surname.lower(), p.data.name,
                                        p.data.birth_date)
        assert q.find_by_document(conn, p.document.number, p.document.series) == [p.enp]
        assert [c.op for c in q.timeline(conn, p.enp)] == ["load"]
        assert len(q.changes_since(conn, at, smo=p.policy.smo)) > 0
    # The register's own writes continue after the loaded ids (sequences moved on).
    with db.transaction() as conn:
        register(conn, clock).reinsure(p.enp, Policy("Э", p.enp, "76005", date(2025, 2, 1)),
                                       Reason("П031"))
    with db.read() as conn:
        assert q.person_as_of(conn, p.enp, date(2025, 2, 1)).policy.smo == "76005"  # type: ignore[union-attr]
        assert [c.op for c in q.timeline(conn, p.enp)][-1] == "issue_policy"
