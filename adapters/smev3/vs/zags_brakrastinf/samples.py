"""Realistic test data of 112-55 (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_brakrastinf.messages import (
    BrakRastInfRequestV1,
    BrakRastInfResponseV1,
    DivorceAnswer,
    DivorceRecord,
    DivorceRegistered,
    Spouse,
)
from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, UFA, asked, feminine, masculine


def spouses(request: BrakRastInfRequestV1) -> tuple[Spouse, Spouse]:
    """The person asked about and a fictitious spouse; the wife's surname goes back
    to her own with the divorce."""
    who = asked(request)
    if who.female:
        husband = Spouse(surname_before="Сафин", surname_after="Сафин", given="Тимур",
                         patronymic="Айдарович", birth_date=date(1989, 11, 30),
                         citizenship_code="643")
        own: str | None = who.family
        married: str | None = "Сафина"
        given, patronymic, born = who.given, who.patronymic, who.birth_date
    else:
        husband = Spouse(surname_before=who.family, surname_after=who.family, given=who.given,
                         patronymic=who.patronymic, birth_date=who.birth_date,
                         birth_place=UFA, citizenship_code="643")
        own, married = "Ильина", feminine(masculine(who.family))
        given, patronymic, born = "Дарья", "Сергеевна", date(1993, 2, 8)
    before, after = married, own
    wife = Spouse(surname_before=before, surname_after=after, given=given,
                  patronymic=patronymic, birth_date=born, birth_place=UFA if who.female
                  else None, citizenship_code="643")
    return husband, wife

def answer(request: BrakRastInfRequestV1) -> BrakRastInfResponseV1:
    """The divorce record of the person asked about, registered in Ufa in 2016."""
    husband, wife = spouses(request)
    record = DivorceRecord(
        section="1", number="140200010016000003210", version="1",
        version_date=date(2016, 8, 12), status_code="0101", recorded_on=date(2016, 8, 12),
        office=OFFICE, registered=DivorceRegistered(
            husband=husband, wife=wife, ended_on=date(2016, 8, 12)))
    return BrakRastInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="03",
                            answers=[DivorceAnswer(id=q.id, result="1",
                                                  records=[record] if i == 0 else [])
                                     for i, q in enumerate(request.queries)])


def not_found(request: BrakRastInfRequestV1) -> BrakRastInfResponseV1:
    """The answer when ЕГР ЗАГС holds no such record (РезОбраб 3)."""
    return BrakRastInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="03",
                            answers=[DivorceAnswer(id=q.id, result="3")
                                     for q in request.queries])
