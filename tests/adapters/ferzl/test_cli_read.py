"""``omshub ferzl read``: every published envelope read, every ЕНП, ОИП and СНИЛС of an
answer printed, deviations reported and not fatal, what cannot be read refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adapters.ferzl.cli import example_envelopes, main
from contracts.xmlsafe import parse
from tests.adapters.ferzl.conftest import EXAMPLES, FERZL_FIXTURES, ferzl_fixtures

LOOSE = EXAMPLES.parent / "examples-loose"
EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.txt"), *LOOSE.glob("*.txt")])
ROOT = Path(__file__).resolve().parents[3]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["read", *argv, "--schemas-dir", str(ferzl_fixtures())])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def _identifiers(envelope: bytes) -> set[str]:
    """Every ЕНП, ОИП and СНИЛС text of a message, by the local names ФЕРЗЛ gives them
    (``enp``, ``oip``, ``snils``, ``policyNumEnp``, ``mergeAncessorOip``, ``snilsDoctor``…);
    a СНИЛС as its digits, as the fund keeps it."""
    found = set()
    for el in parse(envelope).iter(tag=etree.Element):
        name = etree.QName(el).localname.lower()
        value = (el.text or "").strip()
        if len(el) or not value:
            continue
        if (name.startswith("snils") or name.endswith("snils")) and not name.startswith(
                "status"):  # statusSnils is the record's status
            found.add(re.sub(r"\D", "", value))
        elif name.endswith(("enp", "oip")):
            found.add(value)
    return found


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_identifier_of_every_answer_is_printed(
        capsys: pytest.CaptureFixture[str], path: Path) -> None:
    ferzl_fixtures()
    envelopes = example_envelopes(path.read_bytes())
    if not envelopes:
        # The one published .txt without an envelope: the signed document before encoding,
        # which `omshub ferzl read` refuses as no ФЕРЗЛ message.
        assert path.name == "пример запроса до перекодирования.txt"
        code, _, err = _run(capsys, str(path))
        assert code == 1 and err
        return
    code, printed, err = _run(capsys, str(path))
    assert code == 0, err
    assert [m["caption"] for m in printed] == [c for c, _ in envelopes]
    for (_, envelope), shown in zip(envelopes, printed, strict=True):
        if shown["message"]["direction"] != "answer":
            continue
        text = json.dumps(shown["message"], ensure_ascii=False)
        missing = {i for i in _identifiers(envelope) if f'"{i}"' not in text}
        assert not missing, f"{shown['caption']}: {missing}"


def test_the_deviating_answers_print_their_deviations(capsys: pytest.CaptureFixture[str]) -> None:
    deviating = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        code, printed, _ = _run(capsys, str(path))
        assert code == 0
        deviating += [m for m in printed if m["deviations"]]
    assert len(deviating) == 15
    assert all(m["message"]["direction"] == "answer" for m in deviating)


def test_a_bare_envelope_prints_one_object(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = EXAMPLES / "запрос-ответ getPersonData ЕНП.txt"
    answer = tmp_path / "answer.xml"
    answer.write_bytes(example_envelopes(source.read_bytes())[1][1])
    code, printed, err = _run(capsys, str(answer))
    assert code == 0
    [person] = printed["message"]["persons"]
    assert (person["enp"], person["oip"], person["snils"], person["birth_date"]) == (
        "6193099726000157", "200052519467", "15697566129", "2009-06-23")
    assert "attachments" in person and "addresses" not in person  # absent, not empty
    [deviation] = printed["deviations"]
    assert "mCapitation" in deviation
    assert "отклонений от схемы: 1" in err


@pytest.mark.parametrize(("content", "reason"), [
    (b"<soapenv:Envelope><soapenv:Body>", "это не XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
     "DTD"),
])
def test_malformed_xml_and_xxe_are_refused_with_a_reason(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    code, printed, err = _run(capsys, str(bad))
    assert (code, printed) == (1, None)
    assert f"не удалось прочитать {bad}" in err and reason in err
    assert "root:" not in err  # the entity was not resolved


def test_the_command_in_a_process_of_its_own(tmp_path: Path) -> None:
    """Exit codes as a shell sees them (``python -m adapters.ferzl.cli``, the same command
    ``omshub ferzl`` runs once the entry point is installed)."""
    answer = EXAMPLES / "запрос-ответ getMergeAncessorOip.txt"
    missing = tmp_path / "нет.xml"
    ran = [subprocess.run([sys.executable, "-m", "adapters.ferzl.cli", "read", str(f),
                           "--schemas-dir", str(ferzl_fixtures())],
                          capture_output=True, text=True, cwd=ROOT, check=False)
           for f in (answer, missing)]
    assert ran[0].returncode == 0 and "900358580772" in ran[0].stdout
    assert ran[1].returncode == 2 and "не удалось открыть" in ran[1].stderr


def test_through_omshub_when_the_entry_point_is_installed() -> None:
    if not any(ep.name == "ferzl" for ep in entry_points(group="omshub.cli")):
        pytest.skip("the omshub.cli entry point «ferzl» is not installed yet")
    ran = subprocess.run([sys.executable, "-m", "hub.cli", "ferzl", "read",
                          str(EXAMPLES / "запрос-ответ registerSnils.txt"),
                          "--schemas-dir", str(FERZL_FIXTURES)],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert ran.returncode == 0, ran.stderr
    assert "100358602354" in ran.stdout
