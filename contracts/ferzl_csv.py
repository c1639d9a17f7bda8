"""The zipped CSV answers of ФЕРЗЛ's asynchronous operations, read as a stream of rows.

A Poll answer's ``content`` is a zip (attached by MTOM) holding one CSV: getAllCurrentEnp's
ЕНП, ЕРН, СНИЛС; getViewDataAttach's 24 columns of attachments; getInsuredUnassigned's six…
(the spec's «структура CSV файла»; the published fragments are comma-separated, without a
header, ``null`` for an absent value, quotes doubled inside quoted names). A file of a million
rows is read line by line from the zip member — never whole in memory.

A row that cannot be read — not in the file's encoding, an unclosed quote, a wrong number of
fields, a line too long — is reported (:class:`BrokenRow`: its line number and why) and
skipped; the rows after it are read as usual. An unclosed quote is not allowed to swallow the
rest of the file: a row may span at most ``max_row_lines`` lines, after which its first line
is reported and the lines after it read again.

Columns are reached by name (``row["ЕНП"]``): from the file's header when it has one (its
order wins), else from the :class:`Layout` of the operation.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LINE_LIMIT = 1 << 20
"""Bytes a line may take; a longer one is a broken row (and is skipped without being kept)."""
KEPT_BROKEN = 1000
"""Broken rows kept on the reader (all are passed to ``on_broken``)."""


@dataclass(frozen=True)
class Layout:
    """The columns of one operation's CSV and how the file is written."""

    columns: tuple[str, ...]
    header: bool | None = None
    """True: the first row names the columns; None: it does when it holds the names of
    ``columns`` (in any order)."""
    delimiter: str | None = None
    """None: ``;`` when the first line has more of them than commas, else ``,``."""
    encoding: str = "utf-8"
    null: str = "null"
    """The text of an absent value (an empty field is absent too)."""


LAYOUTS: dict[str, Layout] = {
    "getAllCurrentEnp": Layout(("ЕНП", "ЕРН", "СНИЛС")),
    "getViewDataAttach": Layout((
        "Период", "ЕНП", "Код СМО", "Краткое наименование СМО", "ОКАТО территории страхования",
        "Пол", "Возраст ЗЛ на 1 число", "Код МО ЮЛ в ОМС", "ИД МО ЮЛ",
        "Краткое наименование МО", "Территория прикрепления", "ИД МО филиала",
        "Код структурного подразделения МО", "Вид структурного подразделения МО",
        "ИД участка прикрепления к МО", "Тип прикрепления", "Профиль прикрепления",
        "Способ прикрепления", "Дата начала прикрепления", "Дата окончания прикрепления",
        "ИД мед. работника", "СНИЛС мед. работника", "Дата начала прикрепления к врачу",
        "Статус прикрепления")),
    "getInsuredUnassigned": Layout((
        "Период", "Код ОКАТО СМО", "ЕНП", "Код СМО", "Наименование СМО",
        "Код ОКАТО места жительства")),
}
"""The spec's CSV columns of the operations whose answers are CSV, by operation."""


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its line number (where it starts, 1-based) and its values by column."""

    line: int
    values: tuple[str | None, ...]
    columns: Mapping[str, int]

    def __getitem__(self, key: str | int) -> str | None:
        return self.values[key if isinstance(key, int) else self.columns[key]]

    def get(self, name: str) -> str | None:
        """The value of column ``name``; None when absent or the file has no such column."""
        at = self.columns.get(name)
        return self.values[at] if at is not None and at < len(self.values) else None

    def as_dict(self) -> dict[str, str | None]:
        """The row by column name."""
        return {name: self.values[at] for name, at in self.columns.items()}


@dataclass(frozen=True, slots=True)
class BrokenRow:
    """A row that was skipped: where and why (in Russian, for the journal)."""

    line: int
    why: str


class _Lines:
    """The file's lines as text, numbered, with lines given back to be read again."""

    def __init__(self, raw: IO[bytes], encoding: str, max_row_lines: int) -> None:
        self.raw = raw
        self.encoding = encoding
        self.max_row_lines = max_row_lines
        self.number = 0
        self.pending: deque[tuple[int, str, str | None]] = deque()
        self.taken: list[tuple[int, str, str | None]] = []
        """The lines of the row being read: number, text, what is wrong with it."""

    def peek(self) -> str:
        if not self.pending:
            got = self._read()
            if got is None:
                return ""
            self.pending.append(got)
        return self.pending[0][1]

    def _read(self) -> tuple[int, str, str | None] | None:
        data = self.raw.readline(LINE_LIMIT)
        if not data:
            return None
        self.number += 1
        if self.number == 1:
            data = data.removeprefix(b"\xef\xbb\xbf")
        if len(data) >= LINE_LIMIT and not data.endswith(b"\n"):
            while (more := self.raw.readline(LINE_LIMIT)) and not more.endswith(b"\n"):
                pass
            return self.number, "\n", f"строка длиннее {LINE_LIMIT} байт"
        try:
            return self.number, data.decode(self.encoding), None
        except UnicodeDecodeError as exc:
            return (self.number, data.decode(self.encoding, "replace"),
                    f"строка не в кодировке {self.encoding} (байт {exc.start + 1})")

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= self.max_row_lines:
            raise _Runaway
        got = self.pending.popleft() if self.pending else self._read()
        if got is None:
            raise StopIteration
        self.taken.append(got)
        return got[1]

    def give_back(self) -> int:
        """Forget the row being read but its first line; the others are read again.
        Returns the first line's number."""
        first, *rest = self.taken
        self.pending.extendleft(reversed(rest))
        self.taken = []
        return first[0]


