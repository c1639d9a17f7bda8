"""The official schemas and dictionaries the installed plug-ins read (``omshub schemas``).

The product vendors no official schema or dictionary (invariant 9): the operator keeps them in the
schema directory (``schemas_dir``, ``OMSHUB_SCHEMAS_DIR``). Each plug-in declares what it
reads there and what that enables (:class:`contracts.schemas.OfficialFile` under the entry
point group ``omshub.schemas``); this module tells the operator what is installed and
installs a set the operator obtained:

- :func:`survey` — every declared file: found, missing, found twice, or not compiling;
- :func:`install` — checks a directory of published files and copies it into the schema
  directory only when every declared file it holds compiles (XSD) or parses (XML), and none
  would be found twice afterwards; nothing is copied otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from contracts.schemas import (
    OFFICIAL_GROUP,
    AmbiguousSchema,
    OfficialFile,
    SchemaIncomplete,
    SchemaNotFound,
    SchemaStore,
)
from contracts.xmlsafe import parse
from hub.settings import load_settings

COPIED = (".xsd", ".xml", ".wsdl")
"""What an installation copies: schemas, dictionaries, service descriptions."""


@dataclass(frozen=True)
class Declared:
    """A file a plug-in declares, with the plug-in's name."""

    plugin: str
    file: OfficialFile


@dataclass(frozen=True)
class Finding:
    """What became of one declared file in a directory."""

    declared: Declared
    state: str
    """``есть``, ``нет``, ``не одна копия``, ``неполная`` (it imports a file that is absent:
    a published set with a part never published) or ``ошибка``."""
    detail: str = ""
    path: Path | None = None

    @property
    def usable(self) -> bool:
        """Found once and compiled (or parsed)."""
        return self.state == "есть"


def declared() -> list[Declared]:
    """What every installed plug-in declares, in the order of the plug-ins' names."""
    found: list[Declared] = []
    for ep in sorted(entry_points(group=OFFICIAL_GROUP), key=lambda e: e.name):
        value = ep.load()
        files: Iterable[OfficialFile] = value() if callable(value) else value
        found.extend(Declared(ep.name, f) for f in files)
    return found


def check(root: Path, item: Declared) -> Finding:
    """Whether ``item`` is under ``root`` once and compiles (an XSD) or parses (XML)."""
    store = SchemaStore(root, item.file.repairs)
    try:
        path = store.find(item.file.name)
    except AmbiguousSchema as exc:
        return Finding(item, "не одна копия", str(exc))
    except SchemaNotFound as exc:
        return Finding(item, "нет", str(exc))
    try:
        if path.suffix == ".xsd":
            store.schema(item.file.name)
        else:
            parse(path.read_bytes())
    except SchemaIncomplete as exc:
        return Finding(item, "неполная", str(exc), path)
    except Exception as exc:  # noqa: BLE001 - any failure of a published file is reported
        return Finding(item, "ошибка", f"{type(exc).__name__}: {exc}", path)
    return Finding(item, "есть", "", path)


def survey(root: Path, items: Sequence[Declared]) -> list[Finding]:
    """Every declared file as it stands under ``root``."""
    return [check(root, item) for item in items]


class Refused(ValueError):
    """A set of files that is not installed, with every reason."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def install(source: Path, target: Path, items: Sequence[Declared]) -> list[Finding]:
    """Copy the published files under ``source`` into ``target/<source's name>/``.

    Refused (:class:`Refused`, nothing copied) when ``source`` holds none of the declared
    files, when one it holds does not compile or parse, or when a declared file it holds is
    already elsewhere under ``target`` (it would then be found twice; installing the same set
    again replaces its own copy). A schema that only lacks a file it imports (``неполная``:
    a part its publisher never published) does not stop the set: it is installed as it is
    and listed as incomplete, with the file it waits for.
    Returns what ``target`` holds afterwards, for every declared file.
    """
    if not source.is_dir():
        raise Refused([f"{source} — не каталог"])
    target.mkdir(parents=True, exist_ok=True)
    held = [f for f in survey(source, items) if f.state != "нет"]
    if not held:
        raise Refused([f"в {source} нет ни одного файла, который читают установленные "
                       "модули (`omshub schemas` покажет их список)"])
    reasons = [f"{f.declared.file.name}: {f.detail}" for f in held
               if not f.usable and f.state != "неполная"]
    place = target / source.name
    for f in held:
        if f.path is None:
            continue
        mine = place / f.path.relative_to(source)
        for other in target.rglob(f.path.name):
            if other != mine:
                reasons.append(f"{f.declared.file.name}: уже есть другая копия "
                               f"{other.relative_to(target)}; удалите её или уберите этот "
                               "файл из устанавливаемого набора")
    if reasons:
        raise Refused(reasons)
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix.lower() in COPIED:
            copy = place / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    return survey(target, items)


# -- the command line: ``omshub schemas`` and ``omshub schemas import DIR`` -------------------

def _print(findings: Sequence[Finding]) -> None:
    width = max((len(f.declared.file.name) for f in findings), default=10)
    for f in findings:
        print(f"{f.state:<14} {f.declared.file.name:<{width}}  {f.declared.plugin}: "
              f"{f.declared.file.enables}")
        if f.detail and f.state != "нет":
            print(f"{'':<14} {f.detail}")


def _root(args: argparse.Namespace) -> Path | None:
    root = load_settings().schemas_dir
    if root is None:
        print("каталог официальных схем не задан: укажите его в schemas_dir (omshub.toml) или "
              "в переменной OMSHUB_SCHEMAS_DIR", file=sys.stderr)
    return root


def cmd_list(args: argparse.Namespace) -> int:
    """What the installed plug-ins read from the schema directory, and what is there."""
    root = _root(args)
    if root is None:
        return 2
    findings = survey(root, declared())
    _print(findings)
    missing = sum(not f.usable for f in findings)
    print(f"\nкаталог {root}: установлено {len(findings) - missing} из {len(findings)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Check a directory of published files and install it into the schema directory."""
    root = _root(args)
    if root is None:
        return 2
    try:
        findings = install(Path(args.directory), root, declared())
    except Refused as exc:
        print("набор не установлен, ничего не скопировано:", file=sys.stderr)
        for reason in exc.reasons:
            print(f"  {reason}", file=sys.stderr)
        return 1
    print(f"установлено в {root / Path(args.directory).name}:")
    _print(findings)
    return 0


def register(sub: Any) -> None:
    """Add ``schemas`` and ``schemas import`` to the ``omshub`` parser."""
    schemas = sub.add_parser("schemas", help="official schemas and dictionaries the plug-ins "
                             "read: what is installed; `schemas import DIR` installs a set")
    schemas.set_defaults(func=cmd_list)
    steps = schemas.add_subparsers(dest="schemas_command")
    add = steps.add_parser("import", help="check a directory of published files and copy it "
                           "into the schema directory (schemas_dir)")
    add.add_argument("directory", help="where the published files were unpacked")
    add.set_defaults(func=cmd_import)
