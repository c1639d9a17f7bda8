"""``omshub ferzl read FILE [--schemas-dir DIR]``: one ФЕРЗЛ message in the fund's terms
(``omshub ferzl call`` is :mod:`adapters.ferzl.cli_call`).

Reads a SOAP envelope (a request or an answer of any installed release) with
:func:`adapters.ferzl.reader.read_message` and prints, on stdout, one JSON object::

    {"message": {…the canonical form…}, "deviations": ["схема: строка 69: …", …]}

— the canonical form without what the message does not say, and every deviation from the
release's schema (the deviations are in the same JSON, under ``"deviations"``, so that one
document says both; stderr gets a one-line summary in Russian). The exit code is 0 when the
message was read, deviations or not; 1 with a Russian reason when it cannot be read (not
XML, XML with a DTD, not SOAP, not ФЕРЗЛ's); 2 when the file or the schema directory is
missing.

A convenience for the published examples (``examples-23.4.7/*.txt``): a file that is not
one XML document but holds envelopes after captions («Запрос», «Ответ start»…) has each
envelope read in turn; the output is then a JSON list of such objects, each with its
``"caption"`` (an envelope that cannot be read has ``"error"`` instead, and the exit code
is 1).

The schema directory is ``--schemas-dir`` or the hub's ``schemas_dir`` setting.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapters.ferzl.reader import NotXml, ReadError, ReadResult, read_message
from adapters.ferzl.releases import Releases

ENVELOPE_START = re.compile(rb"<(?:(?P<prefix>[\w.-]+):)?Envelope\b")


def register(subparsers: Any) -> None:
    """Add ``omshub ferzl …`` (entry point ``omshub.cli``: ``ferzl``)."""
    ferzl = subparsers.add_parser("ferzl", help="ФЕРЗЛ (ЦС ЕРЗ): сообщения веб-сервисов")
    commands = ferzl.add_subparsers(dest="ferzl_command", required=True)
    read = commands.add_parser(
        "read", help="прочитать сообщение ФЕРЗЛ (SOAP) и показать его в терминах фонда",
        description="Печатает каноническую форму сообщения (JSON) и все отклонения от "
        "схемы; код возврата не 0, только если сообщение нельзя прочитать.")
    read.add_argument("file", type=Path, help="файл с конвертом SOAP (или пример ФФОМС .txt)")
    read.add_argument("--schemas-dir", type=Path, default=None,
                      help="каталог схем с выпусками API ФЕРЗЛ (по умолчанию schemas_dir)")
    read.set_defaults(func=cmd_read)
    from adapters.ferzl.cli_call import add_parser

    add_parser(commands)


def cmd_read(args: argparse.Namespace) -> int:
    """Read the file's message(s) and print them; see the module's docstring."""
    schemas = args.schemas_dir or _configured_schemas_dir()
    if schemas is None:
        print("omshub ferzl read: каталог схем не задан: укажите --schemas-dir или "
              "schemas_dir в настройках хаба", file=sys.stderr)
        return 2
    if not Path(schemas).is_dir():
        print(f"omshub ferzl read: каталог схем {schemas} не найден", file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"omshub ferzl read: не удалось открыть {args.file}: {exc.strerror}",
              file=sys.stderr)
        return 2
    releases = Releases.discover(Path(schemas))
    try:
        result = read_message(data, releases)
    except NotXml as exc:
        found = example_envelopes(data)
        if not found:
            return _refused(args.file, exc)
        return _read_examples(found, releases)
    except ReadError as exc:
        return _refused(args.file, exc)
    _print(_shown(result))
    _summary(1, len(result.deviations))
    return 0


def example_envelopes(data: bytes) -> list[tuple[str, bytes]]:
    """The envelopes of a published example file, each with the caption before it
    («Запрос», «Ответ poll»…); empty when the file holds none."""
    found: list[tuple[str, bytes]] = []
    at = 0
    for start in ENVELOPE_START.finditer(data):
        if start.start() < at:
            continue
        prefix = start["prefix"] + b":" if start["prefix"] else b""
        end = data.find(b"</" + prefix + b"Envelope>", start.start())
        if end == -1:
            break
        end += len(b"</" + prefix + b"Envelope>")
        before = data[at:start.start()].decode("utf-8", "replace").strip().splitlines()
        found.append((before[-1].strip() if before else "", data[start.start():end]))
        at = end
    return found


def _read_examples(found: list[tuple[str, bytes]], releases: Releases) -> int:
    shown: list[dict[str, Any]] = []
    failed = deviations = 0
    for caption, envelope in found:
        try:
            result = read_message(envelope, releases)
        except ReadError as exc:
            failed += 1
            shown.append({"caption": caption, "error": str(exc)})
            continue
        deviations += len(result.deviations)
        shown.append({"caption": caption, **_shown(result)})
    _print(shown)
    _summary(len(found) - failed, deviations)
    if failed:
        print(f"не прочитано сообщений: {failed}", file=sys.stderr)
    return 1 if failed else 0


def _shown(result: ReadResult) -> dict[str, Any]:
    """The JSON of a message read: what it says (nothing it does not) and its deviations."""
    return {"message": _pruned(result.message.model_dump(mode="json")),
            "deviations": list(result.deviations)}


def _pruned(value: Any) -> Any:
    """``value`` without absent fields (None) and empty lists."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _summary(read: int, deviations: int) -> None:
    print(f"прочитано сообщений: {read}, отклонений от схемы: {deviations}", file=sys.stderr)


def _refused(file: Path, exc: ReadError) -> int:
    print(f"omshub ferzl read: не удалось прочитать {file}: {exc}", file=sys.stderr)
    return 1


def _configured_schemas_dir() -> Path | None:
    from hub.settings import load_settings

    return load_settings().schemas_dir


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m adapters.ferzl.cli read FILE …``: the same command without the hub's CLI
    (``omshub ferzl …`` once the entry point is installed)."""
    parser = argparse.ArgumentParser(prog="omshub")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["ferzl", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
