"""``omshub migrate revision --plugin NAME -m TEXT``: a plug-in's revisions in one command.

A third-party plug-in ("notes", a package in a temporary directory, declared under the entry
point group ``omshub.migrations``) writes its first revision, which starts its branch, then,
after its model gains a column, the next one; ``omshub migrate`` applies both and the schema
then equals its model.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import storage.migrate
from hub.cli import main
from storage.autogen import schema_diff
from storage.db import Database
from storage.migrate import GROUP, upgrade, versions

PACKAGE = "omshub_revision_notes"
SAMPLE = '''"""A plug-in's migrations."""

from pathlib import Path

import sqlalchemy as sa


def metadata() -> sa.MetaData:
    """Its one table, with the columns named in columns.txt."""
    md = sa.MetaData()
    extra = Path(__file__).with_name("columns.txt").read_text().split()
    sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True),
             *(sa.Column(name, sa.String(40)) for name in extra))
    return md
'''


@pytest.fixture
def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The notes plug-in's migrations package, installed under ``omshub.migrations``."""
    package = tmp_path / "site" / PACKAGE / "migrations"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text(SAMPLE)
    (package / "columns.txt").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    installed = storage.migrate.entry_points

    def entry_points(group: str) -> list[EntryPoint]:
        found = list(installed(group=group))
        if group == GROUP:
            found.append(EntryPoint("notes", f"{PACKAGE}.migrations", GROUP))
        return found

    monkeypatch.setattr(storage.migrate, "entry_points", entry_points)
    yield package


def test_one_command_writes_a_plugin_revision(notes: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "revision", "--plugin", "notes", "-m", "notes"]) == 0
    [first] = notes.glob("notes_0001_*.py")
    assert str(first) in capsys.readouterr().out
    text = first.read_text().replace("'", '"')
    assert 'branch_labels = ("notes",)' in text and 'depends_on = "0001"' in text
    assert '"notes"' in text and "op.create_table(" in text

    db = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(db)
    assert versions(db)["notes"] == "notes_0001"
    assert schema_diff(db) == []

    (notes / "columns.txt").write_text("note")
    assert schema_diff(db) == ["add_column notes.note"]
    assert main(["migrate", "revision", "--plugin", "notes", "-m", "a note"]) == 0
    [second] = notes.glob("notes_0002_*.py")
    text = second.read_text().replace("'", '"')
    assert 'down_revision = "notes_0001"' in text and "add_column" in text

    upgrade(db)
    assert versions(db)["notes"] == "notes_0002"
    assert schema_diff(db) == []
    db.dispose()


def test_an_unknown_plugin_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "revision", "--plugin", "erx", "-m", "x"]) == 2
    assert "did you mean erz" in capsys.readouterr().err
