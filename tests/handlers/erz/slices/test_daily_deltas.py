"""The daily delta: each window of changes is sent once, stops no STOPLIST reported yet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from contracts.erz import lists
from contracts.erz.attachment import AttachedList
from contracts.erz.files import read_file
from contracts.erz.register import Reason
from handlers.erz import models as m
from handlers.erz.register import queries
from handlers.erz.slices import deltas
from handlers.erz.smo import lists as smo_lists
from storage.db import Database
from tests.handlers.erz.register.conftest import register
from tests.handlers.erz.slices.conftest import (
    MO_1,
    MO_2,
    SMO_A,
    SMO_B,
    Clock,
    names,
    population,
    schemas,
    set_clock,
)


def _read(files: list, store: object) -> dict[tuple[str, str], object]:  # type: ignore[type-arg]
    out = {}
    for f in files:
        model = read_file(f.data, schemas=store)  # type: ignore[arg-type]
        out[type(model).__name__, f.recipient] = model
    return out


def test_each_day_of_changes_goes_out_once_and_stops_are_not_reported_twice(
        db: Database, clock: Clock) -> None:
    store = schemas()
    with db.transaction() as conn:
        enps = population(conn, set_clock(clock))  # recorded 2025-01-25 09:00 UTC
    night = datetime(2025, 1, 26, 2, 0, tzinfo=UTC)
    with db.transaction() as conn:
        first = deltas.daily(conn, night, UTC, store)
    with db.transaction() as conn:
        assert deltas.daily(conn, night, UTC, store) == []  # the same night: already sent
    got = _read(first, store)
    assert set(got) == {("RecordList", SMO_A), ("RecordList", SMO_B), ("StopList", SMO_A),
                        ("StopList", SMO_B), ("AttachedList", MO_1),
                        ("AttachedList", MO_2)}
    stops_a, stops_b = got["StopList", SMO_A], got["StopList", SMO_B]
    assert isinstance(stops_a, lists.StopList) and isinstance(stops_b, lists.StopList)
    assert names(enps, {s.enp for s in stops_a.stops}) == {"stopped"}
    assert names(enps, {s.enp for s in stops_b.stops}) == {"reinsured later", "dead"}
    assert isinstance(got["AttachedList", MO_2], AttachedList)

    # The next day two policies of SMO_A stop; one of them was reported at once (as a
    # death from ЗАГС is), so the delta's STOPLIST holds the other only. The night after is
    # missed: the run two nights later covers both days.
    clock.now = datetime(2025, 1, 26, 10, 0, tzinfo=UTC)
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.stop_policy(enps["both"], date(2025, 1, 26), Reason("П021"))
        reg.stop_policy(enps["stays"], date(2025, 1, 26), Reason("П021"))
        reported = [c for c in reg.changes if c.enp == enps["both"]]
        smo_lists.mark_stoplisted(conn, reported, SMO_A, "STOPT76S76002_2501261.xml",
                                  clock.now)
    with db.transaction() as conn:
        later = _read(deltas.daily(conn, datetime(2025, 1, 28, 2, 0, tzinfo=UTC), UTC,
                                   store), store)
        windows = conn.execute(sa.select(m.delta_runs.c.since, m.delta_runs.c.until)
                               .order_by(m.delta_runs.c.id)).all()
        stoplisted = set(conn.execute(sa.select(m.stoplisted.c.change_id)).scalars())
        stops_of_stays = [c.id for c in queries.timeline(conn, enps["stays"])
                          if c.op == "stop_policy"]
    late_stops = later["StopList", SMO_A]
    assert isinstance(late_stops, lists.StopList)
    assert names(enps, {s.enp for s in late_stops.stops}) == {"stays"}
    assert [(a.replace(tzinfo=UTC), b.replace(tzinfo=UTC)) for a, b in windows] == [
        (datetime(2025, 1, 25, tzinfo=UTC), datetime(2025, 1, 26, tzinfo=UTC)),
        (datetime(2025, 1, 26, tzinfo=UTC), datetime(2025, 1, 28, tzinfo=UTC))]
    assert set(stops_of_stays) <= stoplisted  # reported now: not again
