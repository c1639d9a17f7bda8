"""Realistic test data of 112-53 (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, UFA, asked
from adapters.smev3.vs.zags_pernameinf.messages import (
    FullName,
    NameChangeAnswer,
    NameChangeRecord,
    NameChangeRegistered,
    PerNameInfRequestV1,
    PerNameInfResponseV1,
)


def answer(request: PerNameInfRequestV1) -> PerNameInfResponseV1:
    """The person asked about changed the surname to Рахимова (or Рахимов) in 2015."""
    who = asked(request)
    record = NameChangeRecord(
        section="1", number="130200010015000004567", version="1",
        version_date=date(2015, 6, 3), status_code="0101", recorded_on=date(2015, 6, 3),
        office=OFFICE, registered=NameChangeRegistered(
            citizenship_code="643",
            name_before=FullName(family=who.family, given=who.given, patronymic=who.patronymic),
            name_after=FullName(family="Рахимова" if who.female else "Рахимов",
                                given=who.given, patronymic=who.patronymic),
            birth_date=who.birth_date, birth_place=UFA))
    return PerNameInfResponseV1(id=request.id, as_of=AS_OF, count=request.count,
                                act_type="06", answers=[NameChangeAnswer(
                                    id=q.id, result="1", records=[record] if i == 0 else [])
                                    for i, q in enumerate(request.queries)])


def not_found(request: PerNameInfRequestV1) -> PerNameInfResponseV1:
    """The answer when ЕГР ЗАГС holds no such record (РезОбраб 3)."""
    return PerNameInfResponseV1(id=request.id, as_of=AS_OF, count=request.count,
                                act_type="06", answers=[NameChangeAnswer(id=q.id, result="3")
                                                        for q in request.queries])
