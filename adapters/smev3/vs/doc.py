"""The tables of docs/smev3-types.md (generated, not typed): the installed information types,
and the types the seeds name that await a public schema (:mod:`adapters.smev3.vs.awaiting`).

``python -m adapters.smev3.vs.doc --write docs/smev3-types.md`` rewrites each table between
its markers; a test fails when the document and the code drift apart. A document from before
the awaiting table was generated has its hand-written one replaced by the markers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

from adapters.smev3.types import TypeCatalogue, discover
from adapters.smev3.vs.awaiting import AWAITING, AwaitingType
from contracts.registry import type_of

START = "<!-- installed-types:start -->"
END = "<!-- installed-types:end -->"
AWAITING_START = "<!-- awaiting-types:start -->"
AWAITING_END = "<!-- awaiting-types:end -->"
HAND_WRITTEN = "| Type (as the seeds name it) |"
"""The first line of the awaiting table as it was written by hand, replaced once."""


BUILT_IN = "adapters.smev3.vs."


def table(catalogue: TypeCatalogue) -> str:
    """A Markdown table of the built-in types: key, title, role, protocol, schema, the
    message types on the bus and the bound models of the XML."""
    lines = ["| Key | Title | Role | СМЭВ | Schema (file name) | On the bus | Bound XML |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for key in sorted(catalogue.types):
        info = catalogue.types[key]
        if not type(info).__module__.startswith(BUILT_IN):
            continue  # a third-party type documents itself
        bus = _keys(info.bus_request, info.bus_response)
        bound = _keys(info.request_model, info.response_model)
        lines.append(f"| `{key}` | {info.title} | {info.role} | {info.protocol} | "
                     f"`{info.request_schema}` | {bus} | {bound if bound != bus else 'same'} |")
    return "\n".join(lines)


def _keys(*models: type[BaseModel] | None) -> str:
    return ", ".join(f"`{type_of(m).key}`" for m in models if m is not None)


def awaiting_table(entries: tuple[AwaitingType, ...] = AWAITING) -> str:
    """A Markdown table of the types awaiting a public schema, in Russian as the console
    shows them."""
    lines = ["| Type | Role | Status | What was searched |", "| --- | --- | --- | --- |"]
    lines += [f"| {e.title} | {e.role} | {e.status} | {e.searched} |" for e in entries]
    return "\n".join(lines)


def _between(document: str, start: str, end: str, body: str) -> str:
    head, _, rest = document.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def _mark_hand_written(document: str) -> str:
    """The hand-written awaiting table (its contiguous table lines) replaced by the markers."""
    lines = document.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith(HAND_WRITTEN)), None)
    if first is None:
        return document
    last = first
    while last + 1 < len(lines) and lines[last + 1].startswith("|"):
        last += 1
    lines[first:last + 1] = [AWAITING_START, AWAITING_END]
    return "\n".join(lines)


def rewrite(document: str, catalogue: TypeCatalogue) -> str:
    """The document with both tables between their markers replaced."""
    document = _between(document, START, END, table(catalogue))
    if AWAITING_START not in document:
        document = _mark_hand_written(document)
    if AWAITING_START in document:
        document = _between(document, AWAITING_START, AWAITING_END, awaiting_table())
    return document


def main(argv: list[str] | None = None) -> int:
    """Print the table, or rewrite it in a document with ``--write``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", metavar="FILE", help="rewrite the table in this document")
    args = parser.parse_args(argv)
    catalogue = discover()
    if args.write:
        path = Path(args.write)
        path.write_text(rewrite(path.read_text(encoding="utf-8"), catalogue), encoding="utf-8")
    else:
        sys.stdout.write(table(catalogue) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
