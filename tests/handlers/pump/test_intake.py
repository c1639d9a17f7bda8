"""PUMP-1 on both databases: a good package stores every case and person; each kind of bad
input is refused with its code and a Russian reason and leaves no rows; a duplicate is
refused; a package refused may come again fixed."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from lxml import etree

from contracts.schemas import SchemaStore
from handlers.pump.intake import problems as p
from handlers.pump.intake.problems import problems_of
from handlers.pump.intake.reader import records
from handlers.pump.intake.store import Outcome, Received, take
from handlers.pump.models import pump_cases, pump_packages, pump_persons
from handlers.pump.settings import PumpSettings
from handlers.pump.synth.packages import Break, PackageSpec
from handlers.pump.xml import H_NS
from storage.db import Database
from tests.handlers.pump.conftest import entries, package

SPEC = PackageSpec(mo="020101", year=2024, month=3, cases=40)
NAME = "HM020101T02_24031"


def _take(db: Database, data: bytes, file_name: str, schemas: SchemaStore | None,
          limits: PumpSettings | None = None) -> Outcome:
    got = Received(file_name, "020101", "mo-020101", f"m-{hashlib.sha1(data).hexdigest()}",
                   hashlib.sha256(data).hexdigest(), len(data), datetime.now(UTC))
    with db.transaction() as conn:
        return take(conn, data, got, schemas, limits)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def _rows(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(pump_cases)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(pump_persons)).scalar_one())


def _refused(db: Database, outcome: Outcome, code: str, words: str) -> None:
    assert not outcome.accepted
    with db.read() as conn:
        (problem,) = problems_of(conn, outcome.package_id)
        row = conn.execute(sa.select(pump_packages).where(
            pump_packages.c.id == outcome.package_id)).one()
    assert (problem.code, row.status) == (code, "refused")
    assert words in problem.message and row.reason == problem.message
    assert _rows(db) == (0, 0)


def test_a_good_package_stores_every_case_and_person(db: Database,
                                                     schemas: SchemaStore) -> None:
    data = package(SPEC)
    outcome = _take(db, data, f"{NAME}.zip", schemas)
    assert outcome.accepted and outcome.cases == 40 and outcome.problems == []
    h = entries(data)[f"{NAME}.xml"].decode("cp1251")
    with db.read() as conn:
        cases = conn.execute(sa.select(pump_cases).order_by(pump_cases.c.n_zap)).all()
        persons = conn.execute(sa.select(pump_persons)).all()
        row = conn.execute(sa.select(pump_packages)).one()
    assert [c.n_zap for c in cases] == list(range(1, 41))
    assert (row.status, row.mo, row.period, row.name, row.cases) == (
        "accepted", "020101", "2024-03", NAME, 40)
    assert row.total == sum(c.sumv for c in cases) and f"<SUMMAV>{row.total}<" in h
    assert cases[0].sl_ids == ["1-1"] and cases[0].services >= 1
    assert {c.id_pac for c in cases} == {x.id_pac for x in persons}
    assert all(x.surname and x.born and len(x.snils) == 11 for x in persons)
    assert sum(c.sumv for c in cases) > Decimal(0)


def test_a_zip_without_its_l_file(db: Database, schemas: SchemaStore) -> None:
    files = entries(package(SPEC))
    data = _zip({f"{NAME}.xml": files[f"{NAME}.xml"]})
    _refused(db, _take(db, data, f"{NAME}.zip", schemas), p.CONTENT,
             "нет файла «LM020101T02_24031.xml»")


def test_a_file_in_another_encoding(db: Database, schemas: SchemaStore) -> None:
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=3, encoding="utf-8")
    _refused(db, _take(db, package(spec), f"{NAME}.zip", schemas), p.ENCODING,
             "должна быть windows-1251")
    files = entries(package(SPEC))
    disguised = files["LM020101T02_24031.xml"].decode("cp1251").encode("utf-8")
    data = _zip({f"{NAME}.xml": files[f"{NAME}.xml"], "LM020101T02_24031.xml": disguised})
    _refused(db, _take(db, data, f"{NAME}.zip", schemas), p.ENCODING, "байты — текст в UTF-8")


def test_names_that_do_not_match_the_content(db: Database, schemas: SchemaStore) -> None:
    # the zip renamed: its files are another package's
    _refused(db, _take(db, package(SPEC), "HM020101T02_24032.zip", schemas), p.CONTENT,
             "нет файла «HM020101T02_24032.xml»")
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=3,
                       breaks=(Break("ZGLV/FILENAME1", "HM020101T02_24039", file="L"),))
    _refused(db, _take(db, package(spec), f"{NAME}.zip", schemas), p.NAME, "FILENAME1")
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=3,
                       breaks=(Break("SCHET/CODE_MO", "020999"),))
    _refused(db, _take(db, package(spec), f"{NAME}.zip", schemas), p.NAME, "CODE_MO")
    _refused(db, _take(db, package(SPEC), "account-march.zip", schemas), p.NAME,
             "не соответствует правилу")


def test_malformed_xml_and_invalid_xml(db: Database, schemas: SchemaStore) -> None:
    files = entries(package(SPEC))
    cut = files[f"{NAME}.xml"][:-200]
    data = _zip({f"{NAME}.xml": cut, "LM020101T02_24031.xml": files["LM020101T02_24031.xml"]})
    _refused(db, _take(db, data, f"{NAME}.zip", schemas), p.XML, "правильно построенным XML")
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=30,
                       breaks=(Break("Z_SL/SL/DS1", "ГРИПП", record=25),))
    _refused(db, _take(db, package(spec), f"{NAME}.zip", schemas), p.SCHEMA, "DS1")


def test_xxe_is_refused_before_parsing(db: Database, schemas: SchemaStore) -> None:
    files = entries(package(SPEC))
    evil = files[f"{NAME}.xml"].replace(
        b"?>", b'?><!DOCTYPE ZL_LIST [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    data = _zip({f"{NAME}.xml": evil, "LM020101T02_24031.xml": files["LM020101T02_24031.xml"]})
    _refused(db, _take(db, data, f"{NAME}.zip", schemas), p.DTD, "DTD")


def test_a_zip_bomb_and_a_broken_zip(db: Database, schemas: SchemaStore) -> None:
    files = entries(package(SPEC))
    bomb = _zip({f"{NAME}.xml": files[f"{NAME}.xml"], "LM020101T02_24031.xml":
                 files["LM020101T02_24031.xml"] + b" " * 50_000_000})
    assert len(bomb) < 1_000_000
    _refused(db, _take(db, bomb, f"{NAME}.zip", schemas), p.ZIP_LIMIT, "zip-бомбы")
    many = _zip({f"x{i}.xml": b"<a/>" for i in range(20)})
    _refused(db, _take(db, many, f"{NAME}.zip", schemas, PumpSettings(max_entries=8)),
             p.ZIP_LIMIT, "не более 8")
    _refused(db, _take(db, b"PK\x03\x04 not really", f"{NAME}.zip", schemas), p.ZIP,
             "не является архивом")


def test_a_patient_missing_from_the_l_file(db: Database, schemas: SchemaStore) -> None:
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=5,
                       breaks=(Break("PACIENT/ID_PAC", "P999999999", record=5),))
    _refused(db, _take(db, package(spec), f"{NAME}.zip", schemas), p.LINK, "P999999999")


def test_a_duplicate_is_refused_and_a_refused_package_may_come_again(
        db: Database, schemas: SchemaStore) -> None:
    broken = PackageSpec(mo="020101", year=2024, month=3, cases=5,
                         breaks=(Break("Z_SL/SL/DS1", "??", record=2),))
    assert not _take(db, package(broken), f"{NAME}.zip", schemas).accepted
    first = _take(db, package(SPEC), f"{NAME}.zip", schemas)
    assert first.accepted
    again = _take(db, package(SPEC), f"{NAME}.zip", schemas)
    assert not again.accepted and again.problems[0].code == p.DUPLICATE
    assert "с тем же содержимым" in again.problems[0].message
    other = PackageSpec(mo="020101", year=2024, month=3, cases=41)  # same name, other bytes
    renamed = _take(db, package(other), f"{NAME}.zip", schemas)
    assert not renamed.accepted and "с тем же именем" in renamed.problems[0].message
    assert _rows(db)[0] == 40


def test_a_file_is_read_one_record_at_a_time(schemas: SchemaStore) -> None:
    h = entries(package(PackageSpec(mo="020101", year=2024, month=3, cases=500)))[
        f"{NAME}.xml"]
    everything = sum(1 for _ in etree.fromstring(h).iter())
    before, held = [], []
    for element in records(lambda: io.BytesIO(h), f"{NAME}.xml", H_NS, "ZAP",
                           schemas.schema("OMS-D1-1-NEW.xsd")):
        root = element.getparent()
        assert root is not None
        before.append(root.index(element))
        held.append(sum(1 for _ in root.iter()))  # this record and what is read ahead
    assert len(before) == 502 and max(before) <= 1  # the records taken are gone
    assert max(held) < everything // 20


def test_a_half_copied_package_is_refused(db: Database, schemas: SchemaStore) -> None:
    data = package(SPEC)
    _refused(db, _take(db, data[: len(data) // 2], f"{NAME}.zip", schemas), p.ZIP,
             "не является архивом zip или повреждён")
