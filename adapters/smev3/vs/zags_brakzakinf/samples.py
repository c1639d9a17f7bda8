"""Realistic test data of 112-54 (fictitious people) for tests and the simulator."""

from __future__ import annotations

from datetime import date

from adapters.smev3.vs.zags_brakzakinf.messages import (
    BrakZakInfRequestV1,
    BrakZakInfResponseV1,
    MarriageAnswer,
    MarriageRecord,
    MarriageRegistered,
    Spouse,
)
from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, spouses


def answer(request: BrakZakInfRequestV1) -> BrakZakInfResponseV1:
    """The marriage record of the person asked about, registered in Ufa in 2016."""
    husband, wife = spouses(request, Spouse, divorce=False)
    record = MarriageRecord(
        section="1", number="120200010016000007890", version="1",
        version_date=date(2016, 8, 12), status_code="0101", recorded_on=date(2016, 8, 12),
        office=OFFICE, registered=MarriageRegistered(
            married_on=date(2016, 8, 12), husband=husband, wife=wife))
    return BrakZakInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="02",
                            answers=[MarriageAnswer(id=q.id, result="1",
                                                  records=[record] if i == 0 else [])
                                     for i, q in enumerate(request.queries)])


def not_found(request: BrakZakInfRequestV1) -> BrakZakInfResponseV1:
    """The answer when ЕГР ЗАГС holds no such record (РезОбраб 3)."""
    return BrakZakInfResponseV1(id=request.id, as_of=AS_OF, count=request.count, act_type="02",
                            answers=[MarriageAnswer(id=q.id, result="3")
                                     for q in request.queries])
