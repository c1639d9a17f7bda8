"""``omshub nsi load|list|check`` against a database, without a running hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.cli import main


def test_load_list_and_check_from_the_command_line(
        dicts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'hub.db'}"]
    assert main(["nsi", "check", "F006", "2", "--on", "01.01.2015", *url]) == 2
    assert "справочник F006 не загружен" in capsys.readouterr().err

    assert main(["nsi", "load", str(dicts), *url]) == 0
    out = capsys.readouterr().out
    assert "F006 версия 3.1: 25 строк — загружена" in out and "N002 версия 2.5" in out
    assert main(["nsi", "load", str(dicts / "V002.xml"), *url]) == 0
    assert "уже была загружена, ничего не изменено" in capsys.readouterr().out

    assert main(["nsi", "list", *url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        ["F006", "3.1", "от 04.04.2018"], ["N002", "2.5", "от 29.12.2018"],
        ["V002", "3.0", "от 30.03.2018"], ["V009", "3.1", "от 13.04.2018"]]

    assert main(["nsi", "check", "F006", "2", "--on", "31.03.2018", *url]) == 0
    assert "2 действует на 31.03.2018 (F006 версии 3.1)" in capsys.readouterr().out
    assert main(["nsi", "check", "F006", "2", "--on", "01.04.2018", *url]) == 1
    assert "действует с 01.01.2011 по 31.03.2018" in capsys.readouterr().out
    assert main(["nsi", "check", "F006", "99", "--on", "01.04.2018", *url]) == 1
    assert "99 нет в справочнике F006" in capsys.readouterr().out


def test_a_bad_file_is_named_and_the_others_still_load(
        dicts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "V010.xml"
    bad.write_bytes(b"<packet><zglv>")
    url = ["--database-url", f"sqlite:///{tmp_path / 'hub.db'}"]
    assert main(["nsi", "load", str(bad), str(dicts / "F006.xml"), *url]) == 1
    captured = capsys.readouterr()
    assert "не загружен: V010.xml: XML повреждён или неполон" in captured.err
    assert "F006 версия 3.1" in captured.out
    with pytest.raises(SystemExit):
        main(["nsi", "check", "F006", "2", "--on", "2018-04-01", *url])


def test_without_a_database_url_the_embedded_default_is_used(
        dicts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # As README runs it on a fresh machine: no OMSHUB_DATABASE_URL, SQLite under var/.
    for name in ("OMSHUB_DATABASE_URL", "OMSHUB_DATA_DIR", "OMSHUB_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["nsi", "load", str(dicts / "V009.xml")]) == 0
    assert main(["nsi", "check", "V009", "101", "--on", "01.03.2024"]) == 0
    assert "101 действует на 01.03.2024" in capsys.readouterr().out
    assert (tmp_path / "var" / "omshub.db").is_file()
