"""docs/smev3-types.md lists exactly the built-in information types, and the types awaiting a
public schema, as generated."""

from __future__ import annotations

from pathlib import Path

from adapters.smev3.types import TypeCatalogue, discover
from adapters.smev3.vs.awaiting import AWAITING, AWAITING_SCHEMA
from adapters.smev3.vs.doc import AWAITING_END, AWAITING_START, END, START, rewrite

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
    for entry in AWAITING:
        assert f"| {entry.title} |" in text, entry.title


def test_the_awaiting_list_keeps_only_what_has_no_schema() -> None:
    titles = " ".join(entry.title for entry in AWAITING)
    # Implemented by issue 12: ЗАГС acts to agencies, СНИЛС by personal data, the ФРИ extract.
    for implemented in ("112-01", "112-03", "112-08", "112-46", "112-48", "инвалид",
                        "дополнительным сведениям"):
        assert implemented not in titles
    for kept in ("Обращения граждан", "выборе (замене) страховой", "Временное свидетельство",
                 "ЕГРИП", "ЕГРЮЛ", "работающих застрахованных", "лицевого счёта",
                 "112-23", "112-24", "112-25", "112-26", "112-27", "112-47", "112-49"):
        assert kept in titles, kept
    assert all(entry.status == AWAITING_SCHEMA == "ожидает публичной схемы"
               for entry in AWAITING)


def test_the_hand_written_awaiting_table_is_replaced_once_by_the_generated_one() -> None:
    document = (f"# Types\n{START}\n{END}\n\n## Awaiting\n\n"
                "| Type (as the seeds name it) | Role for the fund | Status |\n"
                "| --- | --- | --- |\n| Disability extract | consumer | awaiting |\n\nAfter.\n")
    generated = rewrite(document, TypeCatalogue())
    assert "Disability extract" not in generated and generated.endswith("\n\nAfter.\n")
    body = generated.split(AWAITING_START)[1].split(AWAITING_END)[0]
    assert body.count("| ожидает публичной схемы |") == len(AWAITING)
    assert rewrite(generated, TypeCatalogue()) == generated
