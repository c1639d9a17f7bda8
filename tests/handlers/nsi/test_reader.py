"""A dictionary is read as a stream: a big one is never held as one tree."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from contracts.nsi_reader import DictionaryFile
from contracts.xmlsafe import UnsafeXml
from handlers.nsi.store import sources

ROWS = 100_000


def big_dictionary(path: Path) -> Path:
    with path.open("wb") as out:
        out.write("<?xml version='1.0' encoding='windows-1251'?>\n<packet><zglv><type>MKB10"
                  "</type><version>9.9</version><date>01.01.2025</date></zglv>\n"
                  .encode("cp1251"))
        for n in range(ROWS):
            out.write(f"<zap><IDDS>K{n:06d}</IDDS><DSNAME>Диагноз номер {n} с длинным "
                      f"названием</DSNAME><DATEBEG>01.01.2011</DATEBEG><DATEEND/></zap>\n"
                      .encode("cp1251"))
        out.write(b"</packet>")
    return path


def rss() -> int:
    """This process's resident memory now, bytes (libxml2's trees included)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


class Counting:
    """A file that counts the bytes read from it."""

    def __init__(self, path: Path) -> None:
        self.handle, self.read_so_far = path.open("rb"), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.read_so_far += len(chunk)
        return chunk


def test_a_big_dictionary_is_read_row_by_row_in_little_memory(tmp_path: Path) -> None:
    path = big_dictionary(tmp_path / "M001.xml")
    size = path.stat().st_size
    stream = Counting(path)
    reader = DictionaryFile(stream, path.name)  # type: ignore[arg-type]
    rows = reader.rows()
    first = next(rows)
    assert first.key == "K000000" and stream.read_so_far < 200_000, "rows come as read"
    before, count, grown = rss(), 1, 0
    for _ in rows:
        count += 1
        if count == ROWS - 1000:
            grown = rss() - before
    stream.handle.close()
    assert count == ROWS and size > 10_000_000
    # Held as one tree, 100,000 rows of five elements take well over 100 MB in libxml2.
    assert grown < 30_000_000, f"grew {grown / 1e6:.0f} MB reading a {size / 1e6:.0f} MB file"


def test_xxe_inside_a_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "nsi.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("V002.xml", '<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY x SYSTEM '
                   '"file:///etc/hostname">]><packet><zglv><type>ProfOt</type><version>1'
                   "</version><date>01.01.2020</date></zglv><zap><IDPR>&x;</IDPR></zap>"
                   "</packet>")
    [source] = sources([archive])
    with source.open() as stream, pytest.raises(UnsafeXml, match="DOCTYPE"):
        list(DictionaryFile(stream, source.name).rows())
