"""The synthetic packages: named by the convention, windows-1251, valid against the fixture
XSDs, sums consistent, persons linked, a broken element breaks validation, written as a
stream, and ``omshub pump synth``."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from contracts.schemas import SchemaStore
from handlers.pump.synth.packages import Break, PackageSpec, write_package
from hub.cli import main
from tests.handlers.pump.conftest import entries, package, validate

SPEC = PackageSpec(mo="020101", year=2024, month=3, cases=300, number="7")


def test_a_package_is_an_h_and_an_l_file_valid_against_the_xsds(schemas: SchemaStore) -> None:
    files = entries(package(SPEC))
    assert list(files) == ["HM020101T02_24037.xml", "LM020101T02_24037.xml"]
    h, l_file = files["HM020101T02_24037.xml"], files["LM020101T02_24037.xml"]
    assert h.startswith(b"<?xml version='1.0' encoding='windows-1251'?>")
    assert validate(schemas, h, "H") > 300 * 20
    assert validate(schemas, l_file, "L") > 0
    assert "Иванов".encode("cp1251") in l_file or "Петров".encode("cp1251") in l_file


def test_sums_counts_names_and_patients_agree() -> None:
    files = entries(package(SPEC))
    h = etree.fromstring(files["HM020101T02_24037.xml"])
    pers = etree.fromstring(files["LM020101T02_24037.xml"])
    assert h.findtext("ZGLV/FILENAME") == "HM020101T02_24037"
    assert pers.findtext("ZGLV/FILENAME1") == "HM020101T02_24037"
    assert pers.findtext("ZGLV/FILENAME") == "LM020101T02_24037"
    zaps = h.findall("ZAP")
    assert int(h.findtext("ZGLV/SD_Z") or 0) == len(zaps) == 300
    assert Decimal(h.findtext("SCHET/SUMMAV") or "") == sum(
        Decimal(z.findtext("Z_SL/SUMV") or "") for z in zaps)
    for zap in zaps:
        sls = zap.findall("Z_SL/SL")
        assert Decimal(zap.findtext("Z_SL/SUMV") or "") == sum(
            Decimal(s.findtext("SUM_M") or "") for s in sls)
        for sl in sls:
            assert Decimal(sl.findtext("SUM_M") or "") == sum(
                Decimal(u.findtext("SUMV_USL") or "") for u in sl.findall("USL"))
    used = {z.findtext("PACIENT/ID_PAC") for z in zaps}
    listed = [p.findtext("ID_PAC") for p in pers.findall("PERS")]
    assert used == set(listed) and len(listed) == len(set(listed)) < 300
    assert len({z.findtext("Z_SL/IDCASE") for z in zaps}) == 300


def test_the_same_spec_gives_the_same_bytes_and_another_seed_others() -> None:
    assert entries(package(SPEC)) == entries(package(SPEC))
    other = PackageSpec(mo="020101", year=2024, month=3, cases=300, number="7", seed=2)
    assert entries(package(other)) != entries(package(SPEC))


def test_a_break_changes_exactly_that_element(schemas: SchemaStore) -> None:
    spec = PackageSpec(mo="020101", year=2024, month=3, cases=5,
                       breaks=(Break("Z_SL/SL/DS1", "БОЛЬ", record=3),
                               Break("PACIENT/NOVOR", None, record=4),
                               Break("FAM", None, file="L", record=2)))
    files = entries(package(spec))
    h = etree.fromstring(files["HM020101T02_24031.xml"])
    zaps = h.findall("ZAP")
    assert [z.findtext("Z_SL/SL/DS1") == "БОЛЬ" for z in zaps] == [False, False, True, False,
                                                                     False]
    assert [z.find("PACIENT/NOVOR") is None for z in zaps] == [False, False, False, True, False]
    with pytest.raises(etree.XMLSyntaxError, match="DS1"):
        validate(schemas, files["HM020101T02_24031.xml"], "H")
    with pytest.raises(etree.XMLSyntaxError, match="FAM"):
        validate(schemas, files["LM020101T02_24031.xml"], "L")


def test_a_large_package_is_written_as_a_stream(tmp_path: Path) -> None:
    out = tmp_path / "big.zip"
    tracemalloc.start()
    try:
        write_package(out, PackageSpec(mo="020101", year=2024, month=3, cases=4_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.stat().st_size > 500_000
    # 4,000 cases are some 9 MB of XML; the writer holds one case at a time
    assert peak < 2_000_000, peak


def test_the_cli_writes_a_package_named_by_the_convention(tmp_path: Path,
                                                          schemas: SchemaStore) -> None:
    code = main(["pump", "synth", "--mo", "020101", "--period", "2024-11", "--cases", "12",
                 "--number", "3", "--break", "Z_SL/SL/DS1@2=Q99", str(tmp_path)])
    assert code == 0
    files = entries((tmp_path / "HM020101T02_24113.zip").read_bytes())
    h = etree.fromstring(files["HM020101T02_24113.xml"])
    assert [z.findtext("Z_SL/SL/DS1") for z in h.findall("ZAP")][1] == "Q99"
    assert validate(schemas, files["HM020101T02_24113.xml"], "H") > 0