class _Runaway(Exception):
    """A row spans more lines than a row may: an unclosed quote swallowing the file."""


@dataclass
class CsvStream:
    """The rows of a ФЕРЗЛ CSV answer — a zip (the CSV inside it) or the CSV itself — from
    a path, bytes or a seekable binary stream (an MTOM part)."""

    source: str | Path | bytes | IO[bytes]
    layout: Layout | None = None
    on_broken: Callable[[BrokenRow], None] | None = None
    member: str | None = None
    """The zip member to read; default: the only ``.csv`` one (or the only file)."""
    max_row_lines: int = 50
    rows: int = 0
    """Rows read so far (the header and broken rows not counted)."""
    broken: list[BrokenRow] = field(default_factory=list)
    """The first :data:`KEPT_BROKEN` broken rows."""
    broken_count: int = 0
    columns: dict[str, int] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Row]:
        with _opened(self.source, self.member) as raw:
            yield from self._rows(raw)

    def _rows(self, raw: IO[bytes]) -> Iterator[Row]:
        layout = self.layout or Layout((), header=True)
        lines = _Lines(raw, layout.encoding, self.max_row_lines)
        first = lines.peek()
        delimiter = layout.delimiter or (";" if first.count(";") > first.count(",") else ",")
        names = [n.strip() for n in next(csv.reader([first], delimiter=delimiter), [])]
        header = layout.header if layout.header is not None else bool(layout.columns) and (
            sorted(n.casefold() for n in names) == sorted(c.casefold() for c in layout.columns))
        self.columns = {n: i for i, n in enumerate(names if header else layout.columns)}
        if header:
            next(lines)
        width = len(self.columns)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        while True:
            lines.taken = []
            try:
                fields = next(reader)
            except StopIteration:
                return
            except (_Runaway, csv.Error) as exc:
                why = (f"незакрытая кавычка: строка поглощает больше {self.max_row_lines} "
                       "строк файла") if isinstance(exc, _Runaway) else f"ошибка CSV: {exc}"
                self._report(lines.give_back(), why)
                reader = csv.reader(lines, delimiter=delimiter, strict=True)
                continue
            if not fields or fields == [""]:
                continue  # a blank line
            start = lines.taken[0][0]
            wrong = next((w for _, _, w in lines.taken if w), None)
            if wrong is None and width and len(fields) != width:
                wrong = f"полей {len(fields)}, а должно быть {width}"
            if wrong is not None:
                self._report(start, wrong)
                continue
            self.rows += 1
            yield Row(start, tuple(None if v in ("", layout.null) else v for v in fields),
                      self.columns)

    def _report(self, line: int, why: str) -> None:
        broken = BrokenRow(line, why)
        self.broken_count += 1
        if len(self.broken) < KEPT_BROKEN:
            self.broken.append(broken)
        if self.on_broken is not None:
            self.on_broken(broken)


class _opened:
    """The CSV's bytes as a stream: the zip member, or the source itself."""

    def __init__(self, source: str | Path | bytes | IO[bytes], member: str | None) -> None:
        self.source = source
        self.member = member
        self.closing: list[IO[bytes] | zipfile.ZipFile] = []

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.source, bytes):
            stream: IO[bytes] = io.BytesIO(self.source)
        elif isinstance(self.source, str | Path):
            stream = open(self.source, "rb")  # noqa: SIM115 - closed in __exit__
            self.closing.append(stream)
        else:
            stream = self.source
        head = stream.read(4)
        stream.seek(0)
        if head != b"PK\x03\x04":
            return stream
        archive = zipfile.ZipFile(stream)
        self.closing.append(archive)
        member = self.member or _member(archive.namelist())
        opened = archive.open(member)
        self.closing.append(opened)
        return opened

    def __exit__(self, *exc: object) -> None:
        for item in reversed(self.closing):
            item.close()


def _member(names: Sequence[str]) -> str:
    files = [n for n in names if not n.endswith("/")]
    csvs = [n for n in files if n.lower().endswith(".csv")]
    chosen = csvs if len(csvs) == 1 else files
    if len(chosen) != 1:
        raise ValueError("в архиве ответа ФЕРЗЛ не один CSV-файл: "
                         + (", ".join(files) or "архив пуст"))
    return chosen[0]
