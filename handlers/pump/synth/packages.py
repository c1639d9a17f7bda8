"""A synthetic package: the H and L files of VERSION 3.1 zipped, written as a stream.

Each ZAP (and each PERS) is built as a small element, written to the zip entry through
``lxml.etree.xmlfile`` and dropped: a package of 100,000 cases never exists in memory.
SCHET/SUMMAV precedes the cases, so a first pass adds up the cases' sums (plain data, no
XML). The files carry no namespace, as federal files do; the regional elements the fixture
XSD requires (SCHET/PODR, SL/PRVS_R, IDDOKT, TARIF_R) are written so that they validate.

A :class:`Break` sets (or removes) one element of one record after it is built, sums
included, so that a test can break exactly one rule.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from lxml import etree

from handlers.pump.names import PackageName
from handlers.pump.synth.cases import CONDITIONS, Case, Person, Stay, case, person, persons_for
from handlers.pump.xml import ENCODING

VERSION = "3.1"


@dataclass(frozen=True)
class Break:
    """Set ``path`` (relative to the record: ``Z_SL/SL/DS1``, ``PACIENT/NPOLIS``; or
    ``ZGLV/…``, ``SCHET/…`` of the header) of record ``record`` (1-based: the N-th ZAP of H,
    the N-th PERS of L) in file ``file`` (``H`` or ``L``) to ``value``; None removes it."""

    path: str
    value: str | None
    file: str = "H"
    record: int = 1


@dataclass(frozen=True)
class PackageSpec:
    """What to generate: a clinic's package for a month."""

    mo: str
    year: int
    month: int
    cases: int
    number: str = "1"
    tfoms: str = "02"
    seed: int = 1
    created: date | None = None
    breaks: tuple[Break, ...] = ()
    encoding: str = ENCODING
    extra: dict[str, bytes] = field(default_factory=dict)
    """More zip entries (name → bytes), for tests of a package that holds too much."""

    @property
    def name(self) -> PackageName:
        """The H file's (and the zip's) name."""
        return PackageName("H", "M", self.mo, "T", self.tfoms, self.year, self.month,
                           self.number)


def _el(parent: etree._Element, tag: str, text: object) -> etree._Element:
    child = etree.SubElement(parent, tag)
    child.text = text if isinstance(text, str) else str(text)
    return child


