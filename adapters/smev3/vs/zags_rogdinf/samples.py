"""Realistic test data of 112-51 (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, UFA, asked, masculine
from adapters.smev3.vs.zags_rogdinf.messages import (
    BirthAnswer,
    BirthRecord,
    BirthRegistered,
    FullName,
    IdentityDocument,
    Newborn,
    Parent,
    RogdInfRequestV1,
    RogdInfResponseV1,
)


def answer(request: RogdInfRequestV1) -> RogdInfResponseV1:
    """The birth record of the person asked about (born in Ufa, to named parents)."""
    who = asked(request)
    born = who.birth_date or date(1991, 4, 12)
    record = BirthRecord(
        section="1", number="110200010019100123456", version="1",
        version_date=born, status_code="0101", recorded_on=born.replace(day=min(born.day, 20)),
        office=OFFICE, registered=BirthRegistered(
            mother_child_order=1,
            child=Newborn(stillborn="0", sex="2" if who.female else "1",
                          name=FullName(family=who.family, given=who.given,
                                        patronymic=who.patronymic),
                          birth_date=born, birth_place=UFA),
            mother=Parent(citizenship_code="643",
                          name=FullName(family=who.family, given="Гульшат",
                                        patronymic="Маратовна"),
                          birth_date=date(1968, 9, 2), birth_place=UFA,
                          identity_document=IdentityDocument(
                              kind_code="21", series="80 02", number="112233",
                              issued_on=date(2002, 10, 1))),
            father=Parent(citizenship_code="643",
                          name=FullName(family=masculine(who.family), given="Ринат",
                                        patronymic="Ильдарович"),
                          birth_date=date(1966, 1, 17))))
    return RogdInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="01",
                             answers=[BirthAnswer(id=q.id, result="1",
                                                  records=[record] if i == 0 else [])
                                      for i, q in enumerate(request.queries)])


def not_found(request: RogdInfRequestV1) -> RogdInfResponseV1:
    """The answer when ЕГР ЗАГС holds no such record (РезОбраб 3)."""
    return RogdInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="01",
                             answers=[BirthAnswer(id=q.id, result="3")
                                      for q in request.queries])
