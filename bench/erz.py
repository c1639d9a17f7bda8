"""The register (РС ЕРЗ) on PostgreSQL: load, OPLIST, search and a clinic's slice, in one run.

A throw-away database (``omshub_bench_erz``, created next to ``--database`` and dropped at
the end) gets ``--persons`` synthetic persons through the generator's COPY loader; every
``N/50,000``-th of them is attached to one clinic (``760199``), which makes it a clinic of
50,000 at a million. Then, each against a baseline measured in the same run:

- *OPLIST*, ``--rounds`` times (the median printed, and each round): an insurer's OPLIST
  of ``--operations`` records (60 % new persons with a first policy, 40 % surname changes
  of its own insured; a new file each round) written to bytes and handed to
  :func:`handlers.erz.smo.exchange.on_oplist` as the handler gets it — read and checked
  against OPLIST.xsd, ФЛК, decided, written, FLK_P and REPLIST written and validated — in
  one transaction, committed, as the handler's runner commits one file; no broker. Before
  each round the database is settled (VACUUM ANALYZE, CHECKPOINT; untimed), so that no
  background work of the load or of the round before falls into it. Baseline, right after
  each round: as many plain INSERTs of one row each (``executemany``) into a table shaped
  like ``erz_changes``, in one transaction.
- *search*: ``--lookups`` random persons each by ЕНП, by СНИЛС and by names + birth date
  (``handlers.erz.register.queries``), p50/p99; baseline: a primary-key lookup of ``erz_persons``.
- *slice*: the PRK files of the 50,000-person clinic (``handlers.erz.slices.monthly.clinic_slice``);
  baseline: one plain SELECT of those persons' attachment and personal-data rows.
- *memory*: tracemalloc's peak while the slice is built (a second build), and the process's
  RSS high-water mark.

    python bench/erz.py [--persons 1000000] [--quick] [--database postgresql://…]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.envelope import AttachmentRef  # noqa: E402
from contracts.erz import common as c  # noqa: E402
from contracts.erz import lists  # noqa: E402
from contracts.erz.files import write_file  # noqa: E402
from contracts.erz.names import Party, build_name  # noqa: E402
from contracts.erz.register import Source  # noqa: E402
from contracts.files import FileReceivedV1  # noqa: E402
from handlers.erz import models as m  # noqa: E402
from handlers.erz.register import queries  # noqa: E402
from handlers.erz.register.bulk import load_persons  # noqa: E402
from handlers.erz.register.commands import dictionaries  # noqa: E402
from handlers.erz.slices import monthly as slices  # noqa: E402
from handlers.erz.smo import exchange as smo_exchange  # noqa: E402
from handlers.erz.synth import population as synth  # noqa: E402
from handlers.erz.synth.lists import operation_record  # noqa: E402
from hub.component import Message  # noqa: E402
from hub.outbox import envelope_for  # noqa: E402
from hub.tx import Tx  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.journal import store_blob  # noqa: E402
from storage.models import metadata as hub_metadata  # noqa: E402

FERZL = ROOT.parent / "shared" / "fixtures" / "ferzl"
BENCH_DB = "omshub_bench_erz"
CLINIC = "760199"
CLINIC_SIZE = 50_000
SMO = "76001"
SEED = 1
ON = synth.REFERENCE_DATE


def _admin(url: str, sql: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# -- load ------------------------------------------------------------------------------------

def _search_indexes() -> list[sa.Index]:
    return [i for t in m.metadata.sorted_tables for i in t.indexes]


def load(db: Database, n: int, region: synth.Region, batch: int) -> float:
    """Persons/s of the generator + COPY loader; secondary indexes rebuilt after the load."""
    started = time.perf_counter()
    with db.transaction() as conn:
        for index in _search_indexes():
            conn.execute(sa.text(f"DROP INDEX IF EXISTS {index.name}"))
    done = 0
    source = Source("handler.erz", user="bench/erz.py")
    while done < n:
        size = min(batch, n - done)
        with db.transaction() as conn:
            done += load_persons(conn, synth.population(size, SEED, region=region, start=done),
                                 source=source, at=datetime.now(UTC))
        print(f"\r  loaded {done:,}/{n:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with db.transaction() as conn:
        for index in _search_indexes():
            index.create(conn)
    rate = n / (time.perf_counter() - started)
    return rate


# -- OPLIST ----------------------------------------------------------------------------------

def oplist_bytes(n_ops: int, loaded: int, region: synth.Region, round_no: int = 0,
                 used: set[int] | None = None) -> tuple[str, bytes]:
    """An OPLIST of SMO: 60 % new persons (beyond the loaded ones and those of earlier
    rounds), 40 % surname changes of persons no earlier round changed (``used``)."""
    rng = random.Random(7 + round_no)
    changed = datetime(2025, 1, 10, 10, 0)
    record = partial(operation_record, changed=changed, operator="bench",
                     insurer_ogrn="1027600000000")
    ops: list[lists.OperationRecord] = []
    new, used = loaded + round_no * n_ops, set() if used is None else used
    while len(ops) < n_ops:
        n = len(ops) + 1
        if rng.random() < 0.6:
            p = synth.person(new, SEED, region=region)
            new += 1
            ops.append(record(n, p, c.Operation.ISSUE_POLICY))
            continue
        i = rng.randrange(loaded)
        p = synth.person(i, SEED, region=region)
        if i in used or p.policy.smo != SMO:
            continue
        used.add(i)
        surname = "Кузнецова" if p.data.sex == "2" else "Кузнецов"
        ops.append(record(n, p, c.Operation.EDIT,
                          surname=surname if p.data.surname != surname else surname + "а"))
    name = build_name("OP", Party("S", SMO), Party("T", "76"), 2025, 1,
                      f"1{round_no + 1:02d}").stem
    return name, write_file(lists.OperationList(file_name=name, insurer=SMO, office="001",
                                                count=len(ops), operations=ops))


def apply_oplist(db: Database, name: str, data: bytes) -> tuple[float, dict[str, int]]:
    """Seconds to take the file through the handler's flow and commit; outcome counts."""
    dictionaries(FERZL)  # loaded once per process by the handler too
    started = time.perf_counter()
    with db.transaction() as conn:
        blob = store_blob(conn, data, "application/xml")
        payload = FileReceivedV1(drop="bench", file_name=f"{name}.xml", size=len(data),
                                 sha256="0" * 64, format_key=smo_exchange.FORMAT_KEY,
                                 sender=SMO, received_at=datetime.now(UTC))
        env = envelope_for(payload, source="adapter.files", attachments=[AttachmentRef(
            blob_id=blob, name=f"{name}.xml", media_type="application/xml", size=len(data))])
        smo_exchange.on_oplist(Message(env, payload), Tx(conn, env, "handler.erz"), FERZL)
    seconds = time.perf_counter() - started
    with db.read() as conn:
        row = conn.execute(sa.select(m.exchange_files).where(
            m.exchange_files.c.file_name == name)).mappings().one()
    return seconds, {k: row[k] for k in ("records", "applied", "refused", "buffered")}


