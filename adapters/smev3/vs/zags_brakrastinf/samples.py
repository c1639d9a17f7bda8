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
from adapters.smev3.vs.zags_inf.samples import AS_OF, OFFICE, spouses


def answer(request: BrakRastInfRequestV1) -> BrakRastInfResponseV1:
    """The divorce record of the person asked about, registered in Ufa in 2016."""
    husband, wife = spouses(request, Spouse, divorce=True)
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
