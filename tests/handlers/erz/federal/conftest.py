"""Fixtures of the reconciliation tests: a register of synthetic persons on both footprints and
ФЕРЗЛ's three mass files of them, written as the simulator writes them, with one difference
of each kind planted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from contracts.erz.register import Death, Reason, Source
from handlers.erz import models
from handlers.erz.federal import reconcile_tables  # noqa: F401 - its tables in the metadata
from handlers.erz.register.bulk import load_persons
from handlers.erz.register.checks import enp_check_digit
from handlers.erz.register.core import Register
from handlers.erz.synth import population as synth
from storage.db import Database

ON = date(2025, 1, 1)
"""The day the register is compared on (the synthetic population's reference date)."""
AT = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
OTHER_SMO, OTHER_MO, OTHER_SNILS = "76999", "760199", "11223344595"
MOVED_ON = date(2024, 11, 15)
REGION_DIED = date(2024, 12, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The register's tables on SQLite (embedded) and on PostgreSQL (production)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'erz.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    database = Database(url)
    models.metadata.create_all(database.engine)
    yield database
    database.dispose()


def zipped(name: str, lines: list[str]) -> bytes:
    """One CSV in a zip, as ФЕРЗЛ attaches its results."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, "\n".join(lines) + "\n")
    return out.getvalue()


@dataclass
class World:
    """The register's persons, the files and the differences planted in them."""

    persons: list[synth.SynthPerson]
    files: dict[str, bytes] = field(default_factory=dict)
    expected: set[tuple[str, str, str, str]] = field(default_factory=set)
    """(kind, ЕНП, federal, regional) the comparison must find."""
    doubts: set[tuple[str, str]] = field(default_factory=set)


def insured(people: list[synth.SynthPerson]) -> list[synth.SynthPerson]:
    """Adults whose policy is in force on :data:`ON`."""
    return [p for p in people if p.policy.date_begin <= ON
            and (p.policy.date_end is None or p.policy.date_end >= ON)
            and p.data.birth_date.year < 2000 and p.attachment.date_attach <= ON]


def _insurance(enp: str, smo: str, snils: str) -> str:
    return f"01.2025,{enp},Э,{enp},1,1980,44,Г,{smo},null,78000,null,null,null,null,14,RUS," \
           f"200000000001,{snils or 'null'}"


def _attach(enp: str, mo: str, since: date) -> str:
    cells = ["01.2025", enp, "76001", "СМО", "78000", "1", "44Г", mo, f"1.2.3.{mo}",
             f"МО {mo}", "78000", "null", "null", "null", "1", "1", "1", "1",
             since.isoformat(), "null", "null", "null", "null", "ДПП"]
    return ",".join(cells)


def build(db: Database, count: int = 40) -> World:
    """Load ``count`` persons and write ФЕРЗЛ's files of them with one difference of each
    kind, a federal-only person and a broken row."""
    people = list(synth.population(count, 76))
    with db.transaction() as conn:
        load_persons(conn, people, source=Source("test"), at=AT)
    world = World(people)
    p = insured(people)
    insurer, snils, moved, dead, merged, region_dead = p[:6]
    with db.transaction() as conn:
        Register(conn, Source("test"), clock=lambda: AT).register_death(
            region_dead.enp, Death(REGION_DIED), Reason("П022", "смерть"))
    first15 = "76" + "9" * 13
    newcomer = first15 + enp_check_digit(first15)
    ins, cur, att = [], [], []
    for person in people:
        smo = OTHER_SMO if person is insurer else person.policy.smo
        number = OTHER_SNILS if person is snils else person.snils
        if person is merged:
            continue
        ins.append(_insurance(person.enp, smo, number))
        if person is not dead:
            cur.append(f"{person.enp},null,{number or 'null'}")
        mo = OTHER_MO if person is moved else person.attachment.mo
        att.append(_attach(person.enp, mo, MOVED_ON if person is moved
                           else person.attachment.date_attach))
    ins.append(_insurance(newcomer, "76001", ""))
    cur.append(f"{newcomer},null,null")
    cur.insert(3, "7600000000000000,null")  # a broken row: two fields of three
    world.files = {"insurance": zipped("getViewDataInsurance.csv", ins),
                   "current": zipped("getAllCurrentEnp.csv", cur),
                   "attach": zipped("getViewDataAttach.csv", att)}
    world.expected = {
        ("insurer", insurer.enp, OTHER_SMO, insurer.policy.smo),
        ("snils", snils.enp, OTHER_SNILS, snils.snils),
        ("attachment", moved.enp, OTHER_MO, moved.attachment.mo),
        ("absent", newcomer, newcomer, ""),
        ("death", region_dead.enp, "", REGION_DIED.strftime("%d.%m.%Y"))}
    world.doubts = {(merged.enp, "missing"), (dead.enp, "not_current")}
    return world
