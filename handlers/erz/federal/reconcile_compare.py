"""The comparison of ФЕРЗЛ's mass files with the register, in SQL, a row never kept as an object.

ФЕРЗЛ's three files of the territory (zipped CSV, :mod:`contracts.ferzl_csv`) are read as a
stream into temporary tables — PostgreSQL by ``COPY``, SQLite by batched inserts — and the
register's state on the run's date is put beside them in a fourth (one row a person: the
insurer of the policy in force, СНИЛС, the clinic attached to, the death). The differences are
then ``INSERT … SELECT``-ed into ``erz_ferzl_discrepancies``, so that a million persons cost a
few statements, not a million objects:

=============  ==========================================================================
file           what it says
=============  ==========================================================================
insurance      getViewDataInsurance: every person insured in the territory (ЕНП column 2,
               СМО column 9 — the same places in the published fragment and the simulator)
current        getAllCurrentEnp: the living persons of the territory with a policy in force
               (ЕНП, ЕРН, СНИЛС)
attach         getViewDataAttach: attachments to clinics (ЕНП, МО code, since, until)
=============  ==========================================================================

Found here: ``absent`` (ФЕРЗЛ insures a person the region does not hold), ``insurer``,
``snils``, ``attachment`` (living persons on both sides), ``death`` (the region has a death
ФЕРЗЛ has not: the person is still current there). Left in doubt (:class:`Outcome.doubts`):
persons the region insures whom the territory's file lacks (``missing``: merged into another
ЕНП, or unknown to ФЕРЗЛ) and persons ФЕРЗЛ lists but not as current while the region has
them alive and insured (``not_current``: a death, or a policy no longer in force) — the caller
asks ФЕРЗЛ about each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.ferzl_csv import LAYOUTS, BrokenRow, CsvStream, Layout, Row
from handlers.erz import models as m
from handlers.erz.federal.reconcile_tables import discrepancies

Source = str | Path | bytes | IO[bytes]
FILES = ("insurance", "current", "attach")
OPERATIONS = {"insurance": "getViewDataInsurance", "current": "getAllCurrentEnp",
              "attach": "getViewDataAttach"}
"""The file of each mass operation a run asks for."""
KEPT_BROKEN = 100
"""Broken rows kept on the run (all are counted)."""
BATCH = 5000
"""Rows per insert on SQLite."""
FILE_TITLES = {"insurance": "застрахованные (getViewDataInsurance)",
               "current": "действующие ЕНП (getAllCurrentEnp)",
               "attach": "прикрепления (getViewDataAttach)"}

_stage = sa.MetaData()


def _temp(name: str, *columns: sa.Column[Any]) -> sa.Table:
    return sa.Table(name, _stage, *columns, prefixes=["TEMPORARY"],
                    postgresql_on_commit="DROP")


stage_insurance = _temp("ferzl_stage_insurance", sa.Column("enp", sa.String(16)),
                        sa.Column("smo", sa.String(16)))
stage_current = _temp("ferzl_stage_current", sa.Column("enp", sa.String(16)),
                      sa.Column("snils", sa.String(11)))
stage_attach = _temp("ferzl_stage_attach", sa.Column("enp", sa.String(16)),
                     sa.Column("mo", sa.String(16)), sa.Column("since", sa.Date))
stage_region = _temp("ferzl_stage_region", sa.Column("enp", sa.String(16)),
                     sa.Column("smo", sa.String(8)), sa.Column("snils", sa.String(11)),
                     sa.Column("mo", sa.String(16)), sa.Column("death_date", sa.Date))
STAGES = {"insurance": stage_insurance, "current": stage_current, "attach": stage_attach}


@dataclass
class Outcome:
    """What a comparison read and left in doubt."""

    rows_read: int = 0
    broken_count: int = 0
    broken: list[dict[str, Any]] = field(default_factory=list)
    doubts: list[tuple[str, str]] = field(default_factory=list)
    """``(ЕНП, missing | not_current)`` to ask ФЕРЗЛ about, at most ``max_doubts``."""
    unchecked: int = 0
    """Doubts beyond ``max_doubts``, recorded without asking (``regional``/``policy``)."""


def _digits(value: str | None) -> str | None:
    if value is None:
        return None
    kept = "".join(ch for ch in value if ch.isdigit())
    return kept or None


def _date(value: str | None) -> date | None:
    if not value:
        return None
    text = value.strip()[:10]
    try:
        if len(text) == 10 and text[2] == ".":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        return date.fromisoformat(text)
    except ValueError:
        return None


class _Rows:
    """One file's rows as the values of its stage table; what cannot be is reported."""

    def __init__(self, name: str, report: Callable[[str, BrokenRow], None]) -> None:
        self.name = name
        self.report = report

    def of(self, row: Row) -> tuple[Any, ...] | None:
        if self.name == "insurance":
            values: tuple[Any, ...] = (row[1], row[8]) if len(row.values) > 8 else ()
        elif self.name == "current":
            values = (row["ЕНП"], _digits(row["СНИЛС"]))
        else:
            if row["Дата окончания прикрепления"] or not row["Код МО ЮЛ в ОМС"]:
                return None  # ended: not an attachment in force
            values = (row["ЕНП"], row["Код МО ЮЛ в ОМС"],
                      _date(row["Дата начала прикрепления"]))
        enp = values[0] if values else None
        if not enp or len(enp) != 16 or not enp.isdigit():
            why = "нет ЕНП" if not values or not enp else f"ЕНП не из 16 цифр: {enp[:20]}"
            self.report(self.name, BrokenRow(row.line, why))
            return None
        return values