def baseline_inserts(db: Database, n: int) -> float:
    """Seconds of ``n`` plain INSERTs of an erz_changes-shaped row, one transaction."""
    rows = [{"person_id": i, "at": datetime.now(UTC), "op": "bench", "aspect": "person",
             "component": "bench", "detail": "{}"} for i in range(n)]
    sql = sa.text("INSERT INTO bench_rows (person_id, at, op, aspect, component, detail) "
                  "VALUES (:person_id, :at, :op, :aspect, :component, :detail)")
    with db.transaction() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_rows"))
        conn.execute(sa.text("CREATE TABLE bench_rows (LIKE erz_changes INCLUDING DEFAULTS)"))
    started = time.perf_counter()
    with db.transaction() as conn:
        conn.execute(sql, rows)
    return time.perf_counter() - started


def settle(db: Database) -> None:
    """VACUUM ANALYZE, then CHECKPOINT: the database as in service, and no background work
    left over from the step before (autovacuum, dirty pages) to run during the next."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        conn.execute(sa.text("CHECKPOINT"))


def oplist_rounds(db: Database, n_ops: int, loaded: int, region: synth.Region,
                  rounds: int) -> list[tuple[float, float, dict[str, int]]]:
    """(OPLIST seconds, baseline seconds, counts) of each round: a new file each round
    (new persons, other persons' surname changes), each committed; the baseline measured
    right after, so that each ratio compares like with like; the database settled before
    each round, untimed."""
    out, used = [], set[int]()
    for i in range(rounds):
        name, data = oplist_bytes(n_ops, loaded, region, i, used)
        settle(db)
        seconds, counts = apply_oplist(db, name, data)
        out.append((seconds, baseline_inserts(db, counts["records"]), counts))
    return out


# -- search ----------------------------------------------------------------------------------

def timed(conn: Connection, calls: list[Callable[[Connection], Any]]) -> list[float]:
    """Seconds of each call."""
    out = []
    for call in calls:
        started = time.perf_counter()
        found = call(conn)
        out.append(time.perf_counter() - started)
        assert found, "every lookup finds its person"
    return out


def search(db: Database, persons: int, lookups: int,
           region: synth.Region) -> dict[str, list[float]]:
    """Seconds per lookup by kind (and the primary-key baseline)."""
    rng = random.Random(11)
    sample = [synth.person(rng.randrange(persons), SEED, region=region) for _ in range(lookups)]
    ids = [rng.randrange(1, persons + 1) for _ in range(lookups)]
    pk = sa.text("SELECT enp FROM erz_persons WHERE id = :id")
    def pk_lookup(conn: Connection, i: int) -> Any:
        return conn.execute(pk, {"id": i}).all()

    def by_names(conn: Connection, p: synth.SynthPerson) -> Any:
        return queries.find_by_names(conn, p.data.surname, p.data.name, p.data.birth_date)

    kinds: dict[str, list[Callable[[Connection], Any]]] = {
        "primary key (baseline)": [partial(pk_lookup, i=i) for i in ids],
        "by ЕНП": [partial(queries.find_by_enp, enp=p.enp) for p in sample],
        "by СНИЛС": [partial(queries.find_by_snils, snils=p.snils) for p in sample],
        "by names + birth date": [partial(by_names, p=p) for p in sample],
    }
    with db.read() as conn:
        return {kind: timed(conn, calls) for kind, calls in kinds.items()}


# -- slice -----------------------------------------------------------------------------------

def clinic_slice(db: Database) -> tuple[float, int, int, float, float]:
    """Seconds, persons, bytes of the clinic's PRK files; baseline seconds; tracemalloc MB."""
    a, d = m.attachments, m.person_data
    plain = (sa.select(a, d).join(d, d.c.person_id == a.c.person_id)
             .where(a.c.mo == CLINIC, *slices._in_force(a, ON), *slices._in_force(d, ON)))
    with db.read() as conn:
        started = time.perf_counter()
        rows = len(conn.execute(plain).all())
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        files = slices.clinic_slice(conn, CLINIC, ON)
        seconds = time.perf_counter() - started
        del files
        tracemalloc.start()
        files = slices.clinic_slice(conn, CLINIC, ON)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    persons = sum(f.count for f in files)
    assert persons == rows, (persons, rows)
    return seconds, persons, sum(len(f.data) for f in files), baseline, peak


def main() -> int:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--operations", type=int, default=20_000)
    ap.add_argument("--lookups", type=int, default=2_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3, help="OPLIST rounds (median printed)")
    ap.add_argument("--quick", action="store_true", help="20,000 persons, 2,000 operations")
    ap.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    if args.quick:
        args.persons, args.operations, args.lookups = 20_000, 2_000, 500
    region = replace(synth.REGION, focus_clinic=CLINIC,
                     focus_every=max(20, args.persons // CLINIC_SIZE))
    admin = args.database
    url = make_url(admin).set(database=BENCH_DB).render_as_string(hide_password=False)
    _admin(admin, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(admin, f"CREATE DATABASE {BENCH_DB}")
    db = Database(url)
    try:
        hub_metadata.create_all(db.engine)
        m.metadata.create_all(db.engine)
        rate = load(db, args.persons, region, args.batch)
        rounds = oplist_rounds(db, args.operations, args.persons, region, args.rounds)
        times = search(db, args.persons, args.lookups, region)
        slice_s, slice_n, slice_bytes, slice_base, slice_peak = clinic_slice(db)
    finally:
        db.dispose()
        _admin(admin, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    print(f"persons loaded: {args.persons:,} at {rate:,.0f}/s (generator + COPY, indexes "
          "rebuilt after)")
    counts = rounds[-1][2]
    rates = sorted(counts["records"] / seconds for seconds, _, _ in rounds)
    ratios = sorted((counts["records"] / seconds) / (counts["records"] / base)
                    for seconds, base, _ in rounds)
    median = len(rounds) // 2
    print(f"OPLIST: {counts['records']:,} operations, median of {len(rounds)} rounds "
          f"{rates[median]:,.0f} ops/s (target ≥ 2,000; rounds "
          + ", ".join(f"{counts['records'] / s:,.0f}" for s, _, _ in rounds)
          + f"); applied {counts['applied']:,}, refused {counts['refused']:,}, "
          f"buffered {counts['buffered']:,}")
    print("  baseline plain INSERT executemany: "
          + ", ".join(f"{counts['records'] / b:,.0f}" for _, b, _ in rounds)
          + f" rows/s; ratio OPLIST / baseline, median {ratios[median]:.3f} "
          f"(lowest {ratios[0]:.3f})")
    base = times["primary key (baseline)"]
    for kind, values in times.items():
        ratio = "" if values is base else (
            f"; p99 ratio to primary key {_ms(values, .99) / _ms(base, .99):.1f}")
        print(f"search {kind}: p50 {_ms(values, .5):.2f} ms, p99 {_ms(values, .99):.2f} ms "
              f"over {len(values):,}{ratio}")
    print(f"slice of clinic {CLINIC}: {slice_n:,} persons, PRK {slice_bytes / 2**20:.1f} MB "
          f"in {slice_s:.2f} s; baseline plain SELECT {slice_base:.2f} s; ratio "
          f"{slice_s / slice_base:.1f}")
    print(f"peak memory: slice build (tracemalloc) {slice_peak:.0f} MB; process RSS high-water "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
