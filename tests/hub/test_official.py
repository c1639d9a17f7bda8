"""``omshub schemas``: what the plug-ins read from the schema directory, and installing a set.

The published files are the fixtures' (../shared/fixtures), used in place as the source an
operator unpacked; the schema directory is a temporary one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hub.cli import main
from tests.conftest import SHARED, unavailable

SMEV3 = SHARED / "fixtures" / "smev3"
ENVELOPE_1_3 = "smev-message-exchange-types-1.3.xsd"


@pytest.fixture
def schemas_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not SMEV3.is_dir():
        unavailable(f"no СМЭВ 3 fixtures at {SMEV3}")
    target = tmp_path / "schemas"
    monkeypatch.setenv("OMSHUB_SCHEMAS_DIR", str(target))
    return target


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if f" {name} " in line)


def test_a_set_is_checked_installed_and_listed_with_what_it_enables(
        schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas"]) == 0
    before = capsys.readouterr().out
    assert _line(before, ENVELOPE_1_3).startswith("нет") and "установлено 0 из" in before

    assert main(["schemas", "import", str(SMEV3)]) == 0
    out = capsys.readouterr().out
    assert (schemas_dir / "smev3" / "1.3" / ENVELOPE_1_3).is_file()
    envelope = _line(out, ENVELOPE_1_3)
    assert envelope.startswith("есть") and "конверты СМЭВ 3 версии 1.3" in envelope
    assert _line(out, "zags-fatal-ru-root.xsd").startswith("есть")
    assert _line(out, "smev-message-exchange-types-1.2.xsd").startswith("есть")  # repaired
    assert _line(out, "OPLIST.xsd").startswith("нет")  # the register's are another set
    # ФРИ's root imports a file its publisher never published: installed as it is, listed
    # as incomplete with the file it waits for, the rest of the set not held up by it.
    fri = out.splitlines()
    at = fri.index(_line(out, "extraction-invalid-data-1.0.3.xsd"))
    assert fri[at].startswith("неполная")
    assert "extraction-invalid-data-attachments-1.0.0.xsd" in fri[at + 1]

    assert main(["schemas", "import", str(SMEV3)]) == 0  # the same set again: replaced
    capsys.readouterr()
    assert main(["schemas"]) == 0
    assert _line(capsys.readouterr().out, ENVELOPE_1_3).startswith("есть")


def test_a_set_with_a_broken_schema_is_refused_and_nothing_is_copied(
        schemas_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unpacked = tmp_path / "download"
    shutil.copytree(SMEV3 / "1.3", unpacked / "1.3")
    broken = unpacked / "1.3" / ENVELOPE_1_3
    broken.write_bytes(broken.read_bytes().replace(b"</xs:schema>", b""))
    assert main(["schemas", "import", str(unpacked)]) == 1
    err = capsys.readouterr().err
    assert "набор не установлен, ничего не скопировано" in err and ENVELOPE_1_3 in err
    assert not list(schemas_dir.rglob("*.xsd"))


def test_a_second_copy_of_an_installed_schema_is_refused(
        schemas_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "import", str(SMEV3)]) == 0
    other = tmp_path / "other-download"
    shutil.copytree(SMEV3 / "1.3", other / "1.3")
    assert main(["schemas", "import", str(other)]) == 1
    err = capsys.readouterr().err
    assert "уже есть другая копия smev3/1.3/" + ENVELOPE_1_3 in err
    assert not (schemas_dir / "other-download").exists()


def test_a_folder_without_any_known_file_is_refused(
        schemas_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "readme.xml").write_text("<a/>", encoding="utf-8")
    assert main(["schemas", "import", str(tmp_path / "letters")]) == 1
    assert "нет ни одного файла, который читают установленные модули" in capsys.readouterr().err


def test_without_a_schema_directory_the_command_says_where_to_set_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OMSHUB_SCHEMAS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no omshub.toml here
    assert main(["schemas"]) == 2
    assert "OMSHUB_SCHEMAS_DIR" in capsys.readouterr().err
