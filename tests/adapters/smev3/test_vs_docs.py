"""docs/smev3-types.md lists exactly the built-in information types, as generated."""

from __future__ import annotations

from pathlib import Path

from adapters.smev3.types import discover
from adapters.smev3.vs.doc import END, START, rewrite

DOC = Path(__file__).resolve().parents[3] / "docs" / "smev3-types.md"


def test_the_table_of_installed_types_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text
    assert rewrite(text, discover()) == text, (
        "docs/smev3-types.md is stale: python -m adapters.smev3.vs.doc --write "
        "docs/smev3-types.md")


def test_every_built_in_type_is_described() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in ("zags.fatal", "zags.fataloiv", "ffoms.services", "fns.egrul", "fns.egrip"):
        assert f"**`{key}`**" in text
    assert text.count("awaiting a public schema") >= 14