def _layout(name: str) -> Layout:
    if name == "insurance":
        # The published fragment has 28 columns, the simulator 19: only the places read
        # matter, so the width is not checked (a short row is reported by _Rows).
        return Layout((), header=False)
    return LAYOUTS[OPERATIONS[name]]


class _Broken:
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome

    def __call__(self, name: str, broken: BrokenRow) -> None:
        self.outcome.broken_count += 1
        if len(self.outcome.broken) < KEPT_BROKEN:
            self.outcome.broken.append({"file": FILE_TITLES[name], "line": broken.line,
                                        "why": broken.why})


def stream(name: str, source: Source, outcome: Outcome,
           advance: Callable[[int], None] | None = None) -> Iterator[tuple[Any, ...]]:
    """The values of ``name``'s file row by row (broken rows reported on ``outcome``)."""
    report = _Broken(outcome)
    rows = _Rows(name, report)
    reader = CsvStream(source, _layout(name), on_broken=lambda b: report(name, b))
    count = 0
    for row in reader:
        count += 1
        if advance is not None and count % 10000 == 0:
            advance(10000)
        values = rows.of(row)
        if values is not None:
            yield values
    outcome.rows_read += reader.rows
    if advance is not None:
        advance(count % 10000)


def _load(conn: Connection, table: sa.Table, rows: Iterable[tuple[Any, ...]]) -> None:
    names = [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        return
    insert = table.insert()
    batch: list[dict[str, Any]] = []
    for values in rows:
        batch.append(dict(zip(names, values, strict=True)))
        if len(batch) >= BATCH:
            conn.execute(insert, batch)
            batch = []
    if batch:
        conn.execute(insert, batch)


def _in_force(table: sa.Table, on: date) -> list[sa.ColumnElement[bool]]:
    c = table.c
    return [c.superseded_at.is_(None), c.valid_from <= on,
            sa.or_(c.valid_to.is_(None), c.valid_to > on)]


def _region(on: date) -> sa.Select[Any]:
    """One row a person of the register: the insurer, СНИЛС, clinic on ``on``, the death."""
    def latest(table: sa.Table, column: str, *where: sa.ColumnElement[bool]) -> Any:
        return (sa.select(table.c.person_id, sa.func.max(table.c[column]).label(column))
                .where(*_in_force(table, on), *where).group_by(table.c.person_id).subquery())

    pol = latest(m.policies, "smo", m.policies.c.status != "annulled")
    sn = latest(m.snils, "snils")
    att = latest(m.attachments, "mo")
    dead = (sa.select(m.deaths.c.person_id,
                      sa.func.min(m.deaths.c.death_date).label("death_date"))
            .where(m.deaths.c.superseded_at.is_(None)).group_by(m.deaths.c.person_id)
            .subquery())
    p = m.persons
    joined: Any = p
    for sub in (pol, sn, att, dead):
        joined = joined.outerjoin(sub, sub.c.person_id == p.c.id)
    return sa.select(p.c.enp, pol.c.smo, sn.c.snils, att.c.mo,
                     dead.c.death_date).select_from(joined)


def stage(conn: Connection, files: dict[str, Source], on: date, outcome: Outcome,
          advance: Callable[[int], None] | None = None) -> None:
    """Create the temporary tables and fill them: ФЕРЗЛ's files and the register on ``on``."""
    drop_stages(conn)
    for table in (*STAGES.values(), stage_region):
        table.create(conn)
    for name in FILES:
        _load(conn, STAGES[name], stream(name, files[name], outcome, advance))
    conn.execute(stage_region.insert().from_select(
        [c.name for c in stage_region.columns], _region(on)))
    for table in (*STAGES.values(), stage_region):
        conn.execute(sa.text(f"CREATE INDEX ix_{table.name} ON {table.name} (enp)"))
    if conn.dialect.name == "postgresql":
        for table in (*STAGES.values(), stage_region):
            conn.execute(sa.text(f"ANALYZE {table.name}"))


def drop_stages(conn: Connection) -> None:
    """Drop the temporary tables (SQLite keeps them for the connection's life)."""
    for table in (*STAGES.values(), stage_region):
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))


def _distinct(table: sa.Table, *columns: str) -> Any:
    """One row an ЕНП of a stage table (a file may repeat a person)."""
    return (sa.select(table.c.enp, *(sa.func.max(table.c[c]).label(c) for c in columns))
            .group_by(table.c.enp).subquery())


