"""What the simulated portal publishes: each dictionary's versions, as the ФФОМС portal does.

The list (``GET /data?pageId=refbookList…``) is JSON ``{"list": [...]}``, one item per
dictionary with its current ``user_version``, ``d.code``, ``id`` and ``providerParam``
(``<id>v<version>``), as public clients of nsi.ffoms.ru read it; a version is a zip with one
XML (``GET /refbook?type=XML&id=<id>&version=<version>``), in windows-1251. The real fixture
dictionaries are served as they are (their bytes); the synthetic ones
(:mod:`contracts.nsi_synthetic`) are written as XML here. :meth:`SimulatedPortal.publish_next`
publishes a new version of a dictionary (one row added) so that a refresh has something to
pick up.
"""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from contracts.nsi_reader import DictionaryFile
from contracts.nsi_synthetic import (
    ISSUED,
    Rows,
    dictionary_xml,
    next_version,
    row_added,
    synthetic,
)


@dataclass
class Published:
    """One version of one dictionary as the portal serves it."""

    code: str
    ident: int
    version: str
    issued: date
    short_name: str
    full_name: str
    row_tag: str
    rows: Rows
    raw: bytes | None = field(default=None, repr=False)
    """The XML as received (a real fixture file), served unchanged."""

    def xml(self) -> bytes:
        """The dictionary XML in windows-1251."""
        if self.raw is not None:
            return self.raw
        return dictionary_xml(self.short_name, self.version, self.issued, self.row_tag,
                              self.rows)

    def zip(self) -> bytes:
        """The zip the portal answers with: one XML named after the code."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{self.code}.xml", self.xml())
        return buffer.getvalue()


def read_catalog(path: Path | None) -> dict[str, tuple[str, str, date]]:
    """The catalogue CSV (code, name, version, last_update) → code → (name, version, date)."""
    if path is None or not path.is_file():
        return {}
    found = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for item in csv.DictReader(handle):
            try:
                issued = datetime.strptime(item["last_update"], "%d.%m.%Y").date()
            except (KeyError, ValueError):
                issued = ISSUED
            found[item["code"]] = (item.get("name", ""), item.get("version", "1.0"), issued)
    return found


class SimulatedPortal:
    """The published dictionaries; safe to read and publish from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.versions: dict[str, list[Published]] = {}
        self._ids = 1000

    def add(self, published: Published) -> Published:
        """Publish a version (the newest of its dictionary from now on)."""
        with self._lock:
            self.versions.setdefault(published.code, []).append(published)
        return published

    def ident(self, code: str) -> int:
        """The portal's internal id of a dictionary (stable for its versions)."""
        if code in self.versions:
            return self.versions[code][0].ident
        self._ids += 1
        return self._ids

    def current(self) -> list[Published]:
        """The newest version of each dictionary, by code."""
        with self._lock:
            return [v[-1] for _, v in sorted(self.versions.items())]

    def listing(self) -> dict[str, object]:
        """The JSON of the list of dictionaries."""
        return {"list": [{
            "id": p.ident, "user_version": p.version, "shortName": p.short_name,
            "fullName": p.full_name, "d": {"code": p.code, "mnemonic": p.short_name},
            "providerParam": f"{p.ident}v{p.version}",
            "last_update": f"{p.issued:%d.%m.%Y}"} for p in self.current()]}

    def find(self, ident: int, version: str) -> Published | None:
        """A version by the portal's id and version."""
        with self._lock:
            for versions in self.versions.values():
                for p in versions:
                    if p.ident == ident and p.version == version:
                        return p
        return None

    def publish_next(self, code: str, on: date | None = None) -> Published:
        """A new version of ``code``: the newest's rows and one more (key ``<last>9``)."""
        with self._lock:
            last = self.versions[code][-1]
        return self.add(Published(code, last.ident, next_version(last.version),
                                  on or date.today(), last.short_name, last.full_name,
                                  last.row_tag, row_added(code, last.rows)))


def build(fixtures: Path | None, catalog: Path | None) -> SimulatedPortal:
    """The fixture dictionaries found in ``fixtures`` (as they are) and the synthetic ones
    (their versions and names from the catalogue when given)."""
    portal, names = SimulatedPortal(), read_catalog(catalog)
    for path in sorted(fixtures.glob("*.xml")) if fixtures and fixtures.is_dir() else []:
        raw = path.read_bytes()
        reader = DictionaryFile(io.BytesIO(raw), path.name)
        rows = [r.data for r in reader.rows()]
        header = reader.header
        assert header is not None  # rows() raises without one
        portal.add(Published(header.code, portal.ident(header.code), header.version,
                             header.issued, header.short_name,
                             names.get(header.code, ("", "", ISSUED))[0], "zap", rows, raw))
    for code, (short, tag, rows) in synthetic().items():
        if code in portal.versions:
            continue
        full, version, issued = names.get(code, (f"{code} (синтетический)", "1.0", ISSUED))
        portal.add(Published(code, portal.ident(code), version, issued, short, full, tag, rows))
    return portal
