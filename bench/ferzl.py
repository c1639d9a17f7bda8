"""ФЕРЗЛ's mass files against the register on PostgreSQL: the reconciliation, in one run.

A throw-away database (``omshub_bench_ferzl``, created next to ``--database`` and dropped at
the end) gets ``--rows`` persons of a register — only what the comparison reads: the person,
the policy in force, СНИЛС, the attachment, each with its change-log row, written by COPY —
and ФЕРЗЛ's three files of the same persons are written zipped, as ФЕРЗЛ sends them
(getViewDataInsurance, getAllCurrentEnp, getViewDataAttach; comma-separated, no header,
``null`` for an absent value), with a few per cent of differences: another insurer (2 %),
СНИЛС (1 %), clinic (1 %), persons only ФЕРЗЛ has (0.5 %), persons only the region has
(0.5 %), persons not current in ФЕРЗЛ (0.5 %). Then, each in its own process (so that its
peak resident memory is its own):

- *baseline*: plain ``csv.reader`` over the same three zipped files (the zip member read as
  text), counting rows;
- *reconciliation*: :func:`handlers.erz.federal.reconcile_compare.compare` — the files read
  as streams by :class:`contracts.ferzl_csv.CsvStream` into temporary tables by COPY, the
  register's state on the day put beside them, the discrepancies written by
  ``INSERT … SELECT`` — in one transaction, as the handler does it when the files are in.

Printed: rows of the three files, seconds, rows/s, the ratio to the baseline, the
discrepancies found against those planted, and each process's peak resident memory
(``VmHWM``: the child's own, not its parent's).
Targets of issue 13: ≥ 20,000 rows/s, peak under 300 MB whatever the file's size.

    python bench/ferzl.py [--rows 1000000] [--identifications 300] [--database postgresql://…]

Then identification: ``--identifications`` ``person.identify`` requests of persons only
ФЕРЗЛ holds (so that each one asks ФЕРЗЛ) sent at once through a hub — in-process broker,
PostgreSQL, router, handler.erz, adapter.ferzl and the ФЕРЗЛ simulator over HTTP, the demo
region loaded — until every ``person.identified`` came back: requests per second, beside as
many plain HTTP getPersonData POSTs to the same simulator on one keep-alive connection
(:func:`identification`). Needs ``../shared/fixtures/ferzl`` (the API's schemas).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.erz import models as m  # noqa: E402
from handlers.erz.federal import reconcile_compare as compare  # noqa: E402
from handlers.erz.federal.reconcile_tables import discrepancies, runs  # noqa: E402
from handlers.erz.register.checks import enp_check_digit  # noqa: E402
from storage.db import Database  # noqa: E402

BENCH_DB = "omshub_bench_ferzl"
ON = date(2025, 1, 1)
SMOS = ("76001", "76002", "76003", "76005")
MOS = ("760101", "760102", "760103", "760104", "760201")
PLANTED = {"insurer": 50, "snils": 100, "attachment": 100, "absent": 200, "missing": 200,
           "not_current": 200}
"""Every N-th person of the register gets the kind (1/50 = 2 %…)."""


def enp(i: int) -> str:
    """The ЕНП of person ``i``."""
    first15 = f"76{i:013d}"
    return first15 + enp_check_digit(first15)


def snils(i: int, other: bool = False) -> str:
    """A СНИЛС of person ``i`` (the digits only; the check is not the point here)."""
    return f"{(i * 7 + (5 if other else 0)) % 10**9:09d}{i % 100:02d}"


def _is(kind: str, i: int) -> bool:
    return i % PLANTED[kind] == {"insurer": 1, "snils": 3, "attachment": 7, "absent": 11,
                                 "missing": 13, "not_current": 17}[kind]


# -- the register ----------------------------------------------------------------------------

def _copy(conn: Any, table: str, columns: str, rows: Iterator[tuple[Any, ...]]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_register(url: str, n: int) -> float:
    """The register of ``n`` persons by COPY (persons only ФЕРЗЛ has are left out); seconds."""
    started = time.perf_counter()
    at = datetime(2024, 12, 1, tzinfo=UTC)
    people = [i for i in range(1, n + 1) if not _is("absent", i)]
    db = Database(url)
    with db.engine.begin() as conn:
        raw = conn.connection.driver_connection
        _copy(raw, "erz_persons", "id, enp, created_at", ((i, enp(i), at) for i in people))
        _copy(raw, "erz_changes", "id, person_id, at, op, aspect, component",
              ((i, i, at, "load", "person", "bench") for i in people))
        versioned = "person_id, valid_from, recorded_at, change_id"
        _copy(raw, "erz_policies", f"{versioned}, fact_id, policy_type, number, smo, "
              "date_begin, status", ((i, date(2015, 1, 1), at, i, f"p{i}", "Э", enp(i),
                                      SMOS[i % len(SMOS)], date(2015, 1, 1), "active")
                                     for i in people))
        _copy(raw, "erz_snils", f"{versioned}, snils",
              ((i, date(2015, 1, 1), at, i, snils(i)) for i in people))
        _copy(raw, "erz_attachments", f"{versioned}, fact_id, mo, method, date_attach",
              ((i, date(2020, 1, 1), at, i, f"a{i}", MOS[i % len(MOS)], "1", date(2020, 1, 1))
               for i in people))
        for table in ("erz_persons", "erz_changes", "erz_policies", "erz_snils",
                      "erz_attachments"):
            conn.execute(sa.text(f"ANALYZE {table}"))
    db.dispose()
    return time.perf_counter() - started


# -- ФЕРЗЛ's files ---------------------------------------------------------------------------

def _zip(path: Path, name: str, lines: Iterator[list[object]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open(name, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        for row in lines:
            writer.writerow("null" if v is None else v for v in row)
        text.flush()
        text.detach()


def write_files(folder: Path, n: int) -> dict[str, Path]:
    """The three zipped files of ``n`` persons with the planted differences."""
    federal = [i for i in range(1, n + 1) if not _is("missing", i)]

    def insurance() -> Iterator[list[object]]:
        for i in federal:
            smo = SMOS[(i + 1) % len(SMOS)] if _is("insurer", i) else SMOS[i % len(SMOS)]
            yield ["01.2025", enp(i), "Э", enp(i), 1 + i % 2, 1970, 55, "Г", smo, None,
                   "78000", "78 01", f"{i:06d}", "2015-01-01", None, 14, "RUS",
                   f"{i:012d}", snils(i)]

    def current() -> Iterator[list[object]]:
        for i in federal:
            if not _is("not_current", i):
                yield [enp(i), None, snils(i, other=_is("snils", i))]

    def attach() -> Iterator[list[object]]:
        for i in federal:
            mo = MOS[(i + 1) % len(MOS)] if _is("attachment", i) else MOS[i % len(MOS)]
            yield ["01.2025", enp(i), "76001", "СМО", "78000", 1, "55Г", mo, f"1.2.{mo}",
                   f"МО {mo}", "78000", None, None, None, "1", "1", "1", "1", "2020-01-01",
                   None, None, None, None, "ДПП"]

    paths = {}
    for name, rows in (("insurance", insurance), ("current", current), ("attach", attach)):
        paths[name] = folder / f"{compare.OPERATIONS[name]}.zip"
        _zip(paths[name], f"{compare.OPERATIONS[name]}.csv", rows())
    return paths


def expected(n: int) -> dict[str, int]:
    """The discrepancies the files must give (and the doubts)."""
    found = dict.fromkeys(("insurer", "snils", "attachment", "absent", "missing",
                           "not_current"), 0)
    for i in range(1, n + 1):
        if _is("missing", i):
            found["missing"] += not _is("absent", i)
            continue
        if _is("absent", i):
            found["absent"] += 1
            continue
        found["insurer"] += _is("insurer", i)
        current = not _is("not_current", i)
        found["not_current"] += not current
        found["snils"] += current and _is("snils", i)
        found["attachment"] += current and _is("attachment", i)
    return found


# -- the two measured processes --------------------------------------------------------------

def baseline(paths: dict[str, Path]) -> dict[str, Any]:
    """Plain csv.reader over the three zipped files."""
    started = time.perf_counter()
    rows = 0
    for path in paths.values():
        with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as raw:
            for _ in csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
                rows += 1
    return {"rows": rows, "seconds": time.perf_counter() - started}


def reconciliation(url: str, paths: dict[str, Path]) -> dict[str, Any]:
    """The reconciliation's read + compare, in one transaction."""
    db = Database(url)
    started = time.perf_counter()
    with db.transaction() as conn:
        key = conn.execute(runs.insert().values(
            started_at=datetime.now(UTC), on_date=ON, territory="78000",
            started_by="bench", state="requested")).inserted_primary_key
        assert key is not None
        outcome = compare.compare(conn, int(key[0]), ON, {k: v for k, v in paths.items()})
        counts = {str(k): int(v) for k, v in conn.execute(sa.select(
            discrepancies.c.kind, sa.func.count()).group_by(discrepancies.c.kind))}
    seconds = time.perf_counter() - started
    db.dispose()
    doubts: dict[str, int] = {}
    for _, doubt in outcome.doubts:
        doubts[doubt] = doubts.get(doubt, 0) + 1
    return {"rows": outcome.rows_read, "broken": outcome.broken_count, "seconds": seconds,
            "found": counts | doubts}


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (its own since exec; ``ru_maxrss`` on
    Linux keeps the forking parent's peak across exec), else ``ru_maxrss``."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(kind: str, url: str, folder: str) -> int:
    """Run one measured part and print its figures and peak RSS as JSON."""
    paths = {name: Path(folder) / f"{op}.zip" for name, op in compare.OPERATIONS.items()}
    got = baseline(paths) if kind == "baseline" else reconciliation(url, paths)
    got["peak_mb"] = peak_mb()
    print(json.dumps(got))
    return 0


def measured(kind: str, url: str, folder: Path) -> dict[str, Any]:
    """One part in its own process (its own peak memory)."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--database", url,
                          "--folder", str(folder)], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# -- identification ---------------------------------------------------------------------------

FIXTURES = ROOT.parent / "shared" / "fixtures" / "ferzl"
IDENT_DB = "omshub_bench_ferzl_ident"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _asker() -> type:
    """A handler that keeps each ``person.identified`` (what ПУМП will be)."""
    from contracts.identification import PersonIdentifiedV1
    from hub.component import Handler, Message, handles
    from hub.tx import Tx

    table = sa.Table("bench_identified", sa.MetaData(),
                     sa.Column("request_id", sa.String(64), primary_key=True),
                     sa.Column("outcome", sa.String(16)))

    class Asker(Handler):
        name = "bench-asker"
        metadata = table.metadata

        @handles(PersonIdentifiedV1)
        def on_identified(self, message: Message[PersonIdentifiedV1], tx: Tx) -> None:
            tx.insert(table, request_id=message.payload.request_id,
                      outcome=message.payload.outcome)

    return Asker


def plain_http(url: str, enp: str, count: int) -> float:
    """getPersonData of ``enp`` POSTed ``count`` times on one keep-alive connection to the
    simulator (the request built once by the adapter's client); requests per second."""
    from adapters.ferzl.client import FerzlClient
    from adapters.ferzl.releases import Releases
    from adapters.ferzl.settings import FerzlSettings

    client = FerzlClient(FerzlSettings(base_url=url, token="jwt"), Releases.discover(FIXTURES))
    built = client.build("getPersonData", {"enp": enp})
    exchange = client.transport._exchange_of(built.payload)  # noqa: SLF001 - its bytes
    target = urllib.parse.urlsplit(exchange.url)
    headers = {"Content-Type": "text/xml; charset=utf-8", "X-Auth-Token": "jwt",
               "SOAPAction": f'"{exchange.soap_action}"'}
    connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
    started = time.perf_counter()
    for _ in range(count):
        connection.request("POST", target.path, body=exchange.request, headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
    connection.close()
    return count / (time.perf_counter() - started)


def identification(database: str, count: int, folder: Path) -> str:
    """``person.identify`` of persons only ФЕРЗЛ holds, ``count`` at once, through a hub
    (in-process broker, PostgreSQL; router, handler.erz, adapter.ferzl, the simulator over
    HTTP) until every ``person.identified`` came back, beside :func:`plain_http`; the line
    printed."""
    if not (FIXTURES / "ferzl-ws").is_dir():
        return f"identification: not measured (no ФЕРЗЛ fixtures at {FIXTURES})"
    from contracts.demo import write_region
    from contracts.identification import IdentifyPersonV1
    from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, load_region, region_persons
    from handlers.erz.synth import population as synth
    from hub.settings import load_settings
    from hub.testing import running_hub, wait_for

    port = _free_port()
    settings = load_settings(
        env={}, broker_url="memory://", database_url=database, data_dir=folder / "var",
        schemas_dir=FIXTURES, plugins={
            "ferzl-simulator": {"port": port, "delay": 0.2},
            "ferzl": {"base_url": f"http://127.0.0.1:{port}", "token": "jwt"},
            "erz": {"ferzl": True}})
    write_region(settings.data_dir, region_persons(synth.population(DEMO_PERSONS, DEMO_SEED)))
    asker = _asker()
    components = ["hub.router", "handler.erz", "adapter.ferzl", "adapter.ferzl-simulator"]
    with running_hub(settings, components, extra=[asker]) as hub:
        load_region(hub.db, settings)
        server = hub.process.components["adapter.ferzl-simulator"].server  # type: ignore[attr-defined]
        federal_only = [d.enp for d in server.differences if d.kind == "absent"]

        def answered() -> int:
            with hub.db.read() as conn:
                return int(conn.execute(sa.text(
                    "SELECT count(*) FROM bench_identified WHERE outcome = 'found'")).scalar()
                    or 0)

        hub.publish(IdentifyPersonV1(enp=federal_only[0], purpose="прогрев"))
        wait_for(lambda: answered() >= 1, timeout=60, message="the first identification")
        started = time.perf_counter()
        for i in range(count):
            hub.publish(IdentifyPersonV1(enp=federal_only[i % len(federal_only)],
                                         purpose="нагрузочный замер"))
        wait_for(lambda: answered() >= count + 1, timeout=600,
                 message="every identification came back")
        through_hub = count / (time.perf_counter() - started)
        plain = plain_http(server.url, federal_only[0], count)
    return (f"identification through the hub (ФЕРЗЛ asked each time): {count:,} requests, "
            f"{through_hub:,.1f}/s; plain HTTP getPersonData to the simulator: {plain:,.1f}/s "
            f"({plain / through_hub:.1f}× the hub's rate)")


def _admin(url: str, sql: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def _line(name: str, got: dict[str, Any], base: dict[str, Any] | None = None) -> str:
    rate = got["rows"] / got["seconds"]
    ratio = f", {got['seconds'] / base['seconds']:.1f}× the baseline's time" if base else ""
    return (f"{name}: {got['rows']:,} rows in {got['seconds']:.1f} s = {rate:,.0f} rows/s"
            f"{ratio}; peak RSS {got['peak_mb']:.0f} MB")


def main() -> int:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="persons (rows of each file)")
    ap.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--identifications", type=int, default=300,
                    help="person.identify requests through the hub (0: not measured)")
    ap.add_argument("--child", choices=("baseline", "reconciliation"), help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.database, args.folder)
    admin = args.database
    url = make_url(admin).set(database=BENCH_DB).render_as_string(hide_password=False)
    ident_url = make_url(admin).set(database=IDENT_DB).render_as_string(hide_password=False)
    _admin(admin, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(admin, f"CREATE DATABASE {BENCH_DB}")
    ident = "identification: not measured (--identifications 0)"
    try:
        db = Database(url)
        m.metadata.create_all(db.engine)
        db.dispose()
        with tempfile.TemporaryDirectory(prefix="bench-ferzl-") as tmp:
            folder = Path(tmp)
            made = time.perf_counter()
            paths = write_files(folder, args.rows)
            made = time.perf_counter() - made
            loaded = load_register(url, args.rows)
            size = sum(p.stat().st_size for p in paths.values()) / 2**20
            base = measured("baseline", url, folder)
            got = measured("reconciliation", url, folder)
            if args.identifications:
                _admin(admin, f"DROP DATABASE IF EXISTS {IDENT_DB}")
                _admin(admin, f"CREATE DATABASE {IDENT_DB}")
                ident = identification(ident_url, args.identifications, folder)
    finally:
        _admin(admin, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _admin(admin, f"DROP DATABASE IF EXISTS {IDENT_DB}")
    want = expected(args.rows)
    print(f"files: 3 × {args.rows:,} persons, {size:.1f} MB zipped, written in {made:.1f} s; "
          f"register of {args.rows - want['absent']:,} persons loaded by COPY in {loaded:.1f} s")
    print(_line("baseline csv.reader", base))
    print(_line("reconciliation read + compare (PostgreSQL)", got, base))
    print(f"  broken rows {got['broken']}; found {json.dumps(got['found'], sort_keys=True)}; "
          f"planted {json.dumps(want, sort_keys=True)}; "
          f"{'exactly' if got['found'] == {k: v for k, v in want.items() if v} else 'NOT'} "
          "as planted")
    rate = got["rows"] / got["seconds"]
    print(f"targets: ≥ 20,000 rows/s {'met' if rate >= 20_000 else 'NOT met'}; peak under "
          f"300 MB {'met' if got['peak_mb'] < 300 else 'NOT met'}")
    print(ident)
    return 0


if __name__ == "__main__":
    sys.exit(main())