def _insert(conn: Connection, run_id: int, kind: str, query: sa.Select[Any]) -> None:
    """Rows of ``query`` (enp, federal, regional[, federal_on]) as discrepancies of ``kind``."""
    labelled = query.add_columns(sa.literal(run_id).label("run_id"),
                                 sa.literal(kind).label("kind"),
                                 sa.literal("open").label("status"))
    names = [c.name for c in labelled.selected_columns]
    conn.execute(discrepancies.insert().from_select(names, labelled))


def compare(conn: Connection, run_id: int, on: date, files: dict[str, Source],
            advance: Callable[[int], None] | None = None, max_doubts: int = 20000) -> Outcome:
    """Read ``files`` (by :data:`FILES` name), compare with the register on ``on`` and write
    the sure discrepancies of run ``run_id``; the doubts are returned for the caller."""
    outcome = Outcome()
    stage(conn, files, on, outcome, advance)
    ins = _distinct(stage_insurance, "smo")
    cur = _distinct(stage_current, "snils")
    att = _distinct(stage_attach, "mo", "since")
    r = stage_region
    empty = sa.literal("")
    alive = r.c.death_date.is_(None)
    _insert(conn, run_id, "absent", sa.select(ins.c.enp, ins.c.enp.label("federal"),
                                               empty.label("regional"))
            .select_from(ins.outerjoin(r, r.c.enp == ins.c.enp)).where(r.c.enp.is_(None)))
    _insert(conn, run_id, "insurer", sa.select(
        r.c.enp, ins.c.smo.label("federal"), r.c.smo.label("regional"))
        .select_from(r.join(ins, ins.c.enp == r.c.enp))
        .where(alive, r.c.smo.is_not(None), ins.c.smo.is_not(None), ins.c.smo != r.c.smo))
    _insert(conn, run_id, "snils", sa.select(
        r.c.enp, sa.func.coalesce(cur.c.snils, empty).label("federal"),
        sa.func.coalesce(r.c.snils, empty).label("regional"))
        .select_from(r.join(cur, cur.c.enp == r.c.enp))
        .where(alive, sa.func.coalesce(cur.c.snils, empty) != sa.func.coalesce(r.c.snils,
                                                                               empty)))
    _insert(conn, run_id, "attachment", sa.select(
        r.c.enp, sa.func.coalesce(att.c.mo, empty).label("federal"),
        sa.func.coalesce(r.c.mo, empty).label("regional"), att.c.since.label("federal_on"))
        .select_from(r.join(cur, cur.c.enp == r.c.enp).outerjoin(att, att.c.enp == r.c.enp))
        .where(alive, sa.func.coalesce(att.c.mo, empty) != sa.func.coalesce(r.c.mo, empty)))
    _region_deaths(conn, run_id, cur)
    _doubts(conn, run_id, ins, cur, outcome, max_doubts)
    drop_stages(conn)
    return outcome


def _region_deaths(conn: Connection, run_id: int, cur: Any) -> None:
    """The region's deaths ФЕРЗЛ still has as current (few: formatted here)."""
    r = stage_region
    rows = conn.execute(sa.select(r.c.enp, r.c.death_date).select_from(
        r.join(cur, cur.c.enp == r.c.enp)).where(r.c.death_date.is_not(None))).all()
    if rows:
        conn.execute(discrepancies.insert(), [
            {"run_id": run_id, "kind": "death", "enp": enp, "federal": "",
             "regional": died.strftime("%d.%m.%Y"), "status": "open"} for enp, died in rows])


def _doubts(conn: Connection, run_id: int, ins: Any, cur: Any, outcome: Outcome,
            max_doubts: int) -> None:
    r = stage_region
    insured = sa.and_(r.c.death_date.is_(None), r.c.smo.is_not(None))
    missing = (sa.select(r.c.enp).select_from(r.outerjoin(ins, ins.c.enp == r.c.enp))
               .where(insured, ins.c.enp.is_(None)).order_by(r.c.enp))
    not_current = (sa.select(r.c.enp).select_from(
        r.join(ins, ins.c.enp == r.c.enp).outerjoin(cur, cur.c.enp == r.c.enp))
        .where(insured, cur.c.enp.is_(None)).order_by(r.c.enp))
    for doubt, query in (("missing", missing), ("not_current", not_current)):
        left = max_doubts - len(outcome.doubts)
        found = list(conn.execute(query.limit(max(left, 0))).scalars())
        outcome.doubts.extend((enp, doubt) for enp in found)
        if len(found) == max(left, 0):
            rest = conn.execute(query.offset(max(left, 0))).scalars()
            kind = "regional" if doubt == "missing" else "policy"
            batch = [{"run_id": run_id, "kind": kind, "enp": enp, "status": "open",
                      "federal": "не проверено: превышен предел запросов сверки",
                      "regional": "застрахован"} for enp in rest]
            outcome.unchecked += len(batch)
            if batch:
                conn.execute(discrepancies.insert(), batch)
