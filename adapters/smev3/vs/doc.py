"""The table of installed information types for docs/smev3-types.md (generated, not typed).

``python -m adapters.smev3.vs.doc --write docs/smev3-types.md`` rewrites the table between
the markers; a test fails when the document and the installed types drift apart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

from adapters.smev3.types import TypeCatalogue, discover
from contracts.registry import type_of

START = "<!-- installed-types:start -->"
END = "<!-- installed-types:end -->"


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


def rewrite(document: str, catalogue: TypeCatalogue) -> str:
    """The document with the table between the markers replaced."""
    head, _, rest = document.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table(catalogue)}\n{END}{tail}"


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
