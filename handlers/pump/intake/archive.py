"""A package's zip: opened within limits, holding exactly its main file and its L file.

The limits are read from the zip's directory before anything is unpacked (entry count,
each file's unpacked size, its ratio to the packed size); ``zipfile`` never unpacks more
than an entry declares, so a lying directory ends in a CRC error, not in a bomb.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from handlers.pump.intake.problems import CONTENT, NAME, ZIP, ZIP_LIMIT, refuse
from handlers.pump.names import MAIN_TYPES, BadName, PackageName, parse_name
from handlers.pump.settings import PumpSettings


@dataclass(frozen=True)
class Package:
    """An opened package: its name and the names of its two entries."""

    zip: zipfile.ZipFile
    name: PackageName
    main: str
    personal: str


def open_package(data: bytes, file_name: str, limits: PumpSettings) -> Package:
    """The package's zip checked as a whole (``Refused`` with the first problem)."""
    try:
        name = parse_name(file_name)
    except BadName as exc:
        raise refuse(NAME, f"Пакет: {exc}", file_name) from None
    if name.type not in MAIN_TYPES or not file_name.lower().endswith(".zip"):
        raise refuse(NAME, f"Пакет «{file_name}»: ожидается архив zip с именем файла счетов "
                     "(H, T, C, D*)", file_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(ZIP, f"Пакет «{file_name}» не является архивом zip или повреждён "
                     f"({exc})", file_name) from None
    _limits(infos, file_name, limits)
    files = {i.filename: i for i in infos if not i.is_dir()}
    main, personal = f"{name.stem}.xml", f"{name.personal().stem}.xml"
    missing = [n for n in (main, personal) if not _present(files, n)]
    extra = sorted(n for n in files if n.lower() not in (main.lower(), personal.lower()))
    if missing or extra:
        said = []
        if missing:
            said.append("нет файла " + ", ".join(f"«{m}»" for m in missing))
        if extra:
            said.append("лишние файлы " + ", ".join(f"«{e}»" for e in extra))
        raise refuse(CONTENT, f"Пакет «{file_name}» должен содержать ровно два файла — "
                     f"«{main}» и «{personal}»: {'; '.join(said)}", file_name)
    return Package(archive, name, _actual(files, main), _actual(files, personal))


def _present(files: dict[str, zipfile.ZipInfo], name: str) -> bool:
    return any(n.lower() == name.lower() for n in files)


def _actual(files: dict[str, zipfile.ZipInfo], name: str) -> str:
    return next(n for n in files if n.lower() == name.lower())


def _limits(infos: list[zipfile.ZipInfo], file_name: str, limits: PumpSettings) -> None:
    if len(infos) > limits.max_entries:
        raise refuse(ZIP_LIMIT, f"Пакет «{file_name}»: в архиве {len(infos)} файлов, "
                     f"допустимо не более {limits.max_entries}", file_name)
    for info in infos:
        if info.file_size > limits.max_file_bytes:
            raise refuse(ZIP_LIMIT, f"Пакет «{file_name}»: файл «{info.filename}» в "
                         f"распакованном виде {info.file_size} байт, допустимо не более "
                         f"{limits.max_file_bytes}", file_name)
        if info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise refuse(ZIP_LIMIT, f"Пакет «{file_name}»: файл «{info.filename}» сжат в "
                         f"{info.file_size // max(info.compress_size, 1)} раз, допустимо не "
                         f"более {limits.max_ratio} (признак zip-бомбы)", file_name)
