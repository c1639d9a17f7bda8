"""Synthetic dictionaries in the ФФОМС format: made up, never the ФФОМС's contents.

Shared by the portal's simulator (``adapters/nsi/simulator``), which serves them, and the
НСИ handler's demo (``handlers/nsi/demo.py``), which loads them into ``omshub up``'s store — an
adapter and a handler share only ``contracts/``. :func:`dictionary_xml` writes one version,
:func:`next_version` and :func:`row_added` make the next version of one.

No current copy of F002, F003/F032, V006, V008, V010, V012, V014, V021 or M001 is public
(../shared/fixtures/nsi/README.md, "Gaps"), so the simulator serves small made-up ones in the
only layout the fixtures document: ``packet/zglv/zap`` with a key, a name and DATEBEG/DATEEND
(F002 in its documented ``insCompany`` layout). The codes and names are plausible for tests
and the demo; they are not the federal dictionaries and must never be loaded into production.
One row of each is closed (a DATEEND in the past) so that checks on dates have something to
find.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from contracts.nsi_reader import KEYS

Rows = list[dict[str, str]]

OPEN = ""
CLOSED = "31.12.2018"

# code: (zglv/type, key element, name element, [(key, name)])
PLAIN: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {
    "V006": ("UslMp", "IDUMP", "UMPNAME", [
        ("1", "Стационарно"), ("2", "В дневном стационаре"), ("3", "Амбулаторно"),
        ("4", "Вне медицинской организации")]),
    "V008": ("VidMp", "IDVMP", "VMPNAME", [
        ("1", "Первичная медико-санитарная помощь"), ("2", "Скорая медицинская помощь"),
        ("3", "Специализированная медицинская помощь"), ("4", "Паллиативная помощь")]),
    "V010": ("Sposob", "IDSP", "SPNAME", [
        ("23", "За единицу объёма"), ("28", "За медицинскую услугу"), ("29", "За посещение"),
        ("30", "За обращение"), ("33", "За законченный случай")]),
    "V012": ("Ishod", "IDIZ", "IZNAME", [
        ("101", "Выздоровление"), ("102", "Улучшение"), ("103", "Без перемен"),
        ("104", "Ухудшение"), ("301", "Выздоровление (амбулаторно)")]),
    "V014": ("FrMp", "IDFRMMP", "FRMMPNAME", [
        ("1", "Экстренная"), ("2", "Неотложная"), ("3", "Плановая")]),
    "V021": ("MedSpec", "IDSPEC", "SPECNAME", [
        ("1", "Терапия"), ("2", "Хирургия"), ("3", "Педиатрия"), ("4", "Акушерство"),
        ("5", "Общая врачебная практика")]),
    "M001": ("MKB10", "IDDS", "DSNAME", [
        ("A09", "Диарея и гастроэнтерит"), ("I10", "Гипертензия"), ("J06.9", "ОРВИ"),
        ("C16.0", "Новообразование кардии"), ("S72.0", "Перелом шейки бедра")]),
    "F003": ("MO", "mcod", "nam_mok", [
        ("780001", "ГБУЗ «Городская больница № 1»"), ("780002", "ГБУЗ «Детская поликлиника № 2»"),
        ("780003", "ООО «Клиника здоровья»")]),
    "F032": ("TRMO", "MCOD", "NAM_MOK", [
        ("780001", "ГБУЗ «Городская больница № 1»"), ("780002", "ГБУЗ «Детская поликлиника № 2»"),
        ("780003", "ООО «Клиника здоровья»"), ("780004", "ГБУЗ «Центр реабилитации»")]),
}

ISSUED = date(2024, 1, 1)
"""zglv/date of a synthetic dictionary when no catalogue says its version."""

SHORT_NAMES = {code: spec[0] for code, spec in PLAIN.items()} | {"F002": "smo"}


def plain_rows(code: str) -> Rows:
    """The rows of a plain synthetic dictionary; the last one closed since 01.01.2019."""
    _, key, name, items = PLAIN[code]
    rows = [{key: k, name: n, "DATEBEG": "01.01.2011", "DATEEND": OPEN} for k, n in items]
    rows[-1]["DATEEND"] = CLOSED
    return rows


def f002_rows(okato: str = "40000") -> Rows:
    """Three СМО in the insCompany layout of F002; nested groups as ``group/leaf``."""
    smo = [("78001", "АО «Страховая компания „Здоровье“»", "Здоровье", "7800000001"),
           ("78002", "ООО «Медицинское страхование»", "Медстрах", "7800000002"),
           ("78003", "АО «Полис-Север»", "Полис-Север", "7800000003")]
    rows = []
    for n, (code, full, short, inn) in enumerate(smo):
        rows.append({
            "tf_okato": okato, "smocod": code, "nam_smop": full, "nam_smok": short,
            "inn": inn, "Ogrn": f"10278000000{n}", "KPP": "780101001",
            "jurAddress": "г. Санкт-Петербург", "pstAddress": "г. Санкт-Петербург",
            "licenziy/n_doc": f"ОС № {1000 + n}", "licenziy/d_start": "01.01.2015",
            "licenziy/data_e": "",
            "insInclude/d_begin": "01.01.2011", "insInclude/d_end": CLOSED if n == 2 else "",
            "insAdvice/YEAR_WORK": "2024", "insAdvice/kol_zl": str(300000 + n * 1000),
            "d_edit": "01.01.2024"})
    return rows


def synthetic() -> dict[str, tuple[str, str, Rows]]:
    """Every synthetic dictionary: code → (zglv/type, row element, rows)."""
    found: dict[str, tuple[str, str, Rows]] = {
        code: (spec[0], "zap", plain_rows(code)) for code, spec in PLAIN.items()}
    found["F002"] = ("smo", "insCompany", f002_rows())
    return found


def dictionary_xml(short_name: str, version: str, issued: date, row_tag: str,
                   rows: Rows) -> bytes:
    """One version as a dictionary XML (``packet/zglv/zap``) in windows-1251; a column named
    ``group/leaf`` is written as the leaf inside its group (F002's ``insInclude/d_end``)."""
    packet = etree.Element("packet")
    zglv = etree.SubElement(packet, "zglv")
    for name, value in (("type", short_name), ("version", version),
                        ("date", f"{issued:%d.%m.%Y}")):
        etree.SubElement(zglv, name).text = value
    for row in rows:
        zap = etree.SubElement(packet, row_tag)
        groups: dict[str, etree._Element] = {}
        for name, value in row.items():
            parent = zap
            if "/" in name:
                group, name = name.split("/", 1)
                if group not in groups:
                    groups[group] = etree.SubElement(zap, group)
                parent = groups[group]
            etree.SubElement(parent, name).text = value or None
    return bytes(etree.tostring(packet, xml_declaration=True, encoding="windows-1251",
                                pretty_print=True))


def next_version(version: str) -> str:
    """``3.1`` → ``3.2``, ``1.2701`` → ``1.2702``: the last number up by one."""
    head, _, last = version.rpartition(".")
    if not last.isdigit():
        return f"{version}.1"
    bumped = str(int(last) + 1).zfill(len(last))
    return f"{head}.{bumped}" if head else bumped


def row_added(code: str, rows: Rows) -> Rows:
    """The rows of a next version: these and one more, the last with key ``<key>9``, open."""
    copied = [dict(r) for r in rows]
    extra = dict(copied[-1])
    key = KEYS.get(code) or next(iter(extra))
    extra[key] = f"{extra[key]}9"
    for end in ("DATEEND", "insInclude/d_end"):
        if end in extra:
            extra[end] = ""
    return [*copied, extra]
