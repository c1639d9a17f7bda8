"""Realistic test data of 112-56 (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, UFA, asked, masculine
from adapters.smev3.vs.zags_parentinf.messages import (
    Child,
    FullName,
    Parent,
    ParentInfRequestV1,
    ParentInfResponseV1,
    PaternityAnswer,
    PaternityRecord,
    PaternityRegistered,
)


def answer(request: ParentInfRequestV1) -> ParentInfResponseV1:
    """The father of the person asked about was established in 1993: the child had the
    mother's surname Юсупова (Юсупов) and the patronymic Олеговна (Олегович) before."""
    who = asked(request)
    record = PaternityRecord(
        section="1", number="150200010093000000321", version="1",
        version_date=date(1993, 3, 1), status_code="0101", recorded_on=date(1993, 3, 1),
        office=OFFICE, registered=PaternityRegistered(
            child=Child(sex="2" if who.female else "1",
                        name_before=FullName(family="Юсупова" if who.female else "Юсупов",
                                             given=who.given,
                                             patronymic="Олеговна" if who.female
                                             else "Олегович"),
                        name_after=FullName(family=who.family, given=who.given,
                                            patronymic=who.patronymic),
                        birth_date=who.birth_date, birth_place=UFA),
            mother=Parent(citizenship_code="643", name=FullName(
                family="Юсупова", given="Лилия", patronymic="Фанисовна"),
                birth_date=date(1970, 5, 14)),
            father=Parent(citizenship_code="643", name=FullName(
                family=masculine(who.family), given="Ринат", patronymic="Ильдарович"),
                birth_place=UFA, birth_date=date(1966, 1, 17))))
    return ParentInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="04",
                               answers=[PaternityAnswer(id=q.id, result="1",
                                                        records=[record] if i == 0 else [])
                                        for i, q in enumerate(request.queries)])


def not_found(request: ParentInfRequestV1) -> ParentInfResponseV1:
    """The answer when ЕГР ЗАГС holds no such record (РезОбраб 3)."""
    return ParentInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="04",
                               answers=[PaternityAnswer(id=q.id, result="3")
                                        for q in request.queries])
