"""The reconciliation's comparison and resolution on both footprints (SQLite, PostgreSQL).

A register of synthetic persons and ФЕРЗЛ's three files of them with one difference of each
kind (tests/handlers/erz/federal/conftest.py): the comparison finds exactly those, with both
values, reports the broken row and compares the rest; the persons in doubt are judged by
ФЕРЗЛ's getPersonData answer. A federal value resolved is in the register with history
(who: ФЕРЗЛ and the operator; why: the run and the kind); keeping the regional value needs a
reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from admin.privacy import Privacy
from contracts.ferzl import FerzlAnswerV1, FerzlMessage, FerzlPerson, Policy
from handlers.erz.console import views
from handlers.erz.federal import reconcile_compare as compare
from handlers.erz.federal import reconcile_resolve as resolution
from handlers.erz.federal.reconcile import STALE_AFTER, judge, running
from handlers.erz.federal.reconcile_tables import discrepancies, runs
from handlers.erz.register import queries
from storage.db import Database
from tests.handlers.erz.federal.conftest import AT, MOVED_ON, ON, World, build


def _run(db: Database, world: World) -> tuple[int, compare.Outcome]:
    with db.transaction() as conn:
        key = conn.execute(runs.insert().values(
            started_at=AT, on_date=ON, territory="78000", started_by="тест",
            state="requested")).inserted_primary_key
        assert key is not None
        outcome = compare.compare(conn, int(key[0]), ON, dict(world.files))
    return int(key[0]), outcome


def _found(db: Database) -> dict[tuple[str, str], sa.RowMapping]:
    with db.read() as conn:
        return {(r["kind"], r["enp"]): r
                for r in conn.execute(sa.select(discrepancies)).mappings()}


def test_each_kind_is_found_with_both_values_and_a_broken_row_reported(db: Database) -> None:
    world = build(db)
    _, outcome = _run(db, world)
    found = _found(db)
    assert {(k, e, r["federal"], r["regional"]) for (k, e), r in found.items()} \
        == world.expected
    assert set(outcome.doubts) == world.doubts
    assert outcome.broken_count == 1
    [broken] = outcome.broken
    assert broken["line"] == 4 and "полей 2, а должно быть 3" in broken["why"]
    assert "getAllCurrentEnp" in broken["file"]
    # every row but the broken one was read: each file less the merged person, the
    # federal-only person in two, the federal death not current
    assert outcome.rows_read == 3 * len(world.persons) - 2
    attached = next(r for (k, _), r in found.items() if k == "attachment")
    assert attached["federal_on"] == MOVED_ON


def _answer(enp: str | None, died: date | None = None, state: str = "ok") -> FerzlAnswerV1:
    person = FerzlPerson(enp=enp, death_date=died,
                         policies=[Policy(enp=enp, status="НСН" if died else "ДПП")])
    return FerzlAnswerV1(operation="getPersonData", state=state, message=FerzlMessage(
        operation="getPersonData", release="23.4.7", direction="answer",
        persons=[person] if enp else []))


def test_a_person_in_doubt_is_judged_by_ferzls_answer() -> None:
    asked = "7600000000000018"
    assert judge(asked, "missing", _answer("7600000000000026")) == {
        "kind": "merged", "federal": "7600000000000026", "regional": asked}
    assert judge(asked, "not_current", _answer(asked, date(2024, 12, 10))) == {
        "kind": "death", "federal": "10.12.2024", "regional": "",
        "federal_on": date(2024, 12, 10)}
    assert judge(asked, "missing", _answer(None, state="ferzl.flk_rejected"))["kind"] \
        == "regional"
    assert judge(asked, "not_current", _answer(asked))["kind"] == "policy"


def _ids(db: Database, *kinds: str) -> list[int]:
    with db.read() as conn:
        return list(conn.execute(sa.select(discrepancies.c.id).where(
            discrepancies.c.kind.in_(kinds)).order_by(discrepancies.c.id)).scalars())


def test_the_federal_values_are_taken_with_history(db: Database) -> None:
    world = build(db)
    _run(db, world)
    found = _found(db)
    with db.transaction() as conn:
        done = resolution.resolve(conn, _ids(db, "insurer", "snils", "attachment", "absent"),
                                  "оператор", AT, on=ON)
    assert len(done.resolved) == 3 and not done.buffered
    assert list(done.refused.values()) == [
        "«есть только в ФЕРЗЛ» не применяется автоматически: нужна работа с ЗЛ в регистре"]
    by_kind = {k: e for (k, e) in found}
    with db.read() as conn:
        insurer = queries.person_as_of(conn, by_kind["insurer"], ON)
        snils = queries.person_as_of(conn, by_kind["snils"], ON)
        moved = queries.person_as_of(conn, by_kind["attachment"], ON)
        history = views.timeline(conn, by_kind["insurer"], Privacy(unmasked=True))
    assert insurer is not None and insurer.policy is not None
    assert insurer.policy.smo == found[("insurer", by_kind["insurer"])]["federal"]
    assert snils is not None and snils.snils == found[("snils", by_kind["snils"])]["federal"]
    assert moved is not None and moved.attachment is not None
    assert (moved.attachment.mo, moved.attachment.date_attach) == (
        found[("attachment", by_kind["attachment"])]["federal"], MOVED_ON)
    latest = history[0]
    assert latest["component"] == "handler.erz" and latest["user"] == "ФЕРЗЛ / оператор"
    assert "по сведениям ФЕРЗЛ: сверка № 1, расхождение «СМО»" in latest["reason"]
    after = _found(db)
    assert after[("insurer", by_kind["insurer"])]["status"] == "resolved"
    assert after[("absent", by_kind["absent"])]["status"] == "open"


def test_keeping_the_regional_value_needs_a_reason(db: Database) -> None:
    world = build(db)
    _run(db, world)
    ids = _ids(db, "snils", "insurer")
    with db.transaction() as conn, pytest.raises(ValueError, match="Укажите причину"):
        resolution.keep_regional(conn, ids, "оператор", "  ", AT)
    with db.transaction() as conn:
        kept = resolution.keep_regional(conn, ids, "оператор", "ПФР подтвердил СНИЛС", AT)
    assert kept == ids
    rows = [r for r in _found(db).values() if r["id"] in ids]
    assert {(r["status"], r["reason"], r["decided_by"]) for r in rows} == {
        ("kept", "ПФР подтвердил СНИЛС", "оператор")}


def test_a_bulk_resolution_by_filter_and_a_refused_change_goes_to_the_buffer(
        db: Database) -> None:
    world = build(db)
    run_id, _ = _run(db, world)
    with db.transaction() as conn:
        # the federal death date falls before the person's policy began: the register
        # refuses it, the death waits in the buffer with why
        dead_enp = next(e for e, d in world.doubts if d == "not_current")
        conn.execute(discrepancies.insert().values(
            run_id=run_id, kind="death", enp=dead_enp, federal="01.01.1900",
            regional="", federal_on=date(1900, 1, 1), status="open"))
    with db.transaction() as conn:
        ids = resolution.ids_of(conn, resolution.Filter(run_id, status="open"))
        done = resolution.resolve(conn, ids, "оператор", AT, on=ON)
    assert len(done.resolved) == 3 and len(done.buffered) == 1
    with db.read() as conn:
        row = conn.execute(sa.select(discrepancies).where(
            discrepancies.c.enp == dead_enp)).mappings().one()
        pending = conn.execute(sa.text("SELECT kind, why FROM erz_buffer")).all()
    assert row["status"] == "buffered" and row["reason"].startswith("в буфере № ")
    assert [k for k, _ in pending] == ["death"] and "регистр отказал" in pending[0][1]


def test_a_run_that_waited_too_long_for_ferzl_no_longer_blocks_the_next(db: Database) -> None:
    with db.transaction() as conn:
        conn.execute(runs.insert().values(started_at=AT, on_date=ON, territory="78000",
                                          started_by="тест", state="requested"))
        assert running(conn, AT + STALE_AFTER - timedelta(minutes=1)) == 1
        assert running(conn, AT + STALE_AFTER + timedelta(minutes=1)) is None
        row = conn.execute(sa.select(runs)).mappings().one()
    assert row["state"] == "failed" and "ФЕРЗЛ не ответил за 3 сут." in row["error"]