def _money(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _apply(element: etree._Element, breaks: Iterable[Break]) -> None:
    for b in breaks:
        target = element if b.path == element.tag else element.find(b.path)
        if target is None:
            parent_path, _, tag = b.path.rpartition("/")
            parent = element.find(parent_path) if parent_path else element
            if parent is None or b.value is None:
                continue
            target = etree.SubElement(parent, tag)
        if b.value is None:
            parent = target.getparent()
            if parent is not None:
                parent.remove(target)
        else:
            target.text = b.value


def _zap(spec: PackageSpec, c: Case) -> etree._Element:
    zap = etree.Element("ZAP")
    _el(zap, "N_ZAP", c.index + 1)
    _el(zap, "PR_NOV", 0)
    pac = etree.SubElement(zap, "PACIENT")
    _el(pac, "ID_PAC", _id_pac(c.patient))
    _el(pac, "VPOLIS", 3)
    _el(pac, "NPOLIS", person(spec.seed, c.patient).enp)
    _el(pac, "NOVOR", 0)
    z = etree.SubElement(zap, "Z_SL")
    _el(z, "IDCASE", c.index + 1)
    _el(z, "USL_OK", c.care)
    vidpom, _, idsp, _, _ = CONDITIONS[c.care]
    _el(z, "VIDPOM", vidpom)
    _el(z, "FOR_POM", c.form)
    _el(z, "LPU", spec.mo)
    _el(z, "DATE_Z_1", c.stays[0].begin.isoformat())
    _el(z, "DATE_Z_2", c.stays[-1].end.isoformat())
    if c.care in (1, 2):
        _el(z, "KD_Z", max(1, (c.stays[-1].end - c.stays[0].begin).days))
    _el(z, "RSLT", c.result)
    _el(z, "ISHOD", c.outcome)
    _el(z, "IDSP", idsp)
    _el(z, "SUMV", _money(c.total))
    for n, stay in enumerate(c.stays, start=1):
        _sl(z, spec, c, n, stay)
    return zap


def _sl(z: etree._Element, spec: PackageSpec, c: Case, n: int, stay: Stay) -> None:
    sl = etree.SubElement(z, "SL")
    _el(sl, "SL_ID", f"{c.index + 1}-{n}")
    _el(sl, "LPU_1", spec.mo)
    _el(sl, "PROFIL", stay.profile)
    _el(sl, "DET", 0)
    _el(sl, "NHISTORY", f"{spec.year}/{c.index + 1}-{n}")
    _el(sl, "DATE_1", stay.begin.isoformat())
    _el(sl, "DATE_2", stay.end.isoformat())
    if c.care in (1, 2):
        _el(sl, "KD", max(1, (stay.end - stay.begin).days))
    _el(sl, "DS1", stay.diagnosis)
    _el(sl, "PRVS_R", stay.speciality)
    _el(sl, "PRVS", stay.speciality)
    _el(sl, "VERS_SPEC", "V021")
    _el(sl, "IDDOKT", f"{10_000_000_000 + stay.speciality * 1_000 + n}")
    _el(sl, "ED_COL", "1.00")
    _el(sl, "TARIF_R", _money(stay.total))
    _el(sl, "TARIF", _money(stay.total))
    _el(sl, "SUM_M", _money(stay.total))
    for k, s in enumerate(stay.services, start=1):
        usl = etree.SubElement(sl, "USL")
        _el(usl, "IDSERV", f"{c.index + 1}-{n}-{k}")
        _el(usl, "LPU", spec.mo)
        _el(usl, "PROFIL", stay.profile)
        _el(usl, "DET", 0)
        _el(usl, "DATE_IN", stay.begin.isoformat())
        _el(usl, "DATE_OUT", stay.end.isoformat())
        _el(usl, "DS", stay.diagnosis)
        _el(usl, "CODE_USL", s.code)
        _el(usl, "KOL_USL", f"{s.count}.00")
        _el(usl, "TARIF", _money(s.tariff))
        _el(usl, "SUMV_USL", _money(s.total))
        _el(usl, "PRVS", s.speciality)
        _el(usl, "CODE_MD", f"{10_000_000_000 + s.speciality * 1_000 + n}")


def _id_pac(index: int) -> str:
    return f"P{index + 1:09d}"


def _pers(p: Person) -> etree._Element:
    pers = etree.Element("PERS")
    _el(pers, "ID_PAC", _id_pac(p.index))
    _el(pers, "FAM", p.surname)
    _el(pers, "IM", p.name)
    _el(pers, "OT", p.patronymic)
    _el(pers, "W", p.sex)
    _el(pers, "DR", p.born.isoformat())
    _el(pers, "DOCTYPE", 14)
    _el(pers, "DOCSER", p.doc_series)
    _el(pers, "DOCNUM", p.doc_number)
    _el(pers, "SNILS", p.snils)
    _el(pers, "STATUS", 1)
    _el(pers, "OKATOG", "80401000000")
    _el(pers, "OKATOP", "80401000000")
    return pers


def _breaks(spec: PackageSpec, file: str, record: int | None) -> list[Break]:
    return [b for b in spec.breaks if b.file == file and
            (b.record == record if record is not None else b.path.split("/")[0] in
             ("ZGLV", "SCHET"))]


def _cases(spec: PackageSpec) -> Iterator[Case]:
    for i in range(spec.cases):
        yield case(spec.seed, i, spec.cases, spec.year, spec.month)


def _write_h(raw: IO[bytes], spec: PackageSpec, created: date) -> None:
    name = spec.name
    total = sum(c.total for c in _cases(spec))
    with etree.xmlfile(raw, encoding=spec.encoding) as xf:
        xf.write_declaration()
        with xf.element("ZL_LIST"):
            head = etree.Element("HEAD")
            zglv = etree.SubElement(head, "ZGLV")
            _el(zglv, "VERSION", VERSION)
            _el(zglv, "DATA", created.isoformat())
            _el(zglv, "FILENAME", name.stem)
            _el(zglv, "SD_Z", spec.cases)
            schet = etree.SubElement(head, "SCHET")
            for tag, value in (("CODE", f"{spec.number}"[-8:]), ("CODE_MO", spec.mo),
                               ("PODR", 1), ("YEAR", spec.year), ("MONTH", spec.month),
                               ("NSCHET", f"{spec.month:02d}-{spec.number}"),
                               ("DSCHET", created.isoformat()), ("PLAT", spec.tfoms),
                               ("SUMMAV", _money(total))):
                _el(schet, tag, value)
            _apply(head, _breaks(spec, "H", None))
            for part in head:
                xf.write(part)
            for c in _cases(spec):
                zap = _zap(spec, c)
                _apply(zap, _breaks(spec, "H", c.index + 1))
                xf.write(zap)


def _write_l(raw: IO[bytes], spec: PackageSpec, created: date) -> None:
    name = spec.name
    with etree.xmlfile(raw, encoding=spec.encoding) as xf:
        xf.write_declaration()
        with xf.element("PERS_LIST"):
            head = etree.Element("HEAD")
            zglv = etree.SubElement(head, "ZGLV")
            _el(zglv, "VERSION", VERSION)
            _el(zglv, "DATA", created.isoformat())
            _el(zglv, "FILENAME", name.personal().stem)
            _el(zglv, "FILENAME1", name.stem)
            _apply(head, _breaks(spec, "L", None))
            for part in head:
                xf.write(part)
            for i in range(persons_for(spec.cases)):
                pers = _pers(person(spec.seed, i))
                _apply(pers, _breaks(spec, "L", i + 1))
                xf.write(pers)


def write_package(out: Path | IO[bytes], spec: PackageSpec) -> PackageName:
    """Write the package's zip (H file, then L file, then any extra entries) to ``out``."""
    created = spec.created or date(spec.year, spec.month, 1)
    name = spec.name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(f"{name.stem}.xml", "w", force_zip64=True) as raw:
            _write_h(raw, spec, created)
        with zf.open(f"{name.personal().stem}.xml", "w", force_zip64=True) as raw:
            _write_l(raw, spec, created)
        for entry, data in spec.extra.items():
            zf.writestr(entry, data)
    return name
